//! The JS exports, and the only `#[wasm_bindgen]` exports of the crate. `js/index.js`
//! wraps them into the documented JS API (`mount`, `mountReturn`, `defineElements`).

use std::any::Any;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

use super::button::{button_view, misconfigured};
use super::dom::{words_of, Host};
#[cfg(feature = "kiosk")]
use super::in_place::in_place_view;
use super::return_view::{first_flow, return_view};
use crate::core::flow::FlowState;
use crate::core::options::{
    split_list, ButtonInput, ButtonOptions, ReturnInput, ReturnOptions, BUTTON_KEYS, RETURN_KEYS,
};
use crate::view::{button_variant, return_variant, MOUNT_CLASS};

/// A mounted widget; `unmount()` stops its work and removes it.
#[wasm_bindgen]
pub struct Mounted {
    handle: Option<Box<dyn Any>>,
    host: Host,
    container: Option<HtmlElement>,
}

#[wasm_bindgen]
impl Mounted {
    pub fn unmount(&mut self) {
        self.host.stop();
        self.handle.take();
        if let Some(c) = self.container.take() {
            c.remove();
        }
    }
}

/// The element's open shadow root (made if missing). Its stylesheet is `index.js`'s,
/// adopted before it calls these exports: the bundle carries no CSS of its own (the
/// Leptos components, which have no `index.js`, adopt `style::CSS` themselves).
fn shadow_root(element: &HtmlElement) -> Result<web_sys::ShadowRoot, JsValue> {
    match element.shadow_root() {
        Some(root) => Ok(root),
        None => element.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)),
    }
}

/// The container `index.js` painted `variant` in, if it is there.
fn painted(root: &web_sys::ShadowRoot, variant: &str) -> Option<HtmlElement> {
    let selector = ["div.", MOUNT_CLASS, "[data-variant=\"", variant, "\"]"].concat();
    root.query_selector(&selector)
        .ok()
        .flatten()
        .map(JsCast::unchecked_into)
}

/// Hydrates the markup painted for `variant` when it is there (the same DOM goes live,
/// nothing is redrawn); else draws into a fresh container.
fn mounted<N: IntoView + 'static>(
    element: &HtmlElement,
    host: Host,
    variant: Option<String>,
    view: impl FnOnce() -> N + 'static,
) -> Result<Mounted, JsValue> {
    let root = shadow_root(element)?;
    let (div, handle): (HtmlElement, Box<dyn Any>) = match variant.and_then(|v| painted(&root, &v)) {
        Some(div) => {
            let handle = leptos::mount::hydrate_from(div.clone(), view);
            (div, Box::new(handle))
        }
        None => {
            let document = element.owner_document().ok_or("no document")?;
            let div: HtmlElement = document.create_element("div")?.unchecked_into();
            div.set_class_name(MOUNT_CLASS);
            root.replace_children_with_node_1(&div);
            let handle = leptos::mount::mount_to(div.clone(), view);
            (div, Box::new(handle))
        }
    };
    Ok(Mounted {
        handle: Some(handle),
        host,
        container: Some(div),
    })
}

fn config_error(element: &HtmlElement, host: Host, why: String) -> Result<Mounted, JsValue> {
    let _ = element.set_attribute("data-state", "error");
    mounted(element, host, None, move || misconfigured(&why))
}

/// Refuses option names the API does not know (a typo should not pass silently).
fn known_keys(options: &JsValue, known: &[&str]) -> Result<(), String> {
    if !options.is_object() {
        return Err("options must be an object".into());
    }
    for key in js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
    {
        if !known.contains(&key.as_str()) {
            return Err(format!("unknown option '{key}' (known: {})", known.join(", ")));
        }
    }
    Ok(())
}

/// The payload: an object, or its JSON text (from an attribute).
fn payload(options: &JsValue) -> Result<JsValue, String> {
    let value = js_sys::Reflect::get(options, &"payload".into()).unwrap_or(JsValue::UNDEFINED);
    if value.is_undefined() || value.is_null() {
        return Err("payload is required (what to buy, e.g. {\"items\":[{\"sku\":\"socks\",\"qty\":1}]})".into());
    }
    match value.as_string() {
        Some(json) => js_sys::JSON::parse(&json).map_err(|_| "payload is not valid JSON".to_string()),
        None => Ok(value),
    }
}

