//! The payments that stay on the page: a QR code on a customer screen (`mode="qr"`) and a
//! push to the customer's phone at a till (`mode="push"`). One machine for both:
//! `idle → starting → waiting → confirmed | cancelled | failed | expired`, or `error`,
//! with the return view's state names. Nothing navigates.
//!
//! A QR code is the payment URL, which Vipps honours for [`contract::LINK_WINDOW_SECS`]:
//! after that the code is hidden and the state reads `expired`, yet the payment is still
//! watched until Vipps' whole window is over (whoever scanned in time may still approve),
//! so a late approval still shows as confirmed. A new code (or a new push) withdraws the
//! payment before it, if that one is still pending, so one order is never paid twice.

use contract::{Flow, PaymentState, PaymentStatus};

use super::flow::FlowState;
use super::problem::Problem;

/// How long a QR code may be scanned: the payment URL's lifetime.
pub const CODE_WINDOW_MS: f64 = contract::LINK_WINDOW_SECS as f64 * 1000.0;

/// The payment being shown, as the backend started it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    pub order_id: String,
    /// The Vipps payment URL (the QR code's content).
    pub url: String,
    /// The status token for polling and withdrawing.
    pub token: String,
    /// Push: the number the request went to, as typed digits (`48059528`).
    pub to: Option<String>,
}

