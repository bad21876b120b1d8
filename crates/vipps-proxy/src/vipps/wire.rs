//! The eCom v2 shapes the proxy reads, deserialised tolerantly: amounts may be integers
//! or doubles, costs NOK numbers or strings, addresses carry `postCode`, `zipCode` or
//! `postalCode`, expiry fields are strings or numbers, the MSN a string or a number.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// An integer, a whole double or a numeric string, as an `i64`.
pub fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    lenient_number(&v)
        .map(|f| f.round() as i64)
        .ok_or_else(|| serde::de::Error::custom(format!("not a number: {v}")))
}

fn lenient_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A NOK decimal (number or string, `"49.00"`) in øre.
pub fn nok_as_ore<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    lenient_number(&v)
        .map(|nok| (nok * 100.0).round() as i64)
        .ok_or_else(|| serde::de::Error::custom("not a NOK amount"))
}

#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(deserialize_with = "lenient_i64")]
    pub expires_in: i64,
}

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

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VippsAddress {
    pub address_line1: String,
    #[serde(default)]
    pub address_line2: Option<String>,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
    #[serde(default, alias = "zipCode", alias = "postalCode")]
    pub post_code: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ShippingDetails {
    #[serde(default)]
    pub address: Option<VippsAddress>,
    #[serde(deserialize_with = "nok_as_ore")]
    pub shipping_cost: i64,
    pub shipping_method: String,
    #[serde(default)]
    pub shipping_method_id: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserDetails {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub mobile_number: String,
    #[serde(default)]
    pub user_id: String,
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

/// One item of a Vipps error array (`errorCode` is a string, or a field name).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VippsErrorItem {
    #[serde(default)]
    pub error_group: String,
    #[serde(default)]
    pub error_code: Value,
    #[serde(default)]
    pub error_message: String,
    /// ePayment's problem `type` (a URI): how Vipps wants an error identified, because
    /// titles may change (`vippsas/vipps-epayment-api` `docs/faq.md` at
    /// 31a14f71470a00c1bb686b279a2ec6a7efbb88ac).
    #[serde(skip)]
    pub problem_type: Option<String>,
    /// ePayment's `traceId` (newer versions: `instance`): what Vipps support asks for.
    #[serde(skip)]
    pub trace_id: Option<String>,
}

impl VippsErrorItem {
    pub fn code(&self) -> String {
        match &self.error_code {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

/// Reads any Vipps error body: an array, a single `{statusCode, message}` gateway object,
/// the gateway's `{responseInfo: {responseCode, responseMessage}, result: {message}}`,
/// `{errorCode, errorMessage}`, or ePayment's problem object.
pub fn parse_errors(body: &Value) -> Vec<VippsErrorItem> {
    match body {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| serde_json::from_value(i.clone()).ok())
            .collect(),
        // ePayment's problem (RFC 7807): the title is fixed per problem, so it is the code.
        Value::Object(o) if o.contains_key("title") && o.contains_key("status") => {
            let text = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
            vec![VippsErrorItem {
                error_group: "Problem".into(),
                error_code: o.get("title").cloned().unwrap_or(Value::Null),
                error_message: text("detail").unwrap_or_default(),
                problem_type: text("type"),
                trace_id: text("traceId").or_else(|| text("instance")),
            }]
        }
        Value::Object(o) if o.contains_key("errorCode") => serde_json::from_value(body.clone()).into_iter().collect(),
        Value::Object(o) if o.contains_key("responseInfo") => vec![VippsErrorItem {
            problem_type: None,
            trace_id: None,
            error_group: "Gateway".into(),
            error_code: body
                .pointer("/responseInfo/responseCode")
                .cloned()
                .unwrap_or(Value::Null),
            error_message: body
                .pointer("/result/message")
                .or_else(|| body.pointer("/responseInfo/responseMessage"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        }],
        Value::Object(o) => vec![VippsErrorItem {
            problem_type: None,
            trace_id: None,
            error_group: "Gateway".into(),
            error_code: o.get("statusCode").cloned().unwrap_or(Value::Null),
            error_message: o.get("message").and_then(Value::as_str).unwrap_or_default().to_string(),
        }],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_expiry_may_be_a_string_or_a_number() {
        let a: TokenResponse = serde_json::from_value(json!({"access_token": "x", "expires_in": "86398"})).unwrap();
        let b: TokenResponse = serde_json::from_value(json!({"access_token": "x", "expires_in": 3600})).unwrap();
        assert_eq!((a.expires_in, b.expires_in), (86398, 3600));
    }

    #[test]
    fn addresses_accept_every_post_code_spelling() {
        for key in ["postCode", "zipCode", "postalCode"] {
            let a: VippsAddress =
                serde_json::from_value(json!({"addressLine1": "Gate 1", "city": "OSLO", "country": "NO", key: "0191"}))
                    .unwrap();
            assert_eq!(a.post_code, "0191");
        }
    }

    #[test]
    fn shipping_cost_is_nok_number_or_string() {
        let s: ShippingDetails =
            serde_json::from_value(json!({"shippingCost": "49.00", "shippingMethod": "P", "shippingMethodId": "p"}))
                .unwrap();
        assert_eq!(s.shipping_cost, 4900);
        let s: ShippingDetails = serde_json::from_value(json!({"shippingCost": 99.5, "shippingMethod": "P"})).unwrap();
        assert_eq!(s.shipping_cost, 9950);
    }

    #[test]
    fn errors_in_every_shape() {
        assert_eq!(
            parse_errors(&json!([{"errorGroup": "user", "errorCode": "81", "errorMessage": "x"}]))[0].code(),
            "81"
        );
        assert_eq!(
            parse_errors(&json!({"statusCode": 401, "message": "no"}))[0].code(),
            "401"
        );
        assert_eq!(
            parse_errors(&json!({"errorCode": "35", "errorMessage": "Requested Order not found"}))[0].code(),
            "35"
        );
        let azure = parse_errors(
            &json!({"responseInfo": {"responseCode": 401, "responseMessage": "Unauthorized"},
                                         "result": {"message": "Token is expired"}}),
        );
        assert_eq!(
            (azure[0].code(), azure[0].error_message.as_str()),
            ("401".into(), "Token is expired")
        );
        assert!(parse_errors(&json!("oops")).is_empty());
    }
}
