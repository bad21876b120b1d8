//! The Vipps button: one click, one payment start (retried with the same key), the URL
//! checked against the allowlist, then straight to Vipps.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::Ordering;

use leptos::callback::UnsyncCallback;
use leptos::ev;
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use super::api;
use super::dom::{self, Host};
use crate::core::allowlist;
use crate::core::flow::{ButtonFlow, FlowState, Problem};
use crate::core::i18n::{self, problem_message, Lang};
use crate::core::options::{ButtonInput, ButtonOptions, Mode};
use crate::core::retry;

/// What the view renders.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    state: FlowState,
    problem: Option<Problem>,
}

struct Button {
    options: ButtonOptions,
    /// The page's payload, sent as it is.
    payload: JsValue,
    lang: Lang,
    flow: RefCell<ButtonFlow>,
    shown: RwSignal<Shown>,
    host: Host,
}

impl Button {
    fn publish(&self, extra: &[(&str, JsValue)]) {
        let flow = self.flow.borrow();
        self.shown.try_set(Shown {
            state: flow.state(),
            problem: flow.problem().cloned(),
        });
        self.host.announce(flow.state(), self.lang, flow.problem(), extra);
    }

    fn click(self: &Rc<Self>) {
        let Some(key) = self.flow.borrow_mut().click(api::fresh_key()) else {
            return;
        };
        self.publish(&[]);
        let me = self.clone();
        spawn_local(async move { me.start(key).await });
    }

    async fn start(self: Rc<Self>, key: String) {
        let express = self.options.mode == Mode::Express;
        let mobile = self.options.mobile_number.as_deref();
        let mut attempt = 0;
        loop {
            if self.host.is_gone() {
                return;
            }
            let problem = match api::create_payment(&self.options.endpoint, &self.payload, express, mobile, &key).await
            {
                Ok(created) => match allowlist::check(&created.url, &self.options.allow_origins) {
                    Ok(url) => {
                        self.flow.borrow_mut().redirect();
                        self.publish(&[
                            ("orderId", JsValue::from_str(&created.order_id)),
                            ("url", JsValue::from_str(url)),
                        ]);
                        if !self.host.is_gone() && self.host.may_navigate(url) {
                            dom::navigate(url);
                        }
                        return;
                    }
                    Err(why) => {
                        web_sys::console::error_1(&JsValue::from_str(&format!(
                            "vipps-checkout: refused to navigate to a payment URL that is not an allowed Vipps URL ({why:?}). \
                             Allow a simulator with allow-origins."
                        )));
                        Problem::new("unsafe_url", false)
                    }
                },
                Err(e) => {
                    let problem = e.for_start();
                    attempt += 1;
                    if let (true, Some(delay)) = (problem.retryable, retry::start_retry_delay(attempt)) {
                        dom::sleep_ms(delay).await;
                        continue;
                    }
                    problem
                }
            };
            self.flow.borrow_mut().fail(problem);
            self.publish(&[]);
            return;
        }
    }
}

