//! The eCom API v2 surface: access token, initiate, details, status, capture, cancel,
//! refund and the test-only force approve.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde_json::{json, Value};

use crate::auth;
use crate::ecom::ledger::{Payment, Phase};
use crate::ecom::user_acts::{self, Choices, FlowError};
use crate::ecom::validate::{self, check_msn};
use crate::error::ApiError;
use crate::faults::Route;
use crate::state::{random_token, AppState};

type ApiResult = Result<Response, ApiError>;

/// Who called, as the credentials say, and what a fault wants answered afterwards.
struct Caller {
    /// The error a fault wants answered after the request is handled (`after`).
    late: Option<ApiError>,
    /// The sales unit whose keys were used.
    msn: String,
}

/// Injected faults, credentials, rate limit, call counting: in that order, for every call.
async fn prelude(
    state: &AppState,
    headers: &HeaderMap,
    route: Route,
    order_id: Option<&str>,
) -> Result<Caller, ApiError> {
    let fault = state.faults().take(route, order_id);
    let mut late = None;
    if let Some(fault) = fault {
        if let Some(latency) = fault.latency() {
            tokio::time::sleep(latency).await;
        }
        match fault.error() {
            Some(error) if fault.after => late = Some(error),
            Some(error) => return Err(error),
            None => {}
        }
    }
    if route == Route::AccessToken {
        return Ok(Caller {
            late,
            msn: String::new(),
        });
    }
    let msn = auth::authorize(state, headers)?;
    if let Some(order_id) = order_id {
        if let Some(payment) = state.memory().payments.get_mut(order_id) {
            *payment.api_calls.entry(route.name()).or_default() += 1;
        }
        if !state.config.no_rate_limits {
            state
                .limiter()
                .check(route, order_id, Instant::now())
                .map_err(ApiError::rate_limited)?;
        }
    }
    Ok(Caller { late, msn })
}

/// The answer, unless a fault loses it after the change was made.
fn lost(late: Option<ApiError>, answer: ApiResult) -> ApiResult {
    match (late, answer) {
        (Some(error), Ok(_)) => Err(error),
        (_, answer) => answer,
    }
}

fn parse_json(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid("body", format!("The request body is not valid JSON: {e}")))
}

fn request_id(headers: &HeaderMap) -> Result<String, ApiError> {
    match headers.get("X-Request-Id") {
        None => Ok(String::new()),
        Some(v) => match v.to_str() {
            Ok(s) if s.len() <= 40 => Ok(s.to_string()),
            _ => Err(ApiError::invalid(
                "X-Request-Id",
                "X-Request-Id must be at most 40 characters",
            )),
        },
    }
}

pub async fn access_token(State(state): State<AppState>, headers: HeaderMap) -> ApiResult {
    prelude(&state, &headers, Route::AccessToken, None).await?;
    Ok(Json(auth::issue_token(&state, &headers)?).into_response())
}

