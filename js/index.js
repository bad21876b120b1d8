// vipps-checkout: the JS API. Importing this module touches no `window` and loads no
// wasm, so server-side rendering frameworks can import it safely.
//
// Loading on purpose: a mount draws the widget at once from `markup.js` (the HTML the
// Leptos views render at build time), then the wasm bundle is fetched when the browser
// is idle or at the first sign of intent (pointer, touch, focus) — at once for the return
// view — and hydrates that same DOM. A click before then is kept: the button shows its
// busy state and the payment starts as soon as the bundle runs.
import {
  BRANDS, CSS, DEFAULT_LANG, LANGS, MARKET_BRANDS, MOUNT_CLASS, RENAME_DAY, TEMPLATES, TEXTS,
} from './markup.js';

// Two bundles: `main` (the button and the return view) and `kiosk` (the same, plus the
// payments that stay on the page: mode "qr" and "push", with their QR encoder), so a
// shop's product pages never download a QR encoder. The hashes are filled in by
// scripts/build-widget.sh: the browser refuses a wasm file that is not byte for byte the
// one this package was built with (Subresource Integrity). The paths stay literals, so
// a shop's bundler finds the files.
const BUNDLES = {
  main: {
    glue: () => import('./vipps_checkout.js'),
    wasm: () => new URL('./vipps_checkout_bg.wasm', import.meta.url),
    integrity: '__WASM_INTEGRITY__',
  },
  kiosk: {
    glue: () => import('./vipps_checkout_kiosk.js'),
    wasm: () => new URL('./vipps_checkout_kiosk_bg.wasm', import.meta.url),
    integrity: '__KIOSK_WASM_INTEGRITY__',
  },
};

function wasmRequest(bundle) {
  const { wasm, integrity } = BUNDLES[bundle];
  return integrity.startsWith('sha384-') ? new Request(wasm(), { integrity }) : wasm();
}

const loading = { main: null, kiosk: null };
// Mounts waiting for a bundle: each is started by the first load, whoever asks.
const starters = { main: new Set(), kiosk: new Set() };
const idleAsked = { main: false, kiosk: false };

/** Loads a wasm bundle (`main`, or `kiosk` for mode "qr"/"push") once; later calls share
 * the same promise. A failed load (an ad blocker, a flaky network) is not cached: the
 * next mount tries again. */
export function load(bundle = 'main') {
  if (!BUNDLES[bundle]) throw new TypeError(`vipps-checkout: no bundle '${bundle}' (main or kiosk)`);
  if (!loading[bundle]) {
    loading[bundle] = BUNDLES[bundle].glue()
      .then(async (glue) => {
        await glue.default({ module_or_path: wasmRequest(bundle) });
        return glue;
      })
      .catch((error) => {
        loading[bundle] = null;
        idleAsked[bundle] = false;
        throw error;
      });
    for (const start of [...starters[bundle]]) start();
  }
  return loading[bundle];
}

function loadWhenIdle(bundle) {
  if (idleAsked[bundle]) return;
  idleAsked[bundle] = true;
  const later = globalThis.requestIdleCallback ?? ((f) => setTimeout(f, 200));
  later(() => load(bundle).catch(() => {}), { timeout: 2000 });
}

/** The language the widget speaks: the option, the page's, the browser's, by primary
 * subtag; else the default (the wasm's `lang::resolve`, over the tables it exports). */
function langOf(options) {
  const candidates = [options.lang, globalThis.document?.documentElement?.getAttribute('lang'),
    ...(globalThis.navigator?.languages ?? [])];
  for (const tag of candidates) {
    const key = String(tag ?? '').trim().split(/[-_]/)[0].toLowerCase();
    if (Object.hasOwn(LANGS, key)) return LANGS[key];
  }
  return DEFAULT_LANG;
}

/** The brand the widget shows: the option, else what the wasm's `brand::resolve` gives for
 * the market and language on today's date (tabled at build time). `null` for a brand or
 * market it does not know: the wasm then says what is wrong. */
