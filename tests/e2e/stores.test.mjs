// Two stores on one backend (`--stores`): "fjord" with a Vipps sales unit of its own (a
// second unit on the simulator), its own catalogue and name; the widget names it with
// `store`. Its payment goes to its own unit, the return page (whose URL carries the
// store) confirms it, and its token opens nothing in another store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, launch, newPage, waitState, widgetText, logIn } from './harness.mjs';

let demo, browser;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vipps-stores-'));
  writeFileSync(join(dir, 'fjord.json'),
    JSON.stringify({ products: { coffee: { name: 'Kaffe', price: 4500, weight: 0, ships: false } } }));
  writeFileSync(join(dir, 'stores.json'), JSON.stringify({ stores: {
    fjord: { name: 'Fjord Kaffe', orderPrefix: 'fjord', msn: '654321', clientId: 'fjord-id',
             clientSecretEnv: 'E2E_FJORD_SECRET', subscriptionKeyEnv: 'E2E_FJORD_KEY', catalogue: 'fjord.json' },
    outlet: { name: 'Nordlys Outlet', orderPrefix: 'outlet' },
  } }));
  process.env.E2E_FJORD_SECRET = 'fjord-secret';
  process.env.E2E_FJORD_KEY = 'fjord-key';
  demo = await startDemo({
    simFlags: ['--sales-unit', '654321:fjord-id:fjord-secret:fjord-key:Fjord Kaffe'],
    proxyFlags: ['--stores', join(dir, 'stores.json')],
  });
  browser = await launch();
});
after(async () => { await browser?.close(); await demo?.stop(); });

test("a store's payment goes to its own sales unit, and its link opens nothing in another store", async () => {
  const page = await newPage(browser);
  await page.goto(demo.shop);
  await page.evaluate((sim) => {
    const el = document.createElement('vipps-checkout');
    el.id = 'fjord-pay';
    el.setAttribute('store', 'fjord');
    el.setAttribute('payload', JSON.stringify({ items: [{ sku: 'coffee', qty: 1 }] }));
    el.setAttribute('allow-origins', sim);
    document.querySelector('main').prepend(el);
  }, demo.sim);
  await waitState(page, '#fjord-pay', 'idle');
  await page.locator('#fjord-pay').getByRole('button', { name: 'Betal med Vipps' }).click();
  await page.waitForURL(/vippsgateway/);
  await page.getByText('Fjord Kaffe').first().waitFor();
  await logIn(page, '48059528');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/\/return\.html/);
  await waitState(page, 'vipps-checkout-return', 'confirmed');
  assert.match(await widgetText(page, 'vipps-checkout-return'), /45,00 kr/);
  assert.equal(new URL(page.url()).searchParams.get('store'), 'fjord', 'the store stays in the address bar');
  assert.equal(new URL(page.url()).searchParams.get('t'), null, 'the token does not');

  const [payment] = await demo.payments();
  assert.match(payment.orderId, /^fjord-/);
  assert.equal(payment.msn, '654321', "fjord's own sales unit");
  assert.equal(payment.amount, 4500);
  const fallBack = new URL(payment.returnUrl);
  const token = fallBack.searchParams.get('t');
  for (const other of ['', '&store=outlet']) {
    const stranger = await newPage(browser);
    await stranger.goto(`${demo.shop}/return.html?orderId=${payment.orderId}&t=${token}${other}`);
    await waitState(stranger, 'vipps-checkout-return', 'error');
    assert.match(await widgetText(stranger, 'vipps-checkout-return'), /Vi finner ikke denne betalingen/);
    stranger.checkClean();
  }
  page.checkClean();
});
