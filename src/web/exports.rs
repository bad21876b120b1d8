//! The JS exports, and the only `#[wasm_bindgen]` exports of the crate. `js/index.js`
//! wraps them into the documented JS API (`mount`, `mountReturn`, `defineElements`).

use std::any::Any;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

use super::api::text;
use super::button::{button_view, misconfigured};
use super::dom::Host;
use super::return_view::return_view;
use super::style;
use crate::core::options::{
    split_list, ButtonInput, ButtonOptions, ReturnInput, ReturnOptions, BUTTON_KEYS, RETURN_KEYS,
};

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
        self.host.gone.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.take();
        if let Some(c) = self.container.take() {
            c.remove();
        }
    }
}

/// The element's open shadow root (made if missing), with the widget's stylesheet, and a
/// fresh container in it.
fn container(element: &HtmlElement) -> Result<HtmlElement, JsValue> {
    let root = match element.shadow_root() {
        Some(root) => root,
        None => element.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    style::adopt(&root.clone().into());
    let document = element.owner_document().ok_or("no document")?;
    let div: HtmlElement = document.create_element("div")?.unchecked_into();
    root.append_child(&div)?;
    Ok(div)
}

fn mounted<N: IntoView + 'static>(
    element: &HtmlElement,
    host: Host,
    view: impl FnOnce() -> N + 'static,
) -> Result<Mounted, JsValue> {
    let div = container(element)?;
    let handle = leptos::mount::mount_to(div.clone(), view);
    Ok(Mounted {
        handle: Some(Box::new(handle)),
        host,
        container: Some(div),
    })
}

fn config_error(element: &HtmlElement, host: Host, why: String) -> Result<Mounted, JsValue> {
    let _ = element.set_attribute("data-state", "error");
    mounted(element, host, move || misconfigured(&why))
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
        allow_origins,
        mobile_number: text(options, "mobileNumber"),
    };
    Ok((ButtonOptions::from_input(input)?, payload(options)?))
}

/// Mounts the Vipps button in `element`'s shadow root. `options`: `{endpoint, payload,
/// mode, lang, allowOrigins, mobileNumber}` (see the README).
#[wasm_bindgen(js_name = mountButton)]
pub fn mount_button(element: HtmlElement, options: JsValue) -> Result<Mounted, JsValue> {
    let host = Host::new(Some(element.clone().into()));
    match button_input(&options) {
        Ok((options, payload)) => {
            let view_host = host.clone();
            mounted(&element, host, move || button_view(options, payload, view_host))
        }
        Err(why) => config_error(&element, host, why),
    }
}

/// Mounts the return view in `element`'s shadow root. `options`: `{endpoint, lang,
/// orderId, token}`; `orderId` and `token` default to `orderId` and `t` in the page URL.
#[wasm_bindgen(js_name = mountReturnView)]
pub fn mount_return_view(element: HtmlElement, options: JsValue) -> Result<Mounted, JsValue> {
    let host = Host::new(Some(element.clone().into()));
    let parsed = known_keys(&options, RETURN_KEYS).and_then(|_| {
        ReturnOptions::from_input(ReturnInput {
            endpoint: text(&options, "endpoint"),
            lang: text(&options, "lang"),
            order_id: text(&options, "orderId"),
            token: text(&options, "token"),
        })
    });
    match parsed {
        Ok(options) => {
            let view_host = host.clone();
            mounted(&element, host, move || return_view(options, view_host))
        }
        Err(why) => config_error(&element, host, why),
    }
}
