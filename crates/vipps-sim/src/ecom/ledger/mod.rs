//! One eCom payment's life, as Vipps keeps it: the operation log and the amounts here,
//! the transitions a user (and the clock) make in `user.rs`, a merchant's in
//! `merchant.rs`, and how Vipps shows a payment in `views.rs`. Pure logic: no I/O, no
//! clock of its own. Every transition that Vipps reports by callback returns the
//! [`Callback`] to send.

mod merchant;
#[cfg(test)]
mod tests;
mod user;
mod views;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::ecom::validate::Initiate;
use crate::error::ApiError;
use crate::shipping::ShippingOption;
use crate::users::{Address, TestUser};

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

    pub(super) fn initiate_tx(&self) -> String {
        self.log[0].transaction_id.clone()
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
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

    pub(super) fn callback(
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

    pub(super) fn ensure_initiated(&self) -> Result<(), Phase> {
        if self.phase == Phase::Initiated {
            Ok(())
        } else {
            Err(self.phase)
        }
    }
}
