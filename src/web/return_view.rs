//! The return page's controller: reads `orderId` and `t`, polls the backend on the
//! schedule in `core::polling`, and keeps the flow in one signal that the view reads and
//! one effect publishes (`data-state`, `vipps:statechange` with the order's details).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::callback::UnsyncCallback;
use leptos::html::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::dom::{self, Host};
use super::poll::{feed, Poll};
use crate::core::events::Facts;
use crate::core::flow::{FlowState, ReturnFlow};
use crate::core::options::{order_from_query, store_from_query, ReturnInput, ReturnOptions};
use crate::core::problem::{Problem, Why};
use crate::view::return_panel::return_markup;

/// The flow a return view starts in for `options` and the page's query: waiting, or an
/// error when the link names no order. (The painted markup is the waiting state.)
pub fn first_flow(options: &ReturnOptions) -> (ReturnFlow, Option<(String, String)>) {
    let (query_order, query_token) = order_from_query(&dom::page_query());
    let order_id = options.order_id.clone().or(query_order);
    let from_query = options.token.is_none() && query_token.is_some();
    let token = options
        .token
        .clone()
        .or(query_token)
        .or_else(|| order_id.as_deref().and_then(dom::remembered_token));
    let mut flow = ReturnFlow::default();
    match order_id.zip(token) {
        Some(order) => {
            if from_query {
                dom::forget_token_in_address_bar(&order.0, &order.1);
            }
            (flow, Some(order))
        }
        None => {
            flow.problem_seen(Problem::new(Why::MissingOrder, false));
            (flow, None)
        }
    }
}

/// The return view for validated options, reporting to `host` (or its own root).
pub fn return_view(options: ReturnOptions, host: Host) -> impl IntoView {
    let words = dom::words_of(options.lang, options.brand, options.market);
    let (first, order) = first_flow(&options);
    let flow = RwSignal::new(first);
    let nudged = Arc::new(AtomicBool::new(false));
    let root = NodeRef::<Section>::new();

    let publisher = host.clone();
    let order_id = order.as_ref().map(|(id, _)| id.clone()).unwrap_or_default();
    dom::publish_effect(move || {
        if let Some(section) = root.get_untracked() {
            publisher.set_element(section.into());
        }
        flow.with(|f| {
            let order = f.order();
            let facts = Facts {
                order_id: Some(&order_id),
                url: None,
                status: order.map(|o| o.status),
                amount: order.map(|o| &o.amount),
                shipping: order.and_then(|o| o.shipping.as_ref()),
            };
            publisher.announce(f.state(), words, f.problem(), facts);
        });
    });

    let stopper = host.stopper();
    on_cleanup(move || stopper.stop());
    if let Some((order_id, token)) = order {
        // The store: the option, else the return URL's (the backend puts it there).
        let store = options.store.or_else(|| store_from_query(&dom::page_query()));
        let poll = Poll {
            endpoint: options.endpoint,
            store,
            window_ms: options.window_ms,
            order_id,
            token,
            host,
            nudged: nudged.clone(),
            on_answer: feed(flow, ReturnFlow::answered, ReturnFlow::problem_seen),
            on_give_up: Box::new(move || {
                flow.try_maybe_update(|f| (f.give_up(), ()));
            }),
            on_tick: Box::new(|_| {}),
            wanted: Box::new(|| true),
        };
        // After the view is live (mounted or hydrated): the first check goes out at once.
        spawn_local(poll.run());
    }
    return_markup(words, flow.into(), root, move || nudged.store(true, Ordering::Relaxed))
}

/// The return view as a Leptos component. Reads `orderId` and `t` from the page URL
/// unless given, polls `{endpoint}/payments/{orderId}?t=…` and shows the outcome.
#[component]
pub fn VippsReturn(
    /// The backend's base URL. Default `/api/vipps`.
    #[prop(optional, into)]
    endpoint: Option<String>,
    /// `nb`, `nn`, `en`, `da`, `fi` or `sv`; default: the page's language, else the browser's.
    #[prop(optional, into)]
    lang: Option<String>,
    /// `vipps` or `mobilepay`; default: the market's brand.
    #[prop(optional, into)]
    brand: Option<String>,
    /// `NO`, `DK` or `FI`; default: the language's (Danish: DK, Finnish: FI, else NO).
    #[prop(optional, into)]
    market: Option<String>,
    /// Default: `orderId` from the page URL.
    #[prop(optional, into)]
    order_id: Option<String>,
    /// Default: `t` from the page URL.
    #[prop(optional, into)]
    token: Option<String>,
    /// Default: `store` from the page URL.
    #[prop(optional, into)]
    store: Option<String>,
    /// Called with each new state.
    #[prop(optional, into)]
    on_state: Option<UnsyncCallback<FlowState>>,
) -> impl IntoView {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        super::style::adopt(&document.into());
    }
    match ReturnOptions::from_input(ReturnInput {
        endpoint,
        lang,
        brand,
        market,
        order_id,
        token,
        store,
    }) {
        Ok(options) => {
            let host = Host::new(None);
            if let Some(cb) = on_state {
                host.on_state(move |s| cb.run(s));
            }
            return_view(options, host).into_any()
        }
        Err(why) => super::button::misconfigured(&why).into_any(),
    }
}
