//! What an ePayment payment (`GET /epayment/v1/payments/{reference}`) means for the
//! shopper: the same [`Standing`] and the same states as eCom's `/details` gives, pure.
//!
//! ePayment's `state` never moves past `AUTHORIZED`: money movements show only in the
//! `aggregate`. So a cancel after approval (nothing captured) is read from
//! `cancelledAmount`, and a capture from `capturedAmount`, as `/details` shows them.

use std::time::Duration;

use contract::PaymentStatus;

use super::wire::Payment;
use crate::status::{Standing, PAYMENT_WINDOW};

pub fn standing(payment: &Payment, age: Duration) -> Standing {
    let a = payment.aggregate;
    let (authorized, captured, cancelled) = (
        a.authorized_amount.value,
        a.captured_amount.value,
        a.cancelled_amount.value,
    );
    let status = match payment.state.as_str() {
        "CREATED" if age > PAYMENT_WINDOW => PaymentStatus::Expired,
        "CREATED" => PaymentStatus::Pending,
        "ABORTED" | "TERMINATED" => PaymentStatus::Cancelled,
        "EXPIRED" => PaymentStatus::Expired,
        "AUTHORIZED" if captured > 0 => PaymentStatus::Captured,
        "AUTHORIZED" if cancelled > 0 => PaymentStatus::Cancelled,
        "AUTHORIZED" => PaymentStatus::Reserved,
        // A state this backend does not know yet: never guessed as paid.
        _ => PaymentStatus::Pending,
    };
    Standing {
        status,
        reserved: if payment.state == "AUTHORIZED" { authorized } else { 0 },
        captured,
        refunded: a.refunded_amount.value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use PaymentStatus::*;

    fn payment(state: &str, authorized: i64, captured: i64, cancelled: i64, refunded: i64) -> Payment {
        serde_json::from_value(json!({
            "reference": "shop-20261123-abcdefghij",
            "state": state,
            "aggregate": {
                "authorizedAmount": {"currency": "NOK", "value": authorized},
                "capturedAmount": {"currency": "NOK", "value": captured},
                "cancelledAmount": {"currency": "NOK", "value": cancelled},
                "refundedAmount": {"currency": "NOK", "value": refunded},
            },
            "amount": {"currency": "NOK", "value": 19900},
            "pspReference": "x",
            "profile": {},
        }))
        .unwrap()
    }

    const NOW: Duration = Duration::from_secs(5);

    #[test]
    fn every_state_maps_to_the_shopper_state_ecom_gives() {
        let late = PAYMENT_WINDOW + Duration::from_secs(1);
        let cases = [
            (payment("CREATED", 0, 0, 0, 0), NOW, Pending),
            (payment("CREATED", 0, 0, 0, 0), late, Expired),
            (payment("ABORTED", 0, 0, 0, 0), NOW, Cancelled),
            (payment("EXPIRED", 0, 0, 0, 0), NOW, Expired),
            (payment("TERMINATED", 0, 0, 19900, 0), NOW, Cancelled),
            (payment("AUTHORIZED", 19900, 0, 0, 0), NOW, Reserved),
            (payment("AUTHORIZED", 19900, 10000, 0, 0), NOW, Captured),
            (payment("AUTHORIZED", 19900, 19900, 0, 5000), NOW, Captured),
            (payment("AUTHORIZED", 19900, 0, 19900, 0), NOW, Cancelled),
            // A partial capture, then the rest released: still a sale.
            (payment("AUTHORIZED", 19900, 10000, 9900, 0), NOW, Captured),
            (payment("SOMETHING_NEW", 19900, 0, 0, 0), NOW, Pending),
        ];
        for (p, age, want) in cases {
            assert_eq!(standing(&p, age).status, want, "{} {:?}", p.state, p.aggregate);
        }
    }

    #[test]
    fn amounts_come_from_the_aggregate() {
        let o = standing(&payment("AUTHORIZED", 29800, 20000, 0, 5000), NOW);
        assert_eq!((o.reserved, o.captured, o.refunded), (29800, 20000, 5000));
        let o = standing(&payment("TERMINATED", 0, 0, 29800, 0), NOW);
        assert_eq!(o.reserved, 0, "nothing was ever held");
    }
}
