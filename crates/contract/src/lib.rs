//! The contract between the checkout widget and the merchant's backend ("the proxy").
//!
//! Serde types only: no tokio, no web-sys, no HTTP client. The widget (wasm) and the
//! reference proxy (native) both use these, so the two cannot drift apart. The same
//! contract is documented for other languages in `docs/proxy-api.yaml`.

pub mod error;
pub mod status;
pub mod types;
pub mod validate;

pub use error::{Code, ErrorBody, ErrorCode, ErrorDetail};

/// How long Vipps gives a shopper to act on a payment: 5 minutes on the landing page
/// plus 5 in the app. Until then a payment may still be approved; both sides add their
/// own margin before they call it expired.
pub const PAYMENT_WINDOW_SECS: u64 = 10 * 60;

/// How long after [`PAYMENT_WINDOW_SECS`] the backend waits before it calls a payment
/// Vipps still shows as pending expired: Vipps' own timeout may be written a little late.
pub const BACKEND_EXPIRY_SECS: u64 = PAYMENT_WINDOW_SECS + 30;

/// How long the widget keeps polling a payment: later than [`BACKEND_EXPIRY_SECS`], so
/// its last check sees the backend's own verdict rather than giving up first.
pub const WIDGET_POLL_SECS: u64 = BACKEND_EXPIRY_SECS + 30;

// The order the margins keep, checked when the contract compiles.
const _: () = assert!(PAYMENT_WINDOW_SECS < BACKEND_EXPIRY_SECS && BACKEND_EXPIRY_SECS < WIDGET_POLL_SECS);

/// How long a payment URL (the landing page, or a QR code of it) stays valid: a payment
/// that has not reached the shopper's app by then times out.
pub const LINK_WINDOW_SECS: u64 = 5 * 60;
pub use status::PaymentStatus;
pub use types::*;

#[cfg(test)]
mod tests {
    #[test]
    fn vipps_gives_ten_minutes() {
        assert_eq!(super::PAYMENT_WINDOW_SECS, 600);
        assert_eq!(super::LINK_WINDOW_SECS, 300, "of which 5 minutes for the link");
    }

    #[test]
    fn the_widget_waits_for_the_backend_which_waits_for_vipps() {
        use super::*;
        assert_eq!(BACKEND_EXPIRY_SECS, 630, "the backend's margin: 30 s");
        assert_eq!(WIDGET_POLL_SECS, 660, "the widget's: a minute");
    }
}
