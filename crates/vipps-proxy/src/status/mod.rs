//! What Vipps' answer means for the shopper: the status mapping, pure. eCom's
//! `/details` here, ePayment's get payment in [`epayment`]; both give an [`Outcome`].

pub mod epayment;

use std::time::Duration;

use contract::PaymentStatus;

use crate::vipps::wire::Details;

/// How long Vipps lets a payment wait for the user (5 + 5 minutes), plus a margin.
pub const PAYMENT_WINDOW: Duration = Duration::from_secs(contract::PAYMENT_WINDOW_SECS + 30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub status: PaymentStatus,
    /// Reserved (or sold) amount: goods plus shipping.
    pub reserved: i64,
    pub captured: i64,
    pub refunded: i64,
}

/// Walks the log oldest to newest, as the WooCommerce plugin does, and reads the amounts
/// from `transactionSummary` when Vipps gives one.
///
/// * `CANCEL` with no `transactionSummary` and no `requestId` is a timeout (the user
///   never acted): expired. With a `requestId` the shop cancelled it (a withdrawal).
/// * Only `INITIATE` after [`PAYMENT_WINDOW`] is expired too, even if Vipps has not said so.
pub fn outcome(details: &Details, age: Duration) -> Outcome {
    let mut status = PaymentStatus::Pending;
    let mut reserved = 0;
    let mut captured = 0;
    let mut refunded = 0;
    for entry in details.transaction_log_history.iter().rev() {
        let ok = entry.operation_success;
        match (entry.operation.as_str(), ok) {
            ("INITIATE", false) => status = PaymentStatus::Failed,
            ("RESERVE", true) => {
                status = PaymentStatus::Reserved;
                reserved = entry.amount;
            }
            ("SALE", true) => {
                status = PaymentStatus::Captured;
                reserved = entry.amount;
                captured = entry.amount;
            }
            ("RESERVE", false) | ("SALE", false) => status = PaymentStatus::Failed,
            ("CAPTURE", true) => captured += entry.amount,
            ("REFUND", true) => refunded += entry.amount,
            ("CANCEL", true) => {
                let by_merchant = entry.request_id.as_deref().is_some_and(|id| !id.is_empty());
                status = if details.transaction_summary.is_none() && !by_merchant {
                    PaymentStatus::Expired
                } else {
                    PaymentStatus::Cancelled
                }
            }
            ("VOID", true) if captured == 0 => status = PaymentStatus::Cancelled,
            _ => {}
        }
    }
    if let Some(summary) = &details.transaction_summary {
        captured = summary.captured_amount;
        refunded = summary.refunded_amount;
    }
    if status == PaymentStatus::Reserved && captured > 0 {
        status = PaymentStatus::Captured;
    }
    if status == PaymentStatus::Pending && age > PAYMENT_WINDOW {
        status = PaymentStatus::Expired;
    }
    Outcome {
        status,
        reserved,
        captured,
        refunded,
    }
}

/// What an authenticated callback adds when `/details` still shows only `INITIATE`: a
/// cancel on Vipps' landing page (before the app) writes no `CANCEL` row, only a
/// `REJECTED` callback (error 45). Within the payment window that is the shopper saying
/// no (`cancelled`); later it is the timeout (`expired`). A callback can only end a
/// payment that Vipps shows as pending; it never confirms one.
pub fn with_callback(outcome: Outcome, callback_said: Option<&str>, age: Duration) -> Outcome {
    let ended = matches!(callback_said, Some("REJECTED" | "CANCELLED"));
    if outcome.status != PaymentStatus::Pending || !ended {
        return outcome;
    }
    let status = if age <= PAYMENT_WINDOW {
        PaymentStatus::Cancelled
    } else {
        PaymentStatus::Expired
    };
    Outcome { status, ..outcome }
}

