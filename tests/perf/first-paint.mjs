// make perf: how soon the Vipps button is visible, against a plain static <button> as
// the floor, in one headless Chromium, alternating runs; and the page's layout shift.
// A benchmark that prints numbers and ratios, never a pass/fail on time.
//
// The demo's product page (www/index.html) is served gzip-compressed by a small static
// server, as any real server would, in two versions: as it is (the widget), and with
// each <vipps-checkout> replaced by a static <button> of the same text and no script
// (the floor). Two network profiles: loopback, and Lighthouse's mobile profile through
// the DevTools protocol (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower).
//
// Usage: node tests/perf/first-paint.mjs [runs per page, default 10]
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve, extname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNS = Number(process.argv[2] ?? 10);
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self' data:";
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json' };

if (!existsSync(join(ROOT, 'pkg/embed.js'))) {
  console.error('pkg/ is not built: run make build');
  process.exit(2);
}
const www = join(mkdtempSync(join(tmpdir(), 'vipps-perf-')), 'www');
execFileSync(join(ROOT, 'scripts/render-www.sh'), ['http://127.0.0.1:1', www]);
const widgetPage = readFileSync(join(www, 'index.html'), 'utf8');
// The floor: the same page, each widget a plain button with the same words, no script.
const floorPage = widgetPage
  .replace(/<script type="module" src="\/pkg\/embed\.js"><\/script>/, '')
  .replace(/<vipps-checkout id="cart-pay"[^>]*><\/vipps-checkout>/, '<button id="cart-pay" type="button" class="floor">Betal med Vipps</button>')
  .replace(/<vipps-checkout mode="express"[^>]*><\/vipps-checkout>/g, '<button type="button" class="floor">Kjøp nå med Vipps</button>');

const cache = new Map();
function body(path) {
  if (path === '/floor.html') return floorPage;
  if (path === '/' || path === '/index.html') return widgetPage;
  const file = path.startsWith('/pkg/') ? join(ROOT, path) : join(www, path);
  if (!file.startsWith(ROOT) && !file.startsWith(www)) return null;
  return existsSync(file) && statSync(file).isFile() ? readFileSync(file) : null;
}
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const data = body(path);
  if (data === null) { res.writeHead(404).end(); return; }
  const type = TYPES[extname(path) || '.html'] ?? 'application/octet-stream';
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  if (!cache.has(path)) cache.set(path, gzipSync(data, { level: 9 }));
  const headers = { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Security-Policy': CSP };
  if (gzip) headers['Content-Encoding'] = 'gzip';
  res.writeHead(200, headers).end(gzip ? cache.get(path) : data);
});
// The API is not needed to draw the button; an idle page never calls it.
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});

// In the page, from the first script on: when the cart's button is first visible (a
// box with its height, and the first animation frame after it), when the widget is live
// (data-state), and every layout shift.
function probe() {
  window.perf = { visible: null, live: null, cls: 0, shifts: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { if (!e.hadRecentInput) { window.perf.cls += e.value; window.perf.shifts++; } }
  }).observe({ type: 'layout-shift', buffered: true });
  const look = () => {
    const host = document.getElementById('cart-pay');
    const b = host && (host.tagName === 'BUTTON' ? host : host.shadowRoot?.querySelector('button'));
    if (window.perf.visible === null && b && b.getBoundingClientRect().height > 0 && getComputedStyle(b).visibility !== 'hidden') {
      window.perf.visible = performance.now();
    }
    if (window.perf.live === null && host?.getAttribute('data-state') === 'idle') window.perf.live = performance.now();
    if (window.perf.visible === null || (host?.tagName !== 'BUTTON' && window.perf.live === null)) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

async function measure(path, mobile) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1, locale: 'nb-NO' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (mobile) {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  }
  await page.addInitScript(probe);
  await page.goto(origin + path, { waitUntil: 'load' });
  await page.waitForFunction(() => window.perf.visible !== null, null, { timeout: 60000 });
  if (path === '/') await page.waitForFunction(() => window.perf.live !== null, null, { timeout: 120000 });
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  const result = await page.evaluate(() => window.perf);
  await context.close();
  return result;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const ms = (x) => `${x.toFixed(0).padStart(6)} ms`;

console.log(`Time until the cart's Vipps button is visible: median of ${RUNS} alternating runs each, gzip over HTTP.`);
for (const [name, mobile] of [['loopback', false], ['mobile (150 ms RTT, 1.6 Mbit/s, CPU 4x)', true]]) {
  const floor = [], widget = [], live = [], cls = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push((await measure('/floor.html', mobile)).visible);
    const w = await measure('/', mobile);
    widget.push(w.visible);
    live.push(w.live);
    cls.push(w.cls);
  }
  const f = median(floor), w = median(widget), l = median(live);
  console.log(`\n${name}`);
  console.log(`  static <button> (floor)        ${ms(f)}`);
  console.log(`  widget button visible          ${ms(w)}   ratio ${(w / f).toFixed(2)}x the floor (goal <= 1.30x)`);
  console.log(`  widget live (wasm hydrated)    ${ms(l)}   ratio ${(l / f).toFixed(2)}x the floor`);
  console.log(`  cumulative layout shift        max ${Math.max(...cls).toFixed(4)} over ${RUNS} loads (goal 0)`);
}
await browser.close();
server.close();
