//! The JS exports, and the only `#[wasm_bindgen]` exports of the crate. `js/index.js`
//! wraps them into the documented JS API (`mount`, `mountReturn`, `defineElements`).

use std::any::Any;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

use super::button::{button_view, misconfigured};
use super::dom::Host;
use super::return_view::return_view;
use super::style;
use crate::core::options::{ButtonInput, ButtonOptions, ReturnInput, ReturnOptions};

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

/// Mounts the Vipps button in `element`'s shadow root. `options`: `{endpoint, payload,
/// mode, lang, allowOrigins, mobileNumber}` (see the README).
#[wasm_bindgen(js_name = mountButton)]
pub fn mount_button(element: HtmlElement, options: JsValue) -> Result<Mounted, JsValue> {
    let host = Host::new(Some(element.clone().into()));
    let parsed = serde_wasm_bindgen::from_value::<ButtonInput>(options)
        .map_err(|e| format!("invalid options: {e}"))
        .and_then(ButtonOptions::from_input);
    match parsed {
        Ok(options) => {
            let view_host = host.clone();
            mounted(&element, host, move || button_view(options, view_host))
        }
        Err(why) => config_error(&element, host, why),
    }
}

/// Mounts the return view in `element`'s shadow root. `options`: `{endpoint, lang,
/// orderId, token}`; `orderId` and `token` default to `orderId` and `t` in the page URL.
#[wasm_bindgen(js_name = mountReturnView)]
pub fn mount_return_view(element: HtmlElement, options: JsValue) -> Result<Mounted, JsValue> {
    let host = Host::new(Some(element.clone().into()));
    let parsed = serde_wasm_bindgen::from_value::<ReturnInput>(options)
        .map_err(|e| format!("invalid options: {e}"))
        .and_then(ReturnOptions::from_input);
    match parsed {
        Ok(options) => {
            let view_host = host.clone();
            mounted(&element, host, move || return_view(options, view_host))
        }
        Err(why) => config_error(&element, host, why),
    }
}
