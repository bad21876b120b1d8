//! The user's side: the landing page behind the payment URL, and the simulated app.

#![allow(clippy::result_large_err)] // handlers return a ready `Response` as their error

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::delivery;
use crate::ecom::flows::{self, Choices, FlowError};
use crate::ecom::ledger::{Callback, Phase};
use crate::epayment::{self, book::Entry, flows::UserAct, payment::State as EpState};
use crate::pages::{self, app, landing};
use crate::state::AppState;
use crate::users::{self, UserError};

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
    #[serde(rename = "addressId")]
    address_id: Option<i64>,
    #[serde(rename = "shippingMethodId")]
    shipping_method_id: Option<String>,
}

/// Which API a payment was started through: the landing page and the app are the same
/// for both, what they change is not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    Ecom,
    Epayment,
}

/// What a token leads to.
struct Found {
    api: Api,
    /// eCom's `orderId`, ePayment's `reference`.
    order_id: String,
    phase: Phase,
    mobile: Option<String>,
    fall_back: String,
    is_app: bool,
    text: String,
    amount: i64,
    currency: String,
    express: bool,
    scope: Option<String>,
    /// Pushed with `skipLandingPage`: no browser waits, so nothing opens `fallBack`.
    pushed: bool,
    /// The name of the sales unit that asks.
    merchant: String,
}

fn find(state: &AppState, token: &str) -> Result<Found, Response> {
    let mut store = state.store();
    if let Some(entry) = store.epayments.by_token(token) {
        return Ok(found_epayment(state, entry));
    }
    let p = store.payment_by_token(token).ok_or_else(|| {
        let page = pages::message(
            "Payment not found",
            "This payment link is not valid, or it has expired.",
            None,
        );
        (StatusCode::NOT_FOUND, page).into_response()
    })?;
    Ok(Found {
        api: Api::Ecom,
        order_id: p.order_id().to_string(),
        phase: p.phase,
        mobile: p.mobile.clone(),
        fall_back: p.init.fall_back.clone(),
        is_app: p.init.is_app,
        text: p.init.transaction_text.clone(),
        amount: p.init.amount,
        currency: "NOK".to_string(),
        express: p.is_express(),
        scope: p.init.scope.clone(),
        pushed: p.init.skip_landing_page,
        merchant: state.config.merchant_name_of(&p.msn),
    })
}

/// An ePayment payment as the pages see it (its state in eCom's words).
fn found_epayment(state: &AppState, entry: &Entry) -> Found {
    let phase = entry.phase();
    let user_flow = entry.create.user_flow;
    Found {
        api: Api::Epayment,
        order_id: entry.payment.reference.clone(),
        phase,
        mobile: entry.national_mobile(),
        fall_back: entry.create.return_url.clone().unwrap_or_default(),
        is_app: user_flow == epayment::validate::UserFlow::NativeRedirect,
        text: entry.create.description.clone().unwrap_or_default(),
        amount: entry.payment.value,
        currency: entry.payment.currency.clone(),
        express: entry.is_express(),
        scope: entry.create.scope.clone(),
        pushed: matches!(
            user_flow,
            epayment::validate::UserFlow::PushMessage | epayment::validate::UserFlow::Qr
        ),
        merchant: state.config.merchant_name_of(&entry.msn),
    }
}

/// The user's act on an ePayment payment, its webhooks sent, the browser sent back.
fn epayment_act(state: &AppState, found: &Found, act: UserAct) -> Response {
    match epayment::flows::act(state, &found.order_id, act) {
        Some(Ok(deliveries)) => {
            epayment::webhooks::spawn(state, deliveries);
            back_to_shop(found)
        }
        _ => no_longer_active(found),
    }
}

