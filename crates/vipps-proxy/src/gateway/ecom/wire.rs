//! The eCom v2 shapes the backend reads, deserialised tolerantly: amounts may be
//! integers or doubles, the MSN a string or a number.

use serde::Deserialize;

use super::super::lenient::lenient_i64;
use super::super::truth::{ShippingDetails, UserDetails};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitiateResponse {
    pub order_id: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    pub operation: String,
    /// The merchant's `X-Request-Id` for its own operations; none for the user's or a
    /// timeout's.
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default = "yes")]
    pub operation_success: bool,
    #[serde(deserialize_with = "lenient_i64", default)]
    pub amount: i64,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    #[serde(deserialize_with = "lenient_i64", default)]
    pub captured_amount: i64,
    #[serde(deserialize_with = "lenient_i64", default)]
    pub remaining_amount_to_capture: i64,
    #[serde(deserialize_with = "lenient_i64", default)]
    pub refunded_amount: i64,
    #[serde(deserialize_with = "lenient_i64", default)]
    pub remaining_amount_to_refund: i64,
}

/// `GET /ecomm/v2/payments/{orderId}/details`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    pub order_id: String,
    #[serde(default)]
    pub transaction_summary: Option<Summary>,
    #[serde(default)]
    pub transaction_log_history: Vec<LogEntry>,
    #[serde(default)]
    pub shipping_details: Option<ShippingDetails>,
    #[serde(default)]
    pub user_details: Option<UserDetails>,
    /// The Userinfo subject, for a `scope` payment the user approved (may come late).
    #[serde(default)]
    pub sub: Option<String>,
}