/// What a click asks the controller to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Click {
    /// The idempotency key of the new payment.
    pub key: String,
    /// A payment still pending that must be withdrawn first, and when it was shown (to
    /// [`InPlaceFlow::restore`] it if the withdrawal fails).
    pub withdraw: Option<(Started, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InPlaceFlow {
    channel: Flow,
    state: FlowState,
    key: Option<String>,
    problem: Option<Problem>,
    started: Option<Started>,
    shown_at: f64,
    code_window: f64,
    order: Option<PaymentState>,
    /// The backend said how the payment ended, or a problem stopped the watching.
    settled: bool,
}

impl InPlaceFlow {
    pub fn new(channel: Flow) -> Self {
        Self::with_code_window(channel, CODE_WINDOW_MS)
    }

    /// A flow whose QR codes expire after `code_window` ms (tests shorten it).
    pub fn with_code_window(channel: Flow, code_window: f64) -> Self {
        InPlaceFlow {
            channel,
            state: FlowState::Idle,
            key: None,
            problem: None,
            started: None,
            shown_at: 0.0,
            code_window,
            order: None,
            settled: false,
        }
    }

    pub fn channel(&self) -> Flow {
        self.channel
    }

    pub fn state(&self) -> FlowState {
        self.state
    }

    pub fn problem(&self) -> Option<&Problem> {
        self.problem.as_ref()
    }

    /// The payment being shown, once started.
    pub fn started(&self) -> Option<&Started> {
        self.started.as_ref()
    }

    /// The order as the backend last described it.
    pub fn order(&self) -> Option<&PaymentState> {
        self.order.as_ref()
    }

    /// Starting a payment: the button is disabled and shows a spinner.
    pub fn busy(&self) -> bool {
        self.state == FlowState::Starting
    }

    /// The QR code may be scanned: shown, and within its window.
    pub fn code_visible(&self) -> bool {
        self.channel == Flow::Qr && self.started.is_some() && !self.settled && self.state == FlowState::Waiting
    }

    /// The QR code's window passed while the payment is still pending.
    pub fn code_expired(&self) -> bool {
        self.channel == Flow::Qr && self.state == FlowState::Expired && !self.settled
    }

    /// A new payment may be started (the button is live): before any, after an error, and
    /// after one that ended without being paid or whose code expired.
    pub fn can_start(&self) -> bool {
        matches!(
            self.state,
            FlowState::Idle | FlowState::Error | FlowState::Cancelled | FlowState::Failed | FlowState::Expired
        )
    }

    /// There has been a payment: the button offers a new one ("new code", "send again").
    pub fn is_again(&self) -> bool {
        self.started.is_some()
    }

    /// The payment can be withdrawn ("Cancel"): shown and still pending.
    pub fn can_withdraw(&self) -> bool {
        self.started.is_some() && !self.settled && self.state != FlowState::Starting
    }

    /// Watching the payment should go on.
    pub fn is_polling(&self) -> bool {
        self.started.is_some() && !self.settled
    }

    /// Watching `order_id` should go on (a poll of an earlier payment stops).
    pub fn is_polling_order(&self, order_id: &str) -> bool {
        self.is_polling() && self.started.as_ref().is_some_and(|s| s.order_id == order_id)
    }

    /// A click with a fresh key: a new payment, withdrawing a pending one first.
    pub fn click(&mut self, fresh_key: String) -> Option<Click> {
        if !self.can_start() {
            return None;
        }
        let shown_at = self.shown_at;
        let withdraw = self.started.take().filter(|_| !self.settled).map(|s| (s, shown_at));
        self.state = FlowState::Starting;
        self.problem = None;
        self.order = None;
        self.settled = false;
        self.key = Some(fresh_key.clone());
        Some(Click {
            key: fresh_key,
            withdraw,
        })
    }

    /// Refused before anything was sent (a mistyped number): shown, fixable.
    pub fn refuse(&mut self, problem: Problem) {
        if self.can_start() {
            self.state = FlowState::Error;
            self.problem = Some(problem);
        }
    }

    /// The backend started the payment at `now` (ms).
    pub fn start_done(&mut self, started: Started, now: f64) -> bool {
        if self.state != FlowState::Starting {
            return false;
        }
        self.state = FlowState::Waiting;
        self.started = Some(started);
        self.shown_at = now;
        self.key = None;
        true
    }

    /// The earlier payment could not be withdrawn (it was approved meanwhile, or the shop
    /// did not answer): watch it again instead of starting a new one, with `problem` shown.
    pub fn restore(&mut self, started: Started, shown_at: f64, problem: Option<Problem>) {
        if self.state != FlowState::Starting {
            return;
        }
        self.state = FlowState::Waiting;
        self.started = Some(started);
        self.shown_at = shown_at;
        self.key = None;
        self.problem = problem;
    }

    /// Starting failed for good (after automatic retries): shown; a new click may retry.
    pub fn fail(&mut self, problem: Problem) {
        if self.state == FlowState::Starting {
            self.state = FlowState::Error;
            self.problem = Some(problem);
            self.key = None;
        }
    }

    /// The backend's answer for `order`. Returns whether anything shown changed.
    pub fn answered(&mut self, order: PaymentState) -> bool {
        if !self.is_polling_order(&order.order_id) {
            return false;
        }
        let new_order = self.order.as_ref() != Some(&order);
        let status = order.status;
        self.order = Some(order);
        let had_problem = self.problem.take().is_some();
        if status == PaymentStatus::Pending {
            return new_order || had_problem;
        }
        self.state = FlowState::from_status(status);
        self.settled = true;
        true
    }

    /// A failed check: a retryable one keeps the code up and the watching on (and says
    /// so); another stops it.
    pub fn problem_seen(&mut self, problem: Problem) -> bool {
        if !self.is_polling() {
            return false;
        }
        let changed = self.problem.as_ref() != Some(&problem);
        if !problem.retryable {
            self.state = FlowState::Error;
            self.settled = true;
        }
        self.problem = Some(problem);
        changed || !self.is_polling()
    }

    /// Time passes (`now`, ms): a QR code past its window is hidden. Returns whether that
    /// changed anything.
    pub fn tick(&mut self, now: f64) -> bool {
        if self.code_visible() && now - self.shown_at >= self.code_window {
            self.state = FlowState::Expired;
            return true;
        }
        false
    }

    /// Vipps' whole window is over and the backend never said the payment ended.
    pub fn give_up(&mut self) -> bool {
        if !self.is_polling() {
            return false;
        }
        self.state = FlowState::Expired;
        self.settled = true;
        self.problem = None;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(any(feature = "kiosk", not(target_arch = "wasm32")))]
    use crate::core::phone::MobileProblem;
    use crate::core::problem::Why;
    use contract::error::ErrorCode;
    use contract::Amount;

    fn started(id: &str) -> Started {
        Started {
            order_id: id.into(),
            url: format!("https://api.vipps.no/x?token={id}"),
            token: format!("t-{id}"),
            to: None,
        }
    }

    fn answer(id: &str, status: PaymentStatus) -> PaymentState {
        PaymentState {
            order_id: id.into(),
            status,
            amount: Amount::nok(26800),
            shipping: None,
            updated_at: String::new(),
        }
    }

    fn showing(channel: Flow, id: &str) -> InPlaceFlow {
        let mut f = InPlaceFlow::new(channel);
        assert!(!f.busy());
        f.click("k1".into()).unwrap();
        assert!(f.busy());
        assert!(f.start_done(started(id), 1_000.0));
        assert!(!f.busy());
        assert_eq!(f.started(), Some(&started(id)));
        f
    }

    #[test]
    fn a_code_is_shown_watched_and_confirmed_in_place() {
        let mut f = showing(Flow::Qr, "o-1");
        assert_eq!(f.state(), FlowState::Waiting);
        assert!(f.code_visible() && f.is_polling() && f.can_withdraw());
        assert!(!f.can_start(), "one payment at a time");
        assert_eq!(f.click("k2".into()), None);
        assert!(f.answered(answer("o-1", PaymentStatus::Pending)), "the amount is news");
        assert_eq!(f.order(), Some(&answer("o-1", PaymentStatus::Pending)));
        assert!(!f.answered(answer("o-1", PaymentStatus::Pending)));
        assert!(f.answered(answer("o-1", PaymentStatus::Reserved)));
        assert_eq!(f.state(), FlowState::Confirmed);
        assert!(!f.is_polling() && !f.code_visible() && !f.can_start() && !f.can_withdraw());
        assert!(!f.answered(answer("o-1", PaymentStatus::Cancelled)), "final");
    }

    #[test]
    fn the_code_expires_after_five_minutes_but_a_late_approval_still_counts() {
        let mut f = showing(Flow::Qr, "o-1");
        assert!(!f.tick(1_000.0 + CODE_WINDOW_MS - 1.0));
        assert!(f.tick(1_000.0 + CODE_WINDOW_MS));
        assert_eq!(f.state(), FlowState::Expired);
        assert!(f.code_expired() && !f.code_visible());
        assert!(f.is_polling(), "whoever scanned in time may still approve");
        assert!(f.can_start(), "a new code is offered");
        assert!(f.answered(answer("o-1", PaymentStatus::Reserved)));
        assert_eq!(f.state(), FlowState::Confirmed);
        assert_eq!(CODE_WINDOW_MS, 300_000.0);
    }

    #[test]
    fn a_new_code_withdraws_the_pending_payment_but_not_an_ended_one() {
        let mut f = showing(Flow::Qr, "o-1");
        f.tick(1_000.0 + CODE_WINDOW_MS);
        let click = f.click("k2".into()).unwrap();
        assert_eq!(click.withdraw, Some((started("o-1"), 1_000.0)));
        assert_eq!(f.state(), FlowState::Starting);
        assert!(f.started().is_none() && f.order().is_none());
        assert!(
            !f.answered(answer("o-1", PaymentStatus::Reserved)),
            "the old payment is no longer watched"
        );
        f.start_done(started("o-2"), 2_000.0);
        assert!(f.is_polling_order("o-2") && !f.is_polling_order("o-1"));

        f.answered(answer("o-2", PaymentStatus::Expired));
        assert_eq!(
            (f.state(), f.code_expired()),
            (FlowState::Expired, false),
            "Vipps said so"
        );
        assert_eq!(f.click("k3".into()).unwrap().withdraw, None, "nothing to withdraw");
    }

    #[test]
    fn a_payment_that_cannot_be_withdrawn_is_watched_again() {
        let mut f = showing(Flow::Qr, "o-1");
        f.tick(1_000.0 + CODE_WINDOW_MS);
        let (old, shown_at) = f.click("k2".into()).unwrap().withdraw.unwrap();
        f.restore(
            old,
            shown_at,
            Some(Problem::new(Why::Backend(ErrorCode::NotCancellable), false)),
        );
        assert!(f.is_polling_order("o-1"));
        assert_eq!(f.problem().unwrap().code(), "not_cancellable");
        assert!(f.tick(1_000.0 + CODE_WINDOW_MS), "still past its window: hidden again");
        assert!(f.answered(answer("o-1", PaymentStatus::Reserved)));
        assert_eq!(f.state(), FlowState::Confirmed, "approved meanwhile: paid once");
    }

    #[test]
    fn a_push_is_watched_until_the_phone_answers() {
        let mut f = showing(Flow::Push, "o-1");
        assert!(!f.code_visible(), "no code at a till");
        assert!(!f.tick(1_000.0 + CODE_WINDOW_MS), "the request lives in the app");
        assert_eq!(f.state(), FlowState::Waiting);
        assert!(f.answered(answer("o-1", PaymentStatus::Cancelled)));
        assert_eq!(f.state(), FlowState::Cancelled);
        assert!(f.can_start() && f.is_again(), "send again");
    }

    #[cfg(any(feature = "kiosk", not(target_arch = "wasm32")))]
    #[test]
    fn a_mistyped_number_is_refused_before_anything_is_sent_and_can_be_fixed() {
        let mut f = InPlaceFlow::new(Flow::Push);
        f.refuse(Problem::new(Why::Mobile(MobileProblem::Length), false));
        assert_eq!(f.state(), FlowState::Error);
        assert_eq!(f.problem().unwrap().code(), "mobile_length");
        assert!(f.click("k1".into()).is_some());
        assert!(f.problem().is_none());
        f.refuse(Problem::new(Why::Mobile(MobileProblem::Empty), false));
        assert_eq!(f.state(), FlowState::Starting, "no refusal while starting");
    }

    #[test]
    fn a_failed_start_is_shown_and_a_click_retries() {
        let mut f = InPlaceFlow::new(Flow::Push);
        f.click("k1".into());
        f.fail(Problem::new(Why::Backend(ErrorCode::PushNotAllowed), false));
        assert_eq!(f.state(), FlowState::Error);
        assert!(!f.is_polling() && !f.is_again());
        assert_eq!(f.click("k2".into()).map(|c| c.key), Some("k2".into()));
    }

    #[test]
    fn trouble_while_watching_keeps_the_code_and_a_fatal_problem_stops() {
        let mut f = showing(Flow::Qr, "o-1");
        assert!(f.problem_seen(Problem::new(Why::Network, true)));
        assert!(f.code_visible() && f.is_polling());
        assert!(
            !f.problem_seen(Problem::new(Why::Network, true)),
            "the same trouble again"
        );
        assert!(f.answered(answer("o-1", PaymentStatus::Pending)), "recovered");
        assert!(f.problem().is_none());
        assert!(f.problem_seen(Problem::new(Why::NotFound, false)));
        assert_eq!(f.state(), FlowState::Error);
        assert!(!f.is_polling() && f.can_start());
    }

    #[test]
    fn giving_up_after_the_window_is_final() {
        let mut f = showing(Flow::Qr, "o-1");
        assert!(f.give_up());
        assert_eq!(f.state(), FlowState::Expired);
        assert!(!f.is_polling() && !f.code_expired());
        assert!(!f.give_up());
        assert_eq!(f.click("k2".into()).unwrap().withdraw, None);
    }
}
