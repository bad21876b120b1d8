//! The controller of the payments that stay on the page (`mode="qr"` on a customer
//! screen, `mode="push"` at a till): the number checked before anything is sent, one
//! payment per click (retried with the click's key), a pending predecessor withdrawn
//! first, then the order watched in place until it ends. The flow lives in one signal;
//! one effect publishes it (`data-state`, `vipps:statechange`). Nothing navigates.

use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use contract::{Code, ErrorCode, PaymentStatus};
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use super::api::{self, FetchError};
use super::dom::{self, Host};
use super::poll::{feed, Poll};
use crate::core::allowlist;
use crate::core::events::Facts;
use crate::core::i18n::KioskWords;
use crate::core::in_place::{InPlaceFlow, Started};
use crate::core::options::ButtonOptions;
use crate::core::phone::check_mobile;
use crate::core::polling::WINDOW_MS;
use crate::core::problem::{Problem, Why};
use crate::core::retry;
use crate::view::in_place_panel::in_place_markup;
use contract::Flow;

struct InPlace {
    options: ButtonOptions,
    channel: Flow,
    /// The page's payload, sent as it is.
    payload: JsValue,
    flow: RwSignal<InPlaceFlow>,
    mobile: RwSignal<String>,
    host: Host,
    /// Set by a failed withdrawal: the watching checks again at once.
    nudged: Arc<AtomicBool>,
}

impl InPlace {
    fn store(&self) -> Option<&str> {
        self.options.store.as_deref()
    }

    fn click(self: &Rc<Self>) {
        let to = match self.channel {
            Flow::Qr | Flow::Redirect => None,
            Flow::Push => match check_mobile(&self.mobile.get_untracked()) {
                Ok(number) => Some(number),
                Err(why) => {
                    self.flow.update(|f| f.refuse(Problem::new(Why::Mobile(why), false)));
                    return;
                }
            },
        };
        let Some(Some(click)) = self.flow.try_maybe_update(|f| {
            let click = f.click(api::fresh_key());
            (click.is_some(), click)
        }) else {
            return;
        };
        let me = self.clone();
        spawn_local(async move {
            if let Some((previous, shown_at)) = click.withdraw {
                if let Err(problem) = me.withdraw_before_new(&previous).await {
                    me.flow.update(|f| f.restore(previous.clone(), shown_at, Some(problem)));
                    me.watch(previous);
                    return;
                }
            }
            me.start(click.key, to).await;
        });
    }

    /// Withdraws a pending payment before a new one starts, retrying what may pass.
    async fn withdraw_before_new(&self, previous: &Started) -> Result<(), Problem> {
        let mut attempt = 0;
        loop {
            match api::withdraw(
                &self.options.endpoint,
                self.store(),
                &previous.order_id,
                &previous.token,
                self.host.requests().as_ref(),
            )
            .await
            {
                Ok(state) if state.status == PaymentStatus::Pending => return Err(Problem::new(Why::Server, true)),
                Ok(_) => return Ok(()),
                Err(e) => {
                    let problem = e.for_start();
                    attempt += 1;
                    match (problem.retryable, retry::start_retry_delay(attempt)) {
                        (true, Some(delay)) => dom::sleep_ms(delay).await,
                        _ => return Err(problem),
                    }
                }
            }
        }
    }

    async fn start(self: Rc<Self>, key: String, to: Option<String>) {
        let how = api::StartRequest {
            express: false,
            flow: self.channel,
            mobile: to.as_deref().or(self.options.mobile_number.as_deref()),
        };
        let mut attempt = 0;
        let problem = loop {
            if self.host.is_gone() {
                return;
            }
            match api::create_payment(
                &self.options.endpoint,
                self.store(),
                &self.payload,
                &how,
                &key,
                self.host.requests().as_ref(),
            )
            .await
            {
                Ok(created) => {
                    // The code is what a phone opens: only a Vipps URL becomes one. (A push
                    // shows no URL: the request is already on the phone.)
                    let url = match self.channel {
                        Flow::Push => created.url,
                        Flow::Qr | Flow::Redirect => {
                            match allowlist::check(&created.url, &self.options.allow_origins) {
                                Ok(url) => url.to_string(),
                                Err(why) => {
                                    let (what, detail) = why.parts();
                                    web_sys::console::error_3(
                                    &JsValue::from_str(
                                        "vipps-checkout: refused to show a payment URL that is not an allowed Vipps URL:",
                                    ),
                                    &JsValue::from_str(what),
                                    &JsValue::from_str(detail),
                                );
                                    break Problem::new(Why::UnsafeUrl, false);
                                }
                            }
                        }
                    };
                    let started = Started {
                        order_id: created.order_id,
                        url,
                        token: created.status_token,
                        to,
                    };
                    self.flow
                        .try_maybe_update(|f| (f.start_done(started.clone(), dom::now_ms()), ()));
                    self.watch(started);
                    return;
                }
                Err(e) => {
                    let problem = e.for_start();
                    attempt += 1;
                    match (problem.retryable, retry::start_retry_delay(attempt)) {
                        (true, Some(delay)) => dom::sleep_ms(delay).await,
                        _ => break problem,
                    }
                }
            }
        };
        self.flow.try_update(|f| f.fail(problem));
    }

