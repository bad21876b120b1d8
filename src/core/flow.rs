//! The flow state machines: the button (`idle → starting → redirecting`, or `error`) and
//! the return page (`waiting → confirmed | cancelled | failed | expired`, or `error`).
//! No way out of a terminal state; one click starts at most one payment.

use contract::{PaymentState, PaymentStatus};

use super::problem::Problem;
/// What a host element shows, as its `data-state` attribute and in `vipps:statechange`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlowState {
    Idle,
    Starting,
    Redirecting,
    Waiting,
    Confirmed,
    Cancelled,
    Failed,
    Expired,
    Error,
}

impl FlowState {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowState::Idle => "idle",
            FlowState::Starting => "starting",
            FlowState::Redirecting => "redirecting",
            FlowState::Waiting => "waiting",
            FlowState::Confirmed => "confirmed",
            FlowState::Cancelled => "cancelled",
            FlowState::Failed => "failed",
            FlowState::Expired => "expired",
            FlowState::Error => "error",
        }
    }

    /// Nothing follows these.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            FlowState::Confirmed | FlowState::Cancelled | FlowState::Failed | FlowState::Expired
        )
    }

    /// What the shopper sees for a backend status.
    pub fn from_status(status: PaymentStatus) -> FlowState {
        match status {
            PaymentStatus::Pending => FlowState::Waiting,
            PaymentStatus::Reserved | PaymentStatus::Captured => FlowState::Confirmed,
            PaymentStatus::Cancelled => FlowState::Cancelled,
            PaymentStatus::Failed => FlowState::Failed,
            PaymentStatus::Expired => FlowState::Expired,
        }
    }
}

/// Where the button is sending the browser: the order the backend made and its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaving {
    pub order_id: String,
    pub url: String,
}

/// The button. `click` hands out the one payment start a click may make.
#[derive(Debug, Clone, PartialEq)]
pub struct ButtonFlow {
    state: FlowState,
    key: Option<String>,
    problem: Option<Problem>,
    leaving: Option<Leaving>,
}

impl Default for ButtonFlow {
    fn default() -> Self {
        ButtonFlow {
            state: FlowState::Idle,
            key: None,
            problem: None,
            leaving: None,
        }
    }
}

impl ButtonFlow {
    pub fn state(&self) -> FlowState {
        self.state
    }

    pub fn problem(&self) -> Option<&Problem> {
        self.problem.as_ref()
    }

    /// Busy: a click is being handled; the button is disabled and shows a spinner.
    pub fn busy(&self) -> bool {
        matches!(self.state, FlowState::Starting | FlowState::Redirecting)
    }

    /// The order and URL the browser is being sent to, once redirecting.
    pub fn leaving(&self) -> Option<&Leaving> {
        self.leaving.as_ref()
    }

    /// The idempotency key of the click in progress (retries of that click reuse it).
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// A click with a fresh key. Returns the key to start a payment with, or `None` when
    /// a payment is already being started (a double click) or the page is leaving.
    pub fn click(&mut self, fresh_key: String) -> Option<String> {
        match self.state {
            FlowState::Idle | FlowState::Error => {
                self.state = FlowState::Starting;
                self.problem = None;
                self.key = Some(fresh_key.clone());
                Some(fresh_key)
            }
            _ => None,
        }
    }

    /// The backend answered with a URL that passed the allowlist: leave for Vipps.
    pub fn redirect(&mut self, leaving: Leaving) -> bool {
        if self.state == FlowState::Starting {
            self.state = FlowState::Redirecting;
            self.leaving = Some(leaving);
            true
        } else {
            false
        }
    }

    /// Starting failed for good (after any automatic retries): show it, allow a new click.
    pub fn fail(&mut self, problem: Problem) {
        if self.state == FlowState::Starting {
            self.state = FlowState::Error;
            self.problem = Some(problem);
            self.key = None;
        }
    }

    /// The page came back (bfcache, back button) after leaving for Vipps: ready again.
    pub fn reset(&mut self) {
        if self.state == FlowState::Redirecting {
            *self = ButtonFlow::default();
        }
    }
}

/// The return page: its state, and the order as the backend last described it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnFlow {
    state: FlowState,
    problem: Option<Problem>,
    order: Option<PaymentState>,
}

