//! DOM plumbing: the host element's `data-state`, the `vipps:statechange` and
//! `vipps:beforenavigate` events, timers, visibility, and navigation.

use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use send_wrapper::SendWrapper;
use wasm_bindgen::JsValue;
use web_sys::{AbortController, AbortSignal, CustomEvent, CustomEventInit, Element};

use crate::core::brand::{self, Brand, Market};
use crate::core::events::{Facts, NavigateDetail, StateDetail};
use crate::core::flow::FlowState;
use crate::core::i18n::Words;
use crate::core::lang::Lang;
use crate::core::options::query_without_token;
use crate::core::problem::Problem;

pub const STATE_EVENT: &str = "vipps:statechange";
pub const NAVIGATE_EVENT: &str = "vipps:beforenavigate";

/// An event's detail as a plain JS object (structs become objects; absent parts are left
/// out).
pub fn to_js(detail: &impl serde::Serialize) -> JsValue {
    detail
        .serialize(&serde_wasm_bindgen::Serializer::new())
        .unwrap_or(JsValue::NULL)
}

/// A Rust listener of state changes (the Leptos components' `on_state`).
type StateListener = Box<dyn Fn(FlowState)>;

/// Where a widget reports to: the custom element, or the Leptos component's root.
#[derive(Clone)]
pub struct Host {
    element: Rc<std::cell::RefCell<Option<Element>>>,
    /// Set when the widget is unmounted: its tasks stop.
    gone: Arc<AtomicBool>,
    /// Aborted when the widget is unmounted: so are its requests in flight.
    requests: Option<AbortController>,
    listeners: Rc<std::cell::RefCell<Vec<StateListener>>>,
}

/// Stops a widget from `on_cleanup` (which wants `Send`): its tasks end, and its
/// requests in flight are aborted.
pub struct Stopper {
    gone: Arc<AtomicBool>,
    requests: SendWrapper<Option<AbortController>>,
}

impl Stopper {
    pub fn stop(&self) {
        self.gone.store(true, Ordering::Relaxed);
        if let Some(c) = self.requests.as_ref() {
            c.abort();
        }
    }
}

impl Host {
    pub fn new(element: Option<Element>) -> Self {
        Host {
            element: Rc::new(std::cell::RefCell::new(element)),
            gone: Arc::new(AtomicBool::new(false)),
            requests: AbortController::new().ok(),
            listeners: Rc::default(),
        }
    }

    pub fn set_element(&self, element: Element) {
        if self.element.borrow().is_none() {
            *self.element.borrow_mut() = Some(element);
        }
    }

    pub fn is_gone(&self) -> bool {
        self.gone.load(Ordering::Relaxed)
    }

    /// What stops the widget (Send, for `on_cleanup`).
    pub fn stopper(&self) -> Stopper {
        Stopper {
            gone: self.gone.clone(),
            requests: SendWrapper::new(self.requests.clone()),
        }
    }

    /// Stops the widget: its tasks end, its requests in flight are aborted.
    pub fn stop(&self) {
        self.stopper().stop();
    }

    /// The signal that aborts the widget's requests when it is unmounted.
    pub fn requests(&self) -> Option<AbortSignal> {
        self.requests.as_ref().map(AbortController::signal)
    }

    /// Calls `f` with every state the widget announces (the Leptos components' `on_state`).
    pub fn on_state(&self, f: impl Fn(FlowState) + 'static) {
        self.listeners.borrow_mut().push(Box::new(f));
    }

