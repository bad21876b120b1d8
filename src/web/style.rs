//! The widget's styles as a constructed stylesheet: adopted by each shadow root (custom
//! elements) or once by the document (Leptos components). Works under a strict CSP
//! (`style-src 'self'`): no `<style>` element, no `style` attribute is ever written.

use std::cell::RefCell;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

pub const CSS: &str = crate::view::CSS;

thread_local! {
    static SHEET: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// One shared `CSSStyleSheet`, made on first use.
fn sheet() -> Option<JsValue> {
    SHEET.with(|cell| {
        if let Some(sheet) = cell.borrow().as_ref() {
            return Some(sheet.clone());
        }
        let ctor: Function = Reflect::get(&js_sys::global(), &"CSSStyleSheet".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let sheet = Reflect::construct(&ctor, &Array::new()).ok()?;
        let replace: Function = Reflect::get(&sheet, &"replaceSync".into()).ok()?.dyn_into().ok()?;
        replace.call1(&sheet, &JsValue::from_str(CSS)).ok()?;
        *cell.borrow_mut() = Some(sheet.clone());
        Some(sheet)
    })
}

/// Adds the stylesheet to `target.adoptedStyleSheets` (a shadow root or the document),
/// once, keeping what is already there.
pub fn adopt(target: &JsValue) {
    let Some(sheet) = sheet() else { return };
    let current = Reflect::get(target, &"adoptedStyleSheets".into()).unwrap_or(JsValue::UNDEFINED);
    let list = Array::from(&current);
    if list.includes(&sheet, 0) {
        return;
    }
    list.push(&sheet);
    let _ = Reflect::set(target, &"adoptedStyleSheets".into(), &list);
}