fn no_longer_active(found: &Found) -> Response {
    let text = match found.phase {
        Phase::Expired => "This payment has expired: nobody approved it in time.",
        Phase::Cancelled => "This payment was cancelled.",
        Phase::Failed => "This payment failed.",
        _ => "This payment has already been handled.",
    };
    (
        StatusCode::CONFLICT,
        pages::message("Payment no longer active", text, Some(&found.fall_back)),
    )
        .into_response()
}

/// Sends the callback and sends the browser back to the shop, as the app does.
fn callback_and_back(state: &AppState, found: &Found, callback: Callback) -> Response {
    delivery::spawn_callback(state, callback);
    back_to_shop(found)
}

/// Sends the browser back to the shop, as the app does.
fn back_to_shop(found: &Found) -> Response {
    if found.pushed {
        // skipLandingPage: Vipps never redirects; the result shows in the app only.
        return pages::message(
            "Done",
            "The payment request was answered. The till shows the result.",
            None,
        )
        .into_response();
    }
    if found.is_app {
        // App fallbacks (custom schemes, INTENT) belong to the merchant's app.
        return pages::message("Done", "Return to the app to see the result.", Some(&found.fall_back)).into_response();
    }
    Redirect::to(&found.fall_back).into_response()
}

pub async fn landing_page(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    let found = match find(&state, &q.token) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if found.phase != Phase::Initiated {
        return no_longer_active(&found);
    }
    let view = landing::Landing {
        token: &q.token,
        merchant: &found.merchant,
        text: &found.text,
        amount: found.amount,
        currency: &found.currency,
        mobile: found.mobile.as_deref(),
        error: None,
    };
    landing::page(&view).into_response()
}

#[derive(Deserialize)]
pub struct LandingForm {
    #[serde(default)]
    token: String,
    #[serde(rename = "mobileNumber", default)]
    mobile_number: String,
    #[serde(default)]
    action: String,
}

pub async fn landing_submit(State(state): State<AppState>, Form(form): Form<LandingForm>) -> Response {
    let found = match find(&state, &form.token) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if found.phase != Phase::Initiated {
        return no_longer_active(&found);
    }
    if form.action == "cancel" && found.api == Api::Epayment {
        return epayment_act(&state, &found, UserAct::Reject);
    }
    if form.action == "cancel" {
        return match flows::cancel_on_landing(&state, &found.order_id) {
            Ok((_, callback)) => callback_and_back(&state, &found, callback),
            Err(_) => no_longer_active(&found),
        };
    }
    let problem = match users::normalize_mobile(&form.mobile_number) {
        None => Some("Enter a Norwegian mobile number: 8 digits."),
        Some(number) => match users::lookup(&number) {
            Err(UserError::NotAVippsUser) => Some("This number is not registered with Vipps."),
            Err(UserError::AppTooOld) => Some("The Vipps app on this phone must be updated before it can pay."),
            Ok(_) => {
                let mut store = state.store();
                if let Some(p) = store.payments.get_mut(&found.order_id) {
                    p.mobile = Some(number);
                    p.reached_app = true;
                } else if let Some(e) = store.epayments.by_token(&form.token) {
                    e.mobile = Some(number);
                }
                None
            }
        },
    };
    match problem {
        None => Redirect::to(&format!("/app?token={}", form.token)).into_response(),
        Some(error) => {
            let view = landing::Landing {
                token: &form.token,
                merchant: &found.merchant,
                text: &found.text,
                amount: found.amount,
                currency: &found.currency,
                mobile: Some(&form.mobile_number),
                error: Some(error),
            };
            (StatusCode::UNPROCESSABLE_ENTITY, landing::page(&view)).into_response()
        }
    }
}

