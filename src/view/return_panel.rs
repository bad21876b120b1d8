//! The return view: a spinner and "waiting" until the backend has an answer, then the
//! outcome with an icon, a hint, and for a confirmed payment the amount, the order
//! reference and (express) the shipping method and address. "Check again" while a
//! retryable problem lasts. The heading region is `aria-live`. What is not shown is
//! `hidden`, not left out, so the markup's shape never changes.

use leptos::html::Section;
use leptos::prelude::*;

use crate::core::flow::{FlowState, ReturnFlow};
use crate::core::i18n::Words;
use crate::core::money;

pub fn return_markup(
    words: Words,
    flow: Signal<ReturnFlow>,
    root: NodeRef<Section>,
    on_check_again: impl Fn() + 'static,
) -> impl IntoView {
    let texts = words.texts;
    let lang = words.lang;
    let state = move || flow.with(|f| f.state());
    let heading = move || {
        flow.with(|f| match f.state() {
            FlowState::Confirmed => words.say(texts.confirmed),
            FlowState::Cancelled => words.say(texts.cancelled),
            FlowState::Failed => words.say(texts.failed),
            FlowState::Expired => words.say(texts.expired),
            FlowState::Error => match f.problem() {
                Some(p) if p.retryable => words.say(texts.retrying),
                Some(p) => words.say(p.text(lang)),
                None => words.say(texts.waiting),
            },
            _ => words.say(texts.waiting),
        })
    };
    let hint = move || {
        words.say(match state() {
            FlowState::Waiting => texts.waiting_hint,
            FlowState::Confirmed => texts.confirmed_hint,
            FlowState::Cancelled => texts.cancelled_hint,
            FlowState::Failed => texts.failed_hint,
            FlowState::Expired => texts.expired_hint,
            _ => "",
        })
    };
    let icon = move || match state() {
        FlowState::Confirmed => ("vc-icon vc-ok", "✓"),
        FlowState::Cancelled | FlowState::Failed | FlowState::Error => ("vc-icon vc-no", "!"),
        FlowState::Expired => ("vc-icon vc-wait", "?"),
        _ => ("", ""),
    };
    let waiting = move || flow.with(|f| f.is_waiting());
    let can_check_again = move || flow.with(|f| f.can_check_again());
    let details = move || {
        let order = flow.with(|f| f.confirmed_order().cloned())?;
        let amount = money::format(order.amount.value, &order.amount.currency, lang);
        let shipping = order.shipping.clone().map(|sh| {
            let cost = money::format(sh.cost.value, &sh.cost.currency, lang);
            let address = sh.address.map(|a| {
                let mut lines = vec![a.address_line1];
                lines.extend(a.address_line2.filter(|l| !l.is_empty()));
                lines.push(format!("{} {}", a.post_code, a.city));
                lines.join(", ")
            });
            (format!("{} ({cost})", sh.method), address)
        });
        Some(view! {
            <dl class="vc-details">
                <dt>{texts.order_ref}</dt><dd>{order.order_id.clone()}</dd>
                <dt>{texts.amount}</dt><dd>{amount}</dd>
                {shipping.map(|(method, address)| view! {
                    <dt>{texts.shipping}</dt><dd>{method}</dd>
                    {address.map(|a| view! { <dt>{texts.delivery_address}</dt><dd>{a}</dd> })}
                })}
            </dl>
        })
    };
    view! {
        <section class=format!("vc-root vc-return vc-brand-{}", words.brand_slug) lang=words.tag node_ref=root>
            <div class="vc-head" aria-live="polite" aria-atomic="true">
                <span class="vc-spinner" aria-hidden="true" hidden=move || !waiting()></span>
                <span class=move || icon().0 aria-hidden="true" hidden=waiting>{move || icon().1}</span>
                <h2 class="vc-title">{heading}</h2>
            </div>
            <p class="vc-hint">{hint}</p>
            {details}
            <button type="button" class="vc-again" hidden=move || !can_check_again() on:click=move |_| on_check_again()>
                {texts.check_again}
            </button>
        </section>
    }
}
