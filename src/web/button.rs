//! The Vipps button's controller: one click, one payment start (retried with the same
//! key), the URL checked against the allowlist, then straight to Vipps. The flow lives
//! in one signal; one effect publishes it (`data-state`, events) and navigates.

use std::rc::Rc;

use leptos::callback::UnsyncCallback;
use leptos::ev;
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use super::api;
use super::dom::{self, Host};
use crate::core::allowlist;
use crate::core::events::Facts;
use crate::core::flow::{ButtonFlow, FlowState, Leaving};
use crate::core::options::{ButtonInput, ButtonOptions, Mode};
use crate::core::problem::{Problem, Why};
use crate::core::retry;
use crate::view::button::button_markup;

struct Button {
    options: ButtonOptions,
    /// The page's payload, sent as it is.
    payload: JsValue,
    flow: RwSignal<ButtonFlow>,
    host: Host,
}

impl Button {
    fn click(self: &Rc<Self>) {
        let Some(Some(key)) = self.flow.try_maybe_update(|f| {
            let key = f.click(api::fresh_key());
            (key.is_some(), key)
        }) else {
            return;
        };
        let me = self.clone();
        spawn_local(async move { me.start(key).await });
    }

    async fn start(self: Rc<Self>, key: String) {
        let how = api::StartRequest {
            express: self.options.mode == Mode::Express,
            flow: self.options.mode.flow(),
            mobile: self.options.mobile_number.as_deref(),
        };
        let mut attempt = 0;
        let problem = loop {
            if self.host.is_gone() {
                return;
            }
            match api::create_payment(
                &self.options.endpoint,
                self.options.store.as_deref(),
                &self.payload,
                &how,
                &key,
                self.host.requests().as_ref(),
            )
            .await
            {
                Ok(created) => match allowlist::check(&created.url, &self.options.allow_origins) {
                    Ok(url) => {
                        let leaving = Leaving {
                            order_id: created.order_id,
                            url: url.to_string(),
                        };
                        self.flow.try_maybe_update(|f| (f.redirect(leaving), ()));
                        return;
                    }
                    Err(why) => {
                        let (what, detail) = why.parts();
                        web_sys::console::error_3(
                            &JsValue::from_str(
                                "vipps-checkout: refused to navigate to a payment URL that is not an allowed \
                                 Vipps URL (allow a simulator with allow-origins):",
                            ),
                            &JsValue::from_str(what),
                            &JsValue::from_str(detail),
                        );
                        break Problem::new(Why::UnsafeUrl, false);
                    }
                },
                Err(e) => {
                    let problem = e.for_start();
                    attempt += 1;
                    match (problem.retryable, retry::start_retry_delay(attempt)) {
                        (true, Some(delay)) => dom::sleep_ms(delay).await,
                        _ => break problem,
                    }
                }
            }
        };
        self.flow.try_update(|f| f.fail(problem));
    }
}

/// The button's view for validated options, reporting to `host` (or its own root). With
/// `clicked`, a click made before the bundle ran is handled as soon as the view is live.
pub fn button_view(options: ButtonOptions, payload: JsValue, host: Host, clicked: bool) -> impl IntoView {
    let words = dom::words_of(options.lang, options.brand, options.market);
    let mode = options.mode;
    let flow = RwSignal::new(ButtonFlow::default());
    let button = Rc::new(Button {
        options,
        payload,
        flow,
        host: host.clone(),
    });
    let root = NodeRef::<Div>::new();

    // The one place the flow meets the page: data-state, events, and leaving for Vipps.
    let publisher = host.clone();
    dom::publish_effect(move || {
        if let Some(div) = root.get_untracked() {
            publisher.set_element(div.into());
        }
        flow.with(|f| {
            let leaving = f.leaving();
            let facts = Facts {
                order_id: leaving.map(|l| l.order_id.as_str()),
                url: leaving.map(|l| l.url.as_str()),
                ..Facts::default()
            };
            publisher.announce(f.state(), words, f.problem(), facts);
            if let (FlowState::Redirecting, Some(leaving)) = (f.state(), f.leaving()) {
                if !publisher.is_gone() && publisher.may_navigate(&leaving.url) {
                    dom::navigate(&leaving.url);
                }
            }
        });
    });

    // Back from Vipps through the browser's back button (bfcache): ready again.
    let pageshow = window_event_listener(ev::pageshow, move |e| {
        if e.persisted() {
            flow.try_update(|f| f.reset());
        }
    });
    let stopper = host.stopper();
    on_cleanup(move || {
        stopper.stop();
        pageshow.remove();
    });
    if clicked {
        let early = button.clone();
        spawn_local(async move { early.click() });
    }
    button_markup(words, mode, flow.into(), root, move || button.click())
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
    /// `nb`, `nn`, `en`, `da`, `fi` or `sv`; default: the page's language, else the browser's.
    #[prop(optional, into)]
    lang: Option<String>,
    /// `vipps` or `mobilepay`; default: the market's brand.
    #[prop(optional, into)]
    brand: Option<String>,
    /// `NO`, `DK` or `FI`; default: the language's (Danish: DK, Finnish: FI, else NO).
    #[prop(optional, into)]
    market: Option<String>,
    /// Origins besides Vipps' that payment URLs may point to (a simulator).
    #[prop(optional)]
    allow_origins: Vec<String>,
    /// The store, when the backend serves several (`?store=`).
    #[prop(optional, into)]
    store: Option<String>,
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
        brand,
        market,
        allow_origins,
        mobile_number: None,
        store,
    };
    let payload = js_sys::JSON::parse(&payload.to_string()).map_err(|_| "payload is not JSON".to_string());
    match ButtonOptions::from_input(input).and_then(|o| payload.map(|p| (o, p))) {
        Ok((options, payload)) => {
            let host = Host::new(None);
            if let Some(cb) = on_state {
                host.on_state(move |s| cb.run(s));
            }
            button_view(options, payload, host, false).into_any()
        }
        Err(why) => misconfigured(&why).into_any(),
    }
}

/// What a misconfigured widget shows (and logs), instead of failing at the first click.
pub fn misconfigured(why: &str) -> impl IntoView {
    web_sys::console::error_2(&JsValue::from_str("vipps-checkout:"), &JsValue::from_str(why));
    let lang = dom::lang_of(None);
    view! { <p class="vc-message" role="alert">{Why::Config.words(lang)}</p> }
}
