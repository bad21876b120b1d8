//! How a call to Vipps fails ([`VippsError`]) and every shape of error body Vipps sends,
//! read into one list ([`parse_errors`]), on either API.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum VippsError {
    /// Vipps answered with an error status.
    Http { status: u16, errors: Vec<VippsErrorItem> },
    /// No answer: connection refused, reset, or timed out. The request may or may not
    /// have been processed.
    Unreachable(String),
    /// An answer that is not what the API promises.
    Decode(String),
}

impl VippsError {
    /// The first Vipps error code (`"81"`, `"35"`, a field name ...).
    pub fn code(&self) -> Option<String> {
        match self {
            VippsError::Http { errors, .. } => errors.first().map(VippsErrorItem::code),
            _ => None,
        }
    }

    /// An ePayment problem's `type` and `traceId`, when Vipps sent them.
    pub fn problem(&self) -> (Option<String>, Option<String>) {
        match self {
            VippsError::Http { errors, .. } => errors
                .first()
                .map(|e| (e.problem_type.clone(), e.trace_id.clone()))
                .unwrap_or_default(),
            _ => (None, None),
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            VippsError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Worth retrying with the same request: no answer, 5xx, or 429.
    pub fn is_transient(&self) -> bool {
        match self {
            VippsError::Unreachable(_) => true,
            VippsError::Http { status, .. } => *status >= 500 || *status == 429,
            VippsError::Decode(_) => false,
        }
    }
}

impl std::fmt::Display for VippsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VippsError::Http { status, errors } => {
                write!(f, "Vipps answered HTTP {status}")?;
                for e in errors {
                    write!(f, " [{} {}: {}", e.error_group, e.code(), e.error_message)?;
                    if let Some(t) = &e.problem_type {
                        write!(f, "; type {t}")?;
                    }
                    if let Some(t) = &e.trace_id {
                        write!(f, "; traceId {t}")?;
                    }
                    write!(f, "]")?;
                }
                Ok(())
            }
            VippsError::Unreachable(why) => write!(f, "Vipps could not be reached: {why}"),
            VippsError::Decode(why) => write!(f, "unexpected answer from Vipps: {why}"),
        }
    }
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
