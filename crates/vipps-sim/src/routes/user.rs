//! The user's side: the landing page behind the payment URL, and the simulated app.

#![allow(clippy::result_large_err)] // handlers return a ready `Response` as their error

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::choices::{Choices, FlowError};
use crate::ecom::ledger::Phase;
use crate::epayment::{self, payment::State as EpState};
use crate::in_app::Found;
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

/// The payment a token leads to, or the page saying there is none.
fn find(state: &AppState, token: &str) -> Result<Found, Response> {
    Found::find(state, token).ok_or_else(|| {
        let page = pages::message(
            "Payment not found",
            "This payment link is not valid, or it has expired.",
            None,
        );
        (StatusCode::NOT_FOUND, page).into_response()
    })
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
    if form.action == "cancel" {
        return match found.cancel_on_landing(&state) {
            Ok(()) => back_to_shop(&found),
            Err(_) => no_longer_active(&found),
        };
    }
    let problem = match users::normalize_mobile(&form.mobile_number) {
        None => Some("Enter a Norwegian mobile number: 8 digits."),
        Some(number) => match users::lookup(&number) {
            Err(UserError::NotAVippsUser) => Some("This number is not registered with Vipps."),
            Err(UserError::AppTooOld) => Some("The Vipps app on this phone must be updated before it can pay."),
            Ok(_) => {
                found.set_mobile(&state, &form.token, number);
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
    let Some(user) = found.user(&state) else {
        return Redirect::to(&landing::url(&q.token)).into_response();
    };
    found.reached_app(&state, &q.token);
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
    let options = match found.shipping_options(&state, &address).await {
        Ok(options) => Ok(options),
        Err(FlowError::Shipping(e)) => Err(e.to_string()),
        Err(FlowError::NotActive(phase)) => return no_longer_active(&found.with_phase(phase)),
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
    match found.approve(&state, choices).await {
        Ok(()) => back_to_shop(&found),
        Err(FlowError::NotActive(phase)) => no_longer_active(&found.with_phase(phase)),
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
    match found.reject(&state) {
        Ok(()) => back_to_shop(&found),
        Err(FlowError::NotActive(phase)) => no_longer_active(&found.with_phase(phase)),
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
    let memory = state.memory();
    let waiting: Vec<_> = memory
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
        memory
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
    let mut paid: Vec<(chrono::DateTime<chrono::Utc>, &str, &str)> = memory
        .payments
        .iter()
        .filter(|(_, p)| p.mobile.as_deref() == Some(mobile.as_str()))
        .map(|(id, p)| (p.created_at, p.msn.as_str(), id.as_str()))
        .collect();
    paid.extend(
        memory
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
            let e = memory.order_management.of_payment(msn, id)?;
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
