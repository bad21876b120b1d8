//! The return page: reads `orderId` and `t`, polls the backend on the schedule in
//! `core::polling`, and shows waiting, confirmed (with amount, reference and, for
//! express, shipping and address), cancelled, failed, expired, or a retryable error.
//! Every change is announced in an `aria-live` region.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use contract::{PaymentState, PaymentStatus};
use leptos::callback::UnsyncCallback;
use leptos::html::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use super::api;
use super::dom::{self, Host};
use crate::core::flow::{FlowState, Problem, ReturnFlow};
use crate::core::i18n::{self, problem_message, Lang};
use crate::core::money;
use crate::core::options::{order_from_query, ReturnInput, ReturnOptions};
use crate::core::polling::{Next, Outcome, Schedule};

#[derive(Debug, Clone, PartialEq)]
struct Shown {
    state: FlowState,
    problem: Option<Problem>,
    order: Option<PaymentState>,
}

struct Poller {
    endpoint: String,
    order_id: String,
    token: String,
    lang: Lang,
    flow: RefCell<ReturnFlow>,
    order: RefCell<Option<PaymentState>>,
    shown: RwSignal<Shown>,
    host: Host,
    /// Set by "Check again": the next wait ends at once.
    nudged: Arc<AtomicBool>,
}

impl Poller {
    fn publish(&self) {
        let flow = self.flow.borrow();
        let order = self.order.borrow().clone();
        self.shown.try_set(Shown {
            state: flow.state(),
            problem: flow.problem().cloned(),
            order: order.clone(),
        });
        let mut extra: Vec<(&str, JsValue)> = vec![("orderId", JsValue::from_str(&self.order_id))];
        if let Some(o) = &order {
            extra.push(("status", JsValue::from_str(o.status.as_str())));
            extra.push(("amount", api::amount_js(&o.amount)));
            if let Some(s) = &o.shipping {
                extra.push(("shipping", api::shipping_js(s)));
            }
        }
        self.host.announce(flow.state(), self.lang, flow.problem(), &extra);
    }

    async fn check(&self) -> Outcome {
        match api::payment_state(&self.endpoint, &self.order_id, &self.token).await {
            Ok(state) => {
                let status = state.status;
                let changed_order = self.order.borrow().as_ref() != Some(&state);
                *self.order.borrow_mut() = Some(state);
                let changed = self.flow.borrow_mut().status(status);
                if changed || changed_order {
                    self.publish();
                }
                if status == PaymentStatus::Pending {
                    Outcome::Pending
                } else {
                    Outcome::Done
                }
            }
            Err(e) => {
                let problem = e.for_status();
                let retryable = problem.retryable;
                if self.flow.borrow_mut().problem_seen(problem) {
                    self.publish();
                }
                if retryable {
                    Outcome::Trouble
                } else {
                    Outcome::Done
                }
            }
        }
    }

    /// Waits `ms`, in short steps: ends early when nudged ("Check again") or when the tab
    /// shows again after being hidden (check at once), and keeps waiting while hidden.
    async fn wait(&self, schedule: &mut Schedule, ms: f64) -> Option<()> {
        let until = dom::now_ms() + ms;
        let mut was_hidden = false;
        loop {
            if self.host.is_gone() {
                return None;
            }
            if self.nudged.swap(false, Ordering::Relaxed) {
                return Some(());
            }
            if dom::tab_hidden() {
                was_hidden = true;
                schedule.visibility(true, dom::now_ms());
                dom::sleep_ms(500.0).await;
                continue;
            }
            if was_hidden {
                schedule.visibility(false, dom::now_ms());
                return Some(());
            }
            if dom::now_ms() >= until {
                return Some(());
            }
            dom::sleep_ms((until - dom::now_ms()).clamp(0.0, 250.0)).await;
        }
    }

    async fn run(self: Rc<Self>) {
        let mut schedule = Schedule::new(dom::now_ms());
        loop {
            if self.host.is_gone() {
                return;
            }
            let outcome = self.check().await;
            let mut next = schedule.after(dom::now_ms(), outcome);
            if next == Next::Paused {
                // Hidden: wait until shown, then check at once.
                while dom::tab_hidden() && !self.host.is_gone() {
                    dom::sleep_ms(500.0).await;
                }
                next = schedule.visibility(false, dom::now_ms());
            }
            match next {
                Next::After(ms) => {
                    if self.wait(&mut schedule, ms).await.is_none() {
                        return;
                    }
                }
                Next::Paused => {}
                Next::Stop => return,
                Next::GiveUp => {
                    if self.flow.borrow_mut().give_up() {
                        self.publish();
                    }
                    return;
                }
            }
        }
    }
}