pub async fn app_page(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    let found = match find(&state, &q.token) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if found.phase != Phase::Initiated {
        return no_longer_active(&found);
    }
    if found.mobile.is_none() {
        return Redirect::to(&landing::url(&q.token)).into_response();
    }
    let user = match found.api {
        Api::Ecom => flows::user_for(&state, &found.order_id, None).ok(),
        Api::Epayment => found.mobile.as_deref().and_then(|m| users::lookup(m).ok()),
    };
    let Some(user) = user else {
        return Redirect::to(&landing::url(&q.token)).into_response();
    };
    match found.api {
        Api::Ecom => flows::reached_app(&state, &found.order_id),
        Api::Epayment => {
            if let Some(e) = state.store().epayments.by_token(&q.token) {
                e.user_acting = true;
            }
        }
    }
    let mut screen = app::AppScreen {
        token: &q.token,
        merchant: &found.merchant,
        text: &found.text,
        amount: found.amount,
        currency: &found.currency,
        user: &user,
        express: None,
        fall_back: &found.fall_back,
        scope: found.scope.as_deref(),
    };
    if !found.express {
        return app::page(&screen).into_response();
    }
    let address = crate::choices::address_for(&user, q.address_id).unwrap_or_else(|_| user.addresses[0].clone());
    let options = match found.api {
        Api::Ecom => flows::shipping_options(&state, &found.order_id, &address).await,
        Api::Epayment => epayment::flows::shipping_options(&state, &found.order_id, &address).await,
    };
    let options = match options {
        Ok(options) => Ok(options),
        Err(FlowError::Shipping(e)) => Err(e.to_string()),
        Err(FlowError::NotActive(phase)) => return no_longer_active(&Found { phase, ..found }),
        Err(other) => Err(other.to_string()),
    };
    screen.express = Some(app::Express {
        address: &address,
        options: options.as_deref().map_err(Clone::clone),
        selected_method: q.shipping_method_id.as_deref(),
    });
    app::page(&screen).into_response()
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    token: String,
    #[serde(rename = "addressId")]
    address_id: Option<i64>,
    #[serde(rename = "shippingMethodId")]
    shipping_method_id: Option<String>,
}

pub async fn app_approve(State(state): State<AppState>, Form(form): Form<DecisionForm>) -> Response {
    let found = match find(&state, &form.token) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if found.mobile.is_none() && found.phase == Phase::Initiated {
        return Redirect::to(&landing::url(&form.token)).into_response();
    }
    let choices = Choices {
        mobile: None,
        address_id: form.address_id,
        shipping_method_id: form.shipping_method_id,
        ..Choices::default()
    };
    let approved = match found.api {
        Api::Ecom => flows::approve(&state, &found.order_id, choices)
            .await
            .map(|(_, callback)| delivery::spawn_callback(&state, callback)),
        Api::Epayment => epayment::flows::approve(&state, &found.order_id, choices)
            .await
            .map(|deliveries| epayment::webhooks::spawn(&state, deliveries)),
    };
    match approved {
        Ok(()) => back_to_shop(&found),
        Err(FlowError::NotActive(phase)) => no_longer_active(&Found { phase, ..found }),
        Err(FlowError::Shipping(e)) => {
            let text = format!("No shipping methods found: {e}.");
            (
                StatusCode::BAD_GATEWAY,
                pages::message("Payment failed", &text, Some(&found.fall_back)),
            )
                .into_response()
        }
        Err(other) => (
            StatusCode::BAD_REQUEST,
            pages::message("Payment not approved", &other.to_string(), None),
        )
            .into_response(),
    }
}

pub async fn app_reject(State(state): State<AppState>, Form(form): Form<DecisionForm>) -> Response {
    let found = match find(&state, &form.token) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if found.api == Api::Epayment {
        return epayment_act(&state, &found, UserAct::Reject);
    }
    match flows::reject(&state, &found.order_id) {
        Ok((_, callback)) => callback_and_back(&state, &found, callback),
        Err(FlowError::NotActive(phase)) => no_longer_active(&Found { phase, ..found }),
        Err(other) => (
            StatusCode::BAD_REQUEST,
            pages::message("Error", &other.to_string(), None),
        )
            .into_response(),
    }
}