    /// Watches `started` until it ends, the view moves on, or the window is over.
    fn watch(&self, started: Started) {
        let flow = self.flow;
        let order_id = started.order_id.clone();
        let poll = Poll {
            endpoint: self.options.endpoint.clone(),
            store: self.options.store.clone(),
            window_ms: WINDOW_MS,
            order_id: started.order_id,
            token: started.token,
            host: self.host.clone(),
            nudged: self.nudged.clone(),
            on_answer: feed(flow, InPlaceFlow::answered, InPlaceFlow::problem_seen),
            on_give_up: Box::new(move || {
                flow.try_maybe_update(|f| (f.give_up(), ()));
            }),
            on_tick: Box::new(move |now| {
                flow.try_maybe_update(|f| (f.tick(now), ()));
            }),
            wanted: Box::new(move || {
                flow.try_with_untracked(|f| f.is_polling_order(&order_id))
                    .unwrap_or(false)
            }),
        };
        spawn_local(poll.run());
    }

    /// "Cancel the payment": withdraws the one shown; its end shows through the flow.
    fn cancel(self: &Rc<Self>) {
        let Some(started) = self
            .flow
            .with_untracked(|f| f.can_withdraw().then(|| f.started().cloned()).flatten())
        else {
            return;
        };
        let me = self.clone();
        spawn_local(async move {
            match api::withdraw(
                &me.options.endpoint,
                me.store(),
                &started.order_id,
                &started.token,
                me.host.requests().as_ref(),
            )
            .await
            {
                Ok(state) => {
                    me.flow.try_maybe_update(|f| (f.answered(state), ()));
                }
                Err(FetchError::Http {
                    code: Some(Code::Known(ErrorCode::NotCancellable)),
                    ..
                }) => {
                    // Approved meanwhile: the next check shows it.
                    me.nudged.store(true, Ordering::Relaxed);
                }
                Err(e) => {
                    let mut problem = e.for_start();
                    problem.retryable = true;
                    me.flow.try_maybe_update(|f| (f.problem_seen(problem), ()));
                }
            }
        });
    }
}

/// The in-place view (QR or push) for validated options, reporting to `host`. With
/// `clicked`, a click made before the bundle ran is handled as soon as the view is live.
pub fn in_place_view(options: ButtonOptions, payload: JsValue, host: Host, clicked: bool) -> impl IntoView {
    let words = dom::words_of(options.lang, options.brand, options.market);
    let channel = options.mode.flow();
    let flow = RwSignal::new(InPlaceFlow::with_code_window(channel, options.code_window_ms));
    // The number typed into the painted field before the bundle ran (index.js passes
    // it as `mobileNumber`), or the page's prefill.
    let mobile = RwSignal::new(options.mobile_number.clone().unwrap_or_default());
    let widget = Rc::new(InPlace {
        options,
        channel,
        payload,
        flow,
        mobile,
        host: host.clone(),
        nudged: Arc::new(AtomicBool::new(false)),
    });
    let root = NodeRef::<Div>::new();

    // The payment on show while it can still be approved: withdrawn if the view goes
    // (a new cart re-renders it, the page unmounts it), so a code no longer on screen
    // cannot be paid by someone who scanned it earlier.
    let on_show: Arc<Mutex<Option<Started>>> = Arc::default();
    let publisher = host.clone();
    let showing = on_show.clone();
    dom::publish_effect(move || {
        if let Some(div) = root.get_untracked() {
            publisher.set_element(div.into());
        }
        flow.with(|f| {
            if let Ok(mut slot) = showing.lock() {
                *slot = f.can_withdraw().then(|| f.started().cloned()).flatten();
            }
            let started = f.started();
            let facts = Facts {
                order_id: started.map(|s| s.order_id.as_str()),
                url: started.filter(|_| f.code_visible()).map(|s| s.url.as_str()),
                status: f.order().map(|o| o.status),
                amount: f.order().map(|o| &o.amount),
                shipping: None,
            };
            publisher.announce(f.state(), words, f.problem(), facts);
        });
    });

    let stopper = host.stopper();
    let endpoint = widget.options.endpoint.clone();
    let store = widget.options.store.clone();
    on_cleanup(move || {
        stopper.stop();
        let left = on_show.lock().ok().and_then(|mut slot| slot.take());
        if let Some(s) = left {
            spawn_local(async move {
                // After the unmount, on purpose: the payment left on the screen is
                // withdrawn, so this request is not the widget's to abort.
                let _ = api::withdraw(&endpoint, store.as_deref(), &s.order_id, &s.token, None).await;
            });
        }
    });
    if clicked {
        let early = widget.clone();
        spawn_local(async move { early.click() });
    }
    let (start, cancel) = (widget.clone(), widget);
    in_place_markup(
        KioskWords::new(words),
        channel,
        flow.into(),
        mobile,
        root,
        move || start.click(),
        move || cancel.cancel(),
    )
}
