//! What Vipps calls: the transaction callback, the express shipping request and consent
//! removal. Each checks the order's `authToken` in constant time and refuses forgeries.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use contract::error::codes;
use serde_json::{json, Value};

use crate::app::App;
use crate::db::Order;
use crate::error::ProxyError;
use crate::refresh;
use crate::routes::payments::body_error;
use crate::token::{redact, secrets_equal};

fn authorization(headers: &HeaderMap) -> &str {
    headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn forged(what: &str) -> ProxyError {
    ProxyError::new(
        StatusCode::UNAUTHORIZED,
        codes::UNAUTHORIZED,
        format!("This {what} is not from Vipps."),
    )
}

async fn authentic_order(
    app: &App,
    order_id: &str,
    headers: &HeaderMap,
    kind: &str,
    body: &str,
) -> Result<Order, ProxyError> {
    let order = match app.db.order(order_id).await? {
        Some(o) => o,
        None => {
            app.db.record_callback(None, kind, false, body).await?;
            tracing::warn!(%order_id, kind, "a call for an unknown order");
            return Err(ProxyError::not_found());
        }
    };
    let given = authorization(headers);
    if !secrets_equal(given, &order.auth_token) {
        app.db.record_callback(Some(order_id), kind, false, body).await?;
        tracing::warn!(%order_id, kind, given = %redact(given), "refused a forged call");
        return Err(forged(kind));
    }
    app.db.record_callback(Some(order_id), kind, true, body).await?;
    Ok(order)
}

/// `POST /api/vipps/callbacks/v2/payments/{orderId}`: a hint. The status is fetched from
/// `/details` at once, in the background, so Vipps gets its answer well inside 3 s.
pub async fn callback(
    State(app): State<App>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ProxyError> {
    let body = body.map_err(body_error)?;
    let text = String::from_utf8_lossy(&body);
    authentic_order(&app, &order_id, &headers, "callback", &text).await?;
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let said = parsed
        .pointer("/transactionInfo/status")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    app.db
        .add_event(&order_id, "callback", &json!({"status": said}))
        .await?;
    tracing::info!(%order_id, status = %said, "callback from Vipps");
    let app2 = app.clone();
    tokio::spawn(async move {
        if let Err(e) = refresh::refresh(&app2, &order_id, true).await {
            tracing::warn!(%order_id, error = %e, "refresh after callback failed; pollers and the reconciler will retry");
        }
    });
    Ok(StatusCode::OK.into_response())
}

/// `POST /api/vipps/shipping/v2/payments/{orderId}/shippingDetails`: the express
/// shipping methods for the shopper's address, from config, computed locally (fast).
pub async fn shipping(
    State(app): State<App>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ProxyError> {
    let body = body.map_err(body_error)?;
    let text = String::from_utf8_lossy(&body);
    let order = authentic_order(&app, &order_id, &headers, "shipping", &text).await?;
    if !order.express {
        return Err(ProxyError::bad_request(
            codes::INVALID_REQUEST,
            "This order is not an express payment.",
        ));
    }
    let request: Value = serde_json::from_slice(&body)
        .map_err(|_| ProxyError::bad_request(codes::INVALID_REQUEST, "The shipping request is not JSON."))?;
    let address_id = request
        .get("addressId")
        .and_then(Value::as_i64)
        .ok_or_else(|| ProxyError::bad_request(codes::INVALID_REQUEST, "addressId is required."))?;
    let post_code = ["postCode", "postalCode", "zipCode"]
        .iter()
        .find_map(|k| request.get(*k).and_then(Value::as_str))
        .ok_or_else(|| ProxyError::bad_request(codes::INVALID_REQUEST, "postCode is required."))?;
    let weight = order.cart_json().get("weight").and_then(Value::as_i64).unwrap_or(0);
    let offers = app.shipping.offers(order.goods_amount, weight, Some(post_code));
    tracing::info!(%order_id, methods = offers.len(), "answered a shipping request");
    Ok(Json(json!({
        "addressId": address_id,
        "orderId": order_id,
        "shippingDetails": offers.iter().map(|o| o.to_vipps()).collect::<Vec<_>>(),
    })))
}

/// `DELETE /api/vipps/consents/v2/consents/{userId}`: the shopper removed the shop in
/// the Vipps app; their personal data leaves the order store.
pub async fn consent_removal(
    State(app): State<App>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ProxyError> {
    let tokens = app.db.auth_tokens_of_user(&user_id).await?;
    if tokens.is_empty() {
        app.db.record_callback(None, "consent", true, "{}").await?;
        return Ok(StatusCode::OK.into_response());
    }
    let given = authorization(&headers);
    if !tokens.iter().any(|(_, token)| secrets_equal(given, token)) {
        app.db
            .record_callback(Some(&tokens[0].0), "consent", false, "{}")
            .await?;
        tracing::warn!(given = %redact(given), "refused a forged consent removal");
        return Err(forged("consent removal"));
    }
    let erased = app.db.erase_user(&user_id).await?;
    app.db
        .record_callback(Some(&tokens[0].0), "consent", true, "{}")
        .await?;
    tracing::info!(orders = erased, "erased a Vipps user's personal data");
    Ok(StatusCode::OK.into_response())
}
