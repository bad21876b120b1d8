// vipps-checkout: the JS API. Importing this module touches no `window` and loads no
// wasm: the bundle is fetched on the first mount, so server-side rendering frameworks
// can import it safely.
import init, { mountButton, mountReturnView } from './vipps_checkout.js';

let loading = null;

// Filled in by scripts/build-widget.sh: the browser refuses a wasm file that is not
// byte for byte the one this package was built with (Subresource Integrity).
const WASM_INTEGRITY = '__WASM_INTEGRITY__';

function wasmRequest() {
  const url = new URL('./vipps_checkout_bg.wasm', import.meta.url);
  return WASM_INTEGRITY.startsWith('sha384-') ? new Request(url, { integrity: WASM_INTEGRITY }) : url;
}

/** Loads the wasm bundle once; later calls share the same promise. A failed load
 * (an ad blocker, a flaky network) is not cached: the next mount tries again. */
export function load() {
  if (!loading) {
    loading = init({ module_or_path: wasmRequest() }).catch((error) => {
      loading = null;
      throw error;
    });
  }
  return loading;
}

const LOAD_FAILED = {
  nb: 'Vipps-knappen kunne ikke lastes. Sjekk nettforbindelsen og last siden på nytt.',
  en: 'The Vipps button could not load. Check your connection and reload the page.',
};

// Without the bundle the widget cannot draw itself: say so in the element, in the
// page's language, and tell the page (data-state, vipps:statechange) like any error.
function showLoadFailure(element, options, error) {
  const lang = (options.lang || element.closest('[lang]')?.getAttribute('lang') || '').slice(0, 2);
  const text = ['nb', 'no', 'nn'].includes(lang) ? LOAD_FAILED.nb : LOAD_FAILED.en;
  const root = element.shadowRoot || element.attachShadow({ mode: 'open' });
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

const mounted = new WeakMap();

function attach(element, options, mountWith, what) {
  if (!element || typeof element.attachShadow !== 'function') {
    throw new TypeError(`vipps-checkout: ${what}() needs an HTMLElement to mount in`);
  }
  // Mounting twice (React StrictMode, hot reload) replaces the earlier mount.
  const earlier = mounted.get(element);
  if (earlier) earlier.unmount();
  let inner = null;
  let gone = false;
  const handle = {
    /** Resolves when the widget is on the page (rejects if the bundle cannot load). */
    ready: null,
    /** Stops the widget (polling, pending work) and removes it. Safe to call twice. */
    unmount() {
      if (gone) return;
      gone = true;
      if (inner) {
        inner.unmount();
        inner.free();
        inner = null;
      }
      if (mounted.get(element) === handle) mounted.delete(element);
    },
  };
  handle.ready = load().then(
    () => {
      if (!gone) {
        element.shadowRoot?.replaceChildren();
        inner = mountWith(element, { ...options });
      }
      return handle;
    },
    (error) => {
      if (!gone) showLoadFailure(element, options, error);
      throw error;
    },
  );
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
  return attach(element, options, mountButton, 'mount');
}

/**
 * Draws the return view in `element`: polls the backend for the order in the page URL
 * (`orderId`, `t`) and shows the outcome.
 * @param {HTMLElement} element
 * @param {import('./index').ReturnOptions} options
 * @returns {import('./index').Handle}
 */
export function mountReturn(element, options = {}) {
  return attach(element, options, mountReturnView, 'mountReturn');
}

const BUTTON_ATTRIBUTES = ['endpoint', 'payload', 'mode', 'lang', 'allow-origins', 'mobile-number'];
const RETURN_ATTRIBUTES = ['endpoint', 'lang', 'order-id', 'token'];

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
        const busy = ['starting', 'redirecting'].includes(this.getAttribute('data-state'));
        if (this.handle && !busy) this.render();
      }
      render() {
        this.handle = mountWith(this, optionsFrom(this, names));
      }
    });
  };
  define('vipps-checkout', BUTTON_ATTRIBUTES, mount);
  define('vipps-checkout-return', RETURN_ATTRIBUTES, mountReturn);
}
