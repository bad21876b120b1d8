//! The Vipps button: the brand's orange, the verb and the wordmark, a spinner (shown by
//! CSS while `aria-busy`), the problem in a `role="alert"` paragraph and the progress
//! for screen readers.

use leptos::html::Div;
use leptos::prelude::*;

use crate::core::flow::{ButtonFlow, FlowState};
use crate::core::i18n::Lang;
use crate::core::options::Mode;

pub fn button_markup(
    lang: Lang,
    mode: Mode,
    flow: Signal<ButtonFlow>,
    root: NodeRef<Div>,
    on_click: impl Fn() + 'static,
) -> impl IntoView {
    let texts = lang.texts();
    let verb = if mode == Mode::Express {
        texts.express
    } else {
        texts.pay
    };
    let busy = move || flow.with(|f| f.busy());
    view! {
        <div class="vc-root" lang=lang.tag() node_ref=root>
            <button
                type="button"
                class="vc-button"
                disabled=busy
                aria-busy=move || if busy() { "true" } else { "false" }
                on:click=move |_| on_click()
            >
                <span class="vc-spinner" aria-hidden="true"></span>
                <span>{verb}" "<span class="vc-wordmark">"Vipps"</span></span>
            </button>
            // No problem, no text node: `.vc-message:empty` takes no room (an empty string
            // would render a space, and the box would grow).
            <p class="vc-message" role="alert">{move || flow.with(|f| f.problem().map(|p| p.text(lang)))}</p>
            <span class="vc-sr" aria-live="polite">
                {move || match flow.with(|f| f.state()) {
                    FlowState::Starting => texts.starting,
                    FlowState::Redirecting => texts.redirecting,
                    _ => "",
                }}
            </span>
        </div>
    }
}
