// The staff dashboard (/admin/) against the release backend and the simulator: sign in
// with the staff token, find an order, capture part of it, refund, cancel another, each
// through a confirmation step; a second submit changes nothing twice; a wrong token and
// an expired session are refused; it works by keyboard and axe finds no serious issue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startDemo, launch, newPage, ADMIN, axe, API } from './harness.mjs';

let demo, browser;
before(async () => { demo = await startDemo(); browser = await launch(); });
after(async () => { await browser?.close(); await demo?.stop(); });

/** A paid order: started as the widget would, approved in the simulator. */
async function paidOrder(qty) {
  const res = await fetch(`${demo.shop}/api/vipps/payments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `dash-${Math.random()}` },
    body: JSON.stringify({ payload: { items: [{ sku: 'socks', qty }] } }),
  });
  const { orderId, statusToken } = await res.json();
  await demo.vipps.approve(orderId);
  for (let i = 0; i < 50; i++) {
    const state = await (await fetch(`${demo.shop}/api/vipps/payments/${orderId}?t=${statusToken}`)).json();
    if (state.status === 'reserved') return orderId;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${orderId} never became reserved`);
}

const sim = (orderId) => demo.vipps.payment(orderId);

test('staff sign in, find an order, capture part, refund, cancel another; nothing runs twice', async () => {
  const first = await paidOrder(2);
  const second = await paidOrder(1);
  const page = await newPage(browser);
  await page.goto(`${demo.shop}/admin/`);
  await page.waitForURL(/\/admin\/sign-in$/);
  await axe(page, 'sign-in');

  await page.getByLabel('Tilgangsnøkkel').fill('not-the-staff-token-but-32-characters!!');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.getByText('Feil tilgangsnøkkel.').waitFor();

  // By keyboard alone: the token, Enter; then to the order by Tab and Enter.
  await page.getByLabel('Tilgangsnøkkel').focus();
  await page.keyboard.type(ADMIN);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/orders$/);
  const [cookie] = await page.context().cookies();
  assert.equal(cookie.name, 'vipps_staff');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  await axe(page, 'orders');
  await page.getByLabel('Ordrenummer').fill(first.slice(0, -3));
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=/);
  assert.deepEqual(await page.locator('table.orders tbody a').allTextContents(), [first], 'found by the start of its reference');
  await page.locator(`a[href="/admin/orders/${first}"]`).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`/admin/orders/${first}$`));
  await axe(page, 'order');
  await page.getByText('Trekk først når varene er sendt.').waitFor();
  await page.shot('40-dashboard-order');

  await page.getByLabel(/Beløp i kroner \(tomt: alt: 467,00/).fill('100');
  await page.getByRole('button', { name: 'Trekk beløp' }).click();
  await page.getByRole('heading', { name: 'Trekke 100,00 kr?' }).waitFor();
  await page.getByRole('button', { name: 'Bekreft' }).dblclick();
  await page.getByText('Beløpet er trukket.').waitFor();
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  let ledger = await sim(first);
  assert.equal(ledger.capturedAmount, 10000, 'one capture of 100 kr, however many clicks');

  // The same confirmation submitted again (a reload, a back button): the same key.
  const key = await page.locator('form[action$="/capture"] input[name=key]').inputValue();
  await page.context().request.post(`${demo.shop}/admin/orders/${first}/capture`, {
    form: { csrf, key, step: 'do', amount_ore: '10000' },
  });
  await page.context().request.post(`${demo.shop}/admin/orders/${first}/capture`, {
    form: { csrf, key, step: 'do', amount_ore: '10000' },
  });
  ledger = await sim(first);
  assert.equal(ledger.capturedAmount, 20000, 'a new form (key) is a new capture');
  await page.context().request.post(`${demo.shop}/admin/orders/${first}/capture`, {
    form: { csrf, key, step: 'do', amount_ore: '10000' },
  });
  assert.equal((await sim(first)).capturedAmount, 20000, 'but the same form twice is one');
  const forged = await page.context().request.post(`${demo.shop}/admin/orders/${first}/capture`, {
    form: { csrf: 'wrong', key: 'forged-key-1', step: 'do' }, maxRedirects: 0,
  });
  assert.equal(forged.status(), 403, 'a form without the session token changes nothing');
  assert.equal((await sim(first)).capturedAmount, 20000);

  await page.reload();
  await page.getByLabel(/Beløp i kroner \(tomt: alt: 200,00/).fill('50');
  await page.getByRole('button', { name: 'Refunder' }).click();
  await page.getByRole('heading', { name: 'Refundere 50,00 kr?' }).waitFor();
  await page.getByRole('button', { name: 'Bekreft' }).click();
  await page.getByText('Beløpet er refundert.').waitFor();
  assert.equal((await sim(first)).refundedAmount, 5000);
  if (API === 'epayment') {
    // Vipps' own log of the payment, beside the shop's history: each operation once.
    const atVipps = page.locator('section', { has: page.getByRole('heading', { name: 'Hos Vipps' }) });
    const log = (await atVipps.locator('li strong').allTextContents());
    assert.deepEqual(log, ['CREATED', 'AUTHORIZED', 'CAPTURED', 'CAPTURED', 'REFUNDED']);
  }

  await page.goto(`${demo.shop}/admin/orders/${second}`);
  await page.getByRole('button', { name: 'Kanseller reservasjonen' }).click();
  await page.getByRole('button', { name: 'Bekreft' }).click();
  await page.getByText('Reservasjonen er kansellert.').waitFor();
  assert.equal((await sim(second)).state, 'voided');

  await page.goto(`${demo.shop}/admin/orders/${first}`);
  await page.getByLabel(/Beløp i kroner/).first().fill('abc');
  await page.getByRole('button', { name: 'Trekk beløp' }).click();
  await page.getByText('Skriv et beløp i kroner, for eksempel 199 eller 199,50.').waitFor();

  // An expired session goes back to sign-in; signing out ends it for good.
  execFileSync('python3', ['-c', `import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("UPDATE staff_sessions SET expires_at = '2000-01-01T00:00:00.000Z'"); db.commit()`, demo.db]);
  await page.goto(`${demo.shop}/admin/orders`);
  await page.waitForURL(/sign-in\?expired=1/);
  await page.getByText('Økten er utløpt. Logg inn på nytt.').waitFor();
  await page.getByLabel('Tilgangsnøkkel').fill(ADMIN);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/\/admin\/orders$/);
  const [live] = await page.context().cookies();
  await page.getByRole('button', { name: 'Logg ut' }).click();
  await page.waitForURL(/\/admin\/sign-in$/);
  const replay = await fetch(`${demo.shop}/admin/orders`, { headers: { Cookie: `vipps_staff=${live.value}` }, redirect: 'manual' });
  assert.equal(replay.status, 303, 'the old cookie is worth nothing after sign-out');
  page.checkClean();
});