impl Default for ReturnFlow {
    fn default() -> Self {
        ReturnFlow {
            state: FlowState::Waiting,
            problem: None,
            order: None,
        }
    }
}

impl ReturnFlow {
    pub fn state(&self) -> FlowState {
        self.state
    }

    pub fn problem(&self) -> Option<&Problem> {
        self.problem.as_ref()
    }

    /// The order as last answered by the backend.
    pub fn order(&self) -> Option<&PaymentState> {
        self.order.as_ref()
    }

    /// The order's details to show: only once the payment is confirmed.
    pub fn confirmed_order(&self) -> Option<&PaymentState> {
        self.order.as_ref().filter(|_| self.state == FlowState::Confirmed)
    }

    /// Still waiting for an answer: waiting, or a problem that polling may get past.
    pub fn is_waiting(&self) -> bool {
        self.state == FlowState::Waiting || self.problem.as_ref().is_some_and(|p| p.retryable)
    }

    /// A retryable problem: "Check again" is offered.
    pub fn can_check_again(&self) -> bool {
        self.problem.as_ref().is_some_and(|p| p.retryable)
    }

    /// The backend's answer for the order. Returns whether anything shown changed.
    pub fn answered(&mut self, order: PaymentState) -> bool {
        if self.state.is_terminal() {
            return false;
        }
        let status = order.status;
        let new_order = self.order.as_ref() != Some(&order);
        self.order = Some(order);
        self.status(status) || new_order
    }

    /// Polling should go on.
    pub fn is_polling(&self) -> bool {
        !self.state.is_terminal() && self.problem.as_ref().is_none_or(|p| p.retryable)
    }

    /// A status from the backend. Returns whether the state changed.
    pub fn status(&mut self, status: PaymentStatus) -> bool {
        if self.state.is_terminal() {
            return false;
        }
        let next = FlowState::from_status(status);
        let changed = next != self.state;
        self.state = next;
        self.problem = None;
        changed
    }

    /// A failed check. Retryable problems keep polling (and say so); others stop.
    pub fn problem_seen(&mut self, problem: Problem) -> bool {
        if self.state.is_terminal() {
            return false;
        }
        let changed = self.state != FlowState::Error || self.problem.as_ref() != Some(&problem);
        self.state = FlowState::Error;
        self.problem = Some(problem);
        changed
    }

