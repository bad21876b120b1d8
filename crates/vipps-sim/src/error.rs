//! Error bodies exactly as the eCom API v2 sends them.
//!
//! Backend errors are a JSON *array* of `{errorGroup, errorCode, errorMessage, contextId}`;
//! the API gateway's own errors (a subscription key, 429) are a single `{statusCode,
//! message}` object; an invalid or expired access token and an unknown path get the
//! gateway's `{responseInfo: {responseCode, responseMessage}, result: {message}}`; the
//! token endpoint uses an OAuth-style `{error, error_description}` object.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// The error groups Vipps uses in backend error bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Authentication,
    Payment,
    InvalidRequest,
    VippsError,
    User,
    Merchant,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Authentication => "Authentication",
            Group::Payment => "Payment",
            Group::InvalidRequest => "InvalidRequest",
            Group::VippsError => "VippsError",
            Group::User => "user",
            Group::Merchant => "Merchant",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// A backend error: array body.
    Backend {
        status: StatusCode,
        group: Group,
        code: String,
        message: String,
    },
    /// An Azure-gateway error: single object body.
    Gateway {
        status: StatusCode,
        message: String,
        retry_after: Option<u64>,
    },
    /// The gateway's answer to a bad access token or an unknown path.
    Azure { status: StatusCode, message: String },
    /// The access-token endpoint's own error shape.
    Token {
        status: StatusCode,
        error: &'static str,
        description: String,
    },
}

impl ApiError {
    pub fn backend(status: StatusCode, group: Group, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Backend {
            status,
            group,
            code: code.into(),
            message: message.into(),
        }
    }
    /// 400, InvalidRequest: `errorCode` is the offending field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::backend(StatusCode::BAD_REQUEST, Group::InvalidRequest, field, message)
    }
    pub fn payment(code: &str, message: impl Into<String>) -> Self {
        Self::backend(StatusCode::BAD_REQUEST, Group::Payment, code, message)
    }
    pub fn merchant(code: &str, message: impl Into<String>) -> Self {
        Self::backend(StatusCode::BAD_REQUEST, Group::Merchant, code, message)
    }
    pub fn user(code: &str, message: impl Into<String>) -> Self {
        Self::backend(StatusCode::BAD_REQUEST, Group::User, code, message)
    }
    pub fn vipps(code: &str, message: impl Into<String>) -> Self {
        Self::backend(StatusCode::BAD_REQUEST, Group::VippsError, code, message)
    }
    /// What Vipps answers to requests its validation misses (integer MSN, float amount,
    /// `fallback` spelled in lower case): HTTP 500, code 99.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::backend(StatusCode::INTERNAL_SERVER_ERROR, Group::VippsError, "99", message)
    }
    pub fn order_not_found(order_id: &str, msn: &str) -> Self {
        Self::backend(
            StatusCode::NOT_FOUND,
            Group::Merchant,
            "35",
            format!("The orderId '{order_id}' does not exist for MSN {msn}"),
        )
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::Gateway {
            status: StatusCode::UNAUTHORIZED,
            message: message.into(),
            retry_after: None,
        }
    }
    /// An access token that is missing, malformed, unknown or expired.
    pub fn bad_access_token(message: impl Into<String>) -> Self {
        ApiError::Azure {
            status: StatusCode::UNAUTHORIZED,
            message: message.into(),
        }
    }
    pub fn unknown_path() -> Self {
        ApiError::Azure {
            status: StatusCode::NOT_FOUND,
            message: "Resource not found".into(),
        }
    }
    pub fn rate_limited(retry_after: u64) -> Self {
        ApiError::Gateway {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: format!("Rate limit is exceeded. Try again in {retry_after} seconds."),
            retry_after: Some(retry_after),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Backend { status, .. }
            | ApiError::Gateway { status, .. }
            | ApiError::Azure { status, .. }
            | ApiError::Token { status, .. } => *status,
        }
    }

    pub fn body(&self) -> Value {
        match self {
            ApiError::Backend {
                group, code, message, ..
            } => json!([{
                "errorGroup": group.as_str(),
                "errorCode": code,
                "errorMessage": message,
                "contextId": context_id(),
            }]),
            ApiError::Gateway { status, message, .. } => json!({ "statusCode": status.as_u16(), "message": message }),
            ApiError::Azure { status, message } => json!({
                "responseInfo": {
                    "responseCode": status.as_u16(),
                    "responseMessage": status.canonical_reason().unwrap_or_default(),
                },
                "result": { "message": message },
            }),
            ApiError::Token { error, description, .. } => json!({ "error": error, "error_description": description }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let ApiError::Gateway {
            retry_after: Some(secs),
            ..
        } = &self
        {
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

/// A random GUID-shaped id, as Vipps puts in `contextId`.
pub fn context_id() -> String {
    let bytes: [u8; 16] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_errors_are_arrays_with_string_codes() {
        let body = ApiError::merchant("34", "Duplicate orderId").body();
        let item = &body.as_array().expect("array")[0];
        assert_eq!(item["errorGroup"], "Merchant");
        assert_eq!(item["errorCode"], "34");
        assert_eq!(item["contextId"].as_str().unwrap().len(), 36);
    }

    #[test]
    fn token_and_path_errors_are_the_gateways_response_info() {
        let body = ApiError::bad_access_token("expired").body();
        assert_eq!(body["responseInfo"]["responseCode"], 401);
        assert_eq!(body["responseInfo"]["responseMessage"], "Unauthorized");
        assert_eq!(body["result"]["message"], "expired");
        assert_eq!(ApiError::unknown_path().status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn gateway_errors_are_single_objects() {
        let err = ApiError::rate_limited(30);
        assert_eq!(err.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(err.body()["statusCode"], 429);
    }
}
