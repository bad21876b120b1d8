//! What Vipps calls: the transaction callback, the express shipping requests (eCom's
//! and ePayment's) and consent removal. The first two check the order's `authToken` in
//! constant time and refuse forgeries; consent removal comes without credentials (see
//! [`consent_removal`]).
//!
//! An unknown order (or user) and a wrong token get the same answer, so the hooks do not
//! tell a stranger which orders exist. A refused call is recorded as time, path and
//! reason (never its body, see `rejected.rs`); an accepted one as a summary
//! without personal data.

use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use contract::error::ErrorCode;
use serde_json::{json, Value};

use crate::app::App;
use crate::db::Order;
use crate::error::ProxyError;
use crate::extract::{PathParam, RawBody};
use crate::news::{accept_news, refuse};
use crate::token::{redact, secrets_equal};

fn authorization(headers: &HeaderMap) -> &str {
    headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn authentic_order(
    app: &App,
    order_id: &str,
    headers: &HeaderMap,
    kind: &str,
    uri: &OriginalUri,
) -> Result<Order, ProxyError> {
    let order = match app.db.order(order_id).await? {
        Some(o) => o,
        None => return Err(refuse(app, None, kind, uri, "unknown order").await),
    };
    let given = authorization(headers);
    if !secrets_equal(given, &order.auth_token) {
        tracing::debug!(%order_id, given = %redact(given), "wrong authToken");
        return Err(refuse(app, Some(order_id), kind, uri, "wrong authToken").await);
    }
    Ok(order)
}

/// What a callback said, without the shopper's personal data (name, e-mail, phone and
/// address stay out of the database: `/details` is the source, and consent removal erases
/// it there).
fn callback_summary(body: &Value) -> Value {
    let info = body.get("transactionInfo");
    json!({
        "status": info.and_then(|i| i.get("status")).cloned().unwrap_or(Value::Null),
        "amount": info.and_then(|i| i.get("amount")).cloned().unwrap_or(Value::Null),
        "transactionId": info.and_then(|i| i.get("transactionId")).cloned().unwrap_or(Value::Null),
        "shippingMethodId": body.pointer("/shippingDetails/shippingMethodId").cloned().unwrap_or(Value::Null),
    })
}

/// `POST /api/vipps/callbacks/v2/payments/{orderId}`: a hint. The status is fetched from
/// `/details` at once, in the background, so Vipps gets its answer well inside 3 s.
pub async fn callback(
    State(app): State<App>,
    PathParam(order_id): PathParam<String>,
    uri: OriginalUri,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ProxyError> {
    authentic_order(&app, &order_id, &headers, "callback", &uri).await?;
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let summary = callback_summary(&parsed);
    let said = summary["status"].as_str().unwrap_or("?").to_string();
    tracing::info!(%order_id, status = %said, "callback from Vipps");
    accept_news(&app, order_id, "callback", &summary, json!({"status": said})).await?;
    Ok(StatusCode::OK.into_response())
}

/// A shipping request from Vipps (either API's): the express order it names, once its
/// token checks out, and the request's JSON.
async fn shipping_request(
    app: &App,
    order_id: &str,
    headers: &HeaderMap,
    uri: &OriginalUri,
    body: &[u8],
) -> Result<(Order, Value), ProxyError> {
    let order = authentic_order(app, order_id, headers, "shipping", uri).await?;
    if !order.express {
        return Err(ProxyError::bad_request(
            ErrorCode::InvalidRequest,
            "This order is not an express payment.",
        ));
    }
    let request = serde_json::from_slice(body)
        .map_err(|_| ProxyError::bad_request(ErrorCode::InvalidRequest, "The shipping request is not JSON."))?;
    Ok((order, request))
}

/// The shop's methods for the order's cart delivered to `post_code`, priced.
fn offers_for(app: &App, order: &Order, post_code: &str) -> Vec<crate::shipping::Offer> {
    let weight = order.cart_json().get("weight").and_then(Value::as_i64).unwrap_or(0);
    app.shipping.offers(order.goods_amount, weight, Some(post_code))
}

/// `POST /api/vipps/shipping/v2/payments/{orderId}/shippingDetails`: the express
/// shipping methods for the shopper's address, from config, computed locally (fast).
pub async fn shipping(
    State(app): State<App>,
    PathParam(order_id): PathParam<String>,
    uri: OriginalUri,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, ProxyError> {
    let (order, request) = shipping_request(&app, &order_id, &headers, &uri, &body).await?;
    let address_id = request
        .get("addressId")
        .and_then(Value::as_i64)
        .ok_or_else(|| ProxyError::bad_request(ErrorCode::InvalidRequest, "addressId is required."))?;
    let post_code = ["postCode", "postalCode", "zipCode"]
        .iter()
        .find_map(|k| request.get(*k).and_then(Value::as_str))
        .ok_or_else(|| ProxyError::bad_request(ErrorCode::InvalidRequest, "postCode is required."))?;
    let offers = offers_for(&app, &order, post_code);
    app.db
        .record_accepted(
            &order_id,
            "shipping",
            &json!({"addressId": address_id, "methods": offers.len()}),
        )
        .await?;
    tracing::info!(%order_id, methods = offers.len(), "answered a shipping request");
    Ok(Json(json!({
        "addressId": address_id,
        "orderId": order_id,
        "shippingDetails": offers.iter().map(|o| o.to_vipps()).collect::<Vec<_>>(),
    })))
}

/// `POST /api/vipps/epayment/shipping/{orderId}`: ePayment express's dynamic options
/// for the shopper's address (`{reference, addressLine1, addressLine2, city, country,
/// postCode}`), answered as option groups in the order's currency, computed locally.
pub async fn epayment_shipping(
    State(app): State<App>,
    PathParam(order_id): PathParam<String>,
    uri: OriginalUri,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, ProxyError> {
    let (order, request) = shipping_request(&app, &order_id, &headers, &uri, &body).await?;
    if request
        .get("reference")
        .is_some_and(|r| r.as_str() != Some(order_id.as_str()))
    {
        return Err(ProxyError::bad_request(
            ErrorCode::InvalidRequest,
            "The reference is not this order's.",
        ));
    }
    let post_code = request
        .get("postCode")
        .and_then(Value::as_str)
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| ProxyError::bad_request(ErrorCode::InvalidRequest, "postCode is required."))?;
    let offers = offers_for(&app, &order, post_code);
    app.db
        .record_accepted(&order_id, "shipping", &json!({"methods": offers.len()}))
        .await?;
    tracing::info!(%order_id, methods = offers.len(), "answered an ePayment shipping request");
    Ok(Json(
        json!({"groups": crate::shipping::groups(&offers, &order.currency)}),
    ))
}

/// `DELETE /api/vipps/consents/v2/consents/{userId}`: the shopper removed the shop in
/// the Vipps app; their personal data leaves the order store.
///
/// Vipps sends this call with no credentials at all: the `authToken` goes only with the
/// payment callback and the shipping-details request (eCom guide, "Authorization for
/// callbacks"; the swagger's `removeUserConsentUsingDELETE` takes the `userId` alone;
/// sources in the backend README). So nothing here can prove the caller is Vipps, and
/// the endpoint is built so that it need not:
/// - the `userId` is Vipps' opaque id for the shopper, never shown to the shopper or
///   derivable from what they type: only Vipps (and this store) know it;
/// - erasing is what the shopper asked for and is idempotent: a stranger who somehow
///   knew an id could only do what the shopper may do any day, and nothing that moves
///   money or reveals anything;
/// - a known, an erased and an unknown user get the same answer (200, nothing in the
///   body), so the endpoint tells a prober nothing; an unknown id is not recorded as a
///   refusal (a flood of guesses would otherwise push real refusals out of staff's list);
/// - it is rate-limited per client address (`limits::CONSENT_REMOVALS_PER_MINUTE`).
pub async fn consent_removal(
    State(app): State<App>,
    PathParam(user_id): PathParam<String>,
) -> Result<Response, ProxyError> {
    let erased_id = app.key.erased_user_id(&user_id);
    let orders = app.db.orders_of_user(&user_id, &erased_id).await?;
    if let Some(order_id) = orders.first() {
        let erased = app.db.erase_user(&user_id, &erased_id).await?;
        app.db.record_accepted(order_id, "consent", &json!({})).await?;
        tracing::info!(orders = erased, "erased a Vipps user's personal data");
    } else {
        tracing::info!("a consent removal for a user with no orders here; nothing to erase");
    }
    Ok(StatusCode::OK.into_response())
}
