// The button on screen at once: the release bundle's index.js paints the build-time
// markup before the wasm arrives, a click meanwhile is kept, and the wasm then takes
// over the very same DOM (hydration) instead of redrawing it. The page never shifts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo, launch, newPage, waitState, widgetText, logIn, ROOT } from './harness.mjs';

let demo, browser;
before(async () => { demo = await startDemo(); browser = await launch(); });
after(async () => { await browser?.close(); await demo?.stop(); });

/** Holds every request for the wasm until `release()`. */
async function holdWasm(page) {
  const held = [];
  let released = false;
  await page.route(/\/pkg\/vipps_checkout_bg\.wasm$/, (route) => (released ? route.continue() : held.push(route)));
  return {
    requested: () => held.length,
    release: async () => { released = true; for (const route of held.splice(0)) await route.continue(); },
  };
}

/** Records the page's `POST …/payments` bodies. */
function countPosts(page) {
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && /\/api\/vipps\/payments$/.test(r.url())) posts.push(JSON.parse(r.postData()));
  });
  return posts;
}

test('with the wasm held back: the button is drawn, sized and labelled; a click is kept and pays once', async () => {
  const page = await newPage(browser);
  const wasm = await holdWasm(page);
  const posts = countPosts(page);
  const ledger = (await demo.payments()).length;
  await page.goto(demo.shop);
  const pay = page.getByRole('button', { name: 'Betal med Vipps' });
  await pay.waitFor({ state: 'visible' });
  assert.equal(await page.getByRole('button', { name: 'Kjøp nå med Vipps' }).count(), 3);
  const drawn = await page.locator('#cart-pay').evaluate((el) => {
    const b = el.shadowRoot.querySelector('button');
    const s = getComputedStyle(b);
    window.paintedButton = b; // to check later that the wasm kept this very element
    return { bg: s.backgroundColor, height: b.getBoundingClientRect().height,
             width: b.getBoundingClientRect().width, host: el.getBoundingClientRect().width,
             state: el.getAttribute('data-state') };
  });
  assert.equal(drawn.bg, 'rgb(255, 91, 36)');
  assert.equal(drawn.height, 48);
  assert.equal(drawn.width, drawn.host, 'the shop\'s --vipps-checkout-width: 100% is honoured');
  assert.equal(drawn.state, null, 'not live yet: the wasm is held');
  await page.shot('20-painted-before-wasm');

  await pay.click();
  assert.equal(await pay.getAttribute('aria-busy'), 'true', 'a click before the wasm shows busy');
  assert.equal(await pay.isDisabled(), true);
  const box = await pay.boundingBox();
  for (let i = 0; i < 3; i++) await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  // The cart changes while the click waits: the pressed button is busy, not redrawn.
  await page.getByRole('button', { name: 'Legg i handlekurven' }).first().click();
  await page.waitForTimeout(300);
  assert.equal(posts.length, 0, 'nothing is posted before the wasm runs');
  assert.ok(wasm.requested() >= 1, 'the click asked for the bundle');
  assert.equal(await pay.getAttribute('aria-busy'), 'true', 'still busy after the cart changed');

  await wasm.release();
  await page.waitForURL(/vippsgateway/);
  assert.equal(posts.length, 1, 'exactly one POST /payments for four clicks');
  assert.deepEqual(posts[0].payload, { items: [{ sku: 'socks', qty: 1 }] }, 'the cart that was paid for');
  assert.equal((await demo.payments()).length, ledger + 1, 'one payment at Vipps');
  page.checkClean();
});

test('the wasm takes over the painted button without redrawing it', async () => {
  const page = await newPage(browser);
  const wasm = await holdWasm(page);
  await page.goto(demo.shop);
  await page.getByRole('button', { name: 'Betal med Vipps' }).waitFor();
  await page.locator('#cart-pay').evaluate((el) => { window.paintedButton = el.shadowRoot.querySelector('button'); });
  await wasm.release();
  await waitState(page, '#cart-pay', 'idle');
  const same = await page.locator('#cart-pay').evaluate((el) => el.shadowRoot.querySelector('button') === window.paintedButton);
  assert.ok(same, 'the same <button> element is live (hydrated), not a new one');
  page.checkClean();
});