/// A payment request waiting in a phone's app.
struct InApp<'a> {
    created_at: chrono::DateTime<chrono::Utc>,
    token: &'a str,
    msn: &'a str,
    text: &'a str,
    amount: i64,
    currency: &'a str,
    express: bool,
}

/// `GET /_sim/phone/{number}`: the payment requests waiting in that number's app.
pub async fn phone_page(State(state): State<AppState>, Path(number): Path<String>) -> Response {
    let Some(mobile) = users::normalize_mobile(&number) else {
        let page = pages::message("No such phone", "Enter a Norwegian mobile number: 8 digits.", None);
        return (StatusCode::NOT_FOUND, page).into_response();
    };
    let owner = match users::lookup(&mobile) {
        Ok(user) => user.full_name(),
        Err(_) => "Not a Vipps user".to_string(),
    };
    let store = state.store();
    let waiting: Vec<_> = store
        .payments
        .values()
        .filter(|p| p.phase == Phase::Initiated && p.reached_app && p.mobile.as_deref() == Some(mobile.as_str()))
        .collect();
    // Both APIs' payments waiting in the app, oldest first.
    let mut rows: Vec<InApp> = waiting
        .iter()
        .map(|p| InApp {
            created_at: p.created_at,
            token: &p.token,
            msn: &p.msn,
            text: &p.init.transaction_text,
            amount: p.init.amount,
            currency: "NOK",
            express: p.is_express(),
        })
        .collect();
    rows.extend(
        store
            .epayments
            .payments
            .values()
            .filter(|e| e.payment.state == EpState::Created)
            .filter(|e| e.create.user_flow == epayment::validate::UserFlow::PushMessage || e.mobile.is_some())
            .filter(|e| e.national_mobile().as_deref() == Some(mobile.as_str()))
            .map(|e| InApp {
                created_at: e.created_at,
                token: &e.token,
                msn: &e.msn,
                text: e.create.description.as_deref().unwrap_or_default(),
                amount: e.payment.value,
                currency: &e.payment.currency,
                express: false,
            }),
    );
    rows.sort_by_key(|r| r.created_at);
    let names: Vec<String> = rows.iter().map(|r| state.config.merchant_name_of(r.msn)).collect();
    let rows: Vec<pages::phone::Waiting> = rows
        .iter()
        .zip(&names)
        .map(|(r, merchant)| pages::phone::Waiting {
            token: r.token,
            merchant,
            text: r.text,
            amount: r.amount,
            currency: r.currency,
            express: r.express,
        })
        .collect();
    // The payments of this number a shop added a receipt or a link to, newest first.
    let mut paid: Vec<(chrono::DateTime<chrono::Utc>, &str, &str)> = store
        .payments
        .iter()
        .filter(|(_, p)| p.mobile.as_deref() == Some(mobile.as_str()))
        .map(|(id, p)| (p.created_at, p.msn.as_str(), id.as_str()))
        .collect();
    paid.extend(
        store
            .epayments
            .payments
            .values()
            .filter(|e| e.national_mobile().as_deref() == Some(mobile.as_str()))
            .map(|e| (e.created_at, e.msn.as_str(), e.create.reference.as_str())),
    );
    paid.sort_by_key(|(at, _, _)| std::cmp::Reverse(*at));
    let enriched: Vec<(String, &str, &crate::order_management::Enrichment)> = paid
        .iter()
        .filter_map(|(_, msn, id)| {
            let e = store.order_management.of_payment(msn, id)?;
            Some((state.config.merchant_name_of(msn), *id, e))
        })
        .collect();
    let enriched: Vec<pages::phone::Enriched> = enriched
        .iter()
        .map(|(merchant, id, e)| pages::phone::Enriched {
            merchant,
            order_id: id,
            receipt: e.receipt.as_ref(),
            category: e.category.as_ref(),
        })
        .collect();
    pages::phone::page(&mobile, &owner, &rows, &enriched).into_response()
}