fn button_input(options: &JsValue) -> Result<(ButtonOptions, JsValue), String> {
    known_keys(options, BUTTON_KEYS)?;
    let origins = js_sys::Reflect::get(options, &"allowOrigins".into()).unwrap_or(JsValue::UNDEFINED);
    let allow_origins = if let Some(text) = origins.as_string() {
        split_list(&text)
    } else if js_sys::Array::is_array(&origins) {
        js_sys::Array::from(&origins)
            .iter()
            .filter_map(|o| o.as_string())
            .collect()
    } else {
        Vec::new()
    };
    let input = ButtonInput {
        endpoint: text(options, "endpoint"),
        mode: text(options, "mode"),
        lang: text(options, "lang"),
        brand: text(options, "brand"),
        market: text(options, "market"),
        allow_origins,
        mobile_number: text(options, "mobileNumber"),
        store: text(options, "store"),
    };
    Ok((ButtonOptions::from_input(input)?, payload(options)?))
}

/// Mounts the Vipps button in `element`'s shadow root. `options`: `{endpoint, payload,
/// mode, lang, brand, market, allowOrigins, mobileNumber}` (see the README). `index.js` passes
/// `clicked` when the painted button was pressed before the bundle ran: that click
/// starts the payment as soon as the button is live.
#[wasm_bindgen(js_name = mountButton)]
pub fn mount_button(element: HtmlElement, options: JsValue, clicked: bool) -> Result<Mounted, JsValue> {
    let host = Host::new(Some(element.clone().into()));
    match button_input(&options) {
        Ok((options, payload)) => {
            let view_host = host.clone();
            let variant = button_variant(&words_of(options.lang, options.brand, options.market), options.mode);
            if options.mode.in_place() {
                #[cfg(feature = "kiosk")]
                return mounted(&element, host, Some(variant), move || {
                    in_place_view(options, payload, view_host, clicked)
                });
                #[cfg(not(feature = "kiosk"))]
                return config_error(
                    &element,
                    host,
                    format!(
                        "mode \"{}\" is in the kiosk bundle (vipps_checkout_kiosk.js), which index.js loads for it",
                        options.mode.as_str()
                    ),
                );
            }
            mounted(&element, host, Some(variant), move || {
                button_view(options, payload, view_host, clicked)
            })
        }
        Err(why) => config_error(&element, host, why),
    }
}

/// Mounts the return view in `element`'s shadow root. `options`: `{endpoint, lang, brand,
/// market, orderId, token}`; `orderId` and `token` default to `orderId` and `t` in the page URL.
#[wasm_bindgen(js_name = mountReturnView)]
pub fn mount_return_view(element: HtmlElement, options: JsValue) -> Result<Mounted, JsValue> {
    let host = Host::new(Some(element.clone().into()));
    let parsed = known_keys(&options, RETURN_KEYS).and_then(|_| {
        ReturnOptions::from_input(ReturnInput {
            endpoint: text(&options, "endpoint"),
            lang: text(&options, "lang"),
            brand: text(&options, "brand"),
            market: text(&options, "market"),
            order_id: text(&options, "orderId"),
            token: text(&options, "token"),
            store: text(&options, "store"),
        })
    });
    match parsed {
        Ok(options) => {
            let view_host = host.clone();
            // Only the waiting state is painted: a link without an order is drawn afresh.
            let waiting = first_flow(&options).0.state() == FlowState::Waiting;
            let variant = waiting.then(|| return_variant(&words_of(options.lang, options.brand, options.market)));
            mounted(&element, host, variant, move || return_view(options, view_host))
        }
        Err(why) => config_error(&element, host, why),
    }
}

/// A string option of the page's options object (absent, or not a string: `None`).
fn text(v: &JsValue, name: &str) -> Option<String> {
    js_sys::Reflect::get(v, &JsValue::from_str(name)).ok()?.as_string()
}
