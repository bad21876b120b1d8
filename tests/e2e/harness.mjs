// End-to-end harness: the demo (release vipps-sim + vipps-proxy serving the rendered
// shop and the release widget bundle) on free loopback ports, and Chromium driven by
// playwright-core as a shopper would. Every page is watched for page errors and CSP
// violations; every step can save a screenshot under target/e2e-shots/.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { startSimulator } from '../../testkit/index.js';

export const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'target/e2e-shots');
mkdirSync(SHOTS, { recursive: true });

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} never came up`);
}

export const ADMIN = 'e2e-admin-token-of-at-least-32-characters';

/** The Vipps API the backend speaks in this run (`VIPPS_API=epayment`; default eCom):
 * the suite runs once per API against the same widget bundle. */
export const API = process.env.VIPPS_API || 'ecom';

/** Starts the simulator and the shop; `stop()` ends both. `api` overrides the run's API
 * (a Danish or Finnish shop is on ePayment whatever the run). */
export async function startDemo({ simFlags = [], proxyFlags = [], www = join(ROOT, 'www'), api = API } = {}) {
  // The simulator through the shops' own test kit (testkit/), as a shop's tests start it.
  const vipps = await startSimulator({
    binary: join(ROOT, 'target/release/vipps-sim'),
    flags: ['--merchant-name', 'Nordlys Strikk', ...simFlags],
  });
  const shopPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'vipps-e2e-'));
  const sim = vipps.origin;
  const shop = `http://127.0.0.1:${shopPort}`;
  execFileSync(join(ROOT, 'scripts/render-www.sh'), [sim, join(dir, 'www'), www]);
  const children = [
    spawn(join(ROOT, 'target/release/vipps-proxy'),
      ['--listen', `127.0.0.1:${shopPort}`, '--vipps-url', sim, '--client-id', 'sim-client-id', '--msn', '123456',
       '--db', join(dir, 'orders.db'), '--www', join(dir, 'www'), '--pkg', join(ROOT, 'pkg'),
       '--catalogue', join(ROOT, 'www/catalogue.json'), '--order-prefix', 'nordlys', '--shop-name', 'Nordlys Strikk',
       '--api', api, ...proxyFlags],
      { stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, VIPPS_CLIENT_SECRET: 'sim-client-secret', VIPPS_SUBSCRIPTION_KEY: 'sim-subscription-key',
               VIPPS_PROXY_ADMIN_TOKEN: ADMIN, RUST_LOG: 'warn' } }),
  ];
  await waitFor(`${shop}/healthz`);
  return {
    sim, shop, vipps,
    /** The backend's SQLite file. */
    db: join(dir, 'orders.db'),
    stop: () => Promise.all([vipps.stop(), ...children.map((c) => new Promise((ok) => { c.once('exit', ok); c.kill('SIGTERM'); }))]),
    /** The simulator's ledger: every payment it was asked to make. */
    payments: () => vipps.payments(),
    simControl: async (path, body) => (await fetch(`${sim}${path}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) })).json(),
    /** What the backend charges for `items` (its `/quote`: the demo catalogue and
     * shipping, never restated here), in minor units. */
    priceOf: async (items) => (await (await fetch(`${shop}/api/vipps/quote`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ payload: { items } }) })).json()).total.value,
    /** An order as the backend has it (staff API). */
    order: async (orderId) => (await fetch(`${shop}/api/vipps/admin/orders/${orderId}`, {
      headers: { Authorization: `Bearer ${ADMIN}` } })).json(),
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page that records page errors and CSP violations; `page.checkClean()` asserts none. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Refused to (securitypolicyviolation) ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.checkClean = () => assert.deepEqual(problems, [], 'no page errors, no CSP violations');
  page.shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  return page;
}

/** The host element's state, once it is `want` (bounded wait). */
export async function waitState(page, selector, want, timeout = 20000) {
  await page.waitForSelector(`${selector}[data-state="${want}"]`, { timeout });
}

/** Text of a widget's shadow root, as a shopper reads it. */
export async function widgetText(page, selector) {
  return page.locator(selector).evaluate((el) => el.shadowRoot.textContent.replace(/\u00a0/g, ' '));
}

/** On the simulator's landing page: type the number, go on to the app. With `shots`,
 * saves `<shots>-landing` and `<shots>-app`. */
export async function logIn(page, mobile = '91234567', shots = null) {
  await page.waitForURL(/vippsgateway/);
  await page.getByLabel('Mobile number').fill(mobile);
  if (shots) await page.shot(`${shots}-landing`);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForURL(/\/app\?/);
  if (shots) await page.shot(`${shots}-app`);
}

/** Runs axe-core on the page: no serious or critical issue (`name` says which page). */
export async function axe(page, name) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], name);
}
