// A regular payment as a shopper makes it: the cart's "Betal med Vipps", the Vipps
// landing page and app (the simulator), and the shop's return page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, newPage, waitState, widgetText, logIn } from './harness.mjs';

let demo, browser;
before(async () => { demo = await startDemo(); browser = await launch(); });
after(async () => { await browser?.close(); await demo?.stop(); });

async function payFromCart(page, shots = null) {
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'idle');
  if (shots) await page.shot(`${shots}-shop`);
  await page.getByRole('button', { name: 'Betal med Vipps' }).click();
  await logIn(page, '91234567', shots);
}

test('approved in the app: the return page confirms it, announced in a live region', async () => {
  const page = await newPage(browser);
  await payFromCart(page, '10-regular');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/\/return\.html\?orderId=/);
  await waitState(page, 'vipps-checkout-return', 'confirmed');
  const text = await widgetText(page, 'vipps-checkout-return');
  assert.match(text, /Betalingen er bekreftet/);
  assert.match(text, /268,00 kr/, 'socks and the shipping the cart showed');
  const live = await page.locator('vipps-checkout-return').evaluate((el) => el.shadowRoot.querySelector('[aria-live]').textContent);
  assert.match(live, /Betalingen er bekreftet/);
  await page.shot('11-confirmed');
  page.checkClean();

  // The receipt in the shopper's Vipps app: the lines, the shipping, and the link to
  // the order (sent once the payment was reserved; bounded wait).
  const orderId = new URL(page.url()).searchParams.get('orderId');
  const phone = await newPage(browser);
  const receipt = phone.locator('article.paid', { hasText: orderId });
  for (let i = 0; i < 50 && !(await receipt.count()); i++) {
    await phone.goto(`${demo.sim}/_sim/phone/91234567`);
    if (!(await receipt.count())) await new Promise((r) => setTimeout(r, 100));
  }
  const lines = (await receipt.locator('table.receipt').innerText()).replace(/\u00a0/g, ' ');
  assert.match(lines, /Ullsokker\s+1 ×\s+199,00 kr/);
  assert.match(lines, /Posten Servicepakke\s+69,00 kr/);
  assert.match(lines, /Total\s+268,00 kr/);
  assert.match(lines, /Of which VAT\s+53,60 kr/, '25 % of 268 kr, included');
  const link = receipt.getByRole('link', { name: 'Order confirmation' });
  assert.match(await link.getAttribute('href'), new RegExp(`/return\\.html\\?orderId=${orderId}&t=`));
  await phone.shot('13-receipt-in-app');
  phone.checkClean();
});

test('the cart shows shipping and the total as the backend prices them', async () => {
  const page = await newPage(browser);
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'idle');
  const total = page.locator('#cart-total');
  assert.match(await total.textContent(), /268,00/);
  assert.match(await page.locator('.cart-shipping').textContent(), /Posten Servicepakke\s*69,00/);
  await page.locator('[data-add="sweater"]').click();
  await page.waitForFunction(() => /1\s167,00/.test(document.getElementById('cart-total').textContent));
  assert.match(await page.locator('.cart-shipping').textContent(), /69,00/, 'under 1 kg: 69 kr');
  page.checkClean();
});

test('rejected in the app: cancelled, nothing confirmed', async () => {
  const page = await newPage(browser);
  await payFromCart(page);
  await page.getByRole('button', { name: 'Reject' }).click();
  await page.waitForURL(/\/return\.html/);
  await waitState(page, 'vipps-checkout-return', 'cancelled');
  assert.match(await widgetText(page, 'vipps-checkout-return'), /avbrutt/);
  await page.shot('12-cancelled');
  page.checkClean();
});

test('cancelled on the Vipps landing page: the return page says so at once', async () => {
  const page = await newPage(browser);
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'idle');
  await page.getByRole('button', { name: 'Betal med Vipps' }).click();
  await page.waitForURL(/vippsgateway/);
  await page.getByRole('button', { name: 'Cancel payment' }).click();
  await page.waitForURL(/\/return\.html/);
  // Vipps writes no CANCEL for this; only its REJECTED callback tells the shop.
  await waitState(page, 'vipps-checkout-return', 'cancelled', 15000);
  assert.match(await widgetText(page, 'vipps-checkout-return'), /avbrutt/);
  page.checkClean();
});

