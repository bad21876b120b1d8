// The release bundle (pkg/, built by make build with wasm-opt) loaded through
// pkg/embed.js draws the button: a debug-only test would miss a broken release build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, newPage, waitState } from './harness.mjs';

let demo, browser;
before(async () => { demo = await startDemo(); browser = await launch(); });
after(async () => { await browser?.close(); await demo?.stop(); });

test('pkg/embed.js draws the branded buttons under the strict CSP', async () => {
  const page = await newPage(browser);
  const response = await page.goto(demo.shop);
  assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  await waitState(page, '#cart-pay', 'idle');
  const pay = page.getByRole('button', { name: 'Betal med Vipps' });
  await pay.waitFor();
  assert.equal(await page.getByRole('button', { name: 'Kjøp nå med Vipps' }).count(), 3);
  const look = await pay.evaluate((b) => {
    const s = getComputedStyle(b);
    return { bg: s.backgroundColor, color: s.color, height: b.getBoundingClientRect().height };
  });
  assert.equal(look.bg, 'rgb(255, 91, 36)');
  assert.equal(look.color, 'rgb(255, 255, 255)');
  assert.ok(look.height >= 44, `at least 44 px tall (${look.height})`);
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).find((n) => n.endsWith('.wasm')));
  assert.match(wasm, /\/pkg\/vipps_checkout_bg\.wasm$/);
  await page.shot('01-shop');
  page.checkClean();
});

test('the JS API mounts the same release bundle, and mounting twice is harmless', async () => {
  const page = await newPage(browser);
  await page.goto(`${demo.shop}/npm.html`);
  await waitState(page, '#js-button', 'idle');
  await page.getByRole('button', { name: 'Monter på nytt' }).click();
  await page.getByRole('button', { name: 'Monter på nytt' }).click();
  await waitState(page, '#js-button', 'idle');
  assert.equal(await page.getByRole('button', { name: 'Betal med Vipps' }).count(), 1, 'one button after three mounts');
  await page.shot('02-npm-page');
  page.checkClean();
});

test('when the bundle cannot load, the elements say so, and a later mount tries again', async () => {
  const page = await newPage(browser);
  let blocked = true;
  await page.route(/\/pkg\/vipps_checkout_bg\.wasm$/, (route) => (blocked ? route.abort('blockedbyclient') : route.continue()));
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'error');
  const message = await page.locator('#cart-pay').evaluate((el) => el.shadowRoot.querySelector('[role=alert]').textContent);
  assert.match(message, /kunne ikke lastes/);
  blocked = false;
  // A new cart re-renders the button: the load is tried again, and now it draws.
  await page.getByRole('button', { name: 'Legg i handlekurven' }).first().click();
  await waitState(page, '#cart-pay', 'idle');
  assert.equal(await page.getByRole('button', { name: 'Betal med Vipps' }).count(), 1);
});

test('a tampered wasm file is refused by its integrity hash', async () => {
  const page = await newPage(browser);
  await page.route(/\/pkg\/vipps_checkout_bg\.wasm$/, async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[body.length - 1] ^= 0xff;
    await route.fulfill({ response, body });
  });
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'error');
  assert.equal(await page.getByRole('button', { name: 'Betal med Vipps' }).count(), 0, 'nothing runs from a changed file');
});