pub async fn initiate(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult {
    // Credentials come first: a caller without them learns nothing about its body.
    let parsed = parse_json(&body);
    let order_id = parsed
        .as_ref()
        .ok()
        .and_then(|b| b.pointer("/transaction/orderId"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let caller = prelude(&state, &headers, Route::Initiate, order_id.as_deref()).await?;
    let body = parsed?;
    let rules = validate::UrlRules {
        strict: state.config.strict_urls,
    };
    let init = validate::initiate(&body, &caller.msn, rules)?;
    validate::check_skip_landing_page(&init, state.config.skip_landing_page)?;
    if let Some(mobile) = &init.mobile {
        crate::users::lookup(mobile).map_err(|e| ApiError::user(e.code(), e.message()))?;
    }
    let token = random_token(64);
    let url = if init.is_app {
        format!("vippsMT://?token={token}")
    } else {
        format!("{}{}", state.public_url, crate::pages::landing::url(&token))
    };
    let mut memory = state.memory();
    if memory.payments.contains_key(&init.order_id) {
        return Err(ApiError::merchant(
            "34",
            format!(
                "Duplicate orderId: '{}' is already used, and must be unique",
                init.order_id
            ),
        ));
    }
    let order_id = init.order_id.clone();
    let pushed = init.skip_landing_page;
    let mut payment = Payment::new(
        init,
        body["merchantInfo"].clone(),
        body["customerInfo"].clone(),
        token.clone(),
        url.clone(),
        Utc::now(),
        &mut memory.txids,
    );
    payment.system_headers = headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("vipps-system-"))
        .filter_map(|(name, value)| Some((name.as_str().to_string(), value.to_str().ok()?.to_string())))
        .collect();
    // skipLandingPage: the request is pushed to the number's app at once.
    payment.reached_app = pushed;
    payment.msn = caller.msn;
    memory.payments.insert(order_id.clone(), payment);
    memory.by_token.insert(token, order_id.clone());
    drop(memory);
    tracing::info!(%order_id, "payment initiated");
    lost(
        caller.late,
        Ok(Json(json!({ "orderId": order_id, "url": url })).into_response()),
    )
}

/// `f` on the caller's payment: another sales unit's orders do not exist for it.
fn with_payment<T>(
    state: &AppState,
    msn: &str,
    order_id: &str,
    f: impl FnOnce(&mut Payment, &mut crate::ecom::ledger::TxIds) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut memory = state.memory();
    let memory = &mut *memory;
    let payment = memory
        .payments
        .get_mut(order_id)
        .filter(|p| p.msn == msn)
        .ok_or_else(|| ApiError::order_not_found(order_id, msn))?;
    f(payment, &mut memory.txids)
}

pub async fn details(State(state): State<AppState>, Path(order_id): Path<String>, headers: HeaderMap) -> ApiResult {
    let caller = prelude(&state, &headers, Route::Details, Some(&order_id)).await?;
    with_payment(&state, &caller.msn, &order_id, |p, _| {
        Ok(Json(p.details()).into_response())
    })
}

pub async fn status(State(state): State<AppState>, Path(order_id): Path<String>, headers: HeaderMap) -> ApiResult {
    let caller = prelude(&state, &headers, Route::Status, Some(&order_id)).await?;
    with_payment(&state, &caller.msn, &order_id, |p, _| {
        Ok(Json(p.status()).into_response())
    })
}

/// The parts of a capture/refund/cancel body every one of them needs.
struct Modification {
    text: String,
    amount: Option<i64>,
}

fn modification(body: &Value, msn: &str) -> Result<Modification, ApiError> {
    let merchant = body
        .get("merchantInfo")
        .filter(|m| m.is_object())
        .ok_or_else(|| ApiError::invalid("merchantInfo", "merchantInfo is required"))?;
    check_msn(merchant, msn)?;
    let transaction = body
        .get("transaction")
        .filter(|t| t.is_object())
        .ok_or_else(|| ApiError::invalid("transaction", "transaction is required"))?;
    let text = match transaction.get("transactionText") {
        Some(Value::String(t)) if !t.trim().is_empty() && t.chars().count() <= 100 => t.clone(),
        Some(Value::String(t)) if !t.trim().is_empty() => {
            return Err(ApiError::invalid(
                "transaction.transactionText",
                "transactionText must be at most 100 characters",
            ))
        }
        _ => {
            return Err(ApiError::invalid(
                "transaction.transactionText",
                "transactionText is required",
            ))
        }
    };
    let amount = match transaction.get("amount") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.is_f64() => {
            return Err(ApiError::internal(
                "An internal error occurred (amount must be an integer in øre)",
            ))
        }
        Some(Value::Number(n)) => match n.as_i64() {
            Some(a) if a >= 0 => Some(a),
            _ => {
                return Err(ApiError::invalid(
                    "transaction.amount",
                    "amount must be a non-negative integer in øre",
                ))
            }
        },
        Some(_) => {
            return Err(ApiError::invalid(
                "transaction.amount",
                "amount must be an integer in øre",
            ))
        }
    };
    Ok(Modification { text, amount })
}

/// Capture and refund: `X-Request-Id` makes a retry safe, and a partial amount needs one.
async fn capture_or_refund(
    state: AppState,
    order_id: String,
    headers: HeaderMap,
    body: Bytes,
    route: Route,
) -> ApiResult {
    let Caller { late, msn } = prelude(&state, &headers, route, Some(&order_id)).await?;
    let body = parse_json(&body)?;
    let request_id = request_id(&headers)?;
    let m = modification(&body, &msn)?;
    let op = route.name();
    let answer = with_payment(&state, &msn, &order_id, |p, txids| {
        if !request_id.is_empty() {
            if let Some(replayed) = p.replay(op, &request_id, &body) {
                return replayed.map(|v| Json(v).into_response());
            }
        }
        let partial = match route {
            Route::Capture => m.amount.is_some_and(|a| a != 0 && a != p.remaining_to_capture()),
            _ => m.amount.is_some_and(|a| a != 0 && a != p.remaining_to_refund()),
        };
        if partial && request_id.is_empty() {
            return Err(ApiError::invalid(
                "X-Request-Id",
                "X-Request-Id is required for a partial amount",
            ));
        }
        let now = Utc::now();
        let response = match route {
            Route::Capture => p.capture(now, txids, m.amount, &m.text, &request_id)?,
            _ => p.refund(now, txids, m.amount, &m.text, &request_id)?,
        };
        p.remember(op, &request_id, body.clone(), response.clone());
        Ok(Json(response).into_response())
    });
    lost(late, answer)
}

pub async fn capture(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    capture_or_refund(state, order_id, headers, body, Route::Capture).await
}

pub async fn refund(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    capture_or_refund(state, order_id, headers, body, Route::Refund).await
}

pub async fn cancel(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let Caller { late, msn } = prelude(&state, &headers, Route::Cancel, Some(&order_id)).await?;
    let body = parse_json(&body)?;
    let request_id = request_id(&headers)?;
    let m = modification(&body, &msn)?;
    let release = match body.get("shouldReleaseRemainingFunds") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(ApiError::invalid(
                "shouldReleaseRemainingFunds",
                "shouldReleaseRemainingFunds must be a boolean",
            ))
        }
    };
    let answer = with_payment(&state, &msn, &order_id, |p, txids| {
        if !request_id.is_empty() {
            if let Some(replayed) = p.replay("cancel", &request_id, &body) {
                return replayed.map(|v| Json(v).into_response());
            }
        }
        let response = p.cancel(Utc::now(), txids, &m.text, release, &request_id)?;
        p.remember("cancel", &request_id, body.clone(), response.clone());
        Ok(Json(response).into_response())
    });
    lost(late, answer)
}

