//! Browser tests (wasm-bindgen-test, headless Chromium): the widget mounted for real,
//! against a scripted backend that records every request (`tests/scripted`). One file
//! per journey: the button (`button.rs`), the return page (`return_page.rs`), and the
//! payments that stay on the page (`in_place.rs`, the kiosk bundle).
#![cfg(target_arch = "wasm32")]

#[path = "../scripted/mod.rs"]
mod scripted;

mod button;
#[cfg(feature = "kiosk")]
mod in_place;
mod return_page;

use scripted::*;
use serde_json::{json, Value};
use vipps_checkout::core::options::{ReturnInput, ReturnOptions};
use vipps_checkout::web::dom::Host;
use vipps_checkout::web::exports::{mount_button, mount_return_view};
use vipps_checkout::web::return_view::return_view;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);
