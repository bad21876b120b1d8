//! The Order Management API v2 over HTTP (`order_management`): a receipt and a category
//! per order, and the two read back together. The same access tokens and keys as the
//! payment APIs; `Merchant-Serial-Number` required on every call; refusals as the spec's
//! `ErrorResponse` (`{type, title, detail, instance, invalidParams?}`), sources in
//! `order_management/mod.rs`. There is no `Idempotency-Key`: a receipt sent twice is
//! refused (409), a category sent twice replaces the first.

#![allow(clippy::result_large_err)] // handlers return a ready `Response` as their error

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::auth;
use crate::error::context_id;
use crate::faults::Route;
use crate::order_management::validate::{self, InvalidParam, PaymentType, Schema};
use crate::order_management::AlreadySent;
use crate::state::AppState;

/// The spec's `ErrorResponse`, with `invalidParams` when fields were refused.
fn refusal(status: StatusCode, title: &str, detail: &str, invalid: &[InvalidParam]) -> Response {
    let mut body = json!({
        "type": format!("https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.{}", match status.as_u16() {
            400 => 1,
            404 => 4,
            409 => 8,
            _ => 1,
        }),
        "title": title,
        "detail": detail,
        "instance": context_id(),
    });
    if !invalid.is_empty() {
        body["invalidParams"] = invalid
            .iter()
            .map(|p| json!({"name": p.name, "reason": p.reason}))
            .collect();
    }
    (status, Json(body)).into_response()
}

fn bad_request(invalid: &[InvalidParam]) -> Response {
    refusal(
        StatusCode::BAD_REQUEST,
        "One or more validation errors occurred.",
        "BadRequest",
        invalid,
    )
}

/// The caller's MSN (the access token and keys checked as on the payment APIs, the
/// header required), the path's payment type and order id; or the refusal.
async fn gate(
    state: &AppState,
    headers: &HeaderMap,
    payment_type: &str,
    order_id: &str,
) -> Result<(String, PaymentType), Response> {
    let fault = state.faults().take(Route::OrderManagement, Some(order_id));
    if let Some(fault) = fault {
        if let Some(latency) = fault.latency() {
            tokio::time::sleep(latency).await;
        }
        if let Some(status) = fault.status.filter(|s| !(200..300).contains(s)) {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let detail = fault.error_message.as_deref().unwrap_or("Injected fault (vipps-sim)");
            return Err(refusal(status, "Injected fault", detail, &[]));
        }
    }
    let msn = auth::authorize(state, headers).map_err(IntoResponse::into_response)?;
    if headers.get("Merchant-Serial-Number").is_none() {
        return Err(bad_request(&[InvalidParam {
            name: "Merchant-Serial-Number".into(),
            reason: "The Merchant-Serial-Number header is required.".into(),
        }]));
    }
    let Some(payment_type) = PaymentType::parse(payment_type) else {
        return Err(bad_request(&[InvalidParam {
            name: "paymentType".into(),
            reason: format!("paymentType {payment_type} is not ECOM or RECURRING."),
        }]));
    };
    if !validate::is_order_id(order_id) {
        return Err(bad_request(&[InvalidParam {
            name: "orderId".into(),
            reason: "orderId is letters, digits, '-', '_' and '.'.".into(),
        }]));
    }
    Ok((msn, payment_type))
}

fn json_body(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|e| {
        bad_request(&[InvalidParam {
            name: "body".into(),
            reason: format!("The body is not JSON: {e}."),
        }])
    })
}

/// `POST /order-management/v2/{paymentType}/receipts/{orderId}`: 201 with the receipt's
/// id (a JSON string), once per order.
pub async fn post_receipt(
    State(state): State<AppState>,
    Path((payment_type, order_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    let (msn, payment_type) = gate(&state, &headers, &payment_type, &order_id).await?;
    let receipt = json_body(&body)?;
    validate::receipt(&receipt, Schema::V2).map_err(|invalid| bad_request(&invalid))?;
    let id = context_id();
    let added = state
        .memory()
        .order_management
        .add_receipt(&msn, payment_type, &order_id, receipt, id);
    match added {
        Ok(id) => Ok((StatusCode::CREATED, Json(Value::String(id))).into_response()),
        Err(AlreadySent) => Err(refusal(
            StatusCode::CONFLICT,
            "Conflict",
            &format!("A receipt for order {order_id} already exists; a receipt cannot be overwritten."),
            &[],
        )),
    }
}

/// `PUT /order-management/v2/{paymentType}/categories/{orderId}`: 200 with the
/// category's id; each call replaces the last.
pub async fn put_category(
    State(state): State<AppState>,
    Path((payment_type, order_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    let (msn, payment_type) = gate(&state, &headers, &payment_type, &order_id).await?;
    let category = json_body(&body)?;
    validate::category(&category, !state.config.strict_urls).map_err(|invalid| bad_request(&invalid))?;
    let id = state
        .memory()
        .order_management
        .set_category(&msn, payment_type, &order_id, category, context_id());
    Ok((StatusCode::OK, Json(Value::String(id))).into_response())
}

/// `GET /order-management/v2/{paymentType}/{orderId}`: `{category?, receipt?}`, 404
/// when the shop added neither.
pub async fn get_order(
    State(state): State<AppState>,
    Path((payment_type, order_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let (msn, payment_type) = gate(&state, &headers, &payment_type, &order_id).await?;
    let memory = state.memory();
    match memory.order_management.get(&msn, payment_type, &order_id) {
        Some(e) => {
            let mut body = json!({});
            if let Some(c) = &e.category {
                body["category"] = c.clone();
            }
            if let Some(r) = &e.receipt {
                body["receipt"] = r.clone();
            }
            Ok((StatusCode::OK, Json(body)).into_response())
        }
        None => Err(refusal(
            StatusCode::NOT_FOUND,
            "Not Found",
            &format!("Nothing was added to order {order_id}."),
            &[],
        )),
    }
}