function brandOf(options, lang) {
  const named = String(options.brand ?? '').trim().toLowerCase();
  if (named) return Object.hasOwn(BRANDS, named) ? named : null;
  const code = String(options.market ?? '').trim().toLowerCase();
  const market = Object.hasOwn(MARKET_BRANDS, code) ? MARKET_BRANDS[code][lang] : undefined;
  if (!market) return null;
  const d = new Date();
  const today = [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n) => String(n).padStart(2, '0')).join('-');
  return market[today < RENAME_DAY ? 0 : 1];
}

/** A text of `lang` with the brand's name where it says "Vipps" (as `Words::say`). */
function say(lang, name, brand) {
  return (TEXTS[lang]?.[name] ?? '').replaceAll('Vipps', BRANDS[brand]);
}

let sheet = null;
function adopt(root) {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

/** Draws `variant` (the `template` in `lang` for `brand`) in the element's shadow root,
 * unless it is there already (painted by a declarative shadow root or an earlier mount).
 * Returns the container, or null when there is nothing to paint (the wasm then draws,
 * e.g. a configuration error). */
function paint(element, variant, template, lang, brand) {
  const slots = TEMPLATES[template];
  if (!slots || !brand) return null;
  const fixed = { lang, brand: BRANDS[brand], slug: brand };
  const html = slots.replace(/%%(\w+)%%/g, (_, name) => fixed[name] ?? say(lang, name, brand));
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  adopt(root);
  const there = root.querySelector(`:scope > div.${MOUNT_CLASS}`);
  if (there?.dataset.variant === variant) return there;
  const div = document.createElement('div');
  div.className = MOUNT_CLASS;
  div.dataset.variant = variant;
  div.innerHTML = html; // our own build-time markup, never page data
  root.replaceChildren(div);
  return div;
}

// Without the bundle the widget cannot work: say so in the element, in its language,
// and tell the page (data-state, vipps:statechange) like any error.
function showLoadFailure(element, lang, brand, error) {
  const text = say(lang, 'load_failed', brand ?? 'vipps');
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.textContent = text;
  root.replaceChildren(p);
  element.setAttribute('data-state', 'error');
  element.dispatchEvent(new CustomEvent('vipps:statechange', {
    bubbles: true, composed: true,
    detail: { state: 'error', error: { code: 'load_failed', message: text, retryable: true } },
  }));
  console.error('vipps-checkout: the widget bundle could not load', error);
}

const INTENT = ['pointerenter', 'pointerdown', 'touchstart', 'focusin'];
const mounted = new WeakMap();
// Elements whose painted button was pressed and whose bundle has not taken over yet:
// busy, like `starting`, so a new cart does not redraw them and lose the click.
const pressed = new WeakSet();

function attach(element, options, kind) {
  if (!element || typeof element.attachShadow !== 'function') {
    throw new TypeError(`vipps-checkout: ${kind === 'button' ? 'mount' : 'mountReturn'}() needs an HTMLElement to mount in`);
  }
  // Mounting twice (React StrictMode, hot reload) replaces the earlier mount.
  mounted.get(element)?.unmount();
  const lang = langOf(options);
  const brand = brandOf(options, lang);
  const opts = { ...options, lang };
  let template = 'return';
  let variant = `return-${lang}-${brand}`;
  let bundle = 'main';
  if (kind !== 'return') {
    const mode = String(options.mode ?? '').trim() || 'pay';
    template = `button-${mode}`;
    variant = `button-${lang}-${mode}-${brand}`;
    if (mode === 'qr' || mode === 'push') bundle = 'kiosk';
  }
  const painted = paint(element, variant, template, lang, brand);
  const button = kind === 'button' ? painted?.querySelector('button') : null;
  // A number typed into the painted field before the bundle ran is kept.
  const field = painted?.querySelector('input');

  let inner = null;
  let gone = false;
  let clicked = false;
  const onClick = () => {
    if (clicked) return;
    clicked = true;
    pressed.add(element);
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    load(bundle).catch(() => {});
  };
  const onIntent = () => load(bundle).catch(() => {});
  button?.addEventListener('click', onClick);
  for (const type of INTENT) element.addEventListener(type, onIntent, { passive: true });
  const quiet = () => {
    pressed.delete(element);
    starters[bundle].delete(start);
    button?.removeEventListener('click', onClick);
    for (const type of INTENT) element.removeEventListener(type, onIntent);
  };

  const handle = {
    /** Resolves when the widget is live (rejects if the bundle cannot load). */
    ready: null,
    /** Stops the widget (polling, pending work) and removes it. Safe to call twice. */
    unmount() {
      if (gone) return;
      gone = true;
      quiet();
      if (inner) {
        inner.unmount();
        inner.free();
        inner = null;
      } else {
        painted?.remove();
      }
      if (mounted.get(element) === handle) mounted.delete(element);
    },
  };
  let start;
  handle.ready = new Promise((resolve, reject) => {
    start = () => {
      starters[bundle].delete(start);
      load(bundle).then(
        (glue) => {
          if (gone) return resolve(handle);
          quiet();
          try {
            // The bundle carries no CSS: the stylesheet is always this file's.
            adopt(element.shadowRoot ?? element.attachShadow({ mode: 'open' }));
            if (field?.value.trim()) opts.mobileNumber = field.value;
            inner = kind === 'button' ? glue.mountButton(element, opts, clicked) : glue.mountReturnView(element, opts);
          } catch (error) {
            return reject(error);
          }
          resolve(handle);
        },
        (error) => {
          if (!gone) showLoadFailure(element, lang, brand, error);
          reject(error);
        },
      );
    };
  });
  if (loading[bundle] || kind === 'return') start();
  else {
    starters[bundle].add(start);
    loadWhenIdle(bundle);
  }
  mounted.set(element, handle);
  return handle;
}

/**
 * Draws the Vipps button in `element` (in its shadow root).
 * @param {HTMLElement} element
 * @param {import('./index').ButtonOptions} options
 * @returns {import('./index').Handle}
 */
export function mount(element, options = {}) {
  return attach(element, options, 'button');
}

/**
 * Draws the return view in `element`: polls the backend for the order in the page URL
 * (`orderId`, `t`) and shows the outcome.
 * @param {HTMLElement} element
 * @param {import('./index').ReturnOptions} options
 * @returns {import('./index').Handle}
 */
export function mountReturn(element, options = {}) {
  return attach(element, options, 'return');
}

const BUTTON_ATTRIBUTES = ['endpoint', 'payload', 'mode', 'lang', 'brand', 'market', 'allow-origins', 'mobile-number', 'store'];
const RETURN_ATTRIBUTES = ['endpoint', 'lang', 'brand', 'market', 'order-id', 'token', 'store'];

function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

function optionsFrom(element, names) {
  const options = {};
  for (const name of names) {
    const value = element.getAttribute(name);
    if (value !== null) options[camel(name)] = value;
  }
  return options;
}

/**
 * Defines `<vipps-checkout>` and `<vipps-checkout-return>` (once; later calls do nothing).
 * `embed.js` calls this for you.
 */
export function defineElements(registry = globalThis.customElements) {
  if (!registry) return;
  const define = (tag, names, mountWith) => {
    if (registry.get(tag)) return;
    registry.define(tag, class extends HTMLElement {
      static get observedAttributes() { return names; }
      connectedCallback() { this.render(); }
      disconnectedCallback() {
        if (this.handle) this.handle.unmount();
        this.handle = null;
      }
      attributeChangedCallback() {
        // A new cart while idle re-renders; never in the middle of a payment start.
        const busy = pressed.has(this) || ['starting', 'redirecting'].includes(this.getAttribute('data-state'));
        if (this.handle && !busy) this.render();
      }
      render() {
        this.handle = mountWith(this, optionsFrom(this, names));
        this.handle.ready.catch(() => {}); // shown in the element; nobody else awaits it
      }
    });
  };
  define('vipps-checkout', BUTTON_ATTRIBUTES, mount);
  define('vipps-checkout-return', RETURN_ATTRIBUTES, mountReturn);
}
