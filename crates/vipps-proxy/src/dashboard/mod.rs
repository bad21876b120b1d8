//! The staff dashboard at `/admin/` (on with the staff API): sign in with the staff token,
//! find orders, and capture, cancel or refund with a confirmation step. Server-rendered
//! pages (`views.rs`, Leptos) and plain forms; every change carries the session's form
//! token (CSRF) and an idempotency key made when the form was drawn, so a second click
//! or a resubmitted form changes nothing twice. The operations are the staff API's
//! (`routes::staff::operate`), with the same per-store rules.

pub mod history;
pub mod kroner;
pub mod session;
pub mod texts;
pub mod views;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::app::App;
use crate::extract::PathParam;
use crate::gateway::Operation;
use crate::staff_ops::operate;
use crate::token::{random_secret, secrets_equal};
use session::Session;
use texts::Lang;

pub const CSS: &str = include_str!("admin.css");

/// Orders per page.
const PAGE: i64 = 50;

pub fn router(app: &App) -> Router<App> {
    let sign_in = app
        .limits
        .sign_ins
        .apply(Router::new().route("/admin/sign-in", post(sign_in)));
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/orders") }))
        .route("/admin/", get(|| async { Redirect::to("/admin/orders") }))
        .route("/admin/sign-in", get(sign_in_page))
        .merge(sign_in)
        .route("/admin/sign-out", post(sign_out))
        .route("/admin/orders", get(list))
        .route("/admin/export.csv", get(export))
        .route("/admin/orders/{order_id}", get(show))
        .route("/admin/orders/{order_id}/{op}", post(act))
        .route(
            "/admin/admin.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS) }),
        )
}

