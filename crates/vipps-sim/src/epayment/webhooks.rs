//! Delivering webhooks: each event a registration asked for, signed with its secret as
//! the Webhooks API signs (`webhook_signature`), retried a few times when the receiver
//! does not answer 2xx (Vipps retries; a receiver must be idempotent). Every attempt is
//! recorded for the control API.

use std::time::Duration;

use serde_json::json;

use super::book::Delivery;
use crate::state::AppState;
use crate::webhook_signature::{http_date, sign};

/// Attempts per delivery, and the pause before the second (doubling after).
pub const ATTEMPTS: u32 = 3;
const FIRST_PAUSE: Duration = Duration::from_millis(300);

pub async fn deliver(state: &AppState, deliveries: Vec<Delivery>) {
    for d in deliveries {
        let Ok(url) = url::Url::parse(&d.webhook.url) else {
            continue;
        };
        let body = d.body.to_string();
        let reference = d.body["reference"].as_str().unwrap_or_default();
        let fault = state.faults().take(crate::faults::Route::Callback, Some(reference));
        if let Some(fault) = fault {
            if let Some(latency) = fault.latency() {
                tokio::time::sleep(latency).await;
            }
            if fault.drop {
                tracing::info!(%reference, "webhook dropped by an injected fault");
                state.store().epayments.delivered.push(json!({
                    "webhookId": d.webhook.id, "reference": reference, "name": d.body["name"],
                    "attempt": 0, "status": "dropped (fault injected)",
                }));
                continue;
            }
        }
        let mut pause = FIRST_PAUSE;
        for attempt in 1..=ATTEMPTS {
            let signed = sign(&d.webhook.secret, &url, &http_date(chrono::Utc::now()), body.as_bytes());
            let answer = state
                .http
                .post(url.clone())
                .header("content-type", "application/json")
                .header("x-ms-date", &signed.date)
                .header("x-ms-content-sha256", &signed.content_sha256)
                .header("authorization", &signed.authorization)
                .timeout(Duration::from_secs(5))
                .body(body.clone())
                .send()
                .await;
            let status = answer.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
            state.store().epayments.delivered.push(json!({
                "webhookId": d.webhook.id,
                "reference": d.body["reference"],
                "name": d.body["name"],
                "attempt": attempt,
                "status": status,
            }));
            if (200..300).contains(&status) {
                break;
            }
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
    }
}

/// Delivers in the background: an API answer never waits for a receiver.
pub fn spawn(state: &AppState, deliveries: Vec<Delivery>) {
    if deliveries.is_empty() {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move { deliver(&state, deliveries).await });
}
