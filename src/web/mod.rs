//! The browser side: the backend client, DOM helpers, the Leptos components and the JS
//! exports. Only `exports.rs` holds `#[wasm_bindgen]` exports.

pub mod api;
pub mod button;
pub mod dom;
pub mod exports;
#[cfg(feature = "kiosk")]
pub mod in_place;
pub mod poll;
pub mod return_view;
pub mod style;

pub use button::VippsButton;
pub use return_view::VippsReturn;
