//! When to ask the backend again, on the return page: once at once, then from ~5 s after
//! the page opened every ~2 s; backing off on 429, 5xx and network errors up to ~30 s;
//! pausing while the tab is hidden and checking at once when it shows again; stopping at
//! a terminal state or when the payment window is over. Times are milliseconds.

/// What the last check gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The backend answered: still pending.
    Pending,
    /// The backend answered with a final status, or a problem polling cannot fix.
    Done,
    /// 429, 5xx, a timeout or no network.
    Trouble,
}

impl Outcome {
    /// What a check's answer means for the schedule: a pending status waits, a final one
    /// stops; a retryable problem backs off, another stops.
    pub fn of(answer: &Result<contract::PaymentState, super::problem::Problem>) -> Outcome {
        match answer {
            Ok(state) if state.status == contract::PaymentStatus::Pending => Outcome::Pending,
            Ok(_) => Outcome::Done,
            Err(problem) if problem.retryable => Outcome::Trouble,
            Err(_) => Outcome::Done,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    /// Check again after this many milliseconds.
    After(f64),
    /// Do not check again until the tab is visible.
    Paused,
    /// Stop: the flow is done.
    Stop,
    /// Stop: the payment window is over without a final answer.
    GiveUp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    opened_at: f64,
    troubles: u32,
    hidden: bool,
    /// How long after opening to keep trying (Vipps' 10 minutes plus a margin).
    pub window: f64,
    pub first_regular: f64,
    pub interval: f64,
    pub max_backoff: f64,
}

/// Vipps' payment window plus a minute ([`contract::WIDGET_POLL_SECS`]): later than the
/// backend may call the payment expired, so the last check can see its own verdict.
pub const WINDOW_MS: f64 = contract::WIDGET_POLL_SECS as f64 * 1000.0;

impl Schedule {
    pub fn new(now: f64) -> Self {
        Schedule {
            opened_at: now,
            troubles: 0,
            hidden: false,
            window: WINDOW_MS,
            first_regular: 5_000.0,
            interval: 2_000.0,
            max_backoff: 30_000.0,
        }
    }

    /// After a check that ended at `now` with `outcome`.
    pub fn after(&mut self, now: f64, outcome: Outcome) -> Next {
        match outcome {
            Outcome::Done => return Next::Stop,
            Outcome::Pending => self.troubles = 0,
            Outcome::Trouble => self.troubles += 1,
        }
        if now - self.opened_at >= self.window {
            return Next::GiveUp;
        }
        if self.hidden {
            return Next::Paused;
        }
        let delay = if self.troubles > 0 {
            // 2, 4, 8, 16, 30, 30 ... seconds.
            (self.interval * 2f64.powi(self.troubles as i32 - 1)).min(self.max_backoff)
        } else {
            let until_regular = self.opened_at + self.first_regular - now;
            if until_regular > 0.0 {
                until_regular
            } else {
                self.interval
            }
        };
        // Never past the end of the window: the last check lands on it.
        Next::After(delay.min(self.opened_at + self.window - now).max(0.0))
    }

    /// The tab was hidden or shown at `now`. Showing asks for a check at once.
    pub fn visibility(&mut self, hidden: bool, now: f64) -> Next {
        self.hidden = hidden;
        if hidden {
            Next::Paused
        } else if now - self.opened_at >= self.window {
            Next::GiveUp
        } else {
            Next::After(0.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_says_whether_to_go_on() {
        use super::super::problem::{Problem, Why};
        use contract::{Amount, PaymentState, PaymentStatus};
        let state = |status| {
            Ok(PaymentState {
                order_id: "o-1".into(),
                status,
                amount: Amount::nok(100),
                shipping: None,
                updated_at: String::new(),
            })
        };
        assert_eq!(Outcome::of(&state(PaymentStatus::Pending)), Outcome::Pending);
        assert_eq!(Outcome::of(&state(PaymentStatus::Reserved)), Outcome::Done);
        assert_eq!(Outcome::of(&Err(Problem::new(Why::Network, true))), Outcome::Trouble);
        assert_eq!(Outcome::of(&Err(Problem::new(Why::NotFound, false))), Outcome::Done);
    }

    #[test]
    fn gives_up_a_minute_after_vipps_ten_minute_window() {
        assert_eq!(
            contract::PAYMENT_WINDOW_SECS,
            600,
            "Vipps: 5 min landing page + 5 min in the app"
        );
        assert_eq!(WINDOW_MS, 660_000.0);
        assert_eq!(Schedule::new(0.0).window, WINDOW_MS);
    }

    #[test]
    fn waits_until_5_s_then_every_2_s() {
        let mut s = Schedule::new(0.0);
        assert_eq!(s.after(300.0, Outcome::Pending), Next::After(4_700.0));
        assert_eq!(s.after(5_100.0, Outcome::Pending), Next::After(2_000.0));
        assert_eq!(s.after(7_200.0, Outcome::Pending), Next::After(2_000.0));
    }

    #[test]
    fn backs_off_on_trouble_up_to_30_s_and_recovers() {
        let mut s = Schedule::new(0.0);
        let delays: Vec<Next> = (0..6).map(|i| s.after(10_000.0 + i as f64, Outcome::Trouble)).collect();
        assert_eq!(
            delays,
            [2_000.0, 4_000.0, 8_000.0, 16_000.0, 30_000.0, 30_000.0]
                .map(Next::After)
                .to_vec()
        );
        assert_eq!(s.after(20_000.0, Outcome::Pending), Next::After(2_000.0));
    }

    #[test]
    fn stops_at_a_final_answer_and_gives_up_after_the_window() {
        let mut s = Schedule::new(0.0);
        assert_eq!(s.after(1.0, Outcome::Done), Next::Stop);
        let mut s = Schedule::new(0.0);
        assert_eq!(s.after(WINDOW_MS, Outcome::Pending), Next::GiveUp);
        assert_eq!(
            s.after(WINDOW_MS - 500.0, Outcome::Trouble),
            Next::After(500.0),
            "the last check lands on the end"
        );
    }

    #[test]
    fn the_window_counts_from_when_the_page_opened() {
        let opened = 1_000_000.0;
        let mut s = Schedule::new(opened);
        assert_eq!(
            s.after(opened + 5_000.0, Outcome::Pending),
            Next::After(2_000.0),
            "on the dot: the rhythm"
        );
        assert!(matches!(
            s.after(opened + WINDOW_MS - 1.0, Outcome::Pending),
            Next::After(_)
        ));
        assert_eq!(s.after(opened + WINDOW_MS, Outcome::Pending), Next::GiveUp);
        assert_eq!(s.visibility(false, opened + 60_000.0), Next::After(0.0));
        assert_eq!(s.visibility(false, opened + WINDOW_MS), Next::GiveUp);
    }

    #[test]
    fn pauses_while_hidden_and_checks_at_once_when_shown() {
        let mut s = Schedule::new(0.0);
        assert_eq!(s.visibility(true, 6_000.0), Next::Paused);
        assert_eq!(s.after(6_100.0, Outcome::Pending), Next::Paused);
        assert_eq!(s.visibility(false, 60_000.0), Next::After(0.0));
        assert_eq!(s.visibility(false, WINDOW_MS + 1.0), Next::GiveUp);
    }
}