test('the history reads as sentences, an ageing reservation is warned about, and the export downloads', async () => {
  const old = await paidOrder(1);
  // The receipt's outcome is in the history once it is sent (bounded wait).
  for (let i = 0; i < 50; i++) {
    const order = await demo.order(old);
    if (order.history.some((h) => h.kind === 'receipt_sent')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // Five days old: written into the store, as the days would have passed.
  const fiveDaysAgo = new Date(Date.now() - 5 * 86400e3).toISOString();
  execFileSync('python3', ['-c', `import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("UPDATE orders SET created_at = ? WHERE order_id = ?", (sys.argv[2], sys.argv[3])); db.commit()`,
  demo.db, fiveDaysAgo, old]);
  const fresh = await paidOrder(1);

  const page = await newPage(browser);
  await page.goto(`${demo.shop}/admin/`);
  await page.getByLabel('Tilgangsnøkkel').fill(ADMIN);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/\/admin\/orders$/);
  await page.getByRole('link', { name: 'gamle reservasjoner' }).click();
  await page.waitForURL(/status=ageing/);
  assert.deepEqual(await page.locator('table.orders tbody a').allTextContents(), [old], 'only the ageing one');
  assert.equal(await page.locator('td.ageing').textContent(), '5 dager');
  await page.getByRole('link', { name: old }).click();
  await page.getByText('Reservasjonen er 5 dager gammel. Bankene holder en reservasjon i 4 til 7 dager').waitFor();
  const history = page.locator('section', { has: page.getByRole('heading', { name: 'Historikk' }) });
  const said = (await history.locator('li').allTextContents()).join('\n').replace(/\u00a0/g, ' ');
  assert.match(said, /Betalingen ble startet: 268,00 kr\./);
  assert.match(said, /Status endret fra venter til reservert\./);
  assert.match(said, /Kvitteringen \(2 linjer\) og en lenke til ordren ble sendt til Vipps-appen\./);
  assert.doesNotMatch(said, /[{}]/, 'no JSON');
  await axe(page, 'ageing order');
  await page.shot('41-dashboard-ageing-history');

  // The export for the bookkeeper: today's movements, as a download.
  await page.goto(`${demo.shop}/admin/orders`);
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('Fra').fill(today);
  await page.getByLabel('Til').fill(today);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Last ned CSV' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `vipps-${today}-${today}.csv`);
  const csv = (await (await download.createReadStream()).toArray()).join('');
  const rows = csv.trim().split('\n');
  assert.equal(rows[0], 'date,store,order_id,vipps_reference,movement,amount,currency');
  assert.ok(rows.some((r) => r.includes(`,${fresh},${fresh},reserved,268.00,NOK`)), csv);
  await page.shot('42-dashboard-export');
  page.checkClean();
});
