//! One error type, mapped to HTTP once: `{"error": {"code", "message"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use contract::error::ErrorCode;
use contract::ErrorBody;

use crate::gateway::VippsError;

#[derive(Debug, Clone, PartialEq)]
pub struct ProxyError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    /// Seconds for a `Retry-After` header (429).
    pub retry_after: Option<u64>,
}

impl ProxyError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ProxyError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "No such order.")
    }
    pub fn internal(what: impl std::fmt::Display) -> Self {
        tracing::error!(error = %what, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "Something went wrong on our side. Please try again.",
        )
    }

    /// What a Vipps error means for the shopper. Vipps' own words stay in the log.
    pub fn from_vipps(e: &VippsError) -> Self {
        tracing::warn!(error = %e, "Vipps refused or failed");
        let code = e.code().unwrap_or_default();
        match (e.status(), code.as_str()) {
            (_, "81" | "Customer not found") => Self::bad_request(
                ErrorCode::NotAVippsUser,
                "This phone number is not registered with Vipps.",
            ),
            (_, "82") => Self::bad_request(
                ErrorCode::AppTooOld,
                "The Vipps app on this phone must be updated first.",
            ),
            (_, "38" | "Skip landing page not allowed") => Self::new(
                StatusCode::FORBIDDEN,
                ErrorCode::PushNotAllowed,
                "Vipps does not let this shop send payment requests to a phone (error 38: the sales unit is \
                 not whitelisted for skipLandingPage). Use the QR code or the Vipps button instead.",
            ),
            (_, "31" | "32" | "33" | "36" | "37" | "97") | (Some(401 | 403), _) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::MerchantUnavailable,
                "The shop cannot take Vipps payments right now. Please try again later or pay another way.",
            ),
            (Some(429), _) => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                "Too many attempts. Please wait a moment.",
            ),
            _ if e.is_transient() => Self::new(
                StatusCode::BAD_GATEWAY,
                ErrorCode::VippsUnavailable,
                "Vipps did not answer. Please try again in a moment.",
            ),
            _ => Self::new(
                StatusCode::BAD_GATEWAY,
                ErrorCode::VippsRefused,
                "Vipps could not start the payment. Please try again.",
            ),
        }
    }
}

impl From<sqlx::Error> for ProxyError {
    fn from(e: sqlx::Error) -> Self {
        ProxyError::internal(e)
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(ErrorBody::new(self.code, self.message))).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::error::VippsErrorItem;
    use serde_json::json;

    fn http(status: u16, code: &str) -> VippsError {
        VippsError::Http {
            status,
            errors: vec![VippsErrorItem {
                error_group: "x".into(),
                error_code: json!(code),
                error_message: "m".into(),
                ..Default::default()
            }],
        }
    }

    #[test]
    fn vipps_codes_become_plain_messages() {
        assert_eq!(ProxyError::from_vipps(&http(400, "81")).code, ErrorCode::NotAVippsUser);
        assert_eq!(
            ProxyError::from_vipps(&http(400, "37")).status,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            ProxyError::from_vipps(&http(401, "401")).code,
            ErrorCode::MerchantUnavailable
        );
        assert_eq!(
            ProxyError::from_vipps(&http(503, "99")).code,
            ErrorCode::VippsUnavailable
        );
        assert_eq!(
            ProxyError::from_vipps(&VippsError::Unreachable("x".into())).code,
            ErrorCode::VippsUnavailable
        );
        assert_eq!(
            ProxyError::from_vipps(&http(400, "transaction.amount")).code,
            ErrorCode::VippsRefused
        );
    }
}
