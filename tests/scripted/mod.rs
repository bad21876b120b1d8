//! The scripted backend of the browser tests: a `fetch` stub in the page that answers
//! each route from a list and records every request, every navigation and every
//! `vipps:statechange` detail; and the helpers that mount and read a widget.
#![allow(dead_code)]

use serde_json::{json, Value};
use vipps_checkout::web::exports::Mounted;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

#[wasm_bindgen(inline_js = r#"
const state = { requests: [], routes: [], navigations: [], events: [], aborted: [] };
export function install() {
  state.requests = []; state.routes = []; state.navigations = []; state.events = []; state.aborted = [];
  if (window.__vippsFetchInstalled) return;
  window.__vippsFetchInstalled = true;
  window.fetch = async (input, init) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url);
    req.signal.addEventListener('abort', () => state.aborted.push(`${req.method} ${url.pathname}`));
    const body = req.method === 'POST' ? await req.text() : null;
    state.requests.push({ method: req.method, path: url.pathname, search: url.search,
                          key: req.headers.get('Idempotency-Key'),
                          client: req.headers.get('Vipps-Checkout-Client'), body });
    const route = state.routes.find(r => r.method === req.method && url.pathname === r.path);
    if (!route) return new Response('{"error":{"code":"not_found","message":"no route"}}', { status: 404 });
    const answer = route.answers.length > 1 ? route.answers.shift() : route.answers[0];
    if (answer.delay) await new Promise(r => setTimeout(r, answer.delay));
    if (answer.network) throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  };
  document.addEventListener('vipps:beforenavigate', (e) => { e.preventDefault(); state.navigations.push(e.detail.url); });
  document.addEventListener('vipps:statechange', (e) => { state.events.push(e.detail); });
}
export function route(method, path, answers) {
  state.routes = state.routes.filter(r => !(r.method === method && r.path === path));
  state.routes.push({ method, path, answers: JSON.parse(answers) });
}
export function requests() { return JSON.stringify(state.requests); }
export function navigations() { return JSON.stringify(state.navigations); }
export function events() { return JSON.stringify(state.events); }
export function aborted() { return JSON.stringify(state.aborted); }
export function setHidden(hidden) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  document.dispatchEvent(new Event('visibilitychange'));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = install)]
    pub fn install_backend();
    pub fn route(method: &str, path: &str, answers: &str);
    pub fn requests() -> String;
    pub fn navigations() -> String;
    pub fn events() -> String;
    pub fn aborted() -> String;
    #[wasm_bindgen(js_name = setHidden)]
    pub fn set_hidden(hidden: bool);
}

/// Resets the scripted backend; panics reach the console (else a failing test only "times out").
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&JsValue::from_str(&info.to_string()))
    }));
    install_backend();
}

pub fn answer(status: u16, body: Value) -> Value {
    json!({ "status": status, "body": body })
}

pub fn created(url: &str) -> Value {
    answer(
        201,
        json!({"orderId": "shop-1", "url": url, "statusToken": "tok", "expiresAt": "2026-11-22T12:10:00Z"}),
    )
}

pub fn state_of(status: &str) -> Value {
    answer(
        200,
        json!({"orderId": "shop-1", "status": status, "amount": {"value": 29800, "currency": "NOK"},
                       "updatedAt": "2026-11-22T12:00:00Z"}),
    )
}

pub fn set_route(method: &str, path: &str, answers: Vec<Value>) {
    route(method, path, &Value::Array(answers).to_string());
}

pub fn parsed(text: String) -> Vec<Value> {
    serde_json::from_str(&text).unwrap()
}

/// An element in the page, with the open shadow root and the stylesheet that `index.js`
/// gives an element before it calls the exports (the bundle carries no CSS).
pub fn element(tag: &str) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let el: HtmlElement = document.create_element(tag).unwrap().unchecked_into();
    document.body().unwrap().append_child(&el).unwrap();
    let root = el
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .unwrap();
    vipps_checkout::web::style::adopt(&root.into());
    el
}

pub fn options(value: Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap()
}

pub async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Waits (bounded) until the host's `data-state` is `want`.
pub async fn wait_for_state(el: &Element, want: &str, within_ms: u32) {
    let mut waited = 0;
    while el.get_attribute("data-state").as_deref() != Some(want) {
        assert!(
            waited < within_ms,
            "data-state stayed {:?}, wanted {want}",
            el.get_attribute("data-state")
        );
        sleep(20).await;
        waited += 20;
    }
}

pub fn shadow_text(el: &Element) -> String {
    el.shadow_root().unwrap().text_content().unwrap_or_default()
}

pub fn button_of(el: &Element) -> HtmlElement {
    el.shadow_root()
        .unwrap()
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into()
}

/// The text of the widget's `role="alert"` region.
pub fn alert_of(el: &Element) -> String {
    el.shadow_root()
        .unwrap()
        .query_selector("[role=alert]")
        .unwrap()
        .expect("an alert region")
        .text_content()
        .unwrap_or_default()
}

pub fn done(mut m: Mounted, el: HtmlElement) {
    m.unmount();
    el.remove();
}
