//! The ePayment API v1 over HTTP (`docs/vipps-epayment-v1.md`): the same access tokens
//! and gateway checks as eCom; problems as `application/problem+json`;
//! `Idempotency-Key` on create and every adjustment. The Webhooks API, which speaks the
//! same way, is `webhooks_api.rs`.

#![allow(clippy::result_large_err)] // handlers return a ready `Response` as their error

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde_json::{json, Value};

use crate::auth;
use crate::ecom::validate::UrlRules;
use crate::epayment::book::{key, Entry};
use crate::epayment::deliveries;
use crate::epayment::from_ecom;
use crate::epayment::payment::{Payment, Problem};
use crate::epayment::validate::{self, UserFlow};
use crate::error::context_id;
use crate::faults::Route;
use crate::state::{random_token, AppState};

pub(super) fn problem(p: Problem) -> Response {
    problem_response(p.status, p.title, &p.detail)
}

pub(super) fn problem_response(status: u16, title: &str, detail: &str) -> Response {
    problem_with(status, title, detail, json!({}))
}

/// A problem object with `extra` fields beside the standard ones.
pub(super) fn problem_with(status: u16, title: &str, detail: &str, extra: Value) -> Response {
    let mut body = json!({
        "type": crate::epayment::problems::type_of(title),
        "title": title,
        "detail": detail,
        "status": status,
        "traceId": context_id(),
    });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

fn missing(field: &str) -> Response {
    problem(Problem {
        status: 400,
        title: "Missing required parameter",
        detail: format!("The parameter {field} is required."),
    })
}

fn not_found(reference: &str, msn: &str) -> Response {
    problem(Problem {
        status: 404,
        title: "Reference not found",
        detail: format!("The reference {reference} does not exist for MSN {msn}"),
    })
}

/// The calling sales unit's MSN, or the gateway's refusal. `Merchant-Serial-Number` is
/// required on every ePayment call (the spec v1.4.1 marks it so on all seven paths) and
/// on the Webhooks API for a merchant (`vippsas/webhooks-api` `docs/swagger.yaml` at
/// d1c57d2288df7a1fbf4c7ab8084158eb1a06bfe8); eCom only recommends it.
pub(super) fn caller(state: &AppState, headers: &HeaderMap) -> Result<String, Response> {
    let msn = auth::authorize(state, headers).map_err(IntoResponse::into_response)?;
    match headers.get("Merchant-Serial-Number").and_then(|v| v.to_str().ok()) {
        Some(_) => Ok(msn),
        None => Err(missing("Merchant-Serial-Number")),
    }
}

/// What every ePayment call passes first, as eCom calls do (`routes/api.rs`): an
/// injected fault for its route (eCom's route names: `initiate` is create, `details` is
/// get and the event log), the gateway's check of the caller, and the rate limit per
/// reference (not for create). A fault's error is a problem (its `errorCode` as the title), or the
/// gateway's answer for 401, 403 and 429. Answers the caller's MSN and, for a fault
/// with `after`, the error to answer once the change is made.
async fn gate(
    state: &AppState,
    headers: &HeaderMap,
    route: Route,
    reference: Option<&str>,
) -> Result<(String, Option<Response>), Response> {
    let mut late = None;
    let fault = state.faults().take(route, reference);
    if let Some(fault) = fault {
        if let Some(latency) = fault.latency() {
            tokio::time::sleep(latency).await;
        }
        let failing = fault.status.filter(|s| !(200..300).contains(s));
        if let Some(status) = failing {
            let answer = match (status, &fault.error_code) {
                (401 | 403 | 429, None) => fault.error().map(IntoResponse::into_response),
                (_, code) => Some(problem_response(
                    status,
                    code.as_deref().unwrap_or("Internal error"),
                    fault.error_message.as_deref().unwrap_or("Injected fault (vipps-sim)"),
                )),
            };
            match answer {
                Some(a) if fault.after => late = Some(a),
                Some(a) => return Err(a),
                None => {}
            }
        }
    }
    let msn = caller(state, headers)?;
    // Per reference and sales unit, as `docs/operations/README.md` (at
    // 31a14f71470a00c1bb686b279a2ec6a7efbb88ac) documents: create, capture, cancel and
    // refund 5 a minute, get and the event log 120.
    if let (Some(reference), false) = (reference, state.config.no_rate_limits) {
        let max = match route {
            Route::Initiate | Route::Capture | Route::Cancel | Route::Refund => Some(5),
            Route::Details => Some(120),
            _ => None,
        };
        if let Some(max) = max {
            state
                .limiter()
                .check_max(route, &format!("{msn}:{reference}"), max, std::time::Instant::now())
                .map_err(|wait| crate::error::ApiError::rate_limited(wait).into_response())?;
        }
    }
    Ok((msn, late))
}

/// `answer`, unless a fault with `after` loses it: then the fault's error.
fn lost(late: Option<Response>, answer: Response) -> Result<Response, Response> {
    match late {
        Some(error) => Err(error),
        None => Ok(answer),
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, Response> {
    match headers.get("Idempotency-Key").and_then(|v| v.to_str().ok()) {
        None | Some("") => Err(missing("Idempotency-Key")),
        Some(k) if k.chars().count() > 50 => Err(problem(Problem {
            status: 400,
            title: "Invalid parameter",
            detail: "Idempotency-Key must be at most 50 characters.".into(),
        })),
        Some(k) => Ok(k.to_string()),
    }
}

pub(super) fn json_body(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|_| {
        problem(Problem {
            status: 400,
            title: "Invalid request",
            detail: "The body is not valid JSON.".into(),
        })
    })
}

/// `POST /epayment/v1/payments`.
pub async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, Response> {
    let reference = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|b| match b.get("reference") {
            Some(Value::String(r)) => Some(r.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        });
    let (msn, late) = gate(&state, &headers, Route::Initiate, reference.as_deref()).await?;
    let idem = idempotency_key(&headers)?;
    let body = json_body(&body)?;
    if let Some((asked, answer)) = state.memory().epayments.create_keys.get(&key(&msn, &idem)) {
        return if *asked == body {
            lost(late, (StatusCode::CREATED, Json(answer.clone())).into_response())
        } else {
            Err(problem(Problem {
                status: 409,
                title: "Idempotency error",
                detail: format!("Idempotency-Key {idem} already exists."),
            }))
        };
    }
    let rules = validate::Rules {
        urls: UrlRules {
            strict: state.config.strict_urls,
        },
        production: state.config.production,
        long_living: state.config.long_living_payments,
        now: Utc::now(),
    };
    let create = validate::create(&body, &rules).map_err(problem)?;
    if create.user_flow == UserFlow::PushMessage && !state.config.skip_landing_page {
        return Err(problem(Problem {
            status: 403,
            title: "Skip landing page not allowed",
            detail: format!("The sales unit with MSN {msn} is not allowed to skip the landing page."),
        }));
    }
    let now = Utc::now();
    let (answer, deliveries) = {
        let mut memory = state.memory();
        let book = &mut memory.epayments;
        let at = key(&msn, &create.reference);
        if book.payments.contains_key(&at) {
            return Err(problem(Problem {
                status: 409,
                title: "Idempotency error",
                detail: format!("Reference {} already exists.", create.reference),
            }));
        }
        let payment = Payment::new(
            &create.reference,
            &context_id(),
            &create.currency,
            create.value,
            now,
            &idem,
        );
        let entry = Entry {
            msn: msn.clone(),
            payment,
            create: create.clone(),
            token: random_token(40),
            created_at: now,
            user_acting: false,
            sub: None,
            mobile: None,
            offers: Default::default(),
            chosen: None,
            deliveries: Vec::new(),
        };
        let mut answer = json!({"reference": create.reference});
        if let Some(url) = entry.redirect_url(&state.public_url) {
            answer["redirectUrl"] = json!(url);
        }
        let deliveries = book.deliveries_of_last_event(&entry);
        book.payments.insert(at, entry);
        book.create_keys
            .insert(key(&msn, &idem), (body.clone(), answer.clone()));
        // An inline receipt is the payment's receipt in the Order Management API
        // (ePayment's changelog, v1.2.3: "Receipts are generated in the Order Management
        // API"); one sent there first stays, as a receipt cannot be replaced.
        if let Some(receipt) = body.get("receipt").filter(|r| !r.is_null()) {
            let _ = memory.order_management.add_receipt(
                &msn,
                crate::order_management::PaymentType::Ecom,
                &create.reference,
                receipt.clone(),
                context_id(),
            );
        }
        (answer, deliveries)
    };
    deliveries::spawn(&state, deliveries);
    // Made, and with a fault's `after` the answer lost on the way.
    lost(late, (StatusCode::CREATED, Json(answer)).into_response())
}

/// The caller's payment `reference` seen through `read`, or, for a payment the caller
/// created through eCom, through `read_ecom` (`epayment::from_ecom`); else 404.
async fn read_entry(
    state: &AppState,
    headers: &HeaderMap,
    reference: &str,
    read: impl FnOnce(&Entry) -> Value,
    read_ecom: impl FnOnce(&crate::ecom::ledger::Payment) -> Value,
) -> Result<Response, Response> {
    let (msn, _) = gate(state, headers, Route::Details, Some(reference)).await?;
    let memory = state.memory();
    if let Some(entry) = memory.epayments.payments.get(&key(&msn, reference)) {
        return Ok(Json(read(entry)).into_response());
    }
    match memory.payments.get(reference).filter(|p| p.msn == msn) {
        Some(p) => Ok(Json(read_ecom(p)).into_response()),
        None => Err(not_found(reference, &msn)),
    }
}

/// `GET /epayment/v1/payments/{reference}`.
pub async fn get_payment(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    read_entry(
        &state,
        &headers,
        &reference,
        |e| e.view(&state.public_url),
        from_ecom::view,
    )
    .await
}

/// `GET /epayment/v1/payments/{reference}/events`.
pub async fn events(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    read_entry(
        &state,
        &headers,
        &reference,
        |e| e.payment.event_log(),
        from_ecom::event_log,
    )
    .await
}

/// `POST /epayment/v1/payments/{reference}/{capture|refund|cancel}`.
pub async fn adjust(
    State(state): State<AppState>,
    Path((reference, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    let route = match action.as_str() {
        "capture" => Route::Capture,
        "refund" => Route::Refund,
        "cancel" => Route::Cancel,
        _ => return Err(crate::error::ApiError::unknown_path().into_response()),
    };
    let (msn, late) = gate(&state, &headers, route, Some(&reference)).await?;
    let idem = idempotency_key(&headers)?;
    let transaction_only = if action == "cancel" && !body.iter().all(u8::is_ascii_whitespace) {
        match json_body(&body)?.get("cancelTransactionOnly") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(problem(Problem {
                    status: 400,
                    title: "Invalid parameter",
                    detail: "cancelTransactionOnly must be true or false.".into(),
                }))
            }
        }
    } else {
        false
    };
    let amount = if action == "cancel" {
        None
    } else {
        let body = json_body(&body)?;
        let m = body
            .get("modificationAmount")
            .ok_or_else(|| missing("modificationAmount"))?;
        let currency = m
            .get("currency")
            .and_then(Value::as_str)
            .ok_or_else(|| missing("modificationAmount.currency"))?;
        let value = m
            .get("value")
            .and_then(Value::as_i64)
            .ok_or_else(|| missing("modificationAmount.value"))?;
        Some((currency.to_string(), value))
    };
    let now = Utc::now();
    let (answer, deliveries) = {
        let mut memory = state.memory();
        let memory = &mut *memory;
        if !memory.epayments.payments.contains_key(&key(&msn, &reference)) {
            // A payment created through eCom, adjusted through ePayment.
            let payment = memory
                .payments
                .get_mut(&reference)
                .filter(|p| p.msn == msn)
                .ok_or_else(|| not_found(&reference, &msn))?;
            let asked = match (action.as_str(), &amount) {
                ("capture", Some((_, v))) => from_ecom::Adjust::Capture(*v),
                ("refund", Some((_, v))) => from_ecom::Adjust::Refund(*v),
                _ => from_ecom::Adjust::Cancel { transaction_only },
            };
            if let Some((currency, _)) = &amount {
                if currency != "NOK" {
                    return Err(problem(Problem {
                        status: 400,
                        title: "Amount invalid",
                        detail: format!("The payment is in NOK, not {currency}."),
                    }));
                }
            }
            let answer = from_ecom::adjust(payment, &mut memory.txids, asked, &idem, now).map_err(problem)?;
            return lost(late, Json(answer).into_response());
        }
        let book = &mut memory.epayments;
        let entry = book
            .payments
            .get_mut(&key(&msn, &reference))
            .ok_or_else(|| not_found(&reference, &msn))?;
        let before = entry.payment.events.len();
        let p = &mut entry.payment;
        let done = match (action.as_str(), &amount) {
            ("capture", Some((c, v))) => p.capture(c, *v, &idem, now),
            ("refund", Some((c, v))) => p.refund(c, *v, &idem, now),
            ("cancel", None) => p.cancel(&idem, transaction_only, entry.user_acting, now),
            _ => return Err(StatusCode::NOT_FOUND.into_response()),
        };
        done.map_err(problem)?;
        let entry = entry.clone();
        let new_event = entry.payment.events.len() > before;
        let deliveries = if new_event {
            book.deliveries_of_last_event(&entry)
        } else {
            Vec::new()
        };
        (entry.payment.modification(), deliveries)
    };
    deliveries::spawn(&state, deliveries);
    // Made, and with a fault's `after` the answer lost on the way.
    lost(late, Json(answer).into_response())
}

/// `POST /epayment/v1/test/payments/{reference}/approve` `{customer?, token?}`: the test
/// environment's force approve (the payment's own sales unit only). `customer` names
/// the approving user as the create's `customer` does; `token` is the one in the
/// payment's `redirectUrl` and must match it (the spec's `ForceApprove`, v1.4.1).
/// Express payments cannot be force approved.
pub async fn force_approve(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    let (msn, _) = gate(&state, &headers, Route::ForceApprove, Some(&reference)).await?;
    let refused = |detail: String| {
        problem(Problem {
            status: 400,
            title: "Approve failed",
            detail: format!("Force approve payment failed. Reason: {detail}"),
        })
    };
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        json_body(&body)?
    };
    let (token, express) = {
        let memory = state.memory();
        let entry = memory
            .epayments
            .payments
            .get(&key(&msn, &reference))
            .ok_or_else(|| not_found(&reference, &msn))?;
        (entry.token.clone(), entry.is_express())
    };
    if express {
        return Err(refused("express payments cannot be force approved".into()));
    }
    match body.get("token") {
        None | Some(Value::Null) => {}
        Some(Value::String(t)) if *t == token => {}
        Some(_) => return Err(refused("the token is not the one in the payment's redirectUrl".into())),
    }
    let mobile = match body.get("customer").filter(|c| !c.is_null()) {
        None => None,
        Some(c) => {
            let number = c
                .get("phoneNumber")
                .and_then(|p| {
                    p.as_str()
                        .map(str::to_string)
                        .or_else(|| p.as_u64().map(|n| n.to_string()))
                })
                .ok_or_else(|| refused("customer needs a phoneNumber here".into()))?;
            Some(
                number
                    .strip_prefix("47")
                    .filter(|n| n.len() == 8)
                    .map(str::to_string)
                    .ok_or_else(|| refused(format!("{number} is not a Norwegian MSISDN of a test user")))?,
            )
        }
    };
    let choices = crate::ecom::user_acts::Choices {
        mobile,
        ..Default::default()
    };
    match crate::epayment::user_acts::approve(&state, &reference, choices).await {
        Ok(deliveries) => {
            deliveries::spawn(&state, deliveries);
            Ok(StatusCode::OK.into_response())
        }
        Err(e) => Err(refused(e.to_string())),
    }
}

/// `GET /_sim/qr/{token}`: a `QR` payment's code, as its `qrFormat` asked (SVG or PNG),
/// encoding the landing page: scanning it opens the same landing page and app.
pub async fn qr_image(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let found = state.memory().epayments.by_token(&token).map(|e| e.create.qr_format);
    let Some(format) = found else {
        return (StatusCode::NOT_FOUND, "no such QR code").into_response();
    };
    let landing = format!("{}{}", state.public_url, crate::pages::landing::url(&token));
    match format {
        crate::qr::QrFormat::Png { size } => (
            [(axum::http::header::CONTENT_TYPE, "image/png")],
            crate::qr::png(&landing, size),
        )
            .into_response(),
        _ => (
            [(axum::http::header::CONTENT_TYPE, "image/svg+xml")],
            crate::qr::svg(&landing),
        )
            .into_response(),
    }
}