fn lang(headers: &HeaderMap) -> Lang {
    Lang::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// A page: HTML, never cached (it shows orders and personal data).
fn page(status: StatusCode, html: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

#[derive(Deserialize)]
struct SignInQuery {
    #[serde(default)]
    expired: Option<String>,
}

async fn sign_in_page(State(app): State<App>, headers: HeaderMap, Query(q): Query<SignInQuery>) -> Response {
    if !session::dashboard_on(&app) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let lang = lang(&headers);
    let problem = q.expired.is_some().then_some(lang.texts().expired);
    page(StatusCode::OK, views::sign_in(lang, problem))
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    token: String,
}

async fn sign_in(State(app): State<App>, headers: HeaderMap, Form(form): Form<SignInForm>) -> Response {
    if !session::dashboard_on(&app) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !session::same_origin(&headers) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let given = form.token.trim();
    let store = if app
        .config
        .admin_token
        .as_deref()
        .is_some_and(|t| secrets_equal(given, t))
    {
        Some(None)
    } else {
        app.stores
            .by_admin_token(given)
            .filter(|_| !given.is_empty())
            .map(|s| Some(s.id.clone()))
    };
    let Some(store) = store else {
        let lang = lang(&headers);
        let wrong = views::sign_in(lang, Some(lang.texts().wrong_token));
        // The same wrong token again and again, from however many addresses: slowed.
        return match app.limits.token_tries.check(&app.key.staff_token_fingerprint(given)) {
            Ok(()) => page(StatusCode::UNAUTHORIZED, wrong),
            Err(wait) => {
                let mut answer = page(StatusCode::TOO_MANY_REQUESTS, wrong);
                answer
                    .headers_mut()
                    .insert(header::RETRY_AFTER, axum::http::HeaderValue::from(wait));
                answer
            }
        };
    };
    match Session::start(&app, store.as_deref(), given).await {
        Ok(cookie) => ([(header::SET_COOKIE, cookie)], Redirect::to("/admin/orders")).into_response(),
        Err(e) => crate::error::ProxyError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    State(app): State<App>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !session.form_ok(&form.csrf) || !session::same_origin(&headers) {
        return StatusCode::FORBIDDEN.into_response();
    }
    session.end(&app).await;
    (
        [(header::SET_COOKIE, session::clear_cookie(&app))],
        Redirect::to("/admin/sign-in"),
    )
        .into_response()
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

async fn list(State(app): State<App>, session: Session, headers: HeaderMap, Query(q): Query<ListQuery>) -> Response {
    let status = q.status.as_deref().and_then(crate::staff_status::StaffFilter::parse);
    let search = q.q.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let page_no = q.page.unwrap_or(0).clamp(0, 10_000);
    let mut orders = match app
        .db
        .staff_orders(
            status,
            session.store.as_deref(),
            search.as_deref(),
            PAGE + 1,
            page_no * PAGE,
        )
        .await
    {
        Ok(o) => o,
        Err(e) => return crate::error::ProxyError::from(e).into_response(),
    };
    let more = orders.len() as i64 > PAGE;
    orders.truncate(PAGE as usize);
    let show_store = session.store.is_none() && !app.stores.names().is_empty();
    let view = views::ListPage {
        orders: &orders,
        status,
        search: search.as_deref(),
        page: page_no,
        more,
        show_store,
    };
    page(StatusCode::OK, views::list(lang(&headers), &session.csrf, view))
}

/// The export button's download: the staff API's export, for a signed-in session.
async fn export(State(app): State<App>, session: Session, Query(q): Query<crate::export::ExportQuery>) -> Response {
    crate::export::csv(&app, session.store.as_deref(), &q).unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
struct ShowQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn order_page(
    app: &App,
    session: &Session,
    lang: Lang,
    order_id: &str,
    done: Option<&str>,
    problem: Option<String>,
    status: StatusCode,
) -> Response {
    let order = match app.db.order(order_id).await {
        Ok(Some(o)) if session.staff().sees(&o) => o,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return crate::error::ProxyError::from(e).into_response(),
    };
    app.rejected.flush().await;
    let (events, callbacks) = match (app.db.events(order_id).await, app.db.callbacks(order_id).await) {
        (Ok(e), Ok(c)) => (e, c),
        (Err(e), _) | (_, Err(e)) => return crate::error::ProxyError::from(e).into_response(),
    };
    let vipps_events = crate::staff_ops::vipps_events(app, &order).await;
    let t = lang.texts();
    let done = match done {
        Some("capture") => Some(t.done_capture),
        Some("cancel") => Some(t.done_cancel),
        Some("refund") => Some(t.done_refund),
        _ => None,
    };
    let view = views::OrderPage {
        order: &order,
        events: &events,
        callbacks: &callbacks,
        vipps_events: vipps_events.as_deref(),
        done,
        problem,
        keys: [random_secret(), random_secret(), random_secret()],
    };
    page(status, views::order(lang, &session.csrf, view))
}

async fn show(
    State(app): State<App>,
    session: Session,
    headers: HeaderMap,
    PathParam(order_id): PathParam<String>,
    Query(q): Query<ShowQuery>,
) -> Response {
    order_page(
        &app,
        &session,
        lang(&headers),
        &order_id,
        q.done.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    step: String,
    /// Typed on the order page, in kroner.
    #[serde(default)]
    amount: Option<String>,
    /// Carried by the confirmation page, in øre.
    #[serde(default)]
    amount_ore: Option<i64>,
    #[serde(default)]
    release: Option<String>,
}

async fn act(
    State(app): State<App>,
    session: Session,
    headers: HeaderMap,
    PathParam((order_id, op)): PathParam<(String, String)>,
    Form(form): Form<ActForm>,
) -> Response {
    let lang = lang(&headers);
    let t = lang.texts();
    if !session.form_ok(&form.csrf) || !session::same_origin(&headers) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let op = match op.as_str() {
        "capture" => Operation::Capture,
        "cancel" => Operation::Cancel,
        "refund" => Operation::Refund,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if !contract::validate::is_valid_idempotency_key(&form.key) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let release = form.release.is_some();
    if form.step != "do" {
        let amount = match form.amount.as_deref().map(kroner::parse).transpose() {
            Ok(a) => a.flatten(),
            Err(why) => {
                let words = lang.amount_problem(why);
                return page(
                    StatusCode::BAD_REQUEST,
                    views::message(lang, &session.csrf, &order_id, words),
                );
            }
        };
        let order = match app.db.order(&order_id).await {
            Ok(Some(o)) if session.staff().sees(&o) => o,
            _ => return StatusCode::NOT_FOUND.into_response(),
        };
        let actions = views::Actions::of(&order);
        let (question, everything) = match (op, release) {
            (Operation::Capture, _) => (t.confirm_capture, Some(actions.remaining)),
            (Operation::Refund, _) => (t.confirm_refund, Some(actions.refundable)),
            (Operation::Cancel, true) => (t.confirm_release, None),
            (Operation::Cancel, false) => (t.confirm_cancel, Some(order.total_amount)),
        };
        let confirm = views::Confirm {
            order_id: &order_id,
            op: op.name(),
            question,
            amount,
            shown: amount.or(everything),
            currency: &order.currency,
            key: &form.key,
            release,
        };
        return page(StatusCode::OK, views::confirm(lang, &session.csrf, confirm));
    }
    let body = serde_json::json!({ "amount": form.amount_ore, "releaseRemaining": release });
    let body = axum::body::Bytes::from(body.to_string());
    match operate(
        session.staff(),
        app.clone(),
        form.key.clone(),
        order_id.clone(),
        body,
        op,
    )
    .await
    {
        Ok(_) => Redirect::to(&format!("/admin/orders/{order_id}?done={}", op.name())).into_response(),
        Err(e) if e.status == StatusCode::NOT_FOUND => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            order_page(
                &app,
                &session,
                lang,
                &order_id,
                None,
                Some(e.message),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}
