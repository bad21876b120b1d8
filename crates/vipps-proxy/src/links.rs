//! The shopper's links to an order: where Vipps sends the shopper back, how long the
//! link works, and which kind of link (`?t=`) a request carries.

use axum::http::StatusCode;
use chrono::Utc;
use contract::error::ErrorCode;
use contract::validate::is_valid_order_id;

use crate::app::AppInner;
use crate::error::ProxyError;
use crate::stores::Store;
use crate::token::{Link, TokenCheck};

/// Where Vipps sends the shopper back: the shop's return page with the order and its
/// status token (and the store, when not the default one).
pub(crate) fn return_url(app: &AppInner, store: &Store, order_id: &str, token: &str) -> String {
    store.return_url(&app.return_page(), order_id, token)
}

/// When a return link made at `created` stops working: the payment window, then
/// `--status-link-hours`.
pub fn status_link_expiry(app: &AppInner, created: chrono::DateTime<Utc>) -> i64 {
    created.timestamp() + contract::PAYMENT_WINDOW_SECS as i64 + i64::from(app.config.status_link_hours) * 3600
}

/// The order a shopper's link names, once its token (`?t=`) checks out: the kind of
/// link. The token is checked before the database is read: a stranger learns nothing.
pub(crate) fn check_link(
    app: &AppInner,
    store: &Store,
    order_id: &str,
    query: Option<&str>,
) -> Result<Link, ProxyError> {
    let token = query
        .and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "t")
                .map(|(_, v)| v.into_owned())
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ProxyError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::MissingToken,
                "This link is missing its access token (t).",
            )
        })?;
    if !is_valid_order_id(order_id) {
        return Err(ProxyError::not_found());
    }
    match app
        .key
        .check_link_token(&store.id, order_id, &token, Utc::now().timestamp())
    {
        (TokenCheck::Valid, link) => Ok(link),
        (TokenCheck::Invalid, _) => Err(ProxyError::not_found()),
        (TokenCheck::Expired, _) => Err(ProxyError::new(
            StatusCode::GONE,
            ErrorCode::LinkExpired,
            "This link has expired. The receipt is in the Vipps app.",
        )),
    }
}
