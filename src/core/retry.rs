//! Automatic retries of one click's `POST /payments`, with the same idempotency key.

/// Delay before retry number `attempt` (1-based) after a retryable failure, or `None`
/// when the click should give up and show the error.
pub fn start_retry_delay(attempt: u32) -> Option<f64> {
    match attempt {
        1 => Some(500.0),
        2 => Some(1_500.0),
        3 => Some(3_000.0),
        _ => None,
    }
}

/// Whether an HTTP status from `POST /payments` is worth retrying with the same key:
/// 409 (the same click is still being processed), 429, and 5xx.
pub fn is_retryable_status(status: u16) -> bool {
    status == 409 || status == 429 || status >= 500
}

/// Whether a failed status check (`GET /payments/{id}`) is worth polling on after: 408,
/// 429 and 5xx. 401, 403 and 404 (a wrong link) stop polling.
pub fn is_retryable_check(status: u16) -> bool {
    status == 408 || status == 429 || status >= 500
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_retries_then_give_up() {
        assert_eq!(
            (1..=4).map(start_retry_delay).collect::<Vec<_>>(),
            [Some(500.0), Some(1_500.0), Some(3_000.0), None]
        );
        assert!(is_retryable_status(409) && is_retryable_status(503) && is_retryable_status(429));
        assert!(!is_retryable_status(400) && !is_retryable_status(422) && !is_retryable_status(404));
        assert!(is_retryable_check(408) && is_retryable_check(429) && is_retryable_check(502));
        assert!(!is_retryable_check(401) && !is_retryable_check(403) && !is_retryable_check(404));
        assert!(!is_retryable_check(409), "a check is never 'in progress'");
    }
}
