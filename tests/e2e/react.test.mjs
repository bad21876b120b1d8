// The React kit (examples/react): the widget's elements in a React 19 app under
// StrictMode (effects mounted twice), bundled as a shop's bundler would, served by the
// backend. A shopper changes the cart, pays once, and the React return view confirms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, launch, newPage, waitState, logIn, ROOT } from './harness.mjs';

let demo, browser;
before(async () => {
  const dist = join(mkdtempSync(join(tmpdir(), 'vipps-react-')), 'dist');
  execFileSync(join(ROOT, 'examples/react/build.sh'), [dist]);
  demo = await startDemo({ www: dist, proxyFlags: ['--return-path', '/'] });
  browser = await launch();
});
after(async () => { await browser?.close(); await demo?.stop(); });

test('a React app under StrictMode pays once and its return view confirms', async () => {
  const page = await newPage(browser);
  await page.goto(demo.shop);
  await waitState(page, 'vipps-checkout', 'idle');
  assert.equal(await page.locator('vipps-checkout').count(), 1, 'StrictMode mounts twice, one element stays');
  await page.getByLabel('Antall ullsokker').fill('2');
  await page.waitForFunction(() => document.querySelector('vipps-checkout').getAttribute('payload').includes('"qty":2'));
  await waitState(page, 'vipps-checkout', 'idle');
  await page.getByRole('button', { name: 'Betal med Vipps' }).click();
  await logIn(page, '48059528');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL((url) => url.searchParams.has('orderId'));
  await waitState(page, 'vipps-checkout-return', 'confirmed');
  await page.getByTestId('state').getByText(/^confirmed nordlys-/).waitFor();
  const payments = await demo.payments();
  assert.equal(payments.length, 1, 'one payment, StrictMode or not');
  assert.equal(payments[0].amount, await demo.priceOf([{ sku: 'socks', qty: 2 }]), 'the cart as changed in React');
  page.checkClean();
});
