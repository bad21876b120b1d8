// axe-core over the pages a shopper sees: the shop with its Vipps buttons (in shadow
// roots), the simulated Vipps app, and the confirmation. No serious or critical issue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, newPage, waitState, logIn, axe, API } from './harness.mjs';

let demo, browser;
before(async () => { demo = await startDemo(); browser = await launch(); });
after(async () => { await browser?.close(); await demo?.stop(); });

test('the shop, the simulated app and the confirmation have no serious accessibility issue', async () => {
  const page = await newPage(browser);
  await page.goto(demo.shop);
  await waitState(page, '#cart-pay', 'idle');
  await axe(page, 'shop');
  // Express where the API has it (eCom); the cart's regular payment on ePayment.
  const button = API === 'ecom' ? 'Kjøp nå med Vipps' : 'Betal med Vipps';
  await page.getByRole('button', { name: button }).first().click();
  await logIn(page);
  await axe(page, 'simulated app');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/\/return\.html/);
  await waitState(page, 'vipps-checkout-return', 'confirmed');
  await axe(page, 'confirmation');
  page.checkClean();
});
