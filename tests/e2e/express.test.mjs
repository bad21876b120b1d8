// Express checkout ("Kjøp nå med Vipps"): address and shipping chosen in the (simulated)
// Vipps app, the confirmation showing them, and the failure paths made visible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, newPage, waitState, widgetText, logIn, API } from './harness.mjs';

// The same journeys on both APIs: eCom's shipping callback and ePayment's dynamic
// options (or, with --static-shipping, its fixed option groups) open the same app screen.
const ECOM_ONLY = API === 'epayment' && 'ePayment has no consent-removal callback';

let demo, browser;
before(async () => { demo = await startDemo(); browser = await launch(); });
after(async () => { await browser?.close(); await demo?.stop(); });

async function buyNow(page, shop, productIndex = 0, shots = null) {
  await page.goto(shop);
  await waitState(page, '#cart-pay', 'idle');
  await page.getByRole('button', { name: 'Kjøp nå med Vipps' }).nth(productIndex).click();
  await logIn(page, '91234567', shots);
}

test('a non-default shipping method and another address appear on the confirmation with the full total', async () => {
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

test('static shipping: the methods come with the payment, no shipping callback', async () => {
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
    const offered = API === 'epayment'
      ? payment.shipping.fixedOptions.flatMap((g) => g.options.map((o) => o.id))
      : payment.merchantInfo.staticShippingDetails.map((m) => m.shippingMethodId);
    assert.deepEqual(offered, ['posten-servicepakke', 'helthjem']);
    assert.ok(!payment.deliveries.some((d) => d.kind === 'shippingDetails'), 'Vipps never asked the shop');
    page.checkClean();
  } finally {
    await quick.stop();
  }
});

test('a shipping endpoint that times out: a clear failure, and no half-made order', async () => {
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
    // eCom fails the payment; ePayment has no failed state: the app ends it (ABORTED).
    const ended = API === 'epayment' ? 'cancelled' : 'failed';
    await waitState(page, 'vipps-checkout-return', ended);
    assert.match(await widgetText(page, 'vipps-checkout-return'), API === 'epayment' ? /avbrutt/ : /gikk ikke gjennom/);
    if (API !== 'epayment') await page.shot('23-shipping-timeout-failed');
    const orderId = new URL(page.url()).searchParams.get('orderId');
    const order = await slow.order(orderId);
    assert.equal(order.status, ended);
    assert.equal(order.shipping, null);
    assert.equal(order.address, null);
    page.checkClean();
  } finally {
    await slow.stop();
  }
});