    /// The payment window is over and the backend never said it was done.
    pub fn give_up(&mut self) -> bool {
        if self.state.is_terminal() {
            return false;
        }
        self.state = FlowState::Expired;
        self.problem = None;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::problem::Why;

    fn leaving() -> Leaving {
        Leaving {
            order_id: "o-1".into(),
            url: "https://api.vipps.no/x".into(),
        }
    }

    #[test]
    fn the_order_shows_only_once_confirmed() {
        let order = |status| PaymentState {
            order_id: "o-1".into(),
            status,
            amount: contract::Amount {
                value: 100,
                currency: "NOK".into(),
            },
            shipping: None,
            updated_at: String::new(),
        };
        let mut r = ReturnFlow::default();
        assert!(r.is_waiting() && !r.can_check_again());
        assert!(r.answered(order(PaymentStatus::Pending)), "a first answer is news");
        assert_eq!(r.order(), Some(&order(PaymentStatus::Pending)));
        assert!(!r.answered(order(PaymentStatus::Pending)), "the same answer is not");
        assert!(r.confirmed_order().is_none());
        assert!(r.problem_seen(Problem::new(Why::Server, true)));
        assert!(r.is_waiting() && r.can_check_again());
        assert!(r.answered(order(PaymentStatus::Reserved)));
        assert_eq!(r.confirmed_order().map(|o| o.status), Some(PaymentStatus::Reserved));
        assert!(!r.is_waiting());
        assert!(!r.answered(order(PaymentStatus::Cancelled)), "final");
    }

    #[test]
    fn every_state_has_its_data_state_name() {
        use FlowState::*;
        let names: Vec<&str> = [
            Idle,
            Starting,
            Redirecting,
            Waiting,
            Confirmed,
            Cancelled,
            Failed,
            Expired,
            Error,
        ]
        .map(FlowState::as_str)
        .to_vec();
        assert_eq!(
            names,
            [
                "idle",
                "starting",
                "redirecting",
                "waiting",
                "confirmed",
                "cancelled",
                "failed",
                "expired",
                "error"
            ]
        );
    }

    #[test]
    fn busy_only_while_starting_or_leaving() {
        let mut b = ButtonFlow::default();
        assert!(!b.busy());
        b.click("k".into());
        assert!(b.busy());
        b.fail(Problem::new(Why::Network, true));
        assert!(!b.busy(), "an error can be clicked again");
    }

    #[test]
    fn another_problem_is_news() {
        let mut r = ReturnFlow::default();
        assert!(r.problem_seen(Problem::new(Why::Server, true)));
        assert_eq!(r.problem().map(|p| p.code()), Some("server"));
        assert!(r.problem_seen(Problem::new(Why::Network, true)), "a different problem");
        assert_eq!(r.problem().map(|p| p.code()), Some("network"));
    }

    #[test]
    fn one_click_one_start() {
        let mut b = ButtonFlow::default();
        assert_eq!(b.click("k1".into()), Some("k1".into()));
        assert_eq!(b.state(), FlowState::Starting);
        assert_eq!(b.click("k2".into()), None, "a double click starts nothing");
        assert_eq!(b.key(), Some("k1"));
        assert!(b.redirect(leaving()));
        assert_eq!(b.leaving(), Some(&leaving()));
        assert!(b.busy());
        assert_eq!(b.click("k3".into()), None, "nothing while leaving for Vipps");
        assert!(!b.redirect(leaving()));
    }

    #[test]
    fn an_error_allows_a_new_click_with_a_new_key() {
        let mut b = ButtonFlow::default();
        b.click("k1".into());
        b.fail(Problem::new(Why::Network, true));
        assert_eq!(b.state(), FlowState::Error);
        assert_eq!(b.problem().unwrap().code(), "network");
        assert_eq!(b.click("k2".into()), Some("k2".into()));
        assert!(b.problem().is_none());
    }

    #[test]
    fn coming_back_from_vipps_resets_the_button() {
        let mut b = ButtonFlow::default();
        b.click("k1".into());
        b.redirect(leaving());
        b.reset();
        assert_eq!(b.state(), FlowState::Idle);
        assert_eq!(b.click("k2".into()), Some("k2".into()));
    }

    #[test]
    fn return_flow_reaches_each_outcome() {
        for (status, state) in [
            (PaymentStatus::Reserved, FlowState::Confirmed),
            (PaymentStatus::Captured, FlowState::Confirmed),
            (PaymentStatus::Cancelled, FlowState::Cancelled),
            (PaymentStatus::Failed, FlowState::Failed),
            (PaymentStatus::Expired, FlowState::Expired),
        ] {
            let mut r = ReturnFlow::default();
            assert!(!r.status(PaymentStatus::Pending));
            assert!(r.status(status));
            assert_eq!(r.state(), state);
            assert!(!r.is_polling());
        }
    }

    #[test]
    fn no_way_out_of_a_terminal_state() {
        let mut r = ReturnFlow::default();
        r.status(PaymentStatus::Reserved);
        assert!(!r.status(PaymentStatus::Pending));
        assert!(!r.status(PaymentStatus::Cancelled));
        assert!(!r.problem_seen(Problem::new(Why::Network, true)));
        assert!(!r.give_up());
        assert_eq!(r.state(), FlowState::Confirmed);
    }

    #[test]
    fn a_retryable_error_recovers_and_a_fatal_one_stops() {
        let mut r = ReturnFlow::default();
        assert!(r.problem_seen(Problem::new(Why::Server, true)));
        assert_eq!(r.state(), FlowState::Error);
        assert!(r.is_polling());
        assert!(
            !r.problem_seen(Problem::new(Why::Server, true)),
            "the same problem again is no change"
        );
        r.status(PaymentStatus::Pending);
        assert_eq!(r.state(), FlowState::Waiting);
        assert!(r.problem().is_none());
        r.problem_seen(Problem::new(Why::NotFound, false));
        assert!(!r.is_polling());
    }

    #[test]
    fn giving_up_is_expired() {
        let mut r = ReturnFlow::default();
        assert!(r.give_up());
        assert_eq!(r.state(), FlowState::Expired);
    }
}