/// A reservation of another amount than the shop priced: `Some((expected, reserved))`.
/// `expected` is `None` when the shopper's shipping method is not one the shop offers for
/// that cart and address. Only a payment Vipps holds money for is checked.
pub fn amount_mismatch(expected: Option<i64>, outcome: &Outcome) -> Option<(Option<i64>, i64)> {
    let holds_money = matches!(outcome.status, PaymentStatus::Reserved | PaymentStatus::Captured);
    (holds_money && outcome.reserved > 0 && expected != Some(outcome.reserved)).then_some((expected, outcome.reserved))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn a_cancel_before_the_user_acted_is_a_timeout_unless_the_shop_asked_for_it() {
        let details = |request_id: Value| -> Details {
            serde_json::from_value(json!({"orderId": "o-1", "transactionLogHistory": [
                {"operation": "CANCEL", "operationSuccess": true, "amount": 100, "requestId": request_id},
                {"operation": "INITIATE", "operationSuccess": true, "amount": 100, "requestId": ""}
            ]}))
            .unwrap()
        };
        let age = Duration::from_secs(60);
        assert_eq!(
            outcome(&details(json!("withdraw-o-1")), age).status,
            PaymentStatus::Cancelled
        );
        assert_eq!(outcome(&details(json!("")), age).status, PaymentStatus::Expired);
        assert_eq!(outcome(&details(Value::Null), age).status, PaymentStatus::Expired);
    }

    #[test]
    fn a_rejected_callback_ends_a_payment_vipps_still_shows_pending() {
        use PaymentStatus::*;
        let pending = Outcome {
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
        let reserved = Outcome {
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
        let held = |status, reserved| Outcome {
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

    fn details(ops: &[(&str, bool, i64)], summary: Option<Value>) -> Details {
        let log: Vec<Value> = ops
            .iter()
            .rev()
            .map(|(op, ok, amount)| json!({"operation": op, "operationSuccess": ok, "amount": amount, "transactionText": "t"}))
            .collect();
        let mut body = json!({"orderId": "o", "transactionLogHistory": log});
        if let Some(s) = summary {
            body["transactionSummary"] = s;
        }
        serde_json::from_value(body).unwrap()
    }

    fn summary(captured: i64, refunded: i64) -> Option<Value> {
        Some(
            json!({"capturedAmount": captured, "remainingAmountToCapture": 0, "refundedAmount": refunded, "remainingAmountToRefund": 0}),
        )
    }

    const NOW: Duration = Duration::from_secs(5);

    #[test]
    fn every_row_of_the_mapping() {
        use PaymentStatus::*;
        let cases: Vec<(Details, Duration, PaymentStatus)> = vec![
            (details(&[("INITIATE", true, 100)], None), NOW, Pending),
            (
                details(&[("INITIATE", true, 100)], None),
                Duration::from_secs(700),
                Expired,
            ),
            (
                details(&[("INITIATE", true, 100), ("RESERVE", true, 150)], summary(0, 0)),
                NOW,
                Reserved,
            ),
            (
                details(
                    &[("INITIATE", true, 100), ("RESERVE", true, 100), ("CAPTURE", true, 50)],
                    summary(50, 0),
                ),
                NOW,
                Captured,
            ),
            (
                details(&[("INITIATE", true, 100), ("SALE", true, 100)], summary(100, 0)),
                NOW,
                Captured,
            ),
            (
                details(&[("INITIATE", true, 100), ("CANCEL", true, 100)], summary(0, 0)),
                NOW,
                Cancelled,
            ),
            (
                details(&[("INITIATE", true, 100), ("CANCEL", true, 100)], None),
                NOW,
                Expired,
            ),
            (
                details(
                    &[("INITIATE", true, 100), ("RESERVE", true, 100), ("VOID", true, 100)],
                    summary(0, 0),
                ),
                NOW,
                Cancelled,
            ),
            (
                details(&[("INITIATE", true, 100), ("RESERVE", false, 100)], summary(0, 0)),
                NOW,
                Failed,
            ),
            (
                details(&[("INITIATE", true, 100), ("SALE", false, 100)], summary(0, 0)),
                NOW,
                Failed,
            ),
            (details(&[("INITIATE", false, 100)], None), NOW, Failed),
            (
                details(
                    &[
                        ("INITIATE", true, 100),
                        ("RESERVE", true, 100),
                        ("CAPTURE", true, 100),
                        ("REFUND", true, 100),
                    ],
                    summary(100, 100),
                ),
                NOW,
                Captured,
            ),
        ];
        for (i, (d, age, expected)) in cases.into_iter().enumerate() {
            assert_eq!(outcome(&d, age).status, expected, "case {i}");
        }
    }

    #[test]
    fn partial_capture_then_release_stays_captured() {
        let d = details(
            &[
                ("INITIATE", true, 300),
                ("RESERVE", true, 300),
                ("CAPTURE", true, 100),
                ("VOID", true, 200),
            ],
            summary(100, 0),
        );
        let o = outcome(&d, NOW);
        assert_eq!(o.status, PaymentStatus::Captured);
        assert_eq!((o.reserved, o.captured), (300, 100));
    }

    #[test]
    fn expired_only_after_the_window_and_its_margin() {
        assert_eq!(PAYMENT_WINDOW, Duration::from_secs(630), "Vipps' 10 minutes and 30 s");
        let d = details(&[("INITIATE", true, 100)], None);
        assert_eq!(
            outcome(&d, PAYMENT_WINDOW).status,
            PaymentStatus::Pending,
            "on the dot: not yet"
        );
        assert_eq!(
            outcome(&d, PAYMENT_WINDOW + Duration::from_millis(1)).status,
            PaymentStatus::Expired
        );
    }

    #[test]
    fn without_a_summary_the_log_is_summed() {
        let d = details(
            &[
                ("INITIATE", true, 300),
                ("RESERVE", true, 300),
                ("CAPTURE", true, 100),
                ("CAPTURE", true, 150),
                ("REFUND", true, 30),
                ("REFUND", true, 20),
                ("REFUND", false, 999),
            ],
            None,
        );
        let o = outcome(&d, NOW);
        assert_eq!((o.captured, o.refunded), (250, 50));
        assert_eq!(o.status, PaymentStatus::Captured);
    }

    #[test]
    fn reserved_amount_includes_express_shipping() {
        let d = details(&[("INITIATE", true, 19900), ("RESERVE", true, 29800)], summary(0, 0));
        assert_eq!(outcome(&d, NOW).reserved, 29800);
    }
}
