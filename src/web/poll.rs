//! Watching one order: `GET {endpoint}/payments/{orderId}?t=…` on the schedule in
//! `core::polling` (at once, then every ~2 s, backing off on trouble, paused while the
//! tab is hidden), until the view says it is done, the widget is unmounted, or the
//! payment window is over. The return view and the in-place payments (QR, push) both
//! watch through this; each feeds the answers to its own flow.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use contract::PaymentState;

use super::api;
use super::dom::{self, Host};
use crate::core::polling::{Next, Outcome, Schedule};
use crate::core::problem::Problem;

pub struct Poll {
    pub endpoint: String,
    pub store: Option<String>,
    pub window_ms: f64,
    pub order_id: String,
    pub token: String,
    pub host: Host,
    /// Set by "Check again": the next wait ends at once.
    pub nudged: Arc<AtomicBool>,
    /// The view takes an answer or a problem and says whether the order is still
    /// pending, done, or in trouble (retry later).
    pub on_answer: Box<dyn Fn(Result<PaymentState, Problem>) -> Outcome>,
    /// The payment window is over without a final answer.
    pub on_give_up: Box<dyn Fn()>,
    /// Called as time passes (every quarter second or so while waiting), with `now`.
    pub on_tick: Box<dyn Fn(f64)>,
    /// False once the view no longer wants this order watched (it moved on).
    pub wanted: Box<dyn Fn() -> bool>,
}

/// An `on_answer` that hands each answer to a flow signal (`answered` or `problem_seen`)
/// and tells the schedule what it means ([`Outcome::of`]).
pub fn feed<F: Send + Sync + 'static>(
    flow: leptos::prelude::RwSignal<F>,
    answered: fn(&mut F, PaymentState) -> bool,
    problem_seen: fn(&mut F, Problem) -> bool,
) -> Box<dyn Fn(Result<PaymentState, Problem>) -> Outcome> {
    use leptos::prelude::*;
    Box::new(move |answer| {
        let outcome = Outcome::of(&answer);
        match answer {
            Ok(state) => flow.try_maybe_update(|f| (answered(f, state), ())),
            Err(problem) => flow.try_maybe_update(|f| (problem_seen(f, problem), ())),
        };
        outcome
    })
}

impl Poll {
    fn stopped(&self) -> bool {
        self.host.is_gone() || !(self.wanted)()
    }

    async fn check(&self) -> Outcome {
        let answer = api::payment_state(
            &self.endpoint,
            self.store.as_deref(),
            &self.order_id,
            &self.token,
            self.host.requests().as_ref(),
        )
        .await
        .map_err(|e| e.for_status());
        if self.stopped() {
            return Outcome::Done;
        }
        (self.on_answer)(answer)
    }

    /// Waits `ms`, in short steps: ends early when nudged ("Check again") or when the tab
    /// shows again after being hidden (check at once), and keeps waiting while hidden.
    async fn wait(&self, schedule: &mut Schedule, ms: f64) -> Option<()> {
        let until = dom::now_ms() + ms;
        let mut was_hidden = false;
        loop {
            if self.stopped() {
                return None;
            }
            (self.on_tick)(dom::now_ms());
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

    pub async fn run(self) {
        let mut schedule = Schedule::new(dom::now_ms());
        schedule.window = self.window_ms;
        loop {
            if self.stopped() {
                return;
            }
            let outcome = self.check().await;
            let mut next = schedule.after(dom::now_ms(), outcome);
            if next == Next::Paused {
                // Hidden: wait until shown, then check at once.
                while dom::tab_hidden() && !self.stopped() {
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
                    if !self.stopped() {
                        (self.on_give_up)();
                    }
                    return;
                }
            }
        }
    }
}
