//! The one error shape of the contract: `{"error": {"code", "message"}}`, and the closed
//! set of codes the reference backend answers with ([`ErrorCode`]). A widget words each
//! code itself, in the shopper's language (`message` is for developers and logs); a code
//! of another backend arrives as [`Code::Other`].

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// A stable machine code, e.g. `not_a_vipps_user`.
    pub code: Code,
    /// Plain English for the developer and the logs; never shown to a shopper.
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: Code::Known(code),
                message: message.into(),
            },
        }
    }
}

/// An error code as it arrives: one of the reference backend's, or another backend's
/// own (kept as written, so it can be reported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Code {
    Known(ErrorCode),
    Other(String),
}

impl Code {
    pub fn as_str(&self) -> &str {
        match self {
            Code::Known(code) => code.as_str(),
            Code::Other(text) => text,
        }
    }
}

impl From<String> for Code {
    fn from(text: String) -> Self {
        match ErrorCode::parse(&text) {
            Some(code) => Code::Known(code),
            None => Code::Other(text),
        }
    }
}

impl From<Code> for String {
    fn from(code: Code) -> String {
        match code {
            Code::Known(code) => code.as_str().to_string(),
            Code::Other(text) => text,
        }
    }
}

/// Declares [`ErrorCode`] with each variant's wire name, so that the name is written once.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)*) => {
        /// Every code the reference backend answers with. A widget has words for each one
        /// (an exhaustive `match`, so a new code cannot reach a shopper without them).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code on the wire (`snake_case`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                }
            }

            pub fn parse(text: &str) -> Option<ErrorCode> {
                match text {
                    $($wire => Some(ErrorCode::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    /// The request is not what the contract describes (400).
    InvalidRequest = "invalid_request",
    /// `POST /payments` without an `Idempotency-Key` (400).
    IdempotencyKeyRequired = "idempotency_key_required",
    /// The key was used before for another request (422).
    IdempotencyKeyReused = "idempotency_key_reused",
    /// The first request with this key is still being answered (409).
    RequestInProgress = "request_in_progress",
    UnknownProduct = "unknown_product",
    InvalidQuantity = "invalid_quantity",
    EmptyCart = "empty_cart",
    InvalidMobileNumber = "invalid_mobile_number",
    NotAVippsUser = "not_a_vipps_user",
    AppTooOld = "app_too_old",
    /// A push payment (`flow: push`) this shop or its Vipps sales unit cannot send (403).
    PushNotAllowed = "push_not_allowed",
    /// The shopper asked to cancel a payment that is already approved (409).
    NotCancellable = "not_cancellable",
    /// The request names a store this backend does not serve (404).
    UnknownStore = "unknown_store",
    /// An express payment of a cart with nothing to ship (400): express is for goods that
    /// are sent (Vipps' FAQ: use Userinfo for the shopper's details instead).
    ExpressNeedsShipping = "express_needs_shipping",
    MerchantUnavailable = "merchant_unavailable",
    VippsUnavailable = "vipps_unavailable",
    VippsRefused = "vipps_refused",
    MissingToken = "missing_token",
    /// The return link's status token has passed its expiry (410).
    LinkExpired = "link_expired",
    NotFound = "not_found",
    Unauthorized = "unauthorized",
    PayloadTooLarge = "payload_too_large",
    RateLimited = "rate_limited",
    /// A refund asked for more than 365 days after the capture (409, staff API).
    RefundTooLate = "refund_too_late",
    Conflict = "conflict",
    Internal = "internal_error",
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_code_round_trips_by_its_wire_name() {
        for &code in ErrorCode::ALL {
            let body = serde_json::to_value(ErrorBody::new(code, "m")).unwrap();
            assert_eq!(body["error"]["code"], code.as_str());
            let back: ErrorBody = serde_json::from_value(body).unwrap();
            assert_eq!(back.error.code, Code::Known(code));
        }
        assert_eq!(ErrorCode::Internal.as_str(), "internal_error");
    }

    #[test]
    fn the_published_api_lists_every_code_and_no_other() {
        let doc = include_str!("../../../docs/proxy-api.yaml");
        let at = doc
            .find("\n    ErrorCode:\n")
            .expect("docs/proxy-api.yaml has an ErrorCode schema");
        let line = doc[at..]
            .lines()
            .find(|l| l.trim_start().starts_with("enum: ["))
            .expect("its enum");
        let listed: Vec<&str> = line
            .trim()
            .trim_start_matches("enum: [")
            .trim_end_matches(']')
            .split(", ")
            .collect();
        let ours: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, ours);
    }

    #[test]
    fn another_backends_code_is_kept_as_written() {
        let body: ErrorBody =
            serde_json::from_value(json!({"error": {"code": "out_of_stock", "message": "Sold out"}})).unwrap();
        assert_eq!(body.error.code, Code::Other("out_of_stock".into()));
        assert_eq!(body.error.code.as_str(), "out_of_stock");
        assert_eq!(serde_json::to_value(&body).unwrap()["error"]["code"], "out_of_stock");
        assert!(serde_json::from_value::<ErrorBody>(json!({"error": {"code": 7, "message": "x"}})).is_err());
    }
}
