//! vipps-checkout: the Vipps button, the hand-off to Vipps and the return page.
//!
//! * [`core`]: the pure logic (flow state machines, polling schedule, URL allowlist,
//!   texts), tested natively.
//! * `view` (wasm32, or natively with `--features ssr`): the markup, rendered to HTML at
//!   build time and hydrated in the browser.
//! * `web` (wasm32 only): the Leptos components ([`web::VippsButton`],
//!   [`web::VippsReturn`]), the backend client and the JS exports behind the
//!   `<vipps-checkout>` and `<vipps-checkout-return>` custom elements.

pub mod core;

#[cfg(any(target_arch = "wasm32", feature = "ssr"))]
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod web;
