//! One click, one payment; one staff operation, once: the request a key was first used
//! for, bound to its client, and what a reused key is answered.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use contract::error::ErrorCode;
use sha2::{Digest, Sha256};

use crate::db::KeyState;
use crate::error::ProxyError;

pub fn request_hash(value: &impl serde::Serialize) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A replayed, refused or in-progress key, or `None` to go ahead.
pub fn key_answer(state: KeyState) -> Option<Response> {
    match state {
        KeyState::New => None,
        KeyState::Replay { status, response } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            Some((status, Json(response)).into_response())
        }
        KeyState::Mismatch => Some(
            ProxyError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was already used for a different request.",
            )
            .into_response(),
        ),
        // Only a payment start leaves a key unsettled, and it settles it itself.
        KeyState::Unsettled { .. } => Some(not_settled().into_response()),
        KeyState::InProgress => Some(
            ProxyError::new(
                StatusCode::CONFLICT,
                ErrorCode::RequestInProgress,
                "The same request is still being processed. Retry shortly.",
            )
            .into_response(),
        ),
    }
}

/// A start Vipps may or may not have made, and could not be asked about: retried later.
pub(crate) fn not_settled() -> ProxyError {
    ProxyError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::VippsUnavailable,
        "Vipps did not answer. Please try again in a moment.",
    )
}