    /// Sets `data-state` and dispatches `vipps:statechange` (bubbles, composed), with the
    /// view's `facts`; a problem's backend message also goes to the console.
    pub fn announce(&self, state: FlowState, words: Words, problem: Option<&Problem>, facts: Facts) {
        for listener in self.listeners.borrow().iter() {
            listener(state);
        }
        let Some(element) = self.element.borrow().clone() else {
            return;
        };
        let _ = element.set_attribute("data-state", state.as_str());
        if let Some(p) = problem {
            if let Some(message) = &p.message {
                web_sys::console::warn_3(
                    &JsValue::from_str("vipps-checkout: the backend refused:"),
                    &JsValue::from_str(p.code()),
                    &JsValue::from_str(message),
                );
            }
        }
        let detail = StateDetail::new(state, words, problem, facts);
        let init = CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&to_js(&detail));
        if let Ok(event) = CustomEvent::new_with_event_init_dict(STATE_EVENT, &init) {
            let _ = element.dispatch_event(&event);
        }
    }

    /// Dispatches the cancelable `vipps:beforenavigate`; `true` unless a listener called
    /// `preventDefault()` (a framework that navigates itself, or a test).
    pub fn may_navigate(&self, url: &str) -> bool {
        let Some(element) = self.element.borrow().clone() else {
            return true;
        };
        let init = CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_cancelable(true);
        init.set_detail(&to_js(&NavigateDetail { url }));
        match CustomEvent::new_with_event_init_dict(NAVIGATE_EVENT, &init) {
            Ok(event) => element.dispatch_event(&event).unwrap_or(true),
            Err(_) => true,
        }
    }
}

/// Runs `publish` now and whenever a signal it reads changes: the one effect through
/// which a view's flow reaches the page. (Boxed: one instance of Leptos' effect
/// machinery for every view.)
pub fn publish_effect(publish: impl Fn() + 'static) {
    let publish: Box<dyn Fn()> = Box::new(publish);
    leptos::prelude::Effect::new(move |_| publish());
}

/// Sends the browser to `url`, unchanged.
pub fn navigate(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(url);
    }
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

pub async fn sleep_ms(ms: f64) {
    gloo_timers::future::TimeoutFuture::new(ms.max(0.0).min(i32::MAX as f64) as u32).await;
}

pub fn tab_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
        .unwrap_or(false)
}

/// The language a widget speaks: its own option, else the page's, else the browser's.
pub fn lang_of(chosen: Option<Lang>) -> Lang {
    let (page, browser) = page_languages();
    chosen.unwrap_or_else(|| crate::core::lang::resolve(None, page.as_deref(), &browser))
}

/// What a widget says and shows: its language ([`lang_of`]) and its brand (the page's,
/// else its market's on today's date, else its language's market).
pub fn words_of(lang: Option<Lang>, brand: Option<Brand>, market: Option<Market>) -> Words {
    let lang = lang_of(lang);
    let now = js_sys::Date::new_0();
    let today = (now.get_full_year() as i32, now.get_month() + 1, now.get_date());
    Words::new(lang, brand::resolve(brand, market, lang, today))
}

/// The page's `lang` and the browser's languages, for [`crate::core::lang::resolve`].
pub fn page_languages() -> (Option<String>, Vec<String>) {
    let window = web_sys::window();
    let page = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .filter(|l| !l.is_empty());
    let browser = window
        .map(|w| w.navigator().languages().iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    (page, browser)
}

/// Takes the status token out of the address bar (`history.replaceState`), keeping it
/// for this tab only (`sessionStorage`), so a reload still works while a copied URL, a
/// bookmark or a screenshot does not carry it.
pub fn forget_token_in_address_bar(order_id: &str, token: &str) {
    let Some(window) = web_sys::window() else { return };
    if let Ok(Some(storage)) = window.session_storage() {
        let _ = storage.set_item(&remembered_key(order_id), token);
    }
    let location = window.location();
    let Some(query) = location.search().ok().and_then(|q| query_without_token(&q)) else {
        return;
    };
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{query}{hash}")));
    }
}

/// The token [`forget_token_in_address_bar`] kept for `order_id` in this tab.
pub fn remembered_token(order_id: &str) -> Option<String> {
    let storage = web_sys::window()?.session_storage().ok()??;
    storage.get_item(&remembered_key(order_id)).ok()?
}

fn remembered_key(order_id: &str) -> String {
    ["vipps-checkout:t:", order_id].concat()
}

/// The page's query string (`?orderId=…&t=…`).
pub fn page_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}
