//! `POST /api/vipps/webhooks/{msn}`: ePayment's webhook deliveries. Each is checked
//! against the signature Vipps makes with the unit's registration secret (HMAC-SHA256
//! over method, path, date, host and the body's hash) before anything in it is read. A
//! delivery that fails is refused (401) and recorded with its reason, never its body,
//! as a forged eCom callback is. An authentic one is a hint: the order is refreshed
//! from the get payment call at once. A captured delivery sent again cannot make the
//! backend call Vipps again and again: one dated more than 15 minutes from now is
//! refused, and an event recorded already (the same name, `pspReference` and amount;
//! Vipps' own redelivery too) is answered and ignored. An authentic delivery is always
//! answered 200, even when handling it failed, so Vipps never holds the payment's later
//! events behind it (see `act_on`).

use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::app::App;
use crate::error::ProxyError;
use crate::extract::{PathParam, RawBody};
use crate::gateway::webhook_signature::{is_fresh, verify, Delivery};
use crate::news::{accept_news, refuse};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The host Vipps signed: the registered URL's (our public URL's), or, behind a proxy
/// that keeps it, the one the request names.
fn public_host(public_url: &str) -> Option<String> {
    let url = url::Url::parse(public_url).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

pub async fn delivery(
    State(app): State<App>,
    PathParam(msn): PathParam<String>,
    uri: OriginalUri,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ProxyError> {
    let url = crate::gateway::epayment::registration::url(&app.public_url, &msn);
    let Some(registration) = app.db.webhook(&msn, &url).await? else {
        return Err(refuse(
            &app,
            None,
            "webhook",
            &uri,
            "no webhook registration for this sales unit",
        )
        .await);
    };
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or(uri.path());
    let ours = public_host(&app.public_url);
    let hosts = [ours.as_deref(), header(&headers, "host")];
    let mut outcome = Err(crate::gateway::webhook_signature::Refusal::MissingHeader);
    for host in hosts.into_iter().flatten() {
        outcome = verify(
            &registration.secret,
            &Delivery {
                path_and_query,
                host: Some(host),
                date: header(&headers, "x-ms-date"),
                content_sha256: header(&headers, "x-ms-content-sha256"),
                authorization: header(&headers, "authorization"),
                body: &body,
            },
        );
        if outcome.is_ok() {
            break;
        }
    }
    if let Err(refusal) = outcome {
        return Err(refuse(&app, None, "webhook", &uri, refusal.reason()).await);
    }
    let date = header(&headers, "x-ms-date").unwrap_or_default();
    if !is_fresh(date, chrono::Utc::now()) {
        return Err(refuse(
            &app,
            None,
            "webhook",
            &uri,
            "x-ms-date is not within 15 minutes of now (a replay?)",
        )
        .await);
    }
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    // Authentic from here on. Whatever goes wrong now is answered 200 all the same: an
    // error would make Vipps retry for up to 7 days and hold every later event of the
    // payment behind this one (Webhooks API guide, `vippsas/webhooks-api` `api-guide.md`
    // at d1c57d2288df7a1fbf4c7ab8084158eb1a06bfe8), while the delivery is only a hint:
    // the reconciler reads the truth from get payment anyway.
    if let Err(e) = act_on(&app, &msn, &event, header(&headers, "authorization")).await {
        tracing::error!(%msn, error = %e.message, "a signed webhook could not be handled; answered 200, the reconciler will catch up");
    }
    Ok(StatusCode::OK.into_response())
}

/// What an authentic delivery changes: the order it names is refreshed from Vipps, and
/// the event written into its history once. Vipps delivers an event again when its
/// answer was lost (and a stranger may replay a captured one): the same event (name,
/// `pspReference`, amount) is recognised and ignored, whenever and however often it
/// comes, in whatever order.
async fn act_on(app: &App, msn: &str, event: &Value, signature: Option<&str>) -> Result<(), ProxyError> {
    let Some(reference) = event.get("reference").and_then(Value::as_str) else {
        tracing::warn!(%msn, "a signed webhook without a reference; ignored");
        return Ok(());
    };
    // Another system's payment on the same sales unit: not ours to act on.
    let Some(order) = app.db.order(reference).await? else {
        tracing::info!(%msn, %reference, "webhook for a payment this backend did not start; ignored");
        return Ok(());
    };
    // Signed by one sales unit's registration, naming another unit's order: a unit's
    // deliveries speak for its own payments only (a leaked secret of one store must not
    // write into another store's orders).
    let owner = app.stores.get(&order.store).map(|s| s.msn.clone());
    if owner.as_deref() != Some(msn) {
        tracing::warn!(%msn, %reference, owner = ?owner, "a webhook signed for one sales unit names another unit's order; ignored");
        return Ok(());
    }
    let order_id = reference.to_string();
    let name = event.get("name").and_then(Value::as_str).unwrap_or("?").to_string();
    let summary = json!({
        "name": name,
        "amount": event.pointer("/amount/value").cloned().unwrap_or(Value::Null),
        "success": event.get("success").cloned().unwrap_or(Value::Null),
        "pspReference": event.get("pspReference").cloned().unwrap_or(Value::Null),
    });
    if app.db.accepted_before(&order_id, "webhook", &summary).await? {
        tracing::info!(%order_id, event = %name, signed = signature.is_some(), "the same webhook event again; ignored");
        return Ok(());
    }
    tracing::info!(%order_id, event = %name, "webhook from Vipps");
    accept_news(app, order_id, "webhook", &summary, json!({"name": name})).await
}
