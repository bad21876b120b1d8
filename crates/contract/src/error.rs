//! The one error shape of the contract: `{"error": {"code", "message"}}`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// A stable machine code, e.g. `not_a_vipps_user`.
    pub code: String,
    /// Plain text a shopper or developer can read.
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: code.into(),
                message: message.into(),
            },
        }
    }
}

/// The codes the reference backend uses. Other backends may add their own.
pub mod codes {
    pub const INVALID_REQUEST: &str = "invalid_request";
    pub const IDEMPOTENCY_KEY_REQUIRED: &str = "idempotency_key_required";
    pub const IDEMPOTENCY_KEY_REUSED: &str = "idempotency_key_reused";
    pub const REQUEST_IN_PROGRESS: &str = "request_in_progress";
    pub const UNKNOWN_PRODUCT: &str = "unknown_product";
    pub const INVALID_QUANTITY: &str = "invalid_quantity";
    pub const EMPTY_CART: &str = "empty_cart";
    pub const INVALID_MOBILE_NUMBER: &str = "invalid_mobile_number";
    pub const NOT_A_VIPPS_USER: &str = "not_a_vipps_user";
    pub const APP_TOO_OLD: &str = "app_too_old";
    /// A push payment (`flow: push`) this shop or its Vipps sales unit cannot send (403).
    pub const PUSH_NOT_ALLOWED: &str = "push_not_allowed";
    /// The shopper asked to cancel a payment that is already approved (409).
    pub const NOT_CANCELLABLE: &str = "not_cancellable";
    /// The request names a store this backend does not serve (404).
    pub const UNKNOWN_STORE: &str = "unknown_store";
    pub const MERCHANT_UNAVAILABLE: &str = "merchant_unavailable";
    pub const VIPPS_UNAVAILABLE: &str = "vipps_unavailable";
    pub const VIPPS_REFUSED: &str = "vipps_refused";
    pub const MISSING_TOKEN: &str = "missing_token";
    /// The return link's status token has passed its expiry (410).
    pub const LINK_EXPIRED: &str = "link_expired";
    pub const NOT_FOUND: &str = "not_found";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const CONFLICT: &str = "conflict";
    pub const INTERNAL: &str = "internal_error";
}
