// The refusals a shopper can meet, on a page in each of the six languages, with the
// release bundle, the real backend and the simulator: the shopper reads the widget's
// words for the code in the page's language and brand, never the backend's English
// `message`; the `vipps:statechange` detail carries that message for the developer.
// Vipps' refusals come from simulator faults on the create (429, 503, error 37, error
// 81), as Vipps sends them; a push the shop is not set up for is refused by the backend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, launch, newPage, waitState, ROOT } from './harness.mjs';

// The widget's words (src/core/i18n.rs), with the brand the page shows: MobilePay for
// Danish and Finnish pages before 12 January 2027 (the pages' clocks say 1 December 2026).
const WORDS = {
  nb: {
    rate_limited: 'For mange forsøk. Vent litt og prøv igjen.',
    not_a_vipps_user: 'Dette telefonnummeret er ikke registrert i Vipps.',
    vipps_unavailable: 'Noe gikk galt hos butikken eller Vipps. Prøv igjen om litt.',
    merchant_unavailable: 'Butikken kan ikke ta imot Vipps akkurat nå. Prøv igjen senere, eller betal på en annen måte.',
    push_not_allowed: 'Butikken er ikke satt opp for å sende betalinger til telefon. Bruk QR-kode eller Vipps-knappen.',
  },
  nn: {
    rate_limited: 'For mange forsøk. Vent litt og prøv igjen.',
    not_a_vipps_user: 'Dette telefonnummeret er ikkje registrert i Vipps.',
    vipps_unavailable: 'Noko gjekk gale hos butikken eller Vipps. Prøv igjen om litt.',
    merchant_unavailable: 'Butikken kan ikkje ta imot Vipps akkurat no. Prøv igjen seinare, eller betal på ein annan måte.',
    push_not_allowed: 'Butikken er ikkje sett opp for å sende betalingar til telefon. Bruk QR-kode eller Vipps-knappen.',
  },
  en: {
    rate_limited: 'Too many attempts. Please wait a moment and try again.',
    not_a_vipps_user: 'This phone number is not registered with Vipps.',
    vipps_unavailable: 'Something went wrong at the shop or at Vipps. Please try again in a moment.',
    merchant_unavailable: 'The shop cannot take Vipps payments right now. Try again later or pay another way.',
    push_not_allowed: 'This shop is not set up to send payments to a phone. Use the QR code or the Vipps button.',
  },
  da: {
    rate_limited: 'For mange forsøg. Vent lidt og prøv igen.',
    not_a_vipps_user: 'Dette telefonnummer er ikke registreret i MobilePay.',
    vipps_unavailable: 'Noget gik galt hos butikken eller MobilePay. Prøv igen om lidt.',
    merchant_unavailable: 'Butikken kan ikke tage imod MobilePay lige nu. Prøv igen senere, eller betal på en anden måde.',
    push_not_allowed: 'Butikken er ikke sat op til at sende betalinger til telefonen. Brug QR-koden eller MobilePay-knappen.',
  },
  fi: {
    rate_limited: 'Liian monta yritystä. Odota hetki ja yritä uudelleen.',
    not_a_vipps_user: 'Tätä puhelinnumeroa ei ole rekisteröity MobilePay-palveluun.',
    vipps_unavailable: 'Kaupassa tai MobilePay-palvelussa tapahtui virhe. Yritä hetken päästä uudelleen.',
    merchant_unavailable: 'Kauppa ei voi juuri nyt ottaa vastaan MobilePay-maksuja. Yritä myöhemmin uudelleen tai maksa toisella tavalla.',
    push_not_allowed: 'Kauppaa ei ole määritetty lähettämään maksuja puhelimeen. Käytä QR-koodia tai MobilePay-painiketta.',
  },
  sv: {
    rate_limited: 'För många försök. Vänta en stund och försök igen.',
    not_a_vipps_user: 'Det här telefonnumret är inte registrerat i Vipps.',
    vipps_unavailable: 'Något gick fel hos butiken eller Vipps. Försök igen om en stund.',
    merchant_unavailable: 'Butiken kan inte ta emot Vipps just nu. Försök igen senare eller betala på ett annat sätt.',
    push_not_allowed: 'Butiken är inte inställd på att skicka betalningar till telefonen. Använd QR-koden eller Vipps-knappen.',
  },
};

// What Vipps answers the backend's create with, for each code the shopper then meets.
const FAULTS = {
  rate_limited: { route: 'initiate', status: 429, count: 1000 },
  not_a_vipps_user: { route: 'initiate', status: 400, errorGroup: 'User', errorCode: '81', count: 1000 },
  vipps_unavailable: { route: 'initiate', status: 503, count: 1000 },
  merchant_unavailable: { route: 'initiate', status: 400, errorGroup: 'Merchant', errorCode: '37', count: 1000 },
};

