//! One ePayment payment's life, as `docs/vipps-epayment-v1.md` sets it out: the state
//! (`CREATED` until the user acts; then `AUTHORIZED`, `ABORTED` or `EXPIRED`; `TERMINATED`
//! when the merchant cancels first), the aggregate that captures, refunds and cancels move
//! (the state stays `AUTHORIZED` through them), the event log, and the merchant's
//! idempotency keys on adjustments. Pure: the caller passes `now`.
//!
//! Vipps documents each problem's title but not its HTTP status; here a request that
//! conflicts with the payment's state or with an earlier use of its key answers 409, a
//! wrong amount 400, as the spec's list of statuses per call allows.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Created,
    Aborted,
    Expired,
    Authorized,
    Terminated,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Created => "CREATED",
            State::Aborted => "ABORTED",
            State::Expired => "EXPIRED",
            State::Authorized => "AUTHORIZED",
            State::Terminated => "TERMINATED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventName {
    Created,
    Aborted,
    Expired,
    Cancelled,
    Captured,
    Refunded,
    Authorized,
    Terminated,
}

impl EventName {
    pub fn name(self) -> &'static str {
        match self {
            EventName::Created => "CREATED",
            EventName::Aborted => "ABORTED",
            EventName::Expired => "EXPIRED",
            EventName::Cancelled => "CANCELLED",
            EventName::Captured => "CAPTURED",
            EventName::Refunded => "REFUNDED",
            EventName::Authorized => "AUTHORIZED",
            EventName::Terminated => "TERMINATED",
        }
    }

    /// The Webhooks API's event type, e.g. `epayments.payment.authorized.v1`.
    pub fn webhook_type(self) -> String {
        format!("epayments.payment.{}.v1", self.name().to_lowercase())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub name: EventName,
    /// Each event has its own (`docs/operations/get_event_log.md`'s example and the
    /// webhook guide: unique per event); `CREATED`'s is the payment's.
    pub psp_reference: String,
    pub amount: i64,
    pub at: DateTime<Utc>,
    pub idempotency_key: Option<String>,
    pub success: bool,
}

/// A refusal, as a problem object says it (`type`, `traceId` are added by the HTTP layer).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub status: u16,
    pub title: &'static str,
    pub detail: String,
}

