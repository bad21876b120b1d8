//! What Vipps' answer means for the shopper, whichever API gave it, pure: the
//! [`Standing`] each gateway maps its answer to (`gateway/ecom/status.rs`,
//! `gateway/epayment/status.rs`), what a callback adds, and whether the reservation is
//! what the shop priced.

use std::time::Duration;

use contract::PaymentStatus;

/// How long Vipps lets a payment wait for the user (5 + 5 minutes), plus the backend's
/// margin ([`contract::BACKEND_EXPIRY_SECS`]).
pub const PAYMENT_WINDOW: Duration = Duration::from_secs(contract::BACKEND_EXPIRY_SECS);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: PaymentStatus,
    /// Reserved (or sold) amount: goods plus shipping.
    pub reserved: i64,
    pub captured: i64,
    pub refunded: i64,
}

/// What an authenticated callback adds when `/details` still shows only `INITIATE`: a
/// cancel on Vipps' landing page (before the app) writes no `CANCEL` row, only a
/// `REJECTED` callback (error 45). Within the payment window that is the shopper saying
/// no (`cancelled`); later it is the timeout (`expired`). A callback can only end a
/// payment that Vipps shows as pending; it never confirms one.
pub fn with_callback(standing: Standing, callback_said: Option<&str>, age: Duration) -> Standing {
    let ended = matches!(callback_said, Some("REJECTED" | "CANCELLED"));
    if standing.status != PaymentStatus::Pending || !ended {
        return standing;
    }
    let status = if age <= PAYMENT_WINDOW {
        PaymentStatus::Cancelled
    } else {
        PaymentStatus::Expired
    };
    Standing { status, ..standing }
}

/// A reservation of another amount than the shop priced: `Some((expected, reserved))`.
/// `expected` is `None` when the shopper's shipping method is not one the shop offers for
/// that cart and address. Only a payment Vipps holds money for is checked.
pub fn amount_mismatch(expected: Option<i64>, standing: &Standing) -> Option<(Option<i64>, i64)> {
    let holds_money = matches!(standing.status, PaymentStatus::Reserved | PaymentStatus::Captured);
    (holds_money && standing.reserved > 0 && expected != Some(standing.reserved))
        .then_some((expected, standing.reserved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejected_callback_ends_a_payment_vipps_still_shows_pending() {
        use PaymentStatus::*;
        let pending = Standing {
            status: Pending,
            reserved: 0,
            captured: 0,
            refunded: 0,
        };
        let early = Duration::from_secs(40);
        assert_eq!(with_callback(pending, Some("REJECTED"), early).status, Cancelled);
        assert_eq!(with_callback(pending, Some("CANCELLED"), early).status, Cancelled);
        assert_eq!(
            with_callback(pending, Some("REJECTED"), PAYMENT_WINDOW + Duration::from_secs(1)).status,
            Expired
        );
        assert_eq!(with_callback(pending, None, early).status, Pending);
        assert_eq!(
            with_callback(pending, Some("RESERVED"), early).status,
            Pending,
            "never confirms"
        );
        let reserved = Standing {
            status: Reserved,
            reserved: 100,
            ..pending
        };
        assert_eq!(
            with_callback(reserved, Some("REJECTED"), early).status,
            Reserved,
            "/details wins"
        );
    }

    #[test]
    fn a_reservation_must_be_what_the_shop_priced() {
        let held = |status, reserved| Standing {
            status,
            reserved,
            captured: 0,
            refunded: 0,
        };
        use PaymentStatus::*;
        assert_eq!(amount_mismatch(Some(26800), &held(Reserved, 26800)), None);
        assert_eq!(
            amount_mismatch(Some(26800), &held(Reserved, 19900)),
            Some((Some(26800), 19900)),
            "shipping left out"
        );
        assert_eq!(
            amount_mismatch(Some(26800), &held(Captured, 26801)),
            Some((Some(26800), 26801))
        );
        assert_eq!(
            amount_mismatch(None, &held(Reserved, 19900)),
            Some((None, 19900)),
            "a method never offered"
        );
        assert_eq!(
            amount_mismatch(Some(26800), &held(Pending, 0)),
            None,
            "nothing held yet"
        );
        assert_eq!(amount_mismatch(Some(26800), &held(Failed, 0)), None);
        assert_eq!(amount_mismatch(Some(26800), &held(Cancelled, 26800)), None);
    }
}
