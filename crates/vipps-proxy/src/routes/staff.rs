//! Staff operations (`/api/vipps/admin/...`, bearer `--admin-token`): list orders,
//! capture, cancel and refund, full or partial, each idempotent on retry.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Json;
use contract::error::ErrorCode;
use serde_json::{json, Value};

use crate::app::App;
use crate::error::ProxyError;
use crate::extract::{IdempotencyKey, PathParam, RawBody, StaffAuth};
use crate::gateway::Operation;
use crate::staff_ops::{operate, seen_order, vipps_events};
use crate::staff_status::StaffFilter;
use crate::staff_view::view;

pub async fn list(
    staff: StaffAuth,
    State(app): State<App>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ProxyError> {
    let params: Vec<(String, String)> = query
        .as_deref()
        .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let status = match params.iter().find(|(k, _)| k == "status") {
        None => None,
        Some((_, s)) => Some(
            StaffFilter::parse(s)
                .ok_or_else(|| ProxyError::bad_request(ErrorCode::InvalidRequest, format!("Unknown status '{s}'.")))?,
        ),
    };
    let limit = params
        .iter()
        .find(|(k, _)| k == "limit")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .unwrap_or(100)
        .clamp(1, 1000);
    // A store's staff see their store; the shop's staff all, or one with `?store=`.
    let asked = params.iter().find(|(k, _)| k == "store").map(|(_, v)| v.clone());
    let store = match (&staff.store, asked) {
        (Some(own), Some(other)) if *own != other => return Err(ProxyError::not_found()),
        (Some(own), _) => Some(own.clone()),
        (None, asked) => asked,
    };
    let orders = app.db.orders(status, store.as_deref(), limit).await?;
    Ok(Json(json!({ "orders": orders.iter().map(view).collect::<Vec<_>>() })))
}

/// `GET /api/vipps/admin/rejected`: the newest calls refused as not from Vipps (time,
/// kind, path, reason).
pub async fn rejected(staff: StaffAuth, State(app): State<App>) -> Result<Json<Value>, ProxyError> {
    if staff.store.is_some() {
        // Refused calls name no store: the shop's staff read them.
        return Err(ProxyError::not_found());
    }
    app.rejected.flush().await;
    Ok(Json(json!({ "rejected": app.db.rejected_calls(200).await? })))
}

/// `GET /api/vipps/admin/export.csv?from&to[&store]`: the bookkeeper's export
/// (`routes::export`).
pub async fn export(
    staff: StaffAuth,
    State(app): State<App>,
    axum::extract::Query(query): axum::extract::Query<crate::export::ExportQuery>,
) -> Result<axum::response::Response, ProxyError> {
    crate::export::csv(&app, staff.store.as_deref(), &query)
}

pub async fn show(
    staff: StaffAuth,
    State(app): State<App>,
    PathParam(order_id): PathParam<String>,
    headers: axum::http::HeaderMap,
) -> Result<Json<Value>, ProxyError> {
    let order = seen_order(&app, &staff, &order_id).await?;
    let mut v = view(&order);
    let events = app.db.events(&order_id).await?;
    // The history as sentences in the caller's language (Accept-Language: nb or en).
    let lang = crate::dashboard::texts::Lang::from_accept_language(
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    v["history"] = events
        .iter()
        .map(|e| {
            let kind = e["kind"].as_str().unwrap_or_default();
            let text = crate::dashboard::history::sentence(lang, kind, &e["detail"], &order.currency);
            json!({"at": e["at"], "kind": kind, "text": text})
        })
        .collect();
    v["events"] = Value::Array(events);
    app.rejected.flush().await;
    v["callbacks"] = Value::Array(app.db.callbacks(&order_id).await?);
    if let Some(log) = vipps_events(&app, &order).await {
        v["vippsEvents"] = serde_json::to_value(log).expect("serialisable");
    }
    Ok(Json(v))
}

pub async fn capture(
    staff: StaffAuth,
    State(app): State<App>,
    PathParam(order_id): PathParam<String>,
    IdempotencyKey(key): IdempotencyKey,
    RawBody(body): RawBody,
) -> Result<Response, ProxyError> {
    operate(staff, app, key, order_id, body, Operation::Capture).await
}

pub async fn cancel(
    staff: StaffAuth,
    State(app): State<App>,
    PathParam(order_id): PathParam<String>,
    IdempotencyKey(key): IdempotencyKey,
    RawBody(body): RawBody,
) -> Result<Response, ProxyError> {
    operate(staff, app, key, order_id, body, Operation::Cancel).await
}

pub async fn refund(
    staff: StaffAuth,
    State(app): State<App>,
    PathParam(order_id): PathParam<String>,
    IdempotencyKey(key): IdempotencyKey,
    RawBody(body): RawBody,
) -> Result<Response, ProxyError> {
    operate(staff, app, key, order_id, body, Operation::Refund).await
}
