//! One payment's life, as Vipps keeps it: the operation log, the amounts, and the
//! transitions a user or a merchant may make. Pure logic: no I/O, no clock of its own.
//! Every transition that Vipps reports by callback returns the [`Callback`] to send.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::shipping::ShippingOption;
use crate::users::{Address, TestUser};
use crate::validate::Initiate;

/// The operation names of `transactionLogHistory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Initiate,
    Reserve,
    Sale,
    Capture,
    Refund,
    Cancel,
    Void,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Initiate => "INITIATE",
            Op::Reserve => "RESERVE",
            Op::Sale => "SALE",
            Op::Capture => "CAPTURE",
            Op::Refund => "REFUND",
            Op::Cancel => "CANCEL",
            Op::Void => "VOID",
        }
    }
}

#[derive(Debug, Clone)]
pub struct LogEntry {
    pub op: Op,
    pub amount: i64,
    pub success: bool,
    pub text: String,
    pub transaction_id: String,
    pub at: DateTime<Utc>,
    pub request_id: String,
}

/// Where a payment is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for the user.
    Initiated,
    /// Approved: money reserved (or, with direct capture, sold).
    Reserved,
    /// Cancelled before reservation, by the user or the merchant.
    Cancelled,
    /// Cancelled by the merchant after reservation, nothing captured.
    Voided,
    /// The reservation failed (card declined, shipping failure).
    Failed,
    /// Nobody acted before the payment timed out.
    Expired,
}

/// Hands out 10-digit transaction ids.
#[derive(Debug)]
pub struct TxIds(u64);

impl Default for TxIds {
    fn default() -> Self {
        TxIds(5_001_420_000 + rand::random::<u64>() % 1_000_000)
    }
}

impl TxIds {
    pub fn next_id(&mut self) -> String {
        self.0 += 1;
        self.0.to_string()
    }
}

/// A callback to deliver to the merchant: one attempt, no retry.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    pub order_id: String,
    pub url: String,
    pub auth_token: Option<String>,
    pub status: &'static str,
    pub body: Value,
}

/// The shipping the user chose in the app.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenShipping {
    pub address: Address,
    pub option: ShippingOption,
}

/// What the simulator records of each delivery to the merchant (callbacks, shipping
/// requests, consent removals), for the control API.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub kind: &'static str,
    pub status: Option<String>,
    pub url: String,
    pub sent_at: String,
    pub outcome: String,
    pub http_status: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub init: Initiate,
    pub merchant_info: Value,
    pub customer_info: Value,
    pub token: String,
    pub url: String,
    pub created_at: DateTime<Utc>,
    pub phase: Phase,
    /// Approved with direct capture (`SALE`).
    pub sale: bool,
    pub log: Vec<LogEntry>,
    pub reserved: i64,
    pub captured: i64,
    pub refunded: i64,
    /// Reserved money released by a cancel.
    pub released: i64,
    /// The user approved, rejected or failed in the app (`transactionSummary` appears).
    pub user_acted: bool,
    /// The number typed on the landing page (or prefilled from `customerInfo`).
    pub mobile: Option<String>,
    pub user: Option<TestUser>,
    pub shipping: Option<ChosenShipping>,
    pub consent_removed: bool,
    pub error_info: Option<(String, String)>,
    pub deliveries: Vec<Delivery>,
    pub api_calls: BTreeMap<&'static str, u64>,
    /// The `Vipps-System-*` headers the merchant sent with the initiate call.
    pub system_headers: BTreeMap<String, String>,
    /// Shipping methods the merchant offered, per address id.
    pub offers: HashMap<i64, Vec<ShippingOption>>,
    /// Test control only: the next approval reserves this amount instead of the price
    /// asked (reproduces a reservation that differs from what the merchant priced).
    pub reserve_override: Option<i64>,
    /// The payment reached the user's app (a number was entered, or the app opened it).
    pub reached_app: bool,
    /// The sales unit that initiated it (its keys); other units cannot see it.
    pub msn: String,
    idempotent: HashMap<String, (Value, Value)>,
}

