//! The HTTP surface: the eCom API, the user's pages and the control API.

pub mod api;
pub mod control;
pub mod epayment;
pub mod order_management;
pub mod record_calls;
pub mod user;
pub mod webhooks_api;

use axum::extract::State;
use axum::http::{header, Method, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;

use crate::pages::{self, landing};
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/accesstoken/get", post(api::access_token))
        .route("/ecomm/v2/payments", post(api::initiate))
        // Vipps' own Postman collection and quick start post here (`vippsas/vipps-ecom-api`
        // `tools/vipps-ecom-api-postman-collection.json`, `vipps-ecom-api-quick-start.md`
        // at a2a3ebd44b659e08ceee98a364a0b237db682471), and Vipps accepts it.
        .route("/ecomm/v2/payments/", post(api::initiate))
        .route("/ecomm/v2/payments/{order_id}/details", get(api::details))
        .route("/ecomm/v2/payments/{order_id}/status", get(api::status))
        .route("/ecomm/v2/payments/{order_id}/capture", post(api::capture))
        .route("/ecomm/v2/payments/{order_id}/cancel", put(api::cancel))
        .route("/ecomm/v2/payments/{order_id}/refund", post(api::refund))
        .route("/vipps-userinfo-api/userinfo/{sub}", get(api::userinfo))
        .route(
            "/ecomm/v2/integration-test/payments/{order_id}/approve",
            post(api::force_approve),
        )
        .route("/epayment/v1/payments", post(epayment::create))
        .route("/epayment/v1/payments/{reference}", get(epayment::get_payment))
        .route("/epayment/v1/payments/{reference}/events", get(epayment::events))
        .route("/epayment/v1/payments/{reference}/{action}", post(epayment::adjust))
        .route(
            "/epayment/v1/test/payments/{reference}/approve",
            post(epayment::force_approve),
        )
        .route(
            "/webhooks/v1/webhooks",
            post(webhooks_api::register_webhook).get(webhooks_api::list_webhooks),
        )
        .route(
            "/webhooks/v1/webhooks/{id}",
            axum::routing::delete(webhooks_api::delete_webhook),
        )
        .route(
            "/order-management/v2/{payment_type}/receipts/{order_id}",
            post(order_management::post_receipt),
        )
        .route(
            "/order-management/v2/{payment_type}/categories/{order_id}",
            put(order_management::put_category),
        )
        .route(
            "/order-management/v2/{payment_type}/{order_id}",
            get(order_management::get_order),
        )
        .route(landing::PATH, get(user::landing_page).post(user::landing_submit))
        .route("/app", get(user::app_page))
        .route("/app/approve", post(user::app_approve))
        .route("/app/reject", post(user::app_reject))
        .route(
            "/static/sim.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], pages::CSS) }),
        )
        .route(
            "/static/app.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], pages::JS) }),
        )
        .route("/_sim/payments", get(control::list))
        .route("/_sim/payments/{order_id}", get(control::show))
        .route("/_sim/payments/{order_id}/approve", post(control::approve))
        .route("/_sim/payments/{order_id}/reject", post(control::reject))
        .route("/_sim/payments/{order_id}/expire", post(control::expire))
        .route("/_sim/payments/{order_id}/fail", post(control::fail))
        .route(
            "/_sim/payments/{order_id}/remove-consent",
            post(control::remove_consent),
        )
        .route(
            "/_sim/faults",
            get(control::list_faults)
                .post(control::add_fault)
                .delete(control::clear_faults),
        )
        .route("/_sim/phone/{number}", get(user::phone_page))
        .route("/_sim/qr/{token}", get(epayment::qr_image))
        .route("/_sim/stats", get(control::stats))
        .route("/_sim/webhooks/pending", get(control::pending_webhooks))
        .route("/_sim/webhooks/attempts", get(control::webhook_attempts))
        .route("/_sim/webhooks/fast-forward", post(control::fast_forward_webhooks))
        .route("/_sim/reset", post(control::reset))
        .route("/_sim/calls", get(control::calls))
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            record_calls::record,
        ))
        .with_state(state)
}

async fn home(State(state): State<AppState>) -> Html<String> {
    let memory = state.memory();
    let mut payments: Vec<_> = memory.payments.values().collect();
    payments.sort_by_key(|p| std::cmp::Reverse(p.created_at));
    payments.truncate(50);
    Html(pages::home::page(&state.config, &state.public_url, &payments).into_string())
}

/// The token path is spelled both `/accesstoken/get` and `/accessToken/get` in Vipps'
/// own material: accept it in any case. Anything else is a 404.
async fn fallback(state: State<AppState>, method: Method, uri: Uri, headers: axum::http::HeaderMap) -> Response {
    if uri.path().eq_ignore_ascii_case("/accesstoken/get") && method == Method::POST {
        return api::access_token(state, headers).await.into_response();
    }
    crate::error::ApiError::unknown_path().into_response()
}
