/** The states a widget goes through; also its `data-state` attribute. */
export type FlowState =
  | 'idle' | 'starting' | 'redirecting'
  | 'waiting' | 'confirmed' | 'cancelled' | 'failed' | 'expired'
  | 'error';

/** The backend's order statuses (see docs/proxy-api.yaml). */
export type PaymentStatus = 'pending' | 'reserved' | 'captured' | 'cancelled' | 'failed' | 'expired';

export interface Amount { value: number; currency: string }

export interface Address {
  addressLine1: string;
  addressLine2?: string;
  postCode: string;
  city: string;
  country: string;
}

export interface Shipping { method: string; methodId: string; cost: Amount; address?: Address }

export interface WidgetError {
  /** Stable code: the backend's as it sent it (the reference backend's are listed in
   * docs/proxy-api.yaml, e.g. `not_a_vipps_user`, `rate_limited`) or the widget's own
   * (`network`, `server`, `unsafe_url`, `bad_response`, `missing_order`, `not_found`, `config`,
   * `load_failed`: the wasm bundle could not be fetched; for mode `push` the number's
   * `mobile_empty`, `mobile_foreign`, `mobile_characters`, `mobile_length`,
   * `mobile_not_mobile`). */
  code: string;
  /** What the shopper was shown: the widget's own words for the code, in the page's
   * language and brand (a code the widget does not know: its words for the HTTP class). */
  message: string;
  /** Trying again may help. */
  retryable: boolean;
  /** The backend's own `message`, for developers and logs (also in the console); never
   * shown to the shopper. Absent when the backend sent none. */
  backendMessage?: string;
}

/** `event.detail` of `vipps:statechange` (bubbles, composed). */
export interface StateChangeDetail {
  state: FlowState;
  /** Button: once the backend answered. Return view, QR and push: always once started. */
  orderId?: string;
  /** Button, `redirecting`: where the browser goes. QR, `waiting`: the code's URL. */
  url?: string;
  /** Return view, QR and push: the backend's status, amount (and shipping). */
  status?: PaymentStatus;
  amount?: Amount;
  shipping?: Shipping;
  error?: WidgetError;
}

/** `event.detail` of the cancelable `vipps:beforenavigate`: `preventDefault()` keeps the page. */
export interface BeforeNavigateDetail { url: string }

export interface ButtonOptions {
  /** What to buy, opaque to the widget (the reference backend reads `{items: [{sku, qty}]}`).
   * An object, or its JSON text. Never a price: the backend decides amounts. */
  payload: unknown;
  /** The backend's base URL. Default `/api/vipps`. */
  endpoint?: string;
  /** `pay` ("Betal med Vipps", default), `express` ("Kjøp nå med Vipps"), or a payment
   * that stays on the page: `qr` (a QR code for a customer screen) or `push` (a till sends
   * it to the customer's phone; the backend needs `--skip-landing-page`). `qr` and `push`
   * load the larger `kiosk` bundle. */
  mode?: 'pay' | 'express' | 'qr' | 'push';
  /** `nb`, `nn`, `en`, `da`, `fi` or `sv`. Default: the page's `lang`, else the browser's
   * languages, else English. */
  lang?: string;
  /** `vipps` or `mobilepay`. Default: the market's brand (MobilePay in Denmark and Finland
   * until 12 January 2027, then Vipps; Vipps in Norway). */
  brand?: 'vipps' | 'mobilepay';
  /** `NO`, `DK` or `FI`. Default: the language's (Danish: DK, Finnish: FI, else NO). */
  market?: string;
  /** Origins besides Vipps' hosts the payment URL may point to (a simulator, in
   * development): a list, or space/comma-separated text. */
  allowOrigins?: string[] | string;
  /** Prefills the number on Vipps' landing page, or mode `push`'s field (8 digits, +47
   * allowed). */
  mobileNumber?: string;
  /** The store, when the backend serves several (`?store=` on every request). */
  store?: string;
}

export interface ReturnOptions {
  /** The backend's base URL. Default `/api/vipps`. */
  endpoint?: string;
  /** As for the button. */
  lang?: string;
  /** As for the button. */
  brand?: 'vipps' | 'mobilepay';
  /** As for the button. */
  market?: string;
  /** Default: `orderId` from the page URL. */
  orderId?: string;
  /** Default: `t` from the page URL. */
  token?: string;
  /** Default: `store` from the page URL. */
  store?: string;
}

export interface Handle {
  /** The widget is drawn at once; this resolves once it is live (the wasm bundle loads
   * when the browser is idle or at the first sign of intent, at once for the return
   * view); rejects if the bundle cannot load (the element then shows a short message
   * and is in `error`). */
  readonly ready: Promise<Handle>;
  /** Stops the widget and removes it: its polling ends and its requests in flight are
   * aborted. Safe to call twice. */
  unmount(): void;
}

/** Draws the Vipps button in `element`. Mounting again on the same element replaces it. */
export function mount(element: HTMLElement, options: ButtonOptions): Handle;
/** Draws the return view in `element`. Mounting again on the same element replaces it. */
export function mountReturn(element: HTMLElement, options?: ReturnOptions): Handle;
/** Defines `<vipps-checkout>` and `<vipps-checkout-return>` (idempotent). */
export function defineElements(registry?: CustomElementRegistry): void;
/** Loads a wasm bundle now (mounts load theirs when the browser is idle or at the first
 * sign of intent): `main` (default) or `kiosk` (modes `qr` and `push`). */
export function load(bundle?: 'main' | 'kiosk'): Promise<unknown>;

declare global {
  interface HTMLElementEventMap {
    'vipps:statechange': CustomEvent<StateChangeDetail>;
    'vipps:beforenavigate': CustomEvent<BeforeNavigateDetail>;
  }
  interface HTMLElementTagNameMap {
    'vipps-checkout': HTMLElement;
    'vipps-checkout-return': HTMLElement;
  }
}
