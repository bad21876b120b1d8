//! Signing in to the dashboard: the staff token once, then a session cookie (`HttpOnly`,
//! `SameSite=Strict`, `Path=/admin`, `Secure` over https) that names a row in
//! `staff_sessions` by its hash, with the session's form token (CSRF) and store. An
//! expired or unknown session sends the browser to the sign-in page.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::db::time_text;
use crate::extract::StaffAuth;
use crate::token::{random_secret, secrets_equal};

pub const COOKIE: &str = "vipps_staff";

/// `name`'s value in a `Cookie` header.
pub fn cookie_value<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A signed-in member of staff.
pub struct Session {
    id_hash: String,
    /// Their store only, or every store.
    pub store: Option<String>,
    /// The form token every change must carry.
    pub csrf: String,
}

impl Session {
    /// What the staff API's checks take.
    pub fn staff(&self) -> StaffAuth {
        StaffAuth {
            store: self.store.clone(),
        }
    }

    /// Whether a submitted form carries this session's form token.
    pub fn form_ok(&self, csrf: &str) -> bool {
        secrets_equal(csrf, &self.csrf)
    }

    pub async fn end(&self, app: &App) {
        let _ = app.db.end_session(&self.id_hash).await;
    }

    /// Starts a session for `store` (None: every store); returns its `Set-Cookie`.
    pub async fn start(app: &App, store: Option<&str>) -> Result<String, sqlx::Error> {
        let secret = random_secret();
        let lifetime = chrono::Duration::hours(i64::from(app.config.staff_session_hours));
        let expires = Utc::now() + lifetime;
        app.db
            .create_session(&hash(&secret), store, &random_secret(), &time_text(expires))
            .await?;
        Ok(set_cookie(app, &secret, lifetime.num_seconds()))
    }
}

fn set_cookie(app: &App, value: &str, max_age: i64) -> String {
    let secure = if app.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{COOKIE}={value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

/// The `Set-Cookie` that ends the session in the browser.
pub fn clear_cookie(app: &App) -> String {
    set_cookie(app, "", 0)
}

/// Not signed in (or no longer): to the sign-in page, saying so when a session expired.
pub struct SignIn {
    expired: bool,
}

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        let to = if self.expired {
            "/admin/sign-in?expired=1"
        } else {
            "/admin/sign-in"
        };
        Redirect::to(to).into_response()
    }
}

/// The staff API is off: so is the dashboard.
pub fn dashboard_on(app: &App) -> bool {
    app.config.admin_token.is_some()
        || app
            .stores
            .names()
            .iter()
            .any(|id| app.stores.get(id).is_some_and(|s| s.admin_token.is_some()))
}

impl FromRequestParts<App> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        if !dashboard_on(app) {
            return Err(StatusCode::NOT_FOUND.into_response());
        }
        let secret = cookie_of(&parts.headers);
        let Some(secret) = secret else {
            return Err(SignIn { expired: false }.into_response());
        };
        let id_hash = hash(&secret);
        match app.db.session(&id_hash).await {
            Ok(Some((store, csrf, _))) => Ok(Session { id_hash, store, csrf }),
            Ok(None) => Err(SignIn { expired: true }.into_response()),
            Err(e) => Err(crate::error::ProxyError::from(e).into_response()),
        }
    }
}

fn cookie_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| cookie_value(c, COOKIE).filter(|v| !v.is_empty()).map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        assert_eq!(cookie_value("a=1; vipps_staff=abc; b=2", COOKIE), Some("abc"));
        assert_eq!(cookie_value("vipps_staffx=abc", COOKIE), None);
        assert_eq!(cookie_value("", COOKIE), None);
    }
}
