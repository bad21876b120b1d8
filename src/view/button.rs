//! The payment button: the brand's colour (Vipps' orange, MobilePay's blue), the verb and
//! the wordmark, a spinner (shown by
//! CSS while `aria-busy`), the problem in a `role="alert"` paragraph and the progress
//! for screen readers.

use leptos::html::Div;
use leptos::prelude::*;

use crate::core::flow::{ButtonFlow, FlowState};
use crate::core::i18n::Words;
use crate::core::options::Mode;

pub fn button_markup(
    words: Words,
    mode: Mode,
    flow: Signal<ButtonFlow>,
    root: NodeRef<Div>,
    on_click: impl Fn() + 'static,
) -> impl IntoView {
    let texts = words.texts;
    let verb = if mode == Mode::Express {
        texts.express
    } else {
        texts.pay
    };
    let busy = move || flow.with(|f| f.busy());
    view! {
        <div class=format!("vc-root vc-brand-{}", words.brand_slug) lang=words.tag node_ref=root>
            <button
                type="button"
                class="vc-button"
                disabled=busy
                aria-busy=move || if busy() { "true" } else { "false" }
                on:click=move |_| on_click()
            >
                <span class="vc-spinner" aria-hidden="true"></span>
                <span>{verb}" "<span class="vc-wordmark">{words.brand_name}</span></span>
            </button>
            // No problem, no text node: `.vc-message:empty` takes no room (an empty string
            // would render a space, and the box would grow).
            <p class="vc-message" role="alert">{move || flow.with(|f| f.problem().map(|p| words.say(p.text(words.lang))))}</p>
            <span class="vc-sr" aria-live="polite">
                {move || match flow.with(|f| f.state()) {
                    FlowState::Starting => words.say(texts.starting),
                    FlowState::Redirecting => words.say(texts.redirecting),
                    _ => String::new(),
                }}
            </span>
        </div>
    }
}