fn lang_of(options: &ReturnOptions) -> Lang {
    let (page, browser) = dom::page_languages();
    options
        .lang
        .unwrap_or_else(|| i18n::resolve(None, page.as_deref(), &browser))
}

/// The return view for validated options, reporting to `host` (or its own root).
pub fn return_view(options: ReturnOptions, host: Host) -> impl IntoView {
    let lang = lang_of(&options);
    let texts = lang.texts();
    let (query_order, query_token) = order_from_query(&dom::page_query());
    let order_id = options.order_id.clone().or(query_order);
    let token = options.token.clone().or(query_token);
    let missing = order_id.is_none() || token.is_none();
    let mut flow = ReturnFlow::default();
    if missing {
        flow.problem_seen(Problem::new("missing_order", false));
    }
    let shown = RwSignal::new(Shown {
        state: flow.state(),
        problem: flow.problem().cloned(),
        order: None,
    });
    let poller = Rc::new(Poller {
        endpoint: options.endpoint,
        order_id: order_id.unwrap_or_default(),
        token: token.unwrap_or_default(),
        lang,
        flow: RefCell::new(flow),
        order: RefCell::new(None),
        shown,
        host: host.clone(),
        nudged: Arc::new(AtomicBool::new(false)),
    });
    let stopper = host.stopper();
    on_cleanup(move || stopper.store(true, Ordering::Relaxed));

    let root = NodeRef::<Section>::new();
    let starter = poller.clone();
    root.on_load(move |section| {
        starter.host.set_element(section.into());
        starter.publish();
        if !missing {
            spawn_local(starter.run());
        }
    });

    let nudged = poller.nudged.clone();
    let heading = move || {
        let s = shown.get();
        match s.state {
            FlowState::Confirmed => texts.confirmed,
            FlowState::Cancelled => texts.cancelled,
            FlowState::Failed => texts.failed,
            FlowState::Expired => texts.expired,
            FlowState::Error => match &s.problem {
                Some(p) if p.retryable => texts.retrying,
                Some(p) => problem_message(lang, &p.code),
                None => texts.waiting,
            },
            _ => texts.waiting,
        }
    };
    let hint = move || match shown.get().state {
        FlowState::Waiting => texts.waiting_hint,
        FlowState::Confirmed => texts.confirmed_hint,
        FlowState::Cancelled => texts.cancelled_hint,
        FlowState::Failed => texts.failed_hint,
        FlowState::Expired => texts.expired_hint,
        _ => "",
    };
    let icon = move || match shown.get().state {
        FlowState::Confirmed => ("vc-icon vc-ok", "✓"),
        FlowState::Cancelled | FlowState::Failed | FlowState::Error => ("vc-icon vc-no", "!"),
        FlowState::Expired => ("vc-icon vc-wait", "?"),
        _ => ("", ""),
    };
    let waiting = move || {
        matches!(shown.get().state, FlowState::Waiting) || shown.get().problem.as_ref().is_some_and(|p| p.retryable)
    };
    let can_check_again = move || shown.get().problem.as_ref().is_some_and(|p| p.retryable);
    let details = move || {
        let s = shown.get();
        let order = s.order.filter(|_| s.state == FlowState::Confirmed)?;
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
        <section class="vc-root vc-return" lang=lang.tag() node_ref=root>
            <div class="vc-head" aria-live="polite" aria-atomic="true">
                <Show when=waiting fallback=move || view! { <span class=move || icon().0 aria-hidden="true">{move || icon().1}</span> }>
                    <span class="vc-spinner" aria-hidden="true"></span>
                </Show>
                <h2 class="vc-title">{heading}</h2>
            </div>
            <p class="vc-hint">{hint}</p>
            {details}
            <Show when=can_check_again>
                <button type="button" class="vc-again" on:click={
                    let nudged = nudged.clone();
                    move |_| nudged.store(true, Ordering::Relaxed)
                }>{texts.check_again}</button>
            </Show>
        </section>
    }
}

/// The return view as a Leptos component. Reads `orderId` and `t` from the page URL
/// unless given, polls `{endpoint}/payments/{orderId}?t=…` and shows the outcome.
#[component]
pub fn VippsReturn(
    /// The backend's base URL. Default `/api/vipps`.
    #[prop(optional, into)]
    endpoint: Option<String>,
    /// `nb` or `en`; default: the page's language, else the browser's.
    #[prop(optional, into)]
    lang: Option<String>,
    /// Default: `orderId` from the page URL.
    #[prop(optional, into)]
    order_id: Option<String>,
    /// Default: `t` from the page URL.
    #[prop(optional, into)]
    token: Option<String>,
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
        order_id,
        token,
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
