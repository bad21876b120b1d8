//! Axum extractors that state what a handler needs, each refusing with the project's
//! JSON error (`{"error": {"code", "message"}}`) instead of axum's plain-text rejection.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use contract::error::ErrorCode;
use contract::validate::is_valid_idempotency_key;
use contract::{CLIENT_HEADER, IDEMPOTENCY_HEADER};

use crate::app::App;
use crate::error::ProxyError;
use crate::token::secrets_equal;

/// A path parameter; one that cannot be read (not UTF-8, say) names nothing here: 404.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ProxyError))]
pub struct PathParam<T>(pub T);

impl From<PathRejection> for ProxyError {
    fn from(_: PathRejection) -> Self {
        ProxyError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "There is nothing here.")
    }
}

/// The request body, at most [`crate::routes::BODY_LIMIT`] bytes.
pub struct RawBody(pub Bytes);

impl From<BytesRejection> for ProxyError {
    fn from(e: BytesRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ProxyError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "The request body is too large.",
            )
        } else {
            ProxyError::bad_request(ErrorCode::InvalidRequest, "The request body could not be read.")
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ProxyError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ProxyError> {
        Ok(RawBody(Bytes::from_request(req, state).await?))
    }
}

/// A JSON body of the contract's type `T`: unreadable or not `T` is 400
/// `invalid_request`, naming what is wrong; too large is 413. The content type is not
/// required (a shop's own fetch may not set it).
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ProxyError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ProxyError> {
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            ProxyError::bad_request(
                ErrorCode::InvalidRequest,
                format!("The request body is not valid: {e}."),
            )
        })
    }
}

/// The `Idempotency-Key` of a request that must be applied once: 1-100 visible
/// characters, one per click (or per staff action).
pub struct IdempotencyKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ProxyError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ProxyError> {
        parts
            .headers
            .get(IDEMPOTENCY_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|k| is_valid_idempotency_key(k))
            .map(|k| IdempotencyKey(k.to_string()))
            .ok_or_else(|| {
                ProxyError::bad_request(
                    ErrorCode::IdempotencyKeyRequired,
                    "An Idempotency-Key header (1-100 visible characters, one per click) is required.",
                )
            })
    }
}

/// Who sends a payment start, for its idempotency key (issue 25): the page's secret
/// (`Vipps-Checkout-Client`, which the widget sends) or, without one, the client's
/// address, as a keyed hash. A stored answer, with its status token, is replayed only
/// to the same client; anyone else sending the same key and body is refused, so a
/// guessable key of a custom client leaks nothing.
pub struct ClientProof(pub String);

impl FromRequestParts<App> for ClientProof {
    type Rejection = ProxyError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ProxyError> {
        let secret = parts
            .headers
            .get(CLIENT_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.len() <= 200);
        let client = match secret {
            Some(s) => format!("secret:{s}"),
            None => format!("address:{}", app.limits.clients.of(&parts.headers, &parts.extensions)),
        };
        Ok(ClientProof(app.key.client_proof(&client)))
    }
}

/// A staff request: `Authorization: Bearer <token>`, compared in constant time. The
/// `--admin-token` sees every store; a store's own token (`adminTokenEnv` in `--stores`)
/// only that store's orders. Without any staff token the staff API does not exist (404).
pub struct StaffAuth {
    /// `Some(store)`: this staff member's store only.
    pub store: Option<String>,
}

impl StaffAuth {
    /// Whether this staff member may see and act on `order`.
    pub fn sees(&self, order: &crate::db::Order) -> bool {
        self.store.as_deref().is_none_or(|s| s == order.store)
    }
}

impl FromRequestParts<App> for StaffAuth {
    type Rejection = ProxyError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ProxyError> {
        let store_tokens = app
            .stores
            .names()
            .iter()
            .any(|id| app.stores.get(id).is_some_and(|s| s.admin_token.is_some()));
        if app.config.admin_token.is_none() && !store_tokens {
            return Err(ProxyError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "The staff API is not enabled (--admin-token).",
            ));
        }
        let given = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if app
            .config
            .admin_token
            .as_deref()
            .is_some_and(|t| secrets_equal(given, t))
        {
            return Ok(StaffAuth { store: None });
        }
        match app.stores.by_admin_token(given) {
            Some(store) if !given.is_empty() => Ok(StaffAuth {
                store: Some(store.id.clone()),
            }),
            _ => Err(ProxyError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "A valid staff token is required.",
            )),
        }
    }
}

/// The store a widget request names (`?store=…`), or the default store when it names
/// none. An unknown store is 404 `unknown_store`, naming the ones there are.
pub struct StoreParam(pub std::sync::Arc<crate::stores::Store>);

impl FromRequestParts<App> for StoreParam {
    type Rejection = ProxyError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ProxyError> {
        let named = parts.uri.query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "store")
                .map(|(_, v)| v.into_owned())
        });
        let id = named.as_deref().unwrap_or(crate::stores::DEFAULT);
        match app.stores.get(id) {
            Some(store) => Ok(StoreParam(store.clone())),
            None => {
                let known = app.stores.names();
                let shown: String = id.chars().take(40).collect();
                Err(ProxyError::new(
                    StatusCode::NOT_FOUND,
                    ErrorCode::UnknownStore,
                    if known.is_empty() {
                        format!("There is no store '{shown}' here: this backend serves one store (leave store out).")
                    } else {
                        format!("There is no store '{shown}' here (stores: {}).", known.join(", "))
                    },
                ))
            }
        }
    }
}
