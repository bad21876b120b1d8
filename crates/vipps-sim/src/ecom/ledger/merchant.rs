//! What the merchant does to an eCom payment: capture, cancel, refund, each once per
//! `X-Request-Id` (a replay answers as before; another request under it is refused).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::*;

impl Payment {
    /// Replays a stored answer for an `X-Request-Id` already used on `op`, or refuses a
    /// different request under the same key (error 93). `None`: first use of the key.
    pub fn replay(&self, op: &str, request_id: &str, request: &Value) -> Option<Result<Value, ApiError>> {
        let (stored_request, stored_response) = self.idempotent.get(&format!("{op}:{request_id}"))?;
        Some(if stored_request == request {
            Ok(stored_response.clone())
        } else {
            Err(ApiError::payment(
                "93",
                "The request must be identical in an idempotent retry (same X-Request-Id)",
            ))
        })
    }

    pub fn remember(&mut self, op: &str, request_id: &str, request: Value, response: Value) {
        if !request_id.is_empty() {
            self.idempotent
                .insert(format!("{op}:{request_id}"), (request, response));
        }
    }

    pub(super) fn summary(&self) -> Value {
        json!({
            "capturedAmount": self.captured,
            "remainingAmountToCapture": self.remaining_to_capture(),
            "refundedAmount": self.refunded,
            "remainingAmountToRefund": self.remaining_to_refund(),
        })
    }

    pub(super) fn with_instrument(&self, mut body: Value) -> Value {
        if let Some(user) = &self.user {
            body["paymentInstrument"] = json!(user.payment_instrument);
        }
        body
    }

    /// `POST .../capture`. `amount` of `None` or 0 captures everything still reserved.
    pub fn capture(
        &mut self,
        now: DateTime<Utc>,
        txids: &mut TxIds,
        amount: Option<i64>,
        text: &str,
        request_id: &str,
    ) -> Result<Value, ApiError> {
        match self.phase {
            Phase::Initiated => {
                return Err(ApiError::payment(
                    "62",
                    "The amount to capture is not reserved: the user has not accepted the payment",
                ))
            }
            Phase::Reserved => {}
            _ => {
                return Err(ApiError::vipps(
                    "91",
                    "Transaction is not allowed: the payment is not reserved",
                ))
            }
        }
        if self.sale {
            return Err(ApiError::vipps(
                "91",
                "Transaction is not allowed: the payment was captured directly (SALE)",
            ));
        }
        let remaining = self.remaining_to_capture();
        let amount = match amount.unwrap_or(0) {
            0 => remaining,
            a => a,
        };
        if amount > remaining || amount == 0 {
            return Err(ApiError::payment(
                "61",
                format!("Captured amount {amount} exceeds the reserved amount left to capture ({remaining})"),
            ));
        }
        let id = txids.next_id();
        self.push(Op::Capture, amount, true, text.to_string(), id.clone(), now, request_id);
        self.captured += amount;
        Ok(self.with_instrument(json!({
            "orderId": self.order_id(),
            "transactionInfo": { "amount": amount, "timeStamp": timestamp(now), "transactionText": text,
                                 "status": "Captured", "transactionId": id },
            "transactionSummary": self.summary(),
        })))
    }

    /// `PUT .../cancel`: `CANCEL` before reservation, `VOID` after; the log row carries
    /// the merchant's `X-Request-Id` (a timeout's `CANCEL` has none).
    pub fn cancel(
        &mut self,
        now: DateTime<Utc>,
        txids: &mut TxIds,
        text: &str,
        release_remaining: bool,
        request_id: &str,
    ) -> Result<Value, ApiError> {
        let id = txids.next_id();
        let amount = match self.phase {
            Phase::Initiated => {
                self.push(
                    Op::Cancel,
                    self.init.amount,
                    true,
                    text.to_string(),
                    id.clone(),
                    now,
                    request_id,
                );
                self.phase = Phase::Cancelled;
                self.init.amount
            }
            Phase::Reserved if self.sale || self.remaining_to_capture() == 0 => {
                return Err(ApiError::payment(
                    "51",
                    "Cannot cancel an already captured order: refund it instead",
                ))
            }
            Phase::Reserved if self.captured > 0 && !release_remaining => {
                return Err(ApiError::payment(
                    "51",
                    "Cannot cancel a partially captured order unless shouldReleaseRemainingFunds is true",
                ))
            }
            Phase::Reserved => {
                let rest = self.remaining_to_capture();
                self.push(Op::Void, rest, true, text.to_string(), id.clone(), now, request_id);
                self.released += rest;
                if self.captured == 0 {
                    self.phase = Phase::Voided;
                }
                rest
            }
            _ => {
                return Err(ApiError::vipps(
                    "91",
                    "Transaction is not allowed: the payment is already cancelled or failed",
                ))
            }
        };
        Ok(self.with_instrument(json!({
            "orderId": self.order_id(),
            "transactionInfo": { "amount": amount, "status": "Cancelled", "timeStamp": timestamp(now),
                                 "transactionId": id, "transactionText": text },
            "transactionSummary": self.summary(),
        })))
    }

    /// `POST .../refund`. `amount` of `None` or 0 refunds everything captured and not refunded.
    pub fn refund(
        &mut self,
        now: DateTime<Utc>,
        txids: &mut TxIds,
        amount: Option<i64>,
        text: &str,
        request_id: &str,
    ) -> Result<Value, ApiError> {
        match self.phase {
            Phase::Reserved if self.captured == 0 => {
                return Err(ApiError::payment(
                    "72",
                    "Cannot refund an order that is only reserved: cancel it instead",
                ))
            }
            Phase::Reserved => {}
            Phase::Initiated => {
                return Err(ApiError::vipps(
                    "91",
                    "Transaction is not allowed: the payment is not reserved",
                ))
            }
            _ => return Err(ApiError::payment("73", "Cannot refund a cancelled order")),
        }
        let remaining = self.remaining_to_refund();
        let amount = match amount.unwrap_or(0) {
            0 => remaining,
            a => a,
        };
        if amount > remaining || amount == 0 {
            return Err(ApiError::payment(
                "71",
                format!("Refunded amount {amount} exceeds the captured amount left to refund ({remaining})"),
            ));
        }
        let id = txids.next_id();
        self.push(Op::Refund, amount, true, text.to_string(), id.clone(), now, request_id);
        self.refunded += amount;
        Ok(json!({
            "orderId": self.order_id(),
            "transaction": { "amount": amount, "transactionText": text, "status": "Refund",
                             "transactionId": id, "timeStamp": timestamp(now) },
            "transactionSummary": self.summary(),
        }))
    }
}
