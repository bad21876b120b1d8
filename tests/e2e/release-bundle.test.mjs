// The release bundle (pkg/, built by make build with wasm-opt) loaded through
// pkg/embed.js draws the button: a debug-only test would miss a broken release build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo, launch, newPage, waitState, ROOT } from './harness.mjs';

const sri = (file) => `sha384-${createHash('sha384').update(readFileSync(join(ROOT, 'pkg', file))).digest('base64')}`;

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
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.route(/\/pkg\/vipps_checkout_bg\.wasm$/, async (route) => {
    const response = await route.fetch();
    // A custom section appended: still a valid module that would run, only not the
    // one built. Section id 0, size, name "x", one byte of payload.
    const body = Buffer.concat([Buffer.from(await response.body()), Buffer.from([0, 3, 1, 0x78, 0x2a])]);
    assert.ok(WebAssembly.validate(body), 'the changed file is still a valid module');
    await route.fulfill({ response, body });
  });
  const events = [];
  await page.exposeFunction('recordEvent', (detail) => events.push(detail));
  await page.addInitScript(() => document.addEventListener('vipps:statechange', (e) => window.recordEvent(e.detail)));
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'error');
  assert.equal(await page.getByRole('button', { name: 'Betal med Vipps' }).count(), 0, 'nothing runs from a changed file');
  assert.ok(events.some((d) => d.state === 'error' && d.error?.code === 'load_failed'), JSON.stringify(events));
  assert.ok(consoleErrors.some((t) => /integrity/i.test(t)), `the browser says why: ${consoleErrors.join(' | ')}`);
});

test('integrity.json and the hash index.js fetches the wasm with match the files', async () => {
  const listed = JSON.parse(readFileSync(join(ROOT, 'pkg/integrity.json'), 'utf8'));
  for (const [file, hash] of Object.entries(listed)) assert.equal(hash, sri(file), file);
  for (const entry of ['embed.js', 'index.js', 'vipps_checkout.js', 'vipps_checkout_bg.wasm']) assert.ok(listed[entry], entry);
  for (const entry of ['index.js', 'embed.js']) {
    assert.ok(readFileSync(join(ROOT, 'pkg', entry), 'utf8').includes(sri('vipps_checkout_bg.wasm')), `${entry} pins the wasm`);
  }
});

test('the spinner stops turning for shoppers who ask for reduced motion', async () => {
  for (const reducedMotion of ['reduce', 'no-preference']) {
    const page = await newPage(browser);
    await page.emulateMedia({ reducedMotion });
    await page.route(/\/api\/vipps\/payments$/, () => {}); // never answers: the button stays busy
    await page.goto(demo.shop);
    await waitState(page, '#cart-pay', 'idle');
    await page.getByRole('button', { name: 'Betal med Vipps' }).click();
    await waitState(page, '#cart-pay', 'starting');
    const animation = await page.locator('#cart-pay').evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('.vc-spinner')).animationName);
    assert.equal(animation, reducedMotion === 'reduce' ? 'none' : 'vc-spin', reducedMotion);
    await page.close();
  }
});