impl Problem {
    fn conflict(title: &'static str, detail: String) -> Self {
        Problem {
            status: 409,
            title,
            detail,
        }
    }
    fn bad(title: &'static str, detail: String) -> Self {
        Problem {
            status: 400,
            title,
            detail,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Adjustment {
    Capture(i64),
    Refund(i64),
    /// With `cancelTransactionOnly`.
    Cancel(bool),
}

impl Adjustment {
    /// A key is unique per kind of operation, not across them: Vipps' own quick start
    /// and Postman collection send one key to create, capture, refund and cancel
    /// (`vippsas/vipps-epayment-api` `docs/quick-start.md` and
    /// `tools/epayment-api-postman-collection.json` at
    /// 31a14f71470a00c1bb686b279a2ec6a7efbb88ac).
    fn kind(self) -> &'static str {
        match self {
            Adjustment::Capture(_) => "capture",
            Adjustment::Refund(_) => "refund",
            Adjustment::Cancel(_) => "cancel",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub reference: String,
    pub psp_reference: String,
    pub currency: String,
    pub value: i64,
    pub state: State,
    pub authorized: i64,
    pub cancelled: i64,
    pub captured: i64,
    pub refunded: i64,
    pub events: Vec<Event>,
    /// The create request's `Idempotency-Key` (its events carry it).
    pub create_key: String,
    /// The merchant's keys of adjustments made, per kind, with what each asked for.
    keys: HashMap<(&'static str, String), Adjustment>,
}

impl Payment {
    pub fn new(
        reference: &str,
        psp_reference: &str,
        currency: &str,
        value: i64,
        now: DateTime<Utc>,
        key: &str,
    ) -> Self {
        let mut p = Payment {
            reference: reference.to_string(),
            psp_reference: psp_reference.to_string(),
            currency: currency.to_string(),
            value,
            state: State::Created,
            authorized: 0,
            cancelled: 0,
            captured: 0,
            refunded: 0,
            events: Vec::new(),
            create_key: key.to_string(),
            keys: HashMap::new(),
        };
        p.log(EventName::Created, value, now, Some(key));
        p
    }

    fn log(&mut self, name: EventName, amount: i64, at: DateTime<Utc>, key: Option<&str>) {
        let psp_reference = if self.events.is_empty() {
            self.psp_reference.clone()
        } else {
            format!("{}", 1_000_000_000 + u64::from(rand::random::<u32>()) % 9_000_000_000)
        };
        self.events.push(Event {
            name,
            psp_reference,
            amount,
            at,
            idempotency_key: key.map(str::to_string),
            success: true,
        });
    }

    /// What is still reserved and not captured.
    pub fn capturable(&self) -> i64 {
        self.authorized - self.captured - self.cancelled
    }

    /// `Payment cannot be <verb>`, naming the state.
    fn invalid_state(&self, title: &'static str, verb: &str) -> Problem {
        Problem::conflict(
            title,
            format!(
                "Reference {} cannot be {verb}. Invalid state: {}.",
                self.reference,
                self.state.name()
            ),
        )
    }

    /// The user approves in the app.
    pub fn authorize(&mut self, now: DateTime<Utc>) -> Result<(), Problem> {
        match self.state {
            State::Created => {
                self.state = State::Authorized;
                self.authorized = self.value;
                // The create's key goes with the authorization too (the event log
                // example in `docs/operations/get_event_log.md`).
                let key = self.create_key.clone();
                self.log(EventName::Authorized, self.value, now, Some(&key));
                Ok(())
            }
            State::Authorized => Err(Problem::conflict(
                "Payment is already reserved",
                format!(
                    "The payment with reference {} has already been reserved.",
                    self.reference
                ),
            )),
            other => Err(Problem::conflict(
                "Approve failed",
                format!("The payment is {}.", other.name()),
            )),
        }
    }

    /// The user approves an express payment: its amount grows by the shipping chosen.
    pub fn authorize_with_shipping(&mut self, cost: i64, now: DateTime<Utc>) -> Result<(), Problem> {
        if self.state == State::Created {
            self.value += cost;
        }
        self.authorize(now)
    }

    /// The user cancels before approving (`ABORTED`), or never acts (`EXPIRED`).
    pub fn end_unapproved(&mut self, expired: bool, now: DateTime<Utc>) -> Result<(), Problem> {
        if self.state != State::Created {
            return Err(Problem::conflict(
                "Operation not supported",
                format!("The payment is {}.", self.state.name()),
            ));
        }
        let (state, event) = if expired {
            (State::Expired, EventName::Expired)
        } else {
            (State::Aborted, EventName::Aborted)
        };
        self.state = state;
        self.log(event, self.value, now, None);
        Ok(())
    }

    /// A retry of an adjustment with the same key: `Some(Ok)` answers as before, without
    /// doing it again; `Some(Err)` for a key used for another request; `None` for a new key.
    fn replay(&self, key: &str, asked: Adjustment, conflict: &'static str) -> Option<Result<(), Problem>> {
        let earlier = self.keys.get(&(asked.kind(), key.to_string()))?;
        Some(if *earlier == asked {
            Ok(())
        } else {
            Err(Problem::conflict(
                conflict,
                "The request in an idempotent retry must be identical to the previous request(s).".into(),
            ))
        })
    }

    fn remember(&mut self, key: &str, asked: Adjustment) {
        self.keys.insert((asked.kind(), key.to_string()), asked);
    }

    fn check_amount(&self, currency: &str, value: i64) -> Result<(), Problem> {
        if currency != self.currency {
            return Err(Problem::bad(
                "Amount invalid",
                format!("The payment is in {}, not {currency}.", self.currency),
            ));
        }
        if value <= 0 {
            return Err(Problem::bad("Amount invalid", "The amount must be more than 0.".into()));
        }
        Ok(())
    }

    pub fn capture(&mut self, currency: &str, value: i64, key: &str, now: DateTime<Utc>) -> Result<(), Problem> {
        if let Some(answer) = self.replay(key, Adjustment::Capture(value), "Capture idempotency conflict") {
            return answer;
        }
        self.check_amount(currency, value)?;
        match self.state {
            State::Created => {
                return Err(Problem::conflict(
                    "Cannot capture before reservation",
                    "The user must accept the payment before it can be captured.".into(),
                ))
            }
            State::Authorized => {}
            _ => return Err(self.invalid_state("Payment cannot be captured", "captured")),
        }
        if self.cancelled > 0 && self.capturable() == 0 {
            return Err(Problem::conflict(
                "Cannot capture a cancelled payment",
                "The payment has been cancelled.".into(),
            ));
        }
        if value > self.capturable() {
            return Err(Problem::bad(
                "Capture amount too high",
                format!("{value} is more than the {} left to capture.", self.capturable()),
            ));
        }
        self.captured += value;
        self.remember(key, Adjustment::Capture(value));
        self.log(EventName::Captured, value, now, Some(key));
        Ok(())
    }

    pub fn refund(&mut self, currency: &str, value: i64, key: &str, now: DateTime<Utc>) -> Result<(), Problem> {
        if let Some(answer) = self.replay(key, Adjustment::Refund(value), "Refund idempotency conflict") {
            return answer;
        }
        self.check_amount(currency, value)?;
        if self.state != State::Authorized || self.captured == 0 {
            return Err(Problem::conflict(
                "Attempted refund before reservation",
                "Only what was captured can be refunded.".into(),
            ));
        }
        if self.refunded == self.captured {
            return Err(Problem::conflict(
                "Payment already refunded",
                "Everything captured has been refunded.".into(),
            ));
        }
        if value > self.captured - self.refunded {
            return Err(Problem::bad(
                "Not enough refundable",
                format!(
                    "{value} is more than the {} left to refund.",
                    self.captured - self.refunded
                ),
            ));
        }
        self.refunded += value;
        self.remember(key, Adjustment::Refund(value));
        self.log(EventName::Refunded, value, now, Some(key));
        Ok(())
    }

    /// The merchant cancels: before authorization the payment ends `TERMINATED`; after,
    /// what is not captured is released and the state stays `AUTHORIZED`. `user_acting`:
    /// the user is approving right now (not possible then). `transaction_only`
    /// (`cancelTransactionOnly`, newer ePayment types: `vippsas/deno-sdk`
    /// `src/generated_types/epayment/types.gen.ts` since 9d8a0e3f7a6c4d3304481b86dc901dcde18b1ea7):
    /// cancel only a payment not yet authorized; an authorized one stays reserved and
    /// the cancel is refused ("Cannot cancel authorized payment", Vipps' error 6060).
    pub fn cancel(
        &mut self,
        key: &str,
        transaction_only: bool,
        user_acting: bool,
        now: DateTime<Utc>,
    ) -> Result<(), Problem> {
        let asked = Adjustment::Cancel(transaction_only);
        if let Some(answer) = self.replay(key, asked, "Payment cannot be cancelled") {
            return answer;
        }
        match self.state {
            State::Created if user_acting => {
                return Err(Problem::conflict(
                    "Cannot cancel pending",
                    "The user is approving the payment right now.".into(),
                ))
            }
            State::Created => {
                self.state = State::Terminated;
                self.cancelled = self.value;
                self.remember(key, asked);
                self.log(EventName::Terminated, self.value, now, Some(key));
            }
            State::Authorized if transaction_only => {
                return Err(Problem::conflict(
                    "Cannot cancel authorized payment",
                    format!(
                        "The payment {} is authorized; with cancelTransactionOnly it is not cancelled.",
                        self.reference
                    ),
                ))
            }
            State::Authorized if self.capturable() == 0 && self.cancelled == 0 => {
                return Err(Problem::conflict(
                    "Cannot cancel a captured payment",
                    "The payment has been captured in full.".into(),
                ))
            }
            // Cancelled before: nothing more to release; answered as it stands.
            State::Authorized if self.capturable() == 0 => self.remember(key, asked),
            State::Authorized => {
                let released = self.capturable();
                self.cancelled += released;
                self.remember(key, asked);
                self.log(EventName::Cancelled, released, now, Some(key));
            }
            _ => return Err(self.invalid_state("Payment cannot be cancelled", "cancelled")),
        }
        Ok(())
    }

    fn amount(&self, value: i64) -> Value {
        json!({"currency": self.currency, "value": value})
    }

    pub fn aggregate(&self) -> Value {
        json!({
            "authorizedAmount": self.amount(self.authorized),
            "cancelledAmount": self.amount(self.cancelled),
            "capturedAmount": self.amount(self.captured),
            "refundedAmount": self.amount(self.refunded),
        })
    }

    /// The answer of an adjustment (`ModificationResponse`).
    pub fn modification(&self) -> Value {
        json!({
            "amount": self.amount(self.value),
            "state": self.state.name(),
            "aggregate": self.aggregate(),
            "pspReference": self.psp_reference,
            "reference": self.reference,
        })
    }

    /// The event log as `GET …/events` gives it.
    pub fn event_log(&self) -> Value {
        Value::Array(self.events.iter().map(|e| self.event_json(e)).collect())
    }

    pub fn event_json(&self, e: &Event) -> Value {
        json!({
            "reference": self.reference,
            "pspReference": e.psp_reference,
            "name": e.name.name(),
            "amount": self.amount(e.amount),
            "timestamp": e.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "idempotencyKey": e.idempotency_key,
            "success": e.success,
        })
    }
}

#[cfg(test)]
mod tests;