test('the return page draws its waiting state before the wasm, then shows the outcome', async () => {
  const page = await newPage(browser);
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'idle');
  await page.getByRole('button', { name: 'Betal med Vipps' }).click();
  await logIn(page);
  // The link as Vipps sent it (the return view takes `t` out of the address bar).
  const returned = page.waitForRequest((r) => r.url().includes('/return.html?'));
  await page.getByRole('button', { name: 'Approve' }).click();
  const returnUrl = (await returned).url();

  const fresh = await newPage(browser);
  const wasm = await holdWasm(fresh);
  await fresh.goto(returnUrl);
  await fresh.getByRole('heading', { name: 'Venter på bekreftelse fra Vipps …' }).waitFor();
  assert.match(await widgetText(fresh, 'vipps-checkout-return'), /Godkjenn betalingen i Vipps-appen/);
  assert.equal(await fresh.locator('vipps-checkout-return').getAttribute('data-state'), null);
  await fresh.shot('21-return-before-wasm');
  await wasm.release();
  await waitState(fresh, 'vipps-checkout-return', 'confirmed');
  assert.match(await widgetText(fresh, 'vipps-checkout-return'), /Betalingen er bekreftet/);
  fresh.checkClean();
});

test('the product page does not shift while the widget loads (cumulative layout shift 0)', async () => {
  const page = await newPage(browser);
  await page.addInitScript(() => {
    window.shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.shifts.push({ value: e.value, sources: e.sources.map((s) => s.node?.nodeName ?? '?') });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(demo.shop);
  for (const sel of ['#cart-pay', '.product[data-sku="sweater"] vipps-checkout', '.product[data-sku="hat"] vipps-checkout']) {
    await waitState(page, sel, 'idle');
  }
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const shifts = await page.evaluate(() => window.shifts);
  assert.deepEqual(shifts, [], 'no layout shift at all');
});

test('the declarative shadow DOM snippet shows the button with no script, and the widget adopts it', async () => {
  const snippet = readFileSync(join(ROOT, 'pkg/snippets/button-nb-pay-vipps.html'), 'utf8');
  const html = (script) => `<!doctype html><html lang="nb"><head><meta charset="utf-8">
    <link rel="stylesheet" href="/pkg/vipps-checkout.css">${script}</head><body><main>${snippet}</main></body></html>`;
  const serve = (page, body) => page.route(`${demo.shop}/snippet.html`, (route) => route.fulfill({
    contentType: 'text/html', body,
    headers: { 'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'" } }));

  const context = await browser.newContext({ javaScriptEnabled: false });
  const still = await context.newPage();
  await serve(still, html(''));
  await still.goto(`${demo.shop}/snippet.html`);
  const button = still.getByRole('button', { name: 'Betal med Vipps' });
  await button.waitFor();
  assert.equal(await button.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(255, 91, 36)');
  await still.screenshot({ path: join(ROOT, 'target/e2e-shots/22-snippet-no-script.png') });
  await context.close();

  const page = await newPage(browser);
  const wasm = await holdWasm(page);
  await serve(page, html('<script type="module" src="/pkg/embed.js"></script>'));
  await page.goto(`${demo.shop}/snippet.html`);
  await page.locator('vipps-checkout').evaluate((el) => { window.paintedButton = el.shadowRoot.querySelector('button'); });
  await wasm.release();
  await waitState(page, 'vipps-checkout', 'idle');
  assert.ok(await page.locator('vipps-checkout').evaluate((el) => el.shadowRoot.querySelector('button') === window.paintedButton),
    'the snippet\'s own button went live');
  page.checkClean();
});
