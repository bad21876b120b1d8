//! The widget's markup: the one source of what the button and the return view look
//! like. Compiled twice: natively with Leptos' server renderer (`--features ssr`), where
//! `src/bin/widget-markup.rs` renders each variant to HTML at build time for `index.js`
//! to paint before any wasm has loaded, and on wasm32, where the same views hydrate that
//! HTML (or mount from scratch, for the Leptos components). The views only read a flow
//! signal and call back on clicks: the state lives in `core::flow`, the wiring in `web`.

pub mod button;
pub mod in_place_panel;
pub mod return_panel;

use crate::core::i18n::Words;
use crate::core::options::Mode;

/// The name of a painted variant, written on the paint's container as `data-variant`:
/// the wasm hydrates a container only when it names the variant the wasm would draw.
/// `index.js` composes the same names (`button-da-pay-mobilepay`).
pub fn button_variant(words: &Words, mode: Mode) -> String {
    format!("button-{}-{}-{}", words.tag, mode.as_str(), words.brand_slug)
}

/// See [`button_variant`]; the return view's painted state is always "waiting".
pub fn return_variant(words: &Words) -> String {
    format!("return-{}-{}", words.tag, words.brand_slug)
}

/// The class of the container the markup is drawn in, inside the shadow root.
pub const MOUNT_CLASS: &str = "vc-mount";

/// The host elements' boxes, as `:host(…)` rules.
pub const HOST_CSS: &str = include_str!("host.css");

/// The widget's stylesheet (inside the shadow root): the host boxes, then the widget.
pub const CSS: &str = concat!(include_str!("host.css"), include_str!("widget.css"));