/// The button's view for validated options, reporting to `host` (or its own root).
pub fn button_view(options: ButtonOptions, payload: JsValue, host: Host) -> impl IntoView {
    let (page_lang, browser) = dom::page_languages();
    let lang = options
        .lang
        .unwrap_or_else(|| i18n::resolve(None, page_lang.as_deref(), &browser));
    let texts = lang.texts();
    let verb = if options.mode == Mode::Express {
        texts.express
    } else {
        texts.pay
    };
    let shown = RwSignal::new(Shown {
        state: FlowState::Idle,
        problem: None,
    });
    let button = Rc::new(Button {
        options,
        payload,
        lang,
        flow: RefCell::new(ButtonFlow::default()),
        shown,
        host: host.clone(),
    });

    // Back from Vipps through the browser's back button (bfcache): ready again.
    let again = button.clone();
    let pageshow = window_event_listener(ev::pageshow, move |e| {
        if e.persisted() {
            again.flow.borrow_mut().reset();
            again.publish(&[]);
        }
    });
    let stopper = host.stopper();
    on_cleanup(move || {
        stopper.store(true, Ordering::Relaxed);
        pageshow.remove();
    });

    let root = NodeRef::<Div>::new();
    let first = button.clone();
    root.on_load(move |div| {
        first.host.set_element(div.into());
        first.publish(&[]);
    });
    let busy = move || matches!(shown.get().state, FlowState::Starting | FlowState::Redirecting);
    let clicker = button.clone();
    view! {
        <div class="vc-root" lang=lang.tag() node_ref=root>
            <button
                type="button"
                class="vc-button"
                disabled=busy
                aria-busy=move || if busy() { "true" } else { "false" }
                on:click=move |_| clicker.click()
            >
                <Show when=busy>
                    <span class="vc-spinner" aria-hidden="true"></span>
                </Show>
                <span>{verb} " " <span class="vc-wordmark">"Vipps"</span></span>
            </button>
            <p class="vc-message" role="alert">
                {move || shown.get().problem.map(|p| match p.message {
                    Some(m) if p.code != "unsafe_url" => m,
                    _ => problem_message(lang, &p.code).to_string(),
                })}
            </p>
            <span class="vc-sr" aria-live="polite">
                {move || match shown.get().state {
                    FlowState::Starting => texts.starting,
                    FlowState::Redirecting => texts.redirecting,
                    _ => "",
                }}
            </span>
        </div>
    }
}

/// The Vipps button as a Leptos component, for Rust frontends.
///
/// ```ignore
/// view! { <VippsButton payload=json!({"items": [{"sku": "socks", "qty": 1}]}) express=true /> }
/// ```
///
/// It posts to `{endpoint}/payments` (default `/api/vipps`), checks the answered URL and
/// sends the browser to Vipps. Its root `div` carries `data-state` and dispatches
/// `vipps:statechange` and the cancelable `vipps:beforenavigate`; `on_state` is called
/// with each new state too. Call [`crate::web::style::adopt`] on the document once if
/// the page does not ship the stylesheet itself (the component does it for you).
#[component]
pub fn VippsButton(
    /// What to buy, opaque to the widget: the reference backend reads
    /// `{"items": [{"sku", "qty"}]}`. Never a price.
    payload: serde_json::Value,
    /// The backend's base URL. Default `/api/vipps`.
    #[prop(optional, into)]
    endpoint: Option<String>,
    /// "Kjøp nå med Vipps" (express checkout) instead of "Betal med Vipps".
    #[prop(optional)]
    express: bool,
    /// `nb` or `en`; default: the page's language, else the browser's.
    #[prop(optional, into)]
    lang: Option<String>,
    /// Origins besides Vipps' that payment URLs may point to (a simulator).
    #[prop(optional)]
    allow_origins: Vec<String>,
    /// Called with each new state.
    #[prop(optional, into)]
    on_state: Option<UnsyncCallback<FlowState>>,
) -> impl IntoView {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        super::style::adopt(&document.into());
    }
    let input = ButtonInput {
        endpoint,
        mode: Some(if express { "express" } else { "pay" }.into()),
        lang,
        allow_origins,
        mobile_number: None,
    };
    let payload = js_sys::JSON::parse(&payload.to_string()).map_err(|_| "payload is not JSON".to_string());
    match ButtonOptions::from_input(input).and_then(|o| payload.map(|p| (o, p))) {
        Ok((options, payload)) => {
            let host = Host::new(None);
            if let Some(cb) = on_state {
                host.on_state(move |s| cb.run(s));
            }
            button_view(options, payload, host).into_any()
        }
        Err(why) => misconfigured(&why).into_any(),
    }
}

/// What a misconfigured widget shows (and logs), instead of failing at the first click.
pub fn misconfigured(why: &str) -> impl IntoView {
    web_sys::console::error_1(&JsValue::from_str(&format!("vipps-checkout: {why}")));
    let (page, browser) = dom::page_languages();
    let lang = i18n::resolve(None, page.as_deref(), &browser);
    view! { <p class="vc-message" role="alert">{problem_message(lang, "config")}</p> }
}
