//! The HTTP surface, one module per caller: the widget (`widget`), Vipps (`vipps_callbacks`:
//! eCom's callbacks, both APIs' shipping requests, consent removal; `vipps_webhooks`:
//! ePayment's webhooks), staff (`staff`; the dashboard is `dashboard/`),
//! and the shop's static files.

pub mod staff;
pub mod vipps_callbacks;
pub mod vipps_webhooks;
pub mod widget;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{any, delete, get, post};
use axum::Router;
use contract::error::ErrorCode;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::app::App;
use crate::error::ProxyError;
use crate::hook_paths;

/// The Content-Security-Policy of every page the proxy serves.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

/// Request bodies above this are refused with 413.
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn router(app: App) -> Router {
    let start = app
        .limits
        .payments
        .apply(Router::new().route("/api/vipps/payments", post(widget::create)));
    let poll = app.limits.polls.apply(
        Router::new()
            .route("/api/vipps/payments/{order_id}", get(widget::status))
            .route("/api/vipps/payments/{order_id}/cancel", post(widget::cancel))
            .route("/api/vipps/quote", post(widget::quote)),
    );
    let consents = app.limits.consents.apply(Router::new().route(
        &hook_paths::ecom_consent_route(),
        delete(vipps_callbacks::consent_removal),
    ));
    // What Vipps calls: limited per client address, generously (`--hooks-per-minute-per-client`).
    let from_vipps = app.limits.hooks.apply(
        Router::new()
            .route(&hook_paths::ecom_callback_route(), post(vipps_callbacks::callback))
            .route(&hook_paths::ecom_shipping_route(), post(vipps_callbacks::shipping))
            .route(&hook_paths::webhooks_route(), post(vipps_webhooks::delivery))
            .route(
                &hook_paths::epayment_shipping_route(),
                post(vipps_callbacks::epayment_shipping),
            ),
    );
    let mut widget_api = start.merge(poll);
    if let Some(cors) = cors(&app.config.allow_origin) {
        widget_api = widget_api.layer(cors);
    }
    let mut router = Router::new()
        .merge(widget_api)
        .merge(consents)
        .merge(from_vipps)
        .route("/api/vipps/admin/orders", get(staff::list))
        .route("/api/vipps/admin/export.csv", get(staff::export))
        .route("/api/vipps/admin/rejected", get(staff::rejected))
        .route("/api/vipps/admin/orders/{order_id}", get(staff::show))
        .route("/api/vipps/admin/orders/{order_id}/capture", post(staff::capture))
        .route("/api/vipps/admin/orders/{order_id}/cancel", post(staff::cancel))
        .route("/api/vipps/admin/orders/{order_id}/refund", post(staff::refund))
        .merge(crate::dashboard::router(&app))
        .route("/api/{*rest}", any(api_not_found))
        .route("/healthz", get(|| async { "ok" }));
    if let Some(pkg) = &app.config.pkg {
        router = router.nest_service("/pkg", ServeDir::new(pkg));
    }
    router = match &app.config.www {
        Some(www) => router.fallback_service(ServeDir::new(www).append_index_html_on_directories(true)),
        None => router.fallback(api_not_found),
    };
    let request_id = HeaderName::from_static("x-request-id");
    router
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            // The path only: queries carry status tokens, which never reach a log.
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(app)
}

/// CORS for the configured origins only; with none, no CORS header at all (not even on
/// a preflight).
fn cors(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    (!origins.is_empty()).then(|| {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([
                header::CONTENT_TYPE,
                HeaderName::from_static("idempotency-key"),
                HeaderName::from_static("vipps-checkout-client"),
            ])
    })
}

async fn api_not_found() -> impl IntoResponse {
    ProxyError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "There is nothing here.")
}
