// Denmark and Finland: a shop page in Danish (DKK) and one in Finnish (EUR), on the
// ePayment API (the only one there), with the same release bundle. The button is
// MobilePay's until 12 January 2027 and Vipps' from that day, by the shopper's clock;
// every text is in the page's language and names that brand; amounts are written the
// language's way in the store's currency.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDemo, launch, newPage, waitState, widgetText, logIn, axe, ROOT, API } from './harness.mjs';

// Always on ePayment: run once, in the eCom run of the suite.
const ONCE = API === 'epayment' && 'runs in the other run (it is on ePayment there too)';

const SHOP = join(ROOT, 'tests/e2e/nordic-shop');
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function journey({ lang, currency, pay, confirmed, hint, amount }) {
  const demo = await startDemo({
    www: SHOP, api: 'epayment',
    proxyFlags: ['--currency', currency, '--return-path', `/${lang}-return.html`],
  });
  try {
    const page = await newPage(browser);
    await page.clock.setFixedTime(new Date('2026-11-23T12:00:00'));
    // The wasm held back: what the page shows before it runs is already MobilePay's.
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/vipps_checkout_bg.wasm', async (route) => { await held; await route.continue(); });
    await page.goto(`${demo.shop}/${lang}.html`);
    const button = page.locator('#pay').getByRole('button', { name: pay });
    await button.waitFor();
    const painted = await page.locator('#pay').evaluate((el) => el.shadowRoot.querySelector('.vc-mount').dataset.variant);
    assert.equal(painted, `button-${lang}-pay-mobilepay`);
    release();
    await waitState(page, '#pay', 'idle');
    assert.equal(await page.locator('#pay').evaluate((el) => el.shadowRoot.querySelector('.vc-mount').dataset.variant),
      painted, 'the wasm took the painted button over');
    assert.match(await page.locator('#pay').evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('.vc-button')).backgroundColor),
      /rgb\(90, 120, 255\)/, "MobilePay's blue");
    await axe(page, `${lang} shop`);
    await button.click();
    await logIn(page);
    assert.match(await page.locator('p.amount').textContent(), currency === 'EUR' ? /€/ : /kr/,
      'the app shows the amount in the payment\'s currency');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(new RegExp(`/${lang}-return\\.html`));
    await waitState(page, 'vipps-checkout-return', 'confirmed');
    const text = await widgetText(page, 'vipps-checkout-return');
    assert.match(text, confirmed);
    assert.match(text, hint, 'the receipt is in the brand shown');
    assert.ok(text.includes(amount), `${amount} in: ${text}`);
    const [payment] = await demo.payments();
    assert.equal(payment.api, 'epayment');
    assert.equal(payment.currency, currency);
    await page.shot(`40-${lang}-confirmed`);
    page.checkClean();

    // From the rename day the same page shows Vipps, with no change to it.
    const later = await newPage(browser);
    await later.clock.setFixedTime(new Date('2027-01-12T08:00:00'));
    await later.goto(`${demo.shop}/${lang}.html`);
    await later.locator('#pay').getByRole('button', { name: pay.source.replace('MobilePay', 'Vipps') }).waitFor();
    await waitState(later, '#pay', 'idle');
    assert.equal(await later.locator('#pay').evaluate((el) => el.shadowRoot.querySelector('.vc-mount').dataset.variant),
      `button-${lang}-pay-vipps`);
    later.checkClean();
  } finally {
    await demo.stop();
  }
}

test('a Danish shop: MobilePay, Danish, DKK, on ePayment', { skip: ONCE }, async () => {
  await journey({
    lang: 'da', currency: 'DKK', pay: /Betal med MobilePay/,
    confirmed: /Betalingen er bekræftet/, hint: /kvittering i MobilePay-appen/, amount: '268,00 kr.',
  });
});

test('a Finnish shop: MobilePay, Finnish, EUR, on ePayment', { skip: ONCE }, async () => {
  await journey({
    lang: 'fi', currency: 'EUR', pay: /Maksa MobilePay/,
    confirmed: /Maksu on vahvistettu/, hint: /Kuitti on MobilePay-sovelluksessa/, amount: '268,00 €',
  });
});

test('a Danish express purchase: shipping chosen in the app, in DKK, on the Danish receipt', { skip: ONCE }, async () => {
  const demo = await startDemo({
    www: SHOP, api: 'epayment', proxyFlags: ['--currency', 'DKK', '--return-path', '/da-return.html'],
  });
  try {
    const page = await newPage(browser);
    await page.clock.setFixedTime(new Date('2026-11-23T12:00:00'));
    await page.goto(`${demo.shop}/da.html`);
    await waitState(page, '#buy', 'idle');
    await page.locator('#buy').getByRole('button', { name: /Køb nu med MobilePay/ }).click();
    await logIn(page);
    await page.getByRole('radio', { name: /Work: Dronning Eufemias gate 42/ }).check();
    await page.waitForURL(/addressId=3961/);
    await page.getByRole('radio', { name: /Helthjem levering hjem/ }).check();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/da-return\.html/);
    await waitState(page, 'vipps-checkout-return', 'confirmed');
    const text = await widgetText(page, 'vipps-checkout-return');
    assert.match(text, /Fragt/);
    assert.match(text, /Helthjem levering hjem \(129,00 kr\.\)/);
    assert.match(text, /Dronning Eufemias gate 42/);
    assert.ok(text.includes('1.028,00 kr.'), `goods and shipping in DKK, written the Danish way: ${text}`);
    const [payment] = await demo.payments();
    assert.equal(payment.currency, 'DKK');
    assert.deepEqual(payment.shipping.dynamicOptions && Object.keys(payment.shipping.dynamicOptions).sort(),
      ['callbackAuthorizationToken', 'callbackUrl']);
    assert.equal(payment.epayment.shippingDetails.shippingOptionId, 'helthjem');
    await page.shot('42-da-express-confirmed');
    page.checkClean();
  } finally {
    await demo.stop();
  }
});
