//! What eCom's `/details` means for the shopper: its log read into an [`Standing`], pure.

use std::time::Duration;

use contract::PaymentStatus;

use super::wire::Details;
use crate::status::{Standing, PAYMENT_WINDOW};

/// Walks the log oldest to newest, as the WooCommerce plugin does, and reads the amounts
/// from `transactionSummary` when Vipps gives one.
///
/// * `CANCEL` with no `transactionSummary` and no `requestId` is a timeout (the user
///   never acted): expired. With a `requestId` the shop cancelled it (a withdrawal).
/// * Only `INITIATE` after [`PAYMENT_WINDOW`] is expired too, even if Vipps has not said so.
pub fn standing(details: &Details, age: Duration) -> Standing {
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
    Standing {
        status,
        reserved,
        captured,
        refunded,
    }
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
            standing(&details(json!("withdraw-o-1")), age).status,
            PaymentStatus::Cancelled
        );
        assert_eq!(standing(&details(json!("")), age).status, PaymentStatus::Expired);
        assert_eq!(standing(&details(Value::Null), age).status, PaymentStatus::Expired);
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
            assert_eq!(standing(&d, age).status, expected, "case {i}");
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
        let o = standing(&d, NOW);
        assert_eq!(o.status, PaymentStatus::Captured);
        assert_eq!((o.reserved, o.captured), (300, 100));
    }

    #[test]
    fn expired_only_after_the_window_and_its_margin() {
        assert_eq!(PAYMENT_WINDOW, Duration::from_secs(630), "Vipps' 10 minutes and 30 s");
        let d = details(&[("INITIATE", true, 100)], None);
        assert_eq!(
            standing(&d, PAYMENT_WINDOW).status,
            PaymentStatus::Pending,
            "on the dot: not yet"
        );
        assert_eq!(
            standing(&d, PAYMENT_WINDOW + Duration::from_millis(1)).status,
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
        let o = standing(&d, NOW);
        assert_eq!((o.captured, o.refunded), (250, 50));
        assert_eq!(o.status, PaymentStatus::Captured);
    }

    #[test]
    fn reserved_amount_includes_express_shipping() {
        let d = details(&[("INITIATE", true, 19900), ("RESERVE", true, 29800)], summary(0, 0));
        assert_eq!(standing(&d, NOW).reserved, 29800);
    }
}
