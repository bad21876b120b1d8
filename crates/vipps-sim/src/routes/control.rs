//! `/_sim`: the control API for tests. Never part of the Vipps surface. Actions answer
//! once the resulting callback has been delivered (or has failed), so tests need not wait.

#![allow(clippy::result_large_err)] // handlers return a ready `Response` as their error

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::delivery;
use crate::ecom::ledger::Callback;
use crate::ecom::user_acts::{self, Choices, FlowError};
use crate::epayment::{self, user_acts::UserAct};
use crate::faults::FaultSpec;
use crate::state::AppState;

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn flow_error(e: FlowError) -> Response {
    let status = match e {
        FlowError::UnknownOrder => StatusCode::NOT_FOUND,
        FlowError::NotActive(_) => StatusCode::CONFLICT,
        FlowError::Shipping(_) => StatusCode::BAD_GATEWAY,
        _ => StatusCode::BAD_REQUEST,
    };
    error(status, e.to_string())
}

fn view(state: &AppState, order_id: &str) -> Response {
    let mut memory = state.memory();
    let (mut view, msn) = if let Some(p) = memory.payments.get(order_id) {
        (p.control_view(), p.msn.clone())
    } else {
        match memory.epayments.by_reference(order_id) {
            Some(e) => (e.control_view(&state.public_url), e.msn.clone()),
            None => return error(StatusCode::NOT_FOUND, format!("no payment with orderId '{order_id}'")),
        }
    };
    // What the shop added with the Order Management API, as the app shows it.
    if let Some(e) = memory.order_management.of_payment(&msn, order_id) {
        view["receipt"] = e.receipt.clone().unwrap_or(Value::Null);
        view["category"] = e.category.clone().unwrap_or(Value::Null);
    }
    Json(view).into_response()
}

/// The user's act on an ePayment payment `reference`, answered once its webhooks were
/// delivered (or failed); `None` when no ePayment payment has that reference.
async fn epayment_act(state: &AppState, reference: &str, act: UserAct) -> Option<Response> {
    match epayment::user_acts::act(state, reference, act)? {
        Ok(deliveries) => {
            epayment::deliveries::deliver(state, deliveries).await;
            Some(view(state, reference))
        }
        Err(p) => Some(error(StatusCode::CONFLICT, p.detail)),
    }
}

/// An optional JSON body: empty means `{}`.
fn optional_body<T: for<'de> Deserialize<'de> + Default>(body: &Bytes) -> Result<T, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| error(StatusCode::BAD_REQUEST, format!("invalid JSON body: {e}")))
}

async fn deliver_then_view(state: &AppState, order_id: &str, callback: Callback) -> Response {
    delivery::deliver_callback(state, callback).await;
    view(state, order_id)
}

pub async fn list(State(state): State<AppState>) -> Json<Value> {
    let memory = state.memory();
    let mut payments: Vec<_> = memory
        .payments
        .values()
        .map(|p| (p.created_at, p.control_view()))
        .collect();
    payments.extend(
        memory
            .epayments
            .payments
            .values()
            .map(|e| (e.created_at, e.control_view(&state.public_url))),
    );
    payments.sort_by_key(|(at, _)| *at);
    Json(Value::Array(payments.into_iter().map(|(_, v)| v).collect()))
}

