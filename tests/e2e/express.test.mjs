// Express checkout ("Kjøp nå med Vipps"): address and shipping chosen in the (simulated)
// Vipps app, the confirmation showing them, and the failure paths made visible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, newPage, waitState, widgetText, logIn, API } from './harness.mjs';

// ePayment's express (shipping options in the app) is not in the API version this
// project's digest covers (docs/vipps-epayment-v1.md): the backend refuses it clearly,
// which the last test checks; the journeys run on eCom.
const ECOM_ONLY = API === 'epayment' && 'express checkout is eCom-only for now';

let demo, browser;
before(async () => { demo = await startDemo(); browser = await launch(); });
after(async () => { await browser?.close(); await demo?.stop(); });

async function buyNow(page, shop, productIndex = 0, shots = null) {
  await page.goto(shop);
  await waitState(page, '#cart-pay', 'idle');
  await page.getByRole('button', { name: 'Kjøp nå med Vipps' }).nth(productIndex).click();
  await logIn(page, '91234567', shots);
}

test('a non-default shipping method and another address appear on the confirmation with the full total', { skip: ECOM_ONLY }, async () => {
  const page = await newPage(browser);
  await buyNow(page, demo.shop, 0, '19-express'); // Ullgenser, 899 kr
  // A <fieldset> with its <legend>: a group named by the legend.
  const methods = page.getByRole('group', { name: 'Shipping method' });
  await methods.waitFor();
  await page.getByRole('radio', { name: /Work: Dronning Eufemias gate 42/ }).check();
  await page.waitForURL(/addressId=3961/);
  await page.getByRole('radio', { name: /Helthjem levering hjem/ }).check();
  assert.match(await page.locator('#total-amount').textContent(), /1\s028,00/);
  await page.shot('20-express-app');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/\/return\.html/);
  await waitState(page, 'vipps-checkout-return', 'confirmed');
  const text = await widgetText(page, 'vipps-checkout-return');
  assert.match(text, /Helthjem levering hjem \(129,00 kr\)/);
  assert.match(text, /Dronning Eufemias gate 42, Att: Innkjøp, 0191 OSLO/);
  assert.match(text, /1 028,00 kr/, 'goods plus shipping');
  await page.shot('21-express-confirmed');
  page.checkClean();
});

test('consent removal erases the shopper\'s personal data from the order store', { skip: ECOM_ONLY }, async () => {
  const page = await newPage(browser);
  await buyNow(page, demo.shop, 1); // Lue med dusk
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/\/return\.html/);
  await waitState(page, 'vipps-checkout-return', 'confirmed');
  const orderId = new URL(page.url()).searchParams.get('orderId');
  const before = await demo.order(orderId);
  assert.equal(before.address.city, 'OSLO');
  assert.equal(before.userDetails.firstName, 'Kari');
  const removed = await demo.simControl(`/_sim/payments/${orderId}/remove-consent`);
  assert.equal(removed.consentRemoved, true);
  const after = await demo.order(orderId);
  assert.equal(after.address, null);
  assert.equal(after.userDetails, null);
  assert.equal(after.mobileNumber, null);
  assert.equal(after.shipping.methodId, 'posten-servicepakke', 'the books keep the shipping method');
  page.checkClean();
});

test('static shipping: the methods come with the payment, no shipping callback', { skip: ECOM_ONLY }, async () => {
  const quick = await startDemo({ proxyFlags: ['--static-shipping'] });
  try {
    const page = await newPage(browser);
    await buyNow(page, quick.shop, 2); // Votter
    await page.getByRole('radio', { name: /Helthjem/ }).check();
    assert.equal(await page.getByRole('radio', { name: /Hent i butikken/ }).count(), 0,
      'no pick-up in Oslo offered without knowing the post code');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/return\.html/);
    await waitState(page, 'vipps-checkout-return', 'confirmed');
    assert.match(await widgetText(page, 'vipps-checkout-return'), /Helthjem levering hjem \(129,00 kr\)/);
    const [payment] = await quick.payments();
    assert.deepEqual(payment.merchantInfo.staticShippingDetails.map((m) => m.shippingMethodId),
      ['posten-servicepakke', 'helthjem']);
    assert.ok(!payment.deliveries.some((d) => d.kind === 'shippingDetails'), 'Vipps never asked the shop');
    page.checkClean();
  } finally {
    await quick.stop();
  }
});

test('a shipping endpoint that times out: a clear failure, and no half-made order', { skip: ECOM_ONLY }, async () => {
  const slow = await startDemo({ simFlags: ['--shipping-timeout', '1'] });
  try {
    await fetch(`${slow.sim}/_sim/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ route: 'shipping', latencyMs: 5000 }) });
    const page = await newPage(browser);
    await buyNow(page, slow.shop, 0);
    assert.ok(await page.getByText('No shipping methods found').isVisible());
    assert.ok(await page.getByText(/Payment failed/).isVisible());
    await page.shot('22-shipping-timeout-app');
    await page.getByRole('link', { name: 'Back to the shop' }).click();
    await page.waitForURL(/\/return\.html/);
    await waitState(page, 'vipps-checkout-return', 'failed');
    assert.match(await widgetText(page, 'vipps-checkout-return'), /gikk ikke gjennom/);
    await page.shot('23-shipping-timeout-failed');
    const orderId = new URL(page.url()).searchParams.get('orderId');
    const order = await slow.order(orderId);
    assert.equal(order.status, 'failed');
    assert.equal(order.shipping, null);
    assert.equal(order.address, null);
    page.checkClean();
  } finally {
    await slow.stop();
  }
});

test('on ePayment, "Kjøp nå med Vipps" says express is not available and starts nothing', { skip: API !== 'epayment' && 'ePayment only' }, async () => {
  const page = await newPage(browser);
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'idle');
  const buy = page.locator('vipps-checkout[mode="express"]').first();
  await buy.getByRole('button', { name: 'Kjøp nå med Vipps' }).click();
  await page.waitForFunction((el) => el.dataset.state === 'error', await buy.elementHandle());
  assert.match(await buy.evaluate((el) => el.shadowRoot.textContent), /Express/);
  assert.equal(new URL(page.url()).origin, demo.shop, 'the shopper stays in the shop');
  assert.deepEqual(await demo.payments(), [], 'Vipps was never asked');
  page.checkClean();
});