/** The demo shop with one page per language: a Vipps button, and a till's push. */
function shopWithLanguagePages() {
  const www = mkdtempSync(join(tmpdir(), 'vipps-words-'));
  cpSync(join(ROOT, 'www'), www, { recursive: true });
  for (const lang of Object.keys(WORDS)) {
    writeFileSync(join(www, `words-${lang}.html`), `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <title>Nordlys Strikk (${lang})</title>
  <link rel="stylesheet" href="/pkg/vipps-checkout.css">
  <script type="module" src="/pkg/embed.js"></script>
</head>
<body>
  <main>
    <vipps-checkout id="pay" payload='{"items":[{"sku":"socks","qty":1}]}'></vipps-checkout>
    <vipps-checkout id="push" mode="push" payload='{"items":[{"sku":"giftcard","qty":1}]}'></vipps-checkout>
  </main>
</body>
</html>
`);
  }
  return www;
}

let browser;
let demo;
const pages = {};
before(async () => {
  browser = await launch();
  // No per-client start limit: every click here comes from one address, and a
  // `rate_limited` must be Vipps' own.
  demo = await startDemo({ www: shopWithLanguagePages(), proxyFlags: ['--payments-per-minute-per-client', '0'] });
  for (const lang of Object.keys(WORDS)) {
    const page = await newPage(browser);
    await page.clock.setFixedTime(new Date('2026-12-01T12:00:00'));
    await page.addInitScript(() => {
      window.vippsEvents = [];
      document.addEventListener('vipps:statechange', (e) => window.vippsEvents.push({ id: e.target.id, ...e.detail }));
    });
    await page.goto(`${demo.shop}/words-${lang}.html`);
    await waitState(page, '#pay', 'idle');
    pages[lang] = page;
  }
});
after(async () => {
  await demo?.stop();
  await browser?.close();
});

/** The widget's alert text, and the last error event of the widget `id`. */
async function refusalOn(page, id) {
  const shown = await page.locator(`#${id}`).evaluate((el) => el.shadowRoot.querySelector('[role=alert]').textContent);
  const event = await page.evaluate((id) => window.vippsEvents.filter((e) => e.id === id && e.error).pop(), id);
  return { shown, event };
}

for (const code of Object.keys(FAULTS)) {
  test(`Vipps refuses the start (${code}): each page reads the widget's words in its language`, async () => {
    await demo.vipps.clearFaults();
    await demo.vipps.fault(FAULTS[code]);
    const langs = Object.keys(WORDS);
    // All six pages at once: the retryable refusals take a click's three retries.
    await Promise.all(langs.map(async (lang) => {
      const page = pages[lang];
      await page.evaluate(() => { window.vippsEvents = []; });
      await page.locator('#pay button').click();
      await waitState(page, '#pay', 'error', 20000);
    }));
    for (const lang of langs) {
      const { shown, event } = await refusalOn(pages[lang], 'pay');
      assert.equal(shown, WORDS[lang][code], `${code} on the ${lang} page`);
      assert.equal(event.error.code, code, lang);
      assert.equal(event.error.message, WORDS[lang][code], `${lang}: the event says what was shown`);
      assert.ok(event.error.backendMessage, `${lang}: the backend's message is in the event`);
      // The backend writes English for developers (its words may match the widget's
      // English ones); on every other page they must not be what the shopper reads.
      if (lang !== 'en') assert.notEqual(shown, event.error.backendMessage, `${lang}: the backend's words are not shown`);
      assert.doesNotMatch(shown, /Please wait a moment\.$|did not answer|cannot take Vipps payments right now\. Please/,
        `${lang}: nothing of the backend's English`);
    }
    await pages.nb.shot(`50-words-${code}-nb`);
    await demo.vipps.clearFaults();
    for (const lang of langs) pages[lang].checkClean();
  });
}

test("a push the shop is not set up for: each page reads the widget's words in its language", async () => {
  const made = (await demo.payments()).length;
  await Promise.all(Object.keys(WORDS).map(async (lang) => {
    const page = pages[lang];
    await waitState(page, '#push', 'idle');
    await page.locator('#push input').fill('48059528');
    await page.locator('#push button.vc-button').click();
    await waitState(page, '#push', 'error');
    const { shown, event } = await refusalOn(page, 'push');
    assert.equal(shown, WORDS[lang].push_not_allowed, lang);
    assert.equal(event.error.code, 'push_not_allowed', lang);
    assert.match(event.error.backendMessage, /skip-landing-page/, `${lang}: the backend's message for the developer`);
    assert.notEqual(shown, event.error.backendMessage);
    page.checkClean();
  }));
  await pages.fi.shot('51-words-push-not-allowed-fi');
  assert.equal((await demo.payments()).length, made, 'nothing reached Vipps');
});
