//! `POST /accesstoken/get` and the credential checks on every eCom call.

use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::state::{random_token, AppState};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn check_subscription_key(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    match header(headers, "Ocp-Apim-Subscription-Key") {
        None => Err(ApiError::unauthorized(
            "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
        )),
        Some(key) if key != state.config.subscription_key => Err(ApiError::unauthorized(
            "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
        )),
        Some(_) => Ok(()),
    }
}

/// Issues an access token for the configured credentials. Expiry numbers are strings,
/// as the real (Azure AD v1 style) service sends them.
pub fn issue_token(state: &AppState, headers: &HeaderMap) -> Result<Value, ApiError> {
    check_subscription_key(state, headers)?;
    let id_ok = header(headers, "client_id") == Some(state.config.client_id.as_str());
    let secret_ok = header(headers, "client_secret") == Some(state.config.client_secret.as_str());
    if !id_ok || !secret_ok {
        return Err(ApiError::Token {
            status: StatusCode::UNAUTHORIZED,
            error: "unauthorized_client",
            description: "AADSTS70002: The client_id or client_secret is not valid for this subscription.".into(),
        });
    }
    let token = format!(
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.{}.{}",
        random_token(48),
        random_token(43)
    );
    let lifetime = state.config.token_lifetime;
    let mut store = state.store();
    store
        .access_tokens
        .insert(token.clone(), Instant::now() + Duration::from_secs(lifetime));
    store.access_tokens_issued += 1;
    drop(store);
    let now = chrono::Utc::now().timestamp();
    Ok(json!({
        "token_type": "Bearer",
        "expires_in": lifetime.to_string(),
        "ext_expires_in": "0",
        "expires_on": (now + lifetime as i64).to_string(),
        "not_before": now.to_string(),
        "resource": "00000002-0000-0000-c000-000000000000",
        "access_token": token,
    }))
}

/// Checks `Authorization: Bearer <token>` (case-sensitive), the subscription key and,
/// when sent, the `Merchant-Serial-Number` header.
pub fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    check_subscription_key(state, headers)?;
    let token = header(headers, "Authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::unauthorized("Access denied: the Authorization header must be 'Bearer <access token>'")
        })?;
    let mut store = state.store();
    match store.access_tokens.get(token) {
        Some(expiry) if *expiry > Instant::now() => {}
        Some(_) => {
            store.access_tokens.remove(token);
            return Err(ApiError::unauthorized("Access denied: the access token has expired"));
        }
        None => return Err(ApiError::unauthorized("Access denied: the access token is not valid")),
    }
    drop(store);
    if let Some(msn) = header(headers, "Merchant-Serial-Number") {
        if msn != state.config.msn {
            return Err(ApiError::unauthorized(format!(
                "Access denied: Merchant-Serial-Number {msn} does not belong to the keys used"
            )));
        }
    }
    Ok(())
}

/// Forgets expired tokens.
pub fn prune(state: &AppState) {
    let now = Instant::now();
    state.store().access_tokens.retain(|_, expiry| *expiry > now);
}
