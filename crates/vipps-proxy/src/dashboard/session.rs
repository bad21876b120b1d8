//! Signing in to the dashboard: the staff token once, then a session cookie (`HttpOnly`,
//! `SameSite=Strict`, `Path=/admin`, `Secure` over https) that names a row in
//! `staff_sessions` by its hash, with the session's form token (CSRF), store and a keyed
//! fingerprint of the staff token that signed it in. An expired or unknown session, or
//! one whose token has since been rotated or removed, sends the browser to the sign-in
//! page.

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
/// Over HTTPS the cookie is `__Host-` prefixed: the browser then keeps it only if it is
/// `Secure`, `Path=/` and has no `Domain`, so no sibling subdomain can plant or shadow it.
pub const HOST_COOKIE: &str = "__Host-vipps_staff";

fn over_https(app: &App) -> bool {
    app.public_url.starts_with("https://")
}

/// The session cookie's name for this deployment.
pub fn cookie_name(app: &App) -> &'static str {
    if over_https(app) {
        HOST_COOKIE
    } else {
        COOKIE
    }
}

/// Whether a form post comes from a page of this site: a browser says where a request
/// comes from in `Sec-Fetch-Site` (every current browser), and that decides; without it,
/// an `Origin` naming another host than the request's refuses it (login CSRF: a foreign
/// page signing a member of staff in to an attacker's session). `Origin: null` is what a
/// browser sends for its own form under `Referrer-Policy: no-referrer` (ours), so alone it
/// proves nothing either way; a request with neither header (not a browser) is judged
/// by its token alone.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match get("origin") {
        None | Some("null") => true,
        Some(origin) => {
            let host = get("host").unwrap_or_default();
            url::Url::parse(origin).ok().is_some_and(|o| {
                let named = match (o.host_str(), o.port()) {
                    (Some(h), Some(p)) => format!("{h}:{p}"),
                    (Some(h), None) => h.to_string(),
                    _ => return false,
                };
                !host.is_empty() && named.eq_ignore_ascii_case(host)
            })
        }
    }
}

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

    /// Starts a session for `store` (None: every store), bound to `token` (the staff
    /// token given); returns its `Set-Cookie`.
    pub async fn start(app: &App, store: Option<&str>, token: &str) -> Result<String, sqlx::Error> {
        let secret = random_secret();
        let lifetime = chrono::Duration::hours(i64::from(app.config.staff_session_hours));
        let expires = Utc::now() + lifetime;
        let fingerprint = app.key.staff_token_fingerprint(token);
        app.db
            .create_session(
                &hash(&secret),
                store,
                &random_secret(),
                &time_text(expires),
                &fingerprint,
            )
            .await?;
        Ok(set_cookie(app, &secret, lifetime.num_seconds()))
    }
}

/// The token that signs staff of `store` in now (None: the global staff token).
fn current_token<'a>(app: &'a App, store: Option<&str>) -> Option<&'a str> {
    match store {
        None => app.config.admin_token.as_deref(),
        Some(id) => app.stores.get(id).and_then(|s| s.admin_token.as_deref()),
    }
}

fn set_cookie(app: &App, value: &str, max_age: i64) -> String {
    if over_https(app) {
        format!("{HOST_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}; Secure")
    } else {
        format!("{COOKIE}={value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}")
    }
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
        let secret = cookie_of(&parts.headers, cookie_name(app));
        let Some(secret) = secret else {
            return Err(SignIn { expired: false }.into_response());
        };
        let id_hash = hash(&secret);
        match app.db.session(&id_hash).await {
            Ok(Some((store, csrf, fingerprint))) => {
                // Bound to the token that signed it in: rotated or removed (on this
                // instance's configuration, whichever instance made the session), the
                // session ends here.
                let still = current_token(app, store.as_deref())
                    .is_some_and(|t| secrets_equal(&app.key.staff_token_fingerprint(t), &fingerprint));
                if still {
                    Ok(Session { id_hash, store, csrf })
                } else {
                    let _ = app.db.end_session(&id_hash).await;
                    Err(SignIn { expired: true }.into_response())
                }
            }
            Ok(None) => Err(SignIn { expired: true }.into_response()),
            Err(e) => Err(crate::error::ProxyError::from(e).into_response()),
        }
    }
}

fn cookie_of(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| cookie_value(c, name).filter(|v| !v.is_empty()).map(str::to_string))
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

    #[test]
    fn a_post_from_another_site_is_told_apart() {
        let headers = |pairs: &[(&str, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(
                    axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    v.parse().unwrap(),
                );
            }
            h
        };
        let host = ("host", "shop.example:8080");
        assert!(same_origin(&headers(&[host])), "not a browser: the token decides");
        assert!(same_origin(&headers(&[
            host,
            ("origin", "https://shop.example:8080"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(!same_origin(&headers(&[host, ("origin", "https://evil.example")])));
        assert!(
            same_origin(&headers(&[host, ("origin", "null"), ("sec-fetch-site", "same-origin")])),
            "our own form under no-referrer"
        );
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "null"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(!same_origin(&headers(&[host, ("sec-fetch-site", "cross-site")])));
        assert!(
            !same_origin(&headers(&[host, ("sec-fetch-site", "same-site")])),
            "a sibling subdomain"
        );
        assert!(
            !same_origin(&headers(&[("origin", "https://shop.example:8080")])),
            "no host to match"
        );
    }
}
