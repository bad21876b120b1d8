// Vipps MobilePay's official Node SDK (`@vippsmobilepay/sdk`), unchanged, against the
// simulator: access token, ePayment (create, get, events, capture, refund, cancel, test
// approve) and the Webhooks API (register, list, delete), plus a webhook delivery checked
// by a verifier written here from Vipps' documented algorithm. The SDK always calls
// Vipps' test host; the only help it gets is a `fetch` that sends those requests to the
// simulator instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { Client } from '@vippsmobilepay/sdk';
import { startSimulator } from '../../../../testkit/index.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const TEST_HOST = 'https://apitest.vipps.no';
let sim;
let client;
let token;
const realFetch = globalThis.fetch;

before(async () => {
  sim = await startSimulator({ binary: process.env.VIPPS_SIM || resolve(ROOT, 'target/debug/vipps-sim') });
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(`${TEST_HOST}/`)) return realFetch(request);
    const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.text();
    return realFetch(`${sim.origin}${request.url.slice(TEST_HOST.length)}`, {
      method: request.method, headers: request.headers, body: body || undefined,
    });
  };
  client = Client({
    merchantSerialNumber: sim.credentials.msn,
    subscriptionKey: sim.credentials.subscriptionKey,
    useTestMode: true,
    retryRequests: false,
    systemName: 'vipps-checkout-compat',
    systemVersion: '1',
  });
  const answer = await client.auth.getToken(sim.credentials.clientId, sim.credentials.clientSecret);
  assert.ok(answer.ok, JSON.stringify(answer));
  token = answer.data.access_token;
});

after(async () => {
  globalThis.fetch = realFetch;
  await sim?.stop();
});

/** A local receiver for webhook deliveries: every request with its raw body. */
async function receiver() {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200).end();
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/hooks/vipps`;
  return { url, received, close: () => new Promise((ok) => server.close(ok)) };
}

/** Vipps' documented check of a delivery, written from the guide (not the simulator's code). */
function verify(secret, { path, headers, body }) {
  const hash = createHash('sha256').update(body).digest('base64');
  if (hash !== headers['x-ms-content-sha256']) return false;
  const signed = `POST\n${path}\n${headers['x-ms-date']};${headers.host};${hash}`;
  const signature = createHmac('sha256', secret).update(signed).digest('base64');
  return headers.authorization === `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`;
}

async function until(check) {
  for (let i = 0; i < 100; i++) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

test('the SDK registers webhooks, runs a payment from create to refund, and its deliveries verify', async () => {
  const hooks = await receiver();
  try {
    const registered = await client.webhook.register(token, {
      url: hooks.url,
      events: ['epayments.payment.authorized.v1', 'epayments.payment.captured.v1'],
    });
    assert.ok(registered.ok, JSON.stringify(registered));
    const { id, secret } = registered.data;
    const listed = await client.webhook.list(token);
    assert.ok(listed.ok);
    assert.deepEqual(listed.data.webhooks.map((w) => w.id), [id]);

    const reference = `sdk-${Date.now()}`;
    const created = await client.payment.create(token, {
      reference,
      amount: { currency: 'NOK', value: 49900 },
      paymentMethod: { type: 'WALLET' },
      userFlow: 'WEB_REDIRECT',
      returnUrl: `https://nordlys-strikk.no/return?orderId=${reference}`,
      paymentDescription: 'Strikkegenser',
    });
    assert.ok(created.ok, JSON.stringify(created));
    assert.equal(created.data.reference, reference);
    assert.match(created.data.redirectUrl, /token=/);

    const approved = await client.payment.forceApprove(token, reference, { customer: { phoneNumber: '4791234567' } });
    assert.ok(approved.ok, JSON.stringify(approved));
    const info = await client.payment.info(token, reference);
    assert.ok(info.ok);
    assert.equal(info.data.state, 'AUTHORIZED');
    assert.equal(info.data.aggregate.authorizedAmount.value, 49900);

    const captured = await client.payment.capture(token, reference, { modificationAmount: { currency: 'NOK', value: 20000 } });
    assert.ok(captured.ok, JSON.stringify(captured));
    assert.equal(captured.data.aggregate.capturedAmount.value, 20000);
    const refunded = await client.payment.refund(token, reference, { modificationAmount: { currency: 'NOK', value: 5000 } });
    assert.ok(refunded.ok, JSON.stringify(refunded));
    assert.equal(refunded.data.aggregate.refundedAmount.value, 5000);
    const cancelled = await client.payment.cancel(token, reference);
    assert.ok(cancelled.ok, JSON.stringify(cancelled));
    assert.equal(cancelled.data.aggregate.cancelledAmount.value, 29900, 'the rest is released');

    const history = await client.payment.history(token, reference);
    assert.ok(history.ok);
    assert.deepEqual(history.data.map((e) => e.name), ['CREATED', 'AUTHORIZED', 'CAPTURED', 'REFUNDED', 'CANCELLED']);

    const deliveries = await until(() => (hooks.received.length >= 2 ? hooks.received : null));
    const names = deliveries.map((d) => JSON.parse(d.body).name).sort();
    assert.deepEqual(names, ['AUTHORIZED', 'CAPTURED'], 'only the events registered for');
    for (const d of deliveries) {
      assert.ok(verify(secret, d), `a delivery the documented algorithm accepts: ${JSON.stringify(d.headers)}`);
      assert.ok(!verify(`${secret}x`, d), 'and another secret does not');
    }

    const deleted = await client.webhook.delete(token, id);
    assert.ok(deleted.ok, JSON.stringify(deleted));
    assert.deepEqual((await client.webhook.list(token)).data.webhooks, []);
  } finally {
    await hooks.close();
  }
});

test('the SDK gets Vipps\' problems: invalid amount, unknown reference, too much captured', async () => {
  const bad = await client.payment.create(token, {
    reference: `sdk-bad-${Date.now()}`,
    amount: { currency: 'SEK', value: 1000 },
    paymentMethod: { type: 'WALLET' },
    userFlow: 'WEB_REDIRECT',
    returnUrl: 'https://nordlys-strikk.no/return',
  });
  assert.equal(bad.ok, false);
  assert.match(JSON.stringify(bad.error), /currency|Currency|amount|Amount/);

  const missing = await client.payment.info(token, 'sdk-no-such-payment');
  assert.equal(missing.ok, false);
  assert.match(JSON.stringify(missing.error), /Reference not found|not exist/);

  const reference = `sdk-over-${Date.now()}`;
  const created = await client.payment.create(token, {
    reference,
    amount: { currency: 'DKK', value: 10000 },
    paymentMethod: { type: 'WALLET' },
    userFlow: 'WEB_REDIRECT',
    returnUrl: 'https://nordlys-strikk.no/return',
  });
  assert.ok(created.ok, JSON.stringify(created));
  assert.ok((await client.payment.forceApprove(token, reference, { customer: { phoneNumber: '4791234567' } })).ok);
  const tooMuch = await client.payment.capture(token, reference, { modificationAmount: { currency: 'DKK', value: 10001 } });
  assert.equal(tooMuch.ok, false);
  assert.match(JSON.stringify(tooMuch.error), /Capture amount too high/);
});
