//! `POST /accesstoken/get` and the credential checks on every eCom call.

use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use crate::config::SalesUnit;
use crate::error::ApiError;
use crate::state::{random_token, AppState};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The sales unit whose subscription key the call carries.
fn check_subscription_key(state: &AppState, headers: &HeaderMap) -> Result<SalesUnit, ApiError> {
    let Some(key) = header(headers, "Ocp-Apim-Subscription-Key") else {
        return Err(ApiError::unauthorized(
            "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
        ));
    };
    state
        .config
        .units()
        .into_iter()
        .find(|u| u.subscription_key == key)
        .ok_or_else(|| {
            ApiError::unauthorized(
                "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
            )
        })
}

/// Issues an access token for the configured credentials. Expiry numbers are strings,
/// as the real (Azure AD v1 style) service sends them.
pub fn issue_token(state: &AppState, headers: &HeaderMap) -> Result<Value, ApiError> {
    let unit = check_subscription_key(state, headers)?;
    let id_ok = header(headers, "client_id") == Some(unit.client_id.as_str());
    let secret_ok = header(headers, "client_secret") == Some(unit.client_secret.as_str());
    if !id_ok || !secret_ok {
        return Err(ApiError::Token {
            status: StatusCode::UNAUTHORIZED,
            error: "unauthorized_client",
            description: "AADSTS70002: The client_id or client_secret is not valid for this subscription.".into(),
        });
    }
    let lifetime = state.config.token_lifetime;
    let now = chrono::Utc::now().timestamp();
    let token = jwt(&unit.client_id, now, now + lifetime as i64);
    let mut memory = state.memory();
    memory.access_tokens.insert(
        token.clone(),
        (Instant::now() + Duration::from_secs(lifetime), unit.msn),
    );
    memory.access_tokens_issued += 1;
    drop(memory);
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

/// Checks `Authorization: Bearer <token>` (case-sensitive), the subscription key (which
/// names the sales unit; the token must be that unit's) and, when sent, the
/// `Merchant-Serial-Number` header. Returns the calling unit's MSN.
pub fn authorize(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let unit = check_subscription_key(state, headers)?;
    let token_msn = check_access_token(state, headers)?;
    if token_msn != unit.msn {
        return Err(ApiError::bad_access_token(
            "Access denied: the access token was issued for another subscription",
        ));
    }
    if let Some(msn) = header(headers, "Merchant-Serial-Number") {
        if msn != unit.msn {
            return Err(ApiError::unauthorized(format!(
                "Access denied: Merchant-Serial-Number {msn} does not belong to the keys used"
            )));
        }
    }
    Ok(unit.msn)
}

/// The Userinfo endpoint: the access token only. With a subscription key it answers 401,
/// as Vipps' does.
pub fn authorize_userinfo(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if header(headers, "Ocp-Apim-Subscription-Key").is_some() {
        return Err(ApiError::bad_access_token(
            "Userinfo is called without Ocp-Apim-Subscription-Key",
        ));
    }
    check_access_token(state, headers).map(|_| ())
}

/// The MSN the access token was issued for.
fn check_access_token(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let token = header(headers, "Authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::bad_access_token("Access denied: the Authorization header must be 'Bearer <access token>'")
        })?;
    let mut memory = state.memory();
    match memory.access_tokens.get(token) {
        Some((expiry, msn)) if *expiry > Instant::now() => Ok(msn.clone()),
        Some(_) => {
            memory.access_tokens.remove(token);
            Err(ApiError::bad_access_token("Token is expired"))
        }
        None => Err(ApiError::bad_access_token("Token is invalid")),
    }
}

/// A JWT as Azure AD issues them for Vipps: a header, a readable payload (`exp`, `iat`,
/// `nbf`, `appid`), and a signature (random here: nobody may verify it but the simulator,
/// which looks tokens up).
pub fn jwt(client_id: &str, issued: i64, expires: i64) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let header = json!({"typ": "JWT", "alg": "RS256", "x5t": random_token(27), "kid": random_token(27)});
    let payload = json!({
        "aud": "00000002-0000-0000-c000-000000000000",
        "iss": "https://sts.windows.net/vipps-sim/",
        "iat": issued, "nbf": issued, "exp": expires,
        "appid": client_id,
        "tid": "vipps-sim",
        "ver": "1.0",
    });
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.{}", part(&header), part(&payload), random_token(86))
}

/// Forgets expired tokens.
pub fn prune(state: &AppState) {
    let now = Instant::now();
    state.memory().access_tokens.retain(|_, (expiry, _)| *expiry > now);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_jwts_with_a_readable_expiry() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let token = jwt("sim-client-id", 1_800_000_000, 1_800_003_600);
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(payload["exp"], 1_800_003_600);
        assert_eq!(payload["appid"], "sim-client-id");
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["typ"], "JWT");
        assert_ne!(token, jwt("sim-client-id", 1_800_000_000, 1_800_003_600), "unique");
    }
}
