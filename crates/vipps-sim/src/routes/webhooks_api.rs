//! The Webhooks API over HTTP (`vippsas/webhooks-api`): a sales unit's registrations,
//! made, listed and deleted, with the ePayment API's checks and problem shapes.

#![allow(clippy::result_large_err)] // handlers return a ready `Response` as their error

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::epayment::{caller, json_body, problem, problem_with};
use crate::epayment::book::Webhook;
use crate::epayment::payment::Problem;
use crate::state::{random_token, AppState};

/// The Webhooks API's refusal: a 400 `ProblemDetails` naming the property and why in
/// `extraDetails` (`vippsas/webhooks-api` `docs/swagger.yaml` at
/// d1c57d2288df7a1fbf4c7ab8084158eb1a06bfe8; its example's title and detail).
fn webhook_refusal(name: &str, reason: &str) -> Response {
    problem_with(
        400,
        "Bad Request",
        "One or more validation errors occurred.",
        json!({"instance": "/v1/webhooks", "extraDetails": [{"name": name, "reason": reason}]}),
    )
}

/// `POST /webhooks/v1/webhooks` `{url, events}` → `{id, secret}`: `url` an HTTPS URL
/// Vipps can reach, `events` names from the documented list
/// ([`crate::epayment::book::EVENT_TYPES`]), at most
/// [`crate::epayment::book::WEBHOOKS_PER_EVENT`] registrations of the sales unit per event.
pub async fn register_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    use crate::epayment::book::{EVENT_TYPES, WEBHOOKS_PER_EVENT};
    let msn = caller(&state, &headers)?;
    let body = json_body(&body)?;
    if let Some(extra) = body
        .as_object()
        .and_then(|o| o.keys().find(|k| !["url", "events"].contains(&k.as_str())))
    {
        return Err(webhook_refusal(extra, "The property is not allowed."));
    }
    let url = body
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| webhook_refusal("url", "The property is required and cannot be null or empty."))?;
    let parsed = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http"));
    let host_ok = parsed.as_ref().and_then(|u| u.host()).is_some_and(|h| {
        (parsed.as_ref().is_some_and(|u| u.scheme() == "https") && crate::ecom::validate::is_public_name(&h))
            || (!state.config.strict_urls && crate::ecom::validate::is_loopback_host(&h))
    });
    if !host_ok {
        return Err(webhook_refusal(
            "url",
            "The URL must be an absolute HTTPS URL Vipps can reach.",
        ));
    }
    let events: Vec<String> = body
        .get("events")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| webhook_refusal("events", "The property is required and cannot be null or empty."))?
        .iter()
        .map(|e| {
            e.as_str()
                .map(str::to_string)
                .ok_or_else(|| webhook_refusal("events", "Each event is a string."))
        })
        .collect::<Result<_, _>>()?;
    if let Some(unknown) = events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
        return Err(webhook_refusal(
            "events",
            &format!("'{unknown}' is not an event type that can be registered."),
        ));
    }
    let mut memory = state.memory();
    let full = events.iter().find(|e| {
        let registered = memory
            .epayments
            .webhooks
            .iter()
            .filter(|w| w.msn == msn && w.events.contains(e))
            .count();
        registered >= WEBHOOKS_PER_EVENT
    });
    if let Some(full) = full {
        return Err(webhook_refusal(
            "events",
            &format!("At most {WEBHOOKS_PER_EVENT} webhooks can be registered for the event '{full}'."),
        ));
    }
    let webhook = Webhook {
        id: uuid_like(),
        msn,
        url: url.to_string(),
        events,
        secret: random_token(64),
    };
    let answer = json!({"id": webhook.id, "secret": webhook.secret});
    memory.epayments.webhooks.push(webhook);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// A webhook id, a UUID as the swagger has it.
fn uuid_like() -> String {
    let hex: String = (0..32).map(|_| format!("{:x}", rand::random::<u8>() % 16)).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// `GET /webhooks/v1/webhooks`: the caller's registrations (never their secrets).
pub async fn list_webhooks(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Response> {
    let msn = caller(&state, &headers)?;
    let memory = state.memory();
    let hooks: Vec<Value> = memory
        .epayments
        .webhooks
        .iter()
        .filter(|w| w.msn == msn)
        .map(|w| json!({"id": w.id, "url": w.url, "events": w.events}))
        .collect();
    Ok(Json(json!({"webhooks": hooks})).into_response())
}

/// `DELETE /webhooks/v1/webhooks/{id}`.
pub async fn delete_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let msn = caller(&state, &headers)?;
    let mut memory = state.memory();
    let before = memory.epayments.webhooks.len();
    memory.epayments.webhooks.retain(|w| !(w.id == id && w.msn == msn));
    if memory.epayments.webhooks.len() == before {
        return Err(problem(Problem {
            status: 404,
            title: "Not found",
            detail: format!("No webhook {id}."),
        }));
    }
    memory.epayments.outbox.forget_webhook(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}