/// `POST /ecomm/v2/integration-test/payments/{orderId}/approve`: approves a regular
/// payment as the test user, given the `token` from the payment URL.
pub async fn force_approve(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let caller = prelude(&state, &headers, Route::ForceApprove, Some(&order_id)).await?;
    let body = parse_json(&body)?;
    let phone = body
        .get("customerPhoneNumber")
        .and_then(Value::as_str)
        .map(str::to_string);
    let token = body
        .get("token")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let (express, expected_token) = with_payment(&state, &caller.msn, &order_id, |p, _| {
        Ok((p.is_express(), p.token.clone()))
    })?;
    if token != expected_token {
        return Err(ApiError::invalid(
            "token",
            "token does not match the payment's URL token",
        ));
    }
    if express {
        return Err(ApiError::invalid(
            "paymentType",
            "Force approve does not support express payments",
        ));
    }
    let choices = Choices {
        mobile: phone,
        ..Choices::default()
    };
    match user_acts::approve(&state, &order_id, choices).await {
        Ok((_, callback)) => {
            crate::delivery::spawn_callback(&state, callback);
            Ok(StatusCode::OK.into_response())
        }
        Err(FlowError::User(e)) => Err(ApiError::user(e.code(), e.message())),
        Err(FlowError::NotActive(_)) => Err(ApiError::vipps(
            "91",
            "Transaction is not allowed: the payment is not waiting for the user",
        )),
        Err(e) => Err(ApiError::vipps("99", e.to_string())),
    }
}

/// `GET /vipps-userinfo-api/userinfo/{sub}`: the claims the user consented to with a
/// `scope` payment (the newest such payment of that subject), as OIDC Userinfo.
pub async fn userinfo(State(state): State<AppState>, Path(sub): Path<String>, headers: HeaderMap) -> Response {
    if let Err(e) = auth::authorize_userinfo(&state, &headers) {
        return e.into_response();
    }
    let problem = |status: StatusCode, title: &str, detail: &str| {
        let body = json!({ "type": "about:blank", "title": title, "status": status.as_u16(), "detail": detail,
                           "instance": format!("/vipps-userinfo-api/userinfo/{sub}") });
        (
            status,
            [(axum::http::header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    };
    let memory = state.memory();
    let newest = memory
        .payments
        .values()
        // Consent is given by approving: a payment that was reserved (later voided too).
        .filter(|p| p.init.scope.is_some() && matches!(p.phase, Phase::Reserved | Phase::Voided))
        .filter(|p| p.user.as_ref().is_some_and(|u| crate::userinfo::sub(u) == sub))
        .max_by_key(|p| p.created_at);
    // Or consent given with an ePayment payment (`profile.scope`).
    let epayment = newest.is_none().then(|| {
        memory
            .epayments
            .payments
            .values()
            .filter(|e| e.create.scope.is_some() && e.sub.as_deref() == Some(sub.as_str()))
            .max_by_key(|e| e.created_at)
    });
    if let Some(Some(e)) = epayment {
        let user = e.mobile.as_deref().and_then(|m| crate::users::lookup(m).ok());
        return match user {
            Some(user) => Json(crate::userinfo::claims(
                &user,
                e.create.scope.as_deref().unwrap_or(""),
                &e.token[..16],
            ))
            .into_response(),
            None => problem(StatusCode::NOT_FOUND, "Not Found", "No consent for this subject"),
        };
    }
    match newest {
        None => problem(StatusCode::NOT_FOUND, "Not Found", "No consent for this subject"),
        Some(p) if p.consent_removed => {
            problem(StatusCode::FORBIDDEN, "Forbidden", "The user has withdrawn the consent")
        }
        Some(p) => {
            let user = p.user.as_ref().expect("filtered on a user");
            let claims = crate::userinfo::claims(user, p.init.scope.as_deref().unwrap_or(""), &p.token[..16]);
            Json(claims).into_response()
        }
    }
}
