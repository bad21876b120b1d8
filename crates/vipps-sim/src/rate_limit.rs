//! The per-orderId rate limits Vipps enforces (a sliding one-minute window).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::faults::Route;

const WINDOW: Duration = Duration::from_secs(60);

/// Calls allowed per minute per orderId, as Vipps documents them.
pub fn limit(route: Route) -> Option<usize> {
    match route {
        Route::Initiate => Some(2),
        Route::Capture | Route::Cancel | Route::Refund => Some(5),
        Route::Details | Route::Status => Some(120),
        _ => None,
    }
}

#[derive(Default)]
pub struct RateLimiter {
    windows: HashMap<(Route, String), VecDeque<Instant>>,
}

impl RateLimiter {
    /// Counts a call; `Err(seconds)` says how long until the next one is allowed.
    pub fn check(&mut self, route: Route, order_id: &str, now: Instant) -> Result<(), u64> {
        let Some(max) = limit(route) else { return Ok(()) };
        self.check_max(route, order_id, max, now)
    }

    /// Counts a call against `max` a minute for `route` and `key`.
    pub fn check_max(&mut self, route: Route, key: &str, max: usize, now: Instant) -> Result<(), u64> {
        let order_id = key;
        let window = self.windows.entry((route, order_id.to_string())).or_default();
        while window.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            window.pop_front();
        }
        if window.len() >= max {
            let oldest = *window.front().expect("full window");
            let wait = WINDOW.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        window.push_back(now);
        Ok(())
    }

    /// Forgets windows with no call in the last minute.
    pub fn prune(&mut self, now: Instant) {
        self.windows
            .retain(|_, w| w.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_allows_120_a_minute_per_order() {
        let mut limiter = RateLimiter::default();
        let start = Instant::now();
        for i in 0..120 {
            assert!(limiter
                .check(Route::Details, "a", start + Duration::from_millis(i * 10))
                .is_ok());
        }
        assert!(limiter
            .check(Route::Details, "a", start + Duration::from_secs(2))
            .is_err());
        assert!(limiter
            .check(Route::Details, "b", start + Duration::from_secs(2))
            .is_ok());
        assert!(limiter
            .check(Route::Details, "a", start + Duration::from_secs(61))
            .is_ok());
    }

    #[test]
    fn capture_allows_5_and_says_when_to_retry() {
        let mut limiter = RateLimiter::default();
        let start = Instant::now();
        for _ in 0..5 {
            limiter.check(Route::Capture, "a", start).unwrap();
        }
        assert_eq!(
            limiter.check(Route::Capture, "a", start + Duration::from_secs(10)),
            Err(50)
        );
        limiter.prune(start + Duration::from_secs(120));
        assert!(limiter.windows.is_empty());
    }
}