/// Vipps' wording for error 45.
pub const NOT_ACTED: &str = "User has not acted upon the payment";

pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Payment {
    pub fn new(
        init: Initiate,
        merchant_info: Value,
        customer_info: Value,
        token: String,
        url: String,
        now: DateTime<Utc>,
        txids: &mut TxIds,
    ) -> Self {
        let entry = LogEntry {
            op: Op::Initiate,
            amount: init.amount,
            success: true,
            text: init.transaction_text.clone(),
            transaction_id: txids.next_id(),
            at: now,
            request_id: String::new(),
        };
        Payment {
            mobile: init.mobile.clone(),
            init,
            merchant_info,
            customer_info,
            token,
            url,
            created_at: now,
            phase: Phase::Initiated,
            sale: false,
            log: vec![entry],
            reserved: 0,
            captured: 0,
            refunded: 0,
            released: 0,
            user_acted: false,
            user: None,
            shipping: None,
            consent_removed: false,
            error_info: None,
            deliveries: Vec::new(),
            api_calls: BTreeMap::new(),
            system_headers: BTreeMap::new(),
            offers: HashMap::new(),
            reserve_override: None,
            reached_app: false,
            idempotent: HashMap::new(),
            msn: String::new(),
        }
    }

    pub fn order_id(&self) -> &str {
        &self.init.order_id
    }

    pub fn is_express(&self) -> bool {
        self.init.express.is_some()
    }

    fn initiate_tx(&self) -> String {
        self.log[0].transaction_id.clone()
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        op: Op,
        amount: i64,
        success: bool,
        text: String,
        transaction_id: String,
        at: DateTime<Utc>,
        request_id: &str,
    ) {
        self.log.push(LogEntry {
            op,
            amount,
            success,
            text,
            transaction_id,
            at,
            request_id: request_id.to_string(),
        });
    }

    pub fn remaining_to_capture(&self) -> i64 {
        (self.reserved - self.captured - self.released).max(0)
    }

    pub fn remaining_to_refund(&self) -> i64 {
        self.captured - self.refunded
    }

    fn callback(
        &self,
        status: &'static str,
        extra: Value,
        at: DateTime<Utc>,
        transaction_id: Option<String>,
        amount: i64,
    ) -> Callback {
        let mut info = json!({ "amount": amount, "status": status, "timeStamp": timestamp(at) });
        if let Some(id) = transaction_id {
            info["transactionId"] = json!(id);
        }
        let mut body = json!({
            "merchantSerialNumber": self.merchant_info["merchantSerialNumber"],
            "orderId": self.order_id(),
            "transactionInfo": info,
        });
        if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
            body.extend(extra);
        }
        Callback {
            order_id: self.order_id().to_string(),
            // Plain concatenation, exactly as Vipps builds it.
            url: format!("{}/v2/payments/{}", self.init.callback_prefix, self.order_id()),
            auth_token: self.init.auth_token.clone(),
            status,
            body,
        }
    }

    fn ensure_initiated(&self) -> Result<(), Phase> {
        if self.phase == Phase::Initiated {
            Ok(())
        } else {
            Err(self.phase)
        }
    }

    /// The user approves in the app. A user whose card is declined fails the payment.
    pub fn approve(
        &mut self,
        now: DateTime<Utc>,
        user: TestUser,
        shipping: Option<ChosenShipping>,
        direct_capture: bool,
    ) -> Result<Callback, Phase> {
        self.ensure_initiated()?;
        if let crate::users::CardOutcome::Declined { code, message } = user.card {
            self.user = Some(user);
            return Ok(self.fail(now, code, message, direct_capture).expect("initiated"));
        }
        let priced = self.init.amount + shipping.as_ref().map_or(0, |s| s.option.cost_ore);
        let amount = self.reserve_override.take().unwrap_or(priced);
        let op = if direct_capture { Op::Sale } else { Op::Reserve };
        self.push(
            op,
            amount,
            true,
            self.init.transaction_text.clone(),
            self.initiate_tx(),
            now,
            "",
        );
        self.phase = Phase::Reserved;
        self.sale = direct_capture;
        self.reserved = amount;
        if direct_capture {
            self.captured = amount;
        }
        self.user_acted = true;
        self.mobile = Some(user.mobile.clone());
        self.user = Some(user);
        self.shipping = shipping;
        let status = match (direct_capture, self.is_express()) {
            (true, _) => "SALE",
            (false, true) => "RESERVE",
            (false, false) => "RESERVED",
        };
        // Express carries shipping and the user; a `scope` payment the user it shares.
        let extra = if self.is_express() || self.init.scope.is_some() {
            self.express_callback_fields()
        } else {
            json!({})
        };
        Ok(self.callback(status, extra, now, Some(self.initiate_tx()), amount))
    }

    fn express_callback_fields(&self) -> Value {
        let mut extra = json!({});
        if let Some(s) = &self.shipping {
            extra["shippingDetails"] = json!({
                "address": {
                    "addressLine1": s.address.line1,
                    "addressLine2": s.address.line2,
                    "city": s.address.city,
                    "country": "NO",
                    "zipCode": s.address.post_code,
                },
                "shippingCost": s.option.cost_nok(),
                "shippingMethod": s.option.method,
                "shippingMethodId": s.option.method_id,
            });
        }
        if let Some(u) = &self.user {
            extra["userDetails"] = json!({
                "firstName": u.first_name,
                "lastName": u.last_name,
                "email": u.email,
                "mobileNumber": u.mobile,
                "userId": u.user_id(),
            });
        }
        extra
    }

    /// The reservation fails (declined card, or the merchant's shipping reply was unusable).
    pub fn fail(
        &mut self,
        now: DateTime<Utc>,
        code: &str,
        message: &str,
        direct_capture: bool,
    ) -> Result<Callback, Phase> {
        self.ensure_initiated()?;
        let op = if direct_capture { Op::Sale } else { Op::Reserve };
        self.push(
            op,
            self.init.amount,
            false,
            self.init.transaction_text.clone(),
            self.initiate_tx(),
            now,
            "",
        );
        self.phase = Phase::Failed;
        self.user_acted = true;
        self.error_info = Some((code.to_string(), message.to_string()));
        let status = if op == Op::Sale {
            "SALE_FAILED"
        } else {
            "RESERVE_FAILED"
        };
        let extra = json!({ "errorInfo": { "errorGroup": "PAYMENTS", "errorCode": code, "errorMessage": message } });
        Ok(self.callback(status, extra, now, Some(self.initiate_tx()), self.init.amount))
    }

    /// The `CANCEL` entry of a payment that ends before reservation.
    fn push_cancel(&mut self, now: DateTime<Utc>) {
        self.push(
            Op::Cancel,
            self.init.amount,
            true,
            self.init.transaction_text.clone(),
            self.initiate_tx(),
            now,
            "",
        );
    }

    /// The user cancels on the landing page, before the app: Vipps writes no `CANCEL`
    /// row and calls back `REJECTED` with error 45 and no `transactionId`.
    pub fn cancel_on_landing(&mut self, now: DateTime<Utc>) -> Result<Callback, Phase> {
        self.ensure_initiated()?;
        self.phase = Phase::Cancelled;
        self.error_info = Some(("45".into(), NOT_ACTED.into()));
        let extra = json!({ "errorInfo": { "errorCode": "45", "errorGroup": "PAYMENTS", "errorMessage": NOT_ACTED } });
        Ok(self.callback("REJECTED", extra, now, None, self.init.amount))
    }

    /// The user rejects in the app.
    pub fn reject(&mut self, now: DateTime<Utc>) -> Result<Callback, Phase> {
        self.ensure_initiated()?;
        self.push_cancel(now);
        self.phase = Phase::Cancelled;
        self.user_acted = true;
        Ok(self.callback("CANCELLED", json!({}), now, Some(self.initiate_tx()), self.init.amount))
    }

    /// Nobody acted in time: `CANCEL` in the log, `REJECTED` with error 45 by callback;
    /// with the payment's `transactionId` when it had reached the user's app.
    pub fn expire(&mut self, now: DateTime<Utc>) -> Result<Callback, Phase> {
        self.ensure_initiated()?;
        self.push_cancel(now);
        self.phase = Phase::Expired;
        self.error_info = Some(("45".into(), NOT_ACTED.into()));
        let extra = json!({ "errorInfo": { "errorCode": "45", "errorGroup": "PAYMENTS", "errorMessage": NOT_ACTED } });
        let transaction_id = self.reached_app.then(|| self.initiate_tx());
        Ok(self.callback("REJECTED", extra, now, transaction_id, self.init.amount))
    }

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

    fn summary(&self) -> Value {
        json!({
            "capturedAmount": self.captured,
            "remainingAmountToCapture": self.remaining_to_capture(),
            "refundedAmount": self.refunded,
            "remainingAmountToRefund": self.remaining_to_refund(),
        })
    }

    fn with_instrument(&self, mut body: Value) -> Value {
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

    /// `GET .../details`.
    pub fn details(&self) -> Value {
        let history: Vec<Value> = self
            .log
            .iter()
            .rev()
            .map(|e| {
                json!({
                    "amount": e.amount,
                    "transactionText": e.text,
                    "transactionId": e.transaction_id,
                    "timeStamp": timestamp(e.at),
                    "operation": e.op.as_str(),
                    "requestId": e.request_id,
                    "operationSuccess": e.success,
                })
            })
            .collect();
        let mut body = json!({ "orderId": self.order_id(), "transactionLogHistory": history });
        if self.user_acted {
            let mut summary = self.summary();
            if self.phase != Phase::Cancelled {
                summary["bankIdentificationNumber"] = json!(492560);
            }
            body["transactionSummary"] = summary;
        }
        if let Some(s) = &self.shipping {
            let expired = self.consent_removed;
            let personal = |v: &str| {
                if expired {
                    "[Expired]".to_string()
                } else {
                    v.to_string()
                }
            };
            body["shippingDetails"] = json!({
                "address": {
                    "addressLine1": personal(s.address.line1),
                    "addressLine2": s.address.line2.map(personal),
                    "city": personal(s.address.city),
                    "country": "Norway",
                    "postCode": personal(s.address.post_code),
                },
                "shippingCost": s.option.cost_nok(),
                "shippingMethod": s.option.method,
                "shippingMethodId": s.option.method_id,
            });
        }
        if let (Some(u), true) = (
            &self.user,
            self.phase == Phase::Reserved && (self.is_express() || self.init.scope.is_some()),
        ) {
            let personal = |v: &str| {
                if self.consent_removed {
                    "[Expired]".to_string()
                } else {
                    v.to_string()
                }
            };
            body["userDetails"] = json!({
                "email": personal(&u.email),
                "firstName": personal(u.first_name),
                "lastName": personal(u.last_name),
                "mobileNumber": personal(&u.mobile),
                "userId": u.user_id(),
            });
            if self.init.scope.is_some() {
                body["sub"] = json!(crate::userinfo::sub(u));
            }
        }
        body
    }

    /// The deprecated `GET .../status`. Keeps saying `RESERVE` after capture, as Vipps did.
    pub fn status(&self) -> Value {
        let last = self.log.last().expect("a payment always has its INITIATE entry");
        let (status, entry) = match self.phase {
            Phase::Initiated => ("INITIATE", &self.log[0]),
            Phase::Reserved => {
                let decisive = self
                    .log
                    .iter()
                    .rev()
                    .find(|e| matches!(e.op, Op::Reserve | Op::Sale))
                    .unwrap_or(last);
                (if self.sale { "SALE" } else { "RESERVE" }, decisive)
            }
            Phase::Cancelled => ("CANCEL", last),
            Phase::Voided => ("VOID", last),
            Phase::Failed => ("FAILED", last),
            Phase::Expired => ("REJECTED", last),
        };
        json!({
            "orderId": self.order_id(),
            "transactionInfo": {
                "amount": entry.amount,
                "status": status,
                "transactionId": entry.transaction_id,
                "timeStamp": timestamp(entry.at),
            }
        })
    }

    /// A word for the control API and the human pages.
    pub fn state_name(&self) -> &'static str {
        match self.phase {
            Phase::Initiated => "initiated",
            Phase::Reserved if self.refunded > 0 && self.refunded == self.captured => "refunded",
            Phase::Reserved if self.captured > 0 && self.remaining_to_capture() == 0 => "captured",
            Phase::Reserved => "reserved",
            Phase::Cancelled => "cancelled",
            Phase::Voided => "voided",
            Phase::Failed => "failed",
            Phase::Expired => "expired",
        }
    }

    /// The full record the control API shows.
    pub fn control_view(&self) -> Value {
        let mut view = json!({
            "orderId": self.order_id(),
            "state": self.state_name(),
            "paymentType": if self.is_express() { "express" } else { "regular" },
            "amount": self.init.amount,
            "reservedAmount": self.reserved,
            "capturedAmount": self.captured,
            "refundedAmount": self.refunded,
            "transactionText": self.init.transaction_text,
            "merchantInfo": self.merchant_info,
            "customerInfo": self.customer_info,
            // The same facts under the names an ePayment payment's view uses.
            "msn": self.msn,
            "returnUrl": self.init.fall_back,
            "createdAt": timestamp(self.created_at),
            "url": self.url,
            "token": self.token,
            "mobileNumber": self.mobile,
            "skipLandingPage": self.init.skip_landing_page,
            "reachedApp": self.reached_app,
            "consentRemoved": self.consent_removed,
            "deliveries": self.deliveries,
            "apiCalls": self.api_calls,
            "systemHeaders": self.system_headers,
        });
        if let Some(s) = &self.shipping {
            view["shipping"] = json!({
                "shippingMethod": s.option.method,
                "shippingMethodId": s.option.method_id,
                "shippingCostOre": s.option.cost_ore,
                "addressId": s.address.address_id,
            });
        }
        if let Some(u) = &self.user {
            view["userId"] = json!(u.user_id());
        }
        if let Some((code, message)) = &self.error_info {
            view["errorInfo"] = json!({ "errorCode": code, "errorMessage": message });
        }
        view
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::lookup;
    use crate::validate;

    fn payment(express: bool) -> (Payment, TxIds) {
        let mut body = json!({
            "customerInfo": {},
            "merchantInfo": {"merchantSerialNumber": "123456", "callbackPrefix": "https://shop.example.com/cb?x=",
                             "fallBack": "https://shop.example.com/return", "authToken": "Secret abc"},
            "transaction": {"orderId": "shop-order-1", "amount": 20000, "transactionText": "Socks"}
        });
        if express {
            body["merchantInfo"]["paymentType"] = json!(validate::EXPRESS);
            body["merchantInfo"]["consentRemovalPrefix"] = json!("https://shop.example.com/consents");
            body["merchantInfo"]["shippingDetailsPrefix"] = json!("https://shop.example.com/shipping");
        }
        let init = validate::initiate(&body, "123456", validate::UrlRules::default()).unwrap();
        let mut ids = TxIds::default();
        let p = Payment::new(
            init,
            body["merchantInfo"].clone(),
            json!({}),
            "tok".into(),
            "u".into(),
            Utc::now(),
            &mut ids,
        );
        (p, ids)
    }

    fn ops(p: &Payment) -> Vec<&'static str> {
        p.details()["transactionLogHistory"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| match e["operation"].as_str().unwrap() {
                "INITIATE" => "INITIATE",
                "RESERVE" => "RESERVE",
                "SALE" => "SALE",
                "CAPTURE" => "CAPTURE",
                "REFUND" => "REFUND",
                "CANCEL" => "CANCEL",
                "VOID" => "VOID",
                _ => "?",
            })
            .collect()
    }

    #[test]
    fn no_summary_before_the_user_acts() {
        let (p, _) = payment(false);
        assert!(p.details().get("transactionSummary").is_none());
        assert_eq!(ops(&p), ["INITIATE"]);
    }

    #[test]
    fn approval_reserves_and_calls_back_with_the_concatenated_url() {
        let (mut p, _) = payment(false);
        let cb = p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
        assert_eq!(cb.url, "https://shop.example.com/cb?x=/v2/payments/shop-order-1");
        assert_eq!(cb.status, "RESERVED");
        assert_eq!(cb.auth_token.as_deref(), Some("Secret abc"));
        assert_eq!(ops(&p), ["RESERVE", "INITIATE"]);
        assert_eq!(p.details()["transactionSummary"]["remainingAmountToCapture"], 20000);
        assert_eq!(
            p.approve(Utc::now(), lookup("91234567").unwrap(), None, false),
            Err(Phase::Reserved)
        );
    }

    #[test]
    fn express_reserves_goods_plus_shipping() {
        let (mut p, _) = payment(true);
        let user = lookup("91234567").unwrap();
        let option = ShippingOption {
            is_default: true,
            priority: None,
            cost_ore: 9900,
            method: "Posten".into(),
            method_id: "p".into(),
        };
        let chosen = ChosenShipping {
            address: user.addresses[1].clone(),
            option,
        };
        let cb = p.approve(Utc::now(), user, Some(chosen), false).unwrap();
        assert_eq!(cb.status, "RESERVE");
        assert_eq!(cb.body["transactionInfo"]["amount"], 29900);
        assert_eq!(cb.body["shippingDetails"]["address"]["zipCode"], "0191");
        assert_eq!(cb.body["shippingDetails"]["shippingCost"], 99.0);
        let details = p.details();
        assert_eq!(details["shippingDetails"]["address"]["postCode"], "0191");
        assert_eq!(details["userDetails"]["firstName"], "Kari");
    }

    #[test]
    fn direct_capture_is_a_sale() {
        let (mut p, mut ids) = payment(false);
        let cb = p.approve(Utc::now(), lookup("91234567").unwrap(), None, true).unwrap();
        assert_eq!(cb.status, "SALE");
        assert_eq!(ops(&p), ["SALE", "INITIATE"]);
        assert_eq!(p.captured, 20000);
        assert!(p.capture(Utc::now(), &mut ids, None, "x", "r").is_err());
        assert!(p.refund(Utc::now(), &mut ids, Some(5000), "x", "r").is_ok());
    }

    #[test]
    fn transaction_ids_count_up_and_times_are_rfc3339_with_millis() {
        let mut ids = TxIds(5_001_420_000);
        assert_eq!(
            (ids.next_id(), ids.next_id()),
            ("5001420001".to_string(), "5001420002".to_string())
        );
        let at = DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(timestamp(at), "2026-11-22T12:00:00.000Z");
    }

    #[test]
    fn callbacks_name_the_initiate_transaction() {
        let (mut p, _) = payment(false);
        let initiate = p.details()["transactionLogHistory"][0]["transactionId"].clone();
        assert!(initiate.as_str().is_some_and(|id| id.len() == 10), "{initiate}");
        let cb = p.approve(Utc::now(), lookup("40000042").unwrap(), None, false).unwrap();
        assert_eq!(cb.body["transactionInfo"]["transactionId"], initiate);
    }

    fn reserved() -> (Payment, TxIds) {
        let (mut p, ids) = payment(false);
        p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
        (p, ids)
    }

    #[test]
    fn nothing_to_refund_before_a_reservation_and_never_more_than_captured() {
        let (mut p, mut ids) = payment(false);
        let err = p.refund(Utc::now(), &mut ids, None, "x", "r0").unwrap_err();
        assert_eq!(err.body()[0]["errorCode"], "91", "not reserved yet");
        let (mut p, mut ids) = reserved();
        p.capture(Utc::now(), &mut ids, Some(5000), "x", "c1").unwrap();
        assert!(p.refund(Utc::now(), &mut ids, Some(5001), "x", "r1").is_err());
        assert!(
            p.refund(Utc::now(), &mut ids, Some(5000), "x", "r2").is_ok(),
            "all of it, exactly"
        );
    }

    #[test]
    fn state_names_follow_the_money() {
        let (mut p, mut ids) = reserved();
        assert_eq!(p.state_name(), "reserved");
        p.capture(Utc::now(), &mut ids, Some(5000), "x", "c1").unwrap();
        assert_eq!(p.state_name(), "reserved", "partly captured");
        p.refund(Utc::now(), &mut ids, Some(1000), "x", "r1").unwrap();
        assert_eq!(p.state_name(), "reserved", "partly refunded");
        p.refund(Utc::now(), &mut ids, Some(4000), "x", "r2").unwrap();
        assert_eq!(p.state_name(), "refunded", "all that was captured");
        let (mut p, mut ids) = reserved();
        p.capture(Utc::now(), &mut ids, None, "x", "c1").unwrap();
        assert_eq!(p.state_name(), "captured");
        assert_eq!(p.control_view()["state"], "captured");
        assert_eq!(p.control_view()["capturedAmount"], 20000);
    }

    #[test]
    fn details_show_a_card_only_for_a_payment_not_cancelled() {
        let (p, _) = reserved();
        assert_eq!(p.details()["transactionSummary"]["bankIdentificationNumber"], 492560);
        let (mut p, _) = payment(false);
        p.reject(Utc::now()).unwrap();
        let d = p.details();
        assert!(d["transactionSummary"].is_object(), "the user acted: {d}");
        assert!(d["transactionSummary"].get("bankIdentificationNumber").is_none(), "{d}");
        let (p, _) = reserved();
        assert!(
            p.details().get("userDetails").is_none(),
            "a regular payment without scope shares no user data"
        );
    }

    #[test]
    fn declined_card_fails_the_reservation() {
        let (mut p, _) = payment(false);
        let cb = p.approve(Utc::now(), lookup("40000042").unwrap(), None, false).unwrap();
        assert_eq!(cb.status, "RESERVE_FAILED");
        assert_eq!(cb.body["errorInfo"]["errorCode"], "42");
        let d = p.details();
        assert_eq!(d["transactionLogHistory"][0]["operationSuccess"], false);
        assert_eq!(p.phase, Phase::Failed);
    }

    #[test]
    fn timeout_writes_cancel_and_calls_back_rejected_45() {
        let (mut p, _) = payment(false);
        let cb = p.expire(Utc::now()).unwrap();
        assert_eq!(cb.status, "REJECTED");
        assert_eq!(cb.body["errorInfo"]["errorCode"], "45");
        assert_eq!(cb.body["errorInfo"]["errorGroup"], "PAYMENTS");
        assert!(cb.body["transactionInfo"].get("transactionId").is_none());
        assert_eq!(ops(&p), ["CANCEL", "INITIATE"]);
        assert!(p.details().get("transactionSummary").is_none());
    }

    #[test]
    fn a_timeout_in_the_app_names_the_transaction() {
        let (mut p, _) = payment(false);
        p.reached_app = true;
        let cb = p.expire(Utc::now()).unwrap();
        assert_eq!(cb.status, "REJECTED");
        assert_eq!(cb.body["errorInfo"]["errorMessage"], NOT_ACTED);
        assert_eq!(cb.body["transactionInfo"]["transactionId"], json!(p.initiate_tx()));
    }

    #[test]
    fn a_cancel_on_the_landing_page_writes_no_cancel_row() {
        let (mut p, _) = payment(false);
        let cb = p.cancel_on_landing(Utc::now()).unwrap();
        assert_eq!(cb.status, "REJECTED");
        assert_eq!(cb.body["errorInfo"]["errorCode"], "45");
        assert!(cb.body["transactionInfo"].get("transactionId").is_none());
        assert_eq!(ops(&p), ["INITIATE"]);
        assert!(p.details().get("transactionSummary").is_none());
        assert_eq!(p.phase, Phase::Cancelled);
        assert_eq!(p.cancel_on_landing(Utc::now()).unwrap_err(), Phase::Cancelled, "once");
    }

    #[test]
    fn partial_capture_then_release_then_refund() {
        let (mut p, mut ids) = payment(false);
        p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
        let now = Utc::now();
        p.capture(now, &mut ids, Some(5000), "part 1", "c1").unwrap();
        let err = p.cancel(now, &mut ids, "stop", false, "req-1").unwrap_err();
        assert_eq!(err.body()[0]["errorCode"], "51");
        let res = p.cancel(now, &mut ids, "release", true, "req-1").unwrap();
        assert_eq!(res["transactionSummary"]["remainingAmountToCapture"], 0);
        assert_eq!(res["transactionInfo"]["status"], "Cancelled");
        let err = p.capture(now, &mut ids, Some(100), "more", "c2").unwrap_err();
        assert_eq!(err.body()[0]["errorCode"], "61");
        let err = p.refund(now, &mut ids, Some(6000), "too much", "r1").unwrap_err();
        assert_eq!(err.body()[0]["errorCode"], "71");
        let res = p.refund(now, &mut ids, Some(2000), "some back", "r1").unwrap();
        assert_eq!(res["transaction"]["status"], "Refund");
        assert_eq!(res["transactionSummary"]["remainingAmountToRefund"], 3000);
        assert_eq!(ops(&p), ["REFUND", "VOID", "CAPTURE", "RESERVE", "INITIATE"]);
    }

    #[test]
    fn merchant_cancel_before_and_after_reservation() {
        let (mut p, mut ids) = payment(false);
        p.cancel(Utc::now(), &mut ids, "changed my mind", false, "req-1")
            .unwrap();
        assert_eq!(ops(&p), ["CANCEL", "INITIATE"]);
        assert_eq!(
            p.cancel(Utc::now(), &mut ids, "again", false, "req-1")
                .unwrap_err()
                .body()[0]["errorCode"],
            "91"
        );

        let (mut p, mut ids) = payment(false);
        p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
        p.cancel(Utc::now(), &mut ids, "out of stock", false, "req-1").unwrap();
        assert_eq!(ops(&p), ["VOID", "RESERVE", "INITIATE"]);
        assert_eq!(
            p.refund(Utc::now(), &mut ids, None, "x", "r").unwrap_err().body()[0]["errorCode"],
            "73"
        );
    }

    #[test]
    fn capture_errors_follow_the_error_table() {
        let (mut p, mut ids) = payment(false);
        assert_eq!(
            p.capture(Utc::now(), &mut ids, None, "x", "").unwrap_err().body()[0]["errorCode"],
            "62"
        );
        p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
        assert_eq!(
            p.refund(Utc::now(), &mut ids, None, "x", "").unwrap_err().body()[0]["errorCode"],
            "72"
        );
        assert_eq!(
            p.capture(Utc::now(), &mut ids, Some(20001), "x", "")
                .unwrap_err()
                .body()[0]["errorCode"],
            "61"
        );
        p.capture(Utc::now(), &mut ids, None, "all", "").unwrap();
        assert_eq!(
            p.cancel(Utc::now(), &mut ids, "x", true, "req-1").unwrap_err().body()[0]["errorCode"],
            "51"
        );
        assert_eq!(p.state_name(), "captured");
    }

    #[test]
    fn idempotent_replay_and_conflict() {
        let (mut p, _) = payment(false);
        let req = json!({"amount": 100});
        assert!(p.replay("capture", "k1", &req).is_none());
        p.remember("capture", "k1", req.clone(), json!({"ok": 1}));
        assert_eq!(p.replay("capture", "k1", &req).unwrap().unwrap(), json!({"ok": 1}));
        let err = p.replay("capture", "k1", &json!({"amount": 200})).unwrap().unwrap_err();
        assert_eq!(err.body()[0]["errorCode"], "93");
        assert!(p.replay("refund", "k1", &req).is_none());
    }

    #[test]
    fn status_keeps_saying_reserve_after_capture() {
        let (mut p, mut ids) = payment(false);
        assert_eq!(p.status()["transactionInfo"]["status"], "INITIATE");
        p.approve(Utc::now(), lookup("91234567").unwrap(), None, false).unwrap();
        p.capture(Utc::now(), &mut ids, None, "all", "").unwrap();
        assert_eq!(p.status()["transactionInfo"]["status"], "RESERVE");
    }
}
