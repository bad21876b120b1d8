//! The payments that stay on the page (`mode="qr"`, `mode="push"`): for a till, the
//! customer's number; the payment button (its verb says what it does: show a QR code,
//! send to the phone, or again); then a panel with the QR code (or the number it went
//! to), the amount, and how it ended. What is not shown is `hidden`, not left out.

use leptos::html::Div;
use leptos::prelude::*;

use crate::core::flow::FlowState;
use crate::core::i18n::KioskWords;
use crate::core::in_place::InPlaceFlow;
use crate::core::money;
use crate::core::qr::qr_svg;
use contract::Flow;

/// `48059528` as people read it: `480 59 528`.
pub fn spaced_mobile(digits: &str) -> String {
    if digits.len() == 8 && digits.is_ascii() {
        format!("{} {} {}", &digits[..3], &digits[3..5], &digits[5..])
    } else {
        digits.to_string()
    }
}

pub fn in_place_markup(
    KioskWords { words, kiosk }: KioskWords,
    channel: Flow,
    flow: Signal<InPlaceFlow>,
    mobile: RwSignal<String>,
    root: NodeRef<Div>,
    on_start: impl Fn() + 'static,
    on_withdraw: impl Fn() + 'static,
) -> impl IntoView {
    let texts = words.texts;
    let lang = words.lang;
    let push = channel == Flow::Push;
    let state = move || flow.with(|f| f.state());
    let busy = move || flow.with(|f| f.busy());
    let verb = move || match (push, flow.with(|f| f.is_again())) {
        (false, false) => kiosk.qr_start,
        (false, true) => kiosk.qr_again,
        (true, false) => kiosk.push_start,
        (true, true) => kiosk.push_again,
    };
    let started = move || flow.with(|f| f.started().is_some());
    let waiting = move || flow.with(|f| f.is_polling());
    // The code is drawn once per payment, not at every poll.
    let url = Memo::new(move |_| flow.with(|f| f.code_visible().then(|| f.started().map(|s| s.url.clone())).flatten()));
    let code = move || {
        let svg = url.get().and_then(|u| qr_svg(&u))?;
        Some(view! {
            <svg class="vc-qr" role="img" aria-label=words.say(kiosk.qr_label) viewBox=format!("0 0 {0} {0}", svg.size)
                shape-rendering="crispEdges">
                <rect width="100%" height="100%" fill="#fff"></rect>
                <path d=svg.path fill="#000"></path>
            </svg>
        })
    };
    let heading = move || {
        flow.with(|f| match f.state() {
            FlowState::Waiting if push => {
                let to = f
                    .started()
                    .and_then(|s| s.to.as_deref())
                    .map(spaced_mobile)
                    .unwrap_or_default();
                format!("{} {to}", words.say(kiosk.push_waiting))
            }
            FlowState::Waiting => words.say(kiosk.qr_waiting),
            FlowState::Expired if f.code_expired() => words.say(kiosk.code_expired),
            FlowState::Confirmed => words.say(texts.confirmed),
            FlowState::Cancelled => words.say(texts.cancelled),
            FlowState::Failed => words.say(texts.failed),
            FlowState::Expired => words.say(texts.expired),
            _ => String::new(),
        })
    };
    let hint = move || {
        let text = flow.with(|f| match f.state() {
            FlowState::Waiting if push => kiosk.push_waiting_hint,
            FlowState::Waiting => kiosk.qr_waiting_hint,
            FlowState::Expired if f.code_expired() => kiosk.code_expired_hint,
            FlowState::Confirmed => texts.confirmed_hint,
            FlowState::Cancelled => kiosk.nothing_taken,
            FlowState::Failed => texts.failed_hint,
            FlowState::Expired => kiosk.timed_out_hint,
            _ => "",
        });
        words.say(text)
    };
    let icon = move || match state() {
        FlowState::Confirmed => ("vc-icon vc-ok", "✓"),
        FlowState::Cancelled | FlowState::Failed | FlowState::Error => ("vc-icon vc-no", "!"),
        FlowState::Expired => ("vc-icon vc-wait", "?"),
        _ => ("", ""),
    };
    let amount = move || {
        flow.with(|f| {
            f.order()
                .map(|o| money::format(o.amount.value, &o.amount.currency, lang))
        })
    };
    let reference = move || {
        flow.with(|f| (f.state() == FlowState::Confirmed).then(|| f.order().map(|o| o.order_id.clone())))
            .flatten()
            .map(|id| view! { <p class="vc-hint">{texts.order_ref}": "{id}</p> })
    };
    let field = push.then(|| {
        view! {
            <label class="vc-field">
                <span>{kiosk.phone_label}</span>
                <input
                    class="vc-input"
                    type="tel"
                    inputmode="tel"
                    autocomplete="off"
                    maxlength="20"
                    disabled=move || !flow.with(|f| f.can_start())
                    prop:value=move || mobile.get()
                    on:input=move |ev| mobile.set(event_target_value(&ev))
                />
            </label>
        }
    });
    view! {
        <div class=format!("vc-root vc-inplace vc-brand-{}", words.brand_slug) lang=words.tag node_ref=root>
            {field}
            // While a payment is on show there is nothing to start: the button goes.
            <button
                type="button"
                class="vc-button"
                hidden=move || flow.with(|f| !f.can_start() && !f.busy())
                disabled=move || !flow.with(|f| f.can_start())
                aria-busy=move || if busy() { "true" } else { "false" }
                on:click=move |_| on_start()
            >
                <span class="vc-spinner" aria-hidden="true"></span>
                <span>{verb}" "<span class="vc-wordmark">{words.brand_name}</span></span>
            </button>
            <p class="vc-message" role="alert">{move || flow.with(|f| f.problem().map(|p| words.say(p.text(lang))))}</p>
            <section class="vc-panel" hidden=move || !started()>
                {code}
                <div class="vc-head" aria-live="polite" aria-atomic="true">
                    <span class="vc-spinner" aria-hidden="true" hidden=move || !waiting()></span>
                    <span class=move || icon().0 aria-hidden="true" hidden=waiting>{move || icon().1}</span>
                    <h2 class="vc-title">{heading}</h2>
                </div>
                <p class="vc-amount">{amount}</p>
                <p class="vc-hint">{hint}</p>
                {reference}
                <button type="button" class="vc-again" hidden=move || !flow.with(|f| f.can_withdraw())
                    on:click=move |_| on_withdraw()>
                    {kiosk.withdraw}
                </button>
            </section>
        </div>
    }
}
