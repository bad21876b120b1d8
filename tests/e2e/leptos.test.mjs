// The Leptos kit (examples/leptos): a client-side Leptos app using the crate's
// VippsButton and VippsReturn components, built with wasm-pack, served by the backend.
// A shopper changes the cart, pays once, and the app's return page confirms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, launch, newPage, logIn, ROOT } from './harness.mjs';

let demo, browser;
before(async () => {
  const dist = join(mkdtempSync(join(tmpdir(), 'vipps-leptos-')), 'dist');
  execFileSync(join(ROOT, 'examples/leptos/build.sh'), [dist], { stdio: ['ignore', 'ignore', 'inherit'] });
  demo = await startDemo({ www: dist, proxyFlags: ['--return-path', '/'] });
  browser = await launch();
});
after(async () => { await browser?.close(); await demo?.stop(); });

test("a Leptos app with the crate's components pays once and its return page confirms", async () => {
  const page = await newPage(browser);
  await page.goto(demo.shop);
  await page.getByTestId('state').getByText('idle').waitFor();
  await page.getByLabel('Antall ullsokker').fill('3');
  await page.getByRole('button', { name: 'Betal med Vipps' }).click();
  await logIn(page, '48059528');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL((url) => url.searchParams.has('orderId'));
  await page.getByTestId('state').getByText('confirmed').waitFor();
  await page.getByText('Betalingen er bekreftet').waitFor();
  const payments = await demo.payments();
  assert.equal(payments.length, 1);
  assert.equal(payments[0].amount, await demo.priceOf([{ sku: 'socks', qty: 3 }]), 'the cart as changed in Leptos');
  page.checkClean();
});