test('three fast clicks start exactly one payment', async () => {
  const before = (await demo.payments()).length;
  const page = await newPage(browser);
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && /\/api\/vipps\/payments$/.test(r.url())) posts.push(r.url()); });
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'idle');
  await page.getByRole('button', { name: 'Betal med Vipps' }).click({ clickCount: 3, delay: 0 });
  await page.waitForURL(/vippsgateway/);
  await page.waitForLoadState('networkidle');
  assert.equal(posts.length, 1, 'one POST /payments from the page');
  assert.equal((await demo.payments()).length, before + 1, 'one payment in the simulator ledger');
  page.checkClean();
});

test('the backend stops answering while the return page polls: it recovers and confirms', async () => {
  const page = await newPage(browser);
  await payFromCart(page);
  let refused = 0;
  await page.route(/\/api\/vipps\/payments\/[^/?]+\?t=/, (route) => (refused++ < 2 ? route.abort('connectionrefused') : route.continue()));
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/\/return\.html/);
  await waitState(page, 'vipps-checkout-return', 'error');
  assert.match(await widgetText(page, 'vipps-checkout-return'), /prøver igjen/i);
  await page.shot('13-backend-unreachable');
  await waitState(page, 'vipps-checkout-return', 'confirmed', 30000);
  assert.equal(refused >= 2, true);
  await page.shot('14-recovered');
});

test('the return link leaves the address bar once read; tampered links show an error and no order data', async () => {
  const shopper = await newPage(browser);
  await payFromCart(shopper);
  const returned = shopper.waitForRequest((r) => r.url().includes('/return.html?'));
  await shopper.getByRole('button', { name: 'Approve' }).click();
  const url = new URL((await returned).url());
  const orderId = url.searchParams.get('orderId');
  const token = url.searchParams.get('t');
  assert.ok(orderId && token, url.href);
  await waitState(shopper, 'vipps-checkout-return', 'confirmed');
  const bar = new URL(shopper.url());
  assert.equal(bar.searchParams.get('t'), null, 'a copied address carries no token');
  assert.equal(bar.searchParams.get('orderId'), orderId);
  await shopper.reload();
  await waitState(shopper, 'vipps-checkout-return', 'confirmed');
  shopper.checkClean();

  // Another tab (a link copied, a screenshot typed in): nothing without the token.
  const page = await newPage(browser);
  for (const [name, query] of [
    ['bad token', `orderId=${orderId}&t=${token.slice(0, -2)}xx`],
    ['other order', `orderId=nordlys-20261122-aaaaaaaaaa&t=${token}`],
    ['no token', `orderId=${orderId}`],
  ]) {
    await page.goto(`${demo.shop}/return.html?${query}`);
    await waitState(page, 'vipps-checkout-return', 'error');
    const text = await widgetText(page, 'vipps-checkout-return');
    assert.match(text, /finner ikke denne betalingen/, name);
    assert.doesNotMatch(text, /199,00|268,00|Ordrenummer|nordlys-/, `${name}: no order data`);
  }
  await page.shot('15-tampered');
  page.checkClean();
});

test('nobody acts: the payment expires and is never confirmed', async () => {
  const quick = await startDemo({ simFlags: ['--payment-timeout', '2'] });
  try {
    const page = await newPage(browser);
    await page.goto(quick.shop);
    await waitState(page, '#cart-pay', 'idle');
    await page.getByRole('button', { name: 'Betal med Vipps' }).click();
    await page.waitForURL(/vippsgateway/);
    // The shopper walks away until Vipps (the simulator) times the payment out; then
    // the landing page says it is over and links back.
    for (let i = 0; ; i++) {
      const [payment] = await quick.payments();
      if (payment.state === 'expired') break;
      assert.ok(i < 100, `the payment never timed out (${payment.state})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.reload();
    await page.getByRole('link', { name: 'Back to the shop' }).click();
    await page.waitForURL(/\/return\.html/);
    await waitState(page, 'vipps-checkout-return', 'expired');
    const text = await widgetText(page, 'vipps-checkout-return');
    assert.match(text, /Vi kunne ikke bekrefte betalingen/);
    assert.match(text, /Betalingen ble ikke fullført i tide/);
    await page.shot('16-expired');
    page.checkClean();
  } finally {
    await quick.stop();
  }
});