pub async fn show(State(state): State<AppState>, Path(order_id): Path<String>) -> Response {
    view(&state, &order_id)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApproveBody {
    mobile_number: Option<String>,
    address_id: Option<i64>,
    shipping_method_id: Option<String>,
    /// Reserve this amount (øre) instead of the price asked.
    reserve_amount: Option<i64>,
}

pub async fn approve(State(state): State<AppState>, Path(order_id): Path<String>, body: Bytes) -> Response {
    let body: ApproveBody = match optional_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let choices = Choices {
        mobile: body.mobile_number,
        address_id: body.address_id,
        shipping_method_id: body.shipping_method_id,
        reserve_amount: body.reserve_amount.filter(|a| *a > 0),
    };
    let is_epayment = state.memory().epayments.by_reference(&order_id).is_some();
    if is_epayment {
        return match epayment::user_acts::approve(&state, &order_id, choices).await {
            Ok(deliveries) => {
                epayment::deliveries::deliver(&state, deliveries).await;
                view(&state, &order_id)
            }
            Err(e) => flow_error(e),
        };
    }
    match user_acts::approve(&state, &order_id, choices).await {
        Ok((_, callback)) => deliver_then_view(&state, &order_id, callback).await,
        Err(e) => flow_error(e),
    }
}

pub async fn reject(State(state): State<AppState>, Path(order_id): Path<String>) -> Response {
    if let Some(answer) = epayment_act(&state, &order_id, UserAct::Reject).await {
        return answer;
    }
    match user_acts::reject(&state, &order_id) {
        Ok((_, callback)) => deliver_then_view(&state, &order_id, callback).await,
        Err(e) => flow_error(e),
    }
}

pub async fn expire(State(state): State<AppState>, Path(order_id): Path<String>) -> Response {
    if let Some(answer) = epayment_act(&state, &order_id, UserAct::Expire).await {
        return answer;
    }
    match user_acts::expire(&state, &order_id) {
        Ok(callback) => deliver_then_view(&state, &order_id, callback).await,
        Err(e) => flow_error(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FailBody {
    error_code: Option<String>,
    error_message: Option<String>,
}

pub async fn fail(State(state): State<AppState>, Path(order_id): Path<String>, body: Bytes) -> Response {
    let body: FailBody = match optional_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let code = body.error_code.unwrap_or_else(|| "42".into());
    let message = body.error_message.unwrap_or_else(|| "Refused by issuer bank".into());
    match user_acts::fail(&state, &order_id, &code, &message) {
        Ok(callback) => deliver_then_view(&state, &order_id, callback).await,
        Err(e) => flow_error(e),
    }
}

/// The user removes the shop under "Companies that remember you": Vipps calls the
/// merchant's consent-removal endpoint and stops showing the user's data.
pub async fn remove_consent(State(state): State<AppState>, Path(order_id): Path<String>) -> Response {
    let target = {
        let memory = state.memory();
        let Some(p) = memory.payments.get(&order_id) else {
            return error(StatusCode::NOT_FOUND, format!("no payment with orderId '{order_id}'"));
        };
        let shares = p.init.express.is_some() || p.init.scope.is_some();
        match (&p.init.consent_removal_prefix, &p.user) {
            (Some(prefix), Some(user)) if shares => (prefix.clone(), user.user_id()),
            _ => {
                return error(
                    StatusCode::CONFLICT,
                    "only an approved express or scope payment with a consentRemovalPrefix has a consent to remove",
                )
            }
        }
    };
    let (prefix, user_id) = target;
    let result = delivery::remove_consent(&state, &prefix, &order_id, &user_id).await;
    if let Some(p) = state.memory().payments.get_mut(&order_id) {
        p.consent_removed = true;
    }
    match result {
        Ok(_) => view(&state, &order_id),
        Err(e) => error(
            StatusCode::BAD_GATEWAY,
            format!("the merchant's consent-removal endpoint failed: {e}"),
        ),
    }
}

pub async fn add_fault(State(state): State<AppState>, body: Bytes) -> Response {
    let spec: FaultSpec = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("invalid fault: {e}")),
    };
    if let Err(why) = spec.check() {
        return error(StatusCode::BAD_REQUEST, why);
    }
    let fault = state.faults().add(spec);
    (StatusCode::CREATED, Json(fault)).into_response()
}

/// `GET /_sim/webhooks/pending`: every webhook delivery waiting (held behind an earlier
/// event of its payment, or until its retry's pause ends), with its failed attempts.
pub async fn pending_webhooks(State(state): State<AppState>) -> Json<Value> {
    Json(state.memory().epayments.outbox.view())
}

/// `POST /_sim/webhooks/fast-forward`: every waiting delivery is due now, and is
/// attempted (in order per registration and payment) before the answer: what is still
/// waiting afterwards.
pub async fn fast_forward_webhooks(State(state): State<AppState>) -> Json<Value> {
    state.memory().epayments.outbox.fast_forward(chrono::Utc::now());
    epayment::deliveries::pump(&state, None).await;
    Json(state.memory().epayments.outbox.view())
}

/// `GET /_sim/webhooks/attempts`: every delivery attempt made, oldest first.
pub async fn webhook_attempts(State(state): State<AppState>) -> Json<Value> {
    Json(Value::Array(state.memory().epayments.delivered.clone()))
}

/// `GET /_sim/calls`: the newest calls to the Vipps surface with the
/// `Merchant-Serial-Number` and `Vipps-System-*` headers each carried (null when absent).
pub async fn calls(State(state): State<AppState>) -> Json<Value> {
    Json(state.memory().calls.view())
}

/// `GET /_sim/stats`: counts across payments (access tokens issued).
pub async fn stats(State(state): State<AppState>) -> Json<Value> {
    let memory = state.memory();
    Json(json!({ "accessTokensIssued": memory.access_tokens_issued }))
}

pub async fn list_faults(State(state): State<AppState>) -> Response {
    Json(state.faults().list().to_vec()).into_response()
}

pub async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.faults().clear();
    StatusCode::NO_CONTENT
}

/// Forgets every payment and fault (access tokens stay valid).
pub async fn reset(State(state): State<AppState>) -> StatusCode {
    {
        let mut memory = state.memory();
        memory.payments.clear();
        memory.by_token.clear();
        memory.access_tokens_issued = 0;
        // ePayment payments go too; webhook registrations are the merchant's set-up and stay.
        memory.epayments.payments.clear();
        memory.epayments.create_keys.clear();
        memory.epayments.delivered.clear();
        memory.epayments.outbox.clear();
        memory.calls.clear();
        memory.order_management.clear();
    }
    state.faults().clear();
    StatusCode::NO_CONTENT
}
