// Userinfo: the shop asks, with a regular payment, for the shopper's name and e-mail
// (`--scope "name email"`); the (simulated) app asks for consent, staff get what was
// shared, and a consent removal in the app erases it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, newPage, waitState, logIn, API } from './harness.mjs';

let demo, browser;
before(async () => {
  demo = await startDemo({ proxyFlags: ['--scope', 'name email'] });
  browser = await launch();
});
after(async () => { await browser?.close(); await demo?.stop(); });

test('the consented name and e-mail reach staff, and leave with the consent', async () => {
  const page = await newPage(browser);
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'idle');
  await page.getByRole('button', { name: 'Betal med Vipps' }).click();
  await logIn(page, '97777776', '24-userinfo');
  await page.getByText('By approving you share your name, e-mail with Nordlys Strikk.').waitFor();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/\/return\.html/);
  await waitState(page, 'vipps-checkout-return', 'confirmed');
  const [payment] = await demo.payments();
  let order;
  for (let i = 0; i < 50; i++) {
    order = await demo.order(payment.orderId);
    if (order.userinfo) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(order.userinfo.name, 'Ada Lovelace');
  assert.equal(order.userinfo.email, 'ada.lovelace@example.com');
  assert.equal(order.userinfo.address, undefined, 'only what the shop asked for');

  // Removing the consent in the app is eCom's consent-removal callback; ePayment has no
  // such call (the shop keeps what was shared, and Userinfo stops answering).
  if (API !== 'ecom') { page.checkClean(); return; }
  const removed = await demo.simControl(`/_sim/payments/${payment.orderId}/remove-consent`);
  const delivery = removed.deliveries.find((d) => d.kind === 'consentRemoval');
  assert.equal(delivery.httpStatus, 200, JSON.stringify(removed));
  const after = await demo.order(payment.orderId);
  assert.equal(after.userinfo, null);
  assert.equal(after.userDetails, null);
  assert.equal(after.totalAmount, order.totalAmount, 'the books stay');
  page.checkClean();
});
