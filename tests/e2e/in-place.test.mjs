// The payments that stay on the page, against the real simulator and backend with the
// release bundle: a QR code on the demo's customer screen (decoded from the rendered SVG
// as a phone's camera would, opened, approved; the screen confirms without navigating),
// a withdrawn code, a code that times out and a fresh one, and a push from the demo's
// till that the customer approves or rejects on the simulator's phone page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { startDemo, launch, newPage, waitState, widgetText, logIn } from './harness.mjs';

let browser;
const demos = [];
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); await Promise.all(demos.map((d) => d.stop())); });

async function demo(options) {
  const d = await startDemo(options);
  demos.push(d);
  return d;
}

/** The QR code on the screen, read from its pixels. */
async function readCode(page) {
  const png = PNG.sync.read(await page.locator('#counter-pay svg.vc-qr').screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(code, 'a readable QR code');
  return code.data;
}

test('a QR code on the customer screen is scanned, approved on the phone, and confirmed in place', async () => {
  const d = await demo();
  const screen = await newPage(browser);
  await screen.goto(`${d.shop}/screen.html`);
  await waitState(screen, '#counter-pay', 'idle');
  await screen.getByRole('button', { name: 'Vis QR-kode for Vipps' }).click();
  await waitState(screen, '#counter-pay', 'waiting');
  const url = await readCode(screen);
  const [payment] = await d.payments();
  assert.equal(url, payment.url, 'the code is the payment URL, unchanged');
  assert.equal(payment.amount, 45000, 'the course, priced by the backend, no shipping');
  assert.match(await widgetText(screen, '#counter-pay'), /Skann koden med mobilkameraet.*450,00 kr/s);
  await screen.shot('30-qr-screen');

  const phone = await newPage(browser);
  await phone.goto(url);
  await logIn(phone, '48059528');
  await phone.getByRole('button', { name: 'Approve' }).click();
  await waitState(screen, '#counter-pay', 'confirmed');
  assert.match(await widgetText(screen, '#counter-pay'), /Betalingen er bekreftet/);
  assert.equal(await screen.locator('#counter-pay svg').count(), 0, 'the code is gone');
  assert.equal(new URL(screen.url()).pathname, '/screen.html', 'the screen never navigated');
  await screen.shot('31-qr-confirmed');
  const order = await d.order(payment.orderId);
  assert.equal(order.status, 'reserved');

  // The next customer changes their mind: "cancel" withdraws the code's payment at Vipps.
  await screen.getByRole('button', { name: 'Neste kunde' }).click();
  await waitState(screen, '#counter-pay', 'idle');
  await screen.getByRole('button', { name: 'Vis QR-kode for Vipps' }).click();
  await waitState(screen, '#counter-pay', 'waiting');
  const next = await readCode(screen);
  await screen.getByRole('button', { name: 'Avbryt betalingen' }).click();
  await waitState(screen, '#counter-pay', 'cancelled');
  const withdrawn = (await d.payments()).find((p) => p.url === next);
  assert.equal(withdrawn.state, 'cancelled', 'the backend cancelled it at Vipps');
  await phone.goto(next);
  await phone.getByText('This payment was cancelled.').waitFor();
  screen.checkClean();
});

test('a code nobody scans times out, and a fresh one is a new payment', async () => {
  const d = await demo({ simFlags: ['--link-timeout', '3'] });
  const screen = await newPage(browser);
  await screen.goto(`${d.shop}/screen.html`);
  await waitState(screen, '#counter-pay', 'idle');
  await screen.getByRole('button', { name: 'Vis QR-kode for Vipps' }).click();
  await waitState(screen, '#counter-pay', 'waiting');
  const first = await readCode(screen);
  await waitState(screen, '#counter-pay', 'expired');
  assert.equal(await screen.locator('#counter-pay svg').count(), 0, 'no stale code on the screen');
  assert.match(await widgetText(screen, '#counter-pay'), /Ingen godkjente betalingen i tide/);
  await screen.getByRole('button', { name: 'Ny QR-kode for Vipps' }).click();
  await waitState(screen, '#counter-pay', 'waiting');
  const second = await readCode(screen);
  assert.notEqual(second, first, 'a fresh code');
  const payments = await d.payments();
  assert.equal(payments.length, 2, 'a new payment');
  const byUrl = Object.fromEntries(payments.map((p) => [p.url, p]));
  assert.equal(byUrl[first].state, 'expired');
  assert.ok(byUrl[second], 'the fresh code is the new payment');
  screen.checkClean();
});

test('the till pushes the payment to the phone; the customer approves, or rejects and the till sends again', async () => {
  const d = await demo({ simFlags: ['--skip-landing-page'], proxyFlags: ['--skip-landing-page'] });
  const till = await newPage(browser);
  await till.goto(`${d.shop}/till.html`);
  await waitState(till, '#counter-pay', 'idle');
  const field = till.getByLabel('Kundens mobilnummer');
  await field.fill('4805952');
  await till.getByRole('button', { name: 'Send betalingen til Vipps' }).click();
  await waitState(till, '#counter-pay', 'error');
  assert.match(await widgetText(till, '#counter-pay'), /Et norsk mobilnummer har 8 siffer/);
  assert.equal((await d.payments()).length, 0, 'nothing sent for a wrong number');
  await field.fill('480 59 528');
  await till.getByRole('button', { name: 'Send betalingen til Vipps' }).click();
  await waitState(till, '#counter-pay', 'waiting');
  assert.match(await widgetText(till, '#counter-pay'), /Betalingen er sendt til 480 59 528/);
  await till.shot('32-till-sent');

  const phone = await newPage(browser);
  await phone.goto(`${d.sim}/_sim/phone/48059528`);
  await phone.getByRole('button', { name: 'Approve' }).click();
  await phone.getByText('The till shows the result.').waitFor();
  await waitState(till, '#counter-pay', 'confirmed');
  assert.equal(new URL(till.url()).pathname, '/till.html');
  const [paid] = await d.payments();
  assert.equal(paid.skipLandingPage, true);
  assert.equal(paid.amount, 50000, 'the gift card, no shipping');

  await till.getByRole('button', { name: 'Neste kunde' }).click();
  await waitState(till, '#counter-pay', 'idle');
  await till.getByLabel('Kundens mobilnummer').fill('48059528');
  await till.getByRole('button', { name: 'Send betalingen til Vipps' }).click();
  await waitState(till, '#counter-pay', 'waiting');
  await phone.goto(`${d.sim}/_sim/phone/48059528`);
  await phone.getByRole('button', { name: 'Reject' }).click();
  await waitState(till, '#counter-pay', 'cancelled');
  await till.getByRole('button', { name: 'Send på nytt til Vipps' }).waitFor();
  till.checkClean();
});

test('a sales unit Vipps has not whitelisted gets a clear message at the till', async () => {
  const d = await demo({ proxyFlags: ['--skip-landing-page'] });
  const till = await newPage(browser);
  await till.addInitScript(() => {
    document.addEventListener('vipps:statechange', (e) => { if (e.detail.error) window.vippsLastError = e.detail.error; });
  });
  await till.goto(`${d.shop}/till.html`);
  await waitState(till, '#counter-pay', 'idle');
  await till.getByLabel('Kundens mobilnummer').fill('48059528');
  await till.getByRole('button', { name: 'Send betalingen til Vipps' }).click();
  await waitState(till, '#counter-pay', 'error');
  // The cashier reads the widget's Norwegian; Vipps' reason (error 38) is for the developer.
  assert.match(await widgetText(till, '#counter-pay'),
    /Butikken er ikke satt opp for å sende betalinger til telefon\. Bruk QR-kode eller Vipps-knappen\./);
  assert.doesNotMatch(await widgetText(till, '#counter-pay'), /error 38/);
  assert.match(await till.evaluate(() => window.vippsLastError?.backendMessage ?? ''), /error 38/);
  assert.equal((await d.payments()).length, 0, 'Vipps refused it: no payment');
  till.checkClean();
});
