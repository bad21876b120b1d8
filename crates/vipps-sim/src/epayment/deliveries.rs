//! Delivering webhooks: each event a registration asked for, signed with its secret as
//! the Webhooks API signs (`webhook_signature`), queued and retried as Vipps retries
//! (`outbox.rs`: any failure retried with exponential backoff for up to 7 days, a
//! payment's later events held per registration until the earlier one is accepted).
//! Every attempt is recorded for the control API.

use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use super::book::Delivery;
use super::outbox::{Pending, QueueKey, Settled};
use crate::state::AppState;
use crate::webhook_signature::{http_date, sign};

/// How long one attempt may take before it counts as failed. The Webhooks API guide
/// states no timeout; this is the simulator's choice (README, differences).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// Queues `deliveries` and makes the attempts now due for their queues, answering once
/// they are made: an event held behind an earlier one of its payment waits its turn.
pub async fn deliver(state: &AppState, deliveries: Vec<Delivery>) {
    if deliveries.is_empty() {
        return;
    }
    let keys = state.memory().epayments.outbox.enqueue(deliveries, Utc::now());
    pump(state, Some(&keys)).await;
}

/// Delivers in the background: an API answer never waits for a receiver.
pub fn spawn(state: &AppState, deliveries: Vec<Delivery>) {
    if deliveries.is_empty() {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move { deliver(&state, deliveries).await });
}

/// Attempts every delivery due (of `only`'s queues, or all), queues side by side, until
/// none is due: a delivery accepted makes the next one of its queue due at once.
pub async fn pump(state: &AppState, only: Option<&[QueueKey]>) {
    loop {
        let claimed = state.memory().epayments.outbox.claim_due(Utc::now(), only);
        if claimed.is_empty() {
            return;
        }
        let attempts = claimed.into_iter().map(|(key, pending)| {
            let state = state.clone();
            tokio::spawn(async move { attempt(&state, &key, pending).await })
        });
        for a in attempts.collect::<Vec<_>>() {
            let _ = a.await;
        }
    }
}

/// The background worker's tick: starts the attempts that came due (a retry's pause
/// ended), without waiting for them.
pub fn start_due(state: &AppState) {
    let busy = {
        let memory = state.memory();
        !memory.epayments.outbox.is_empty()
    };
    if busy {
        let state = state.clone();
        tokio::spawn(async move { pump(&state, None).await });
    }
}

/// One attempt of a queue's head; then the outbox learns what became of it.
async fn attempt(state: &AppState, key: &QueueKey, pending: Pending) {
    let reference = key.1.as_str();
    let body = pending.body.to_string();
    let fault = state.faults().take(crate::faults::Route::Callback, Some(reference));
    let mut dropped = false;
    if let Some(fault) = fault {
        if let Some(latency) = fault.latency() {
            tokio::time::sleep(latency).await;
        }
        dropped = fault.drop;
    }
    let status = if dropped {
        tracing::info!(%reference, "webhook attempt dropped by an injected fault");
        None
    } else {
        post(state, &pending, &body).await
    };
    let accepted = status.is_some_and(|s| (200..300).contains(&s));
    let outcome = match (dropped, status) {
        (true, _) => "dropped (fault injected)".to_string(),
        (false, Some(s)) => s.to_string(),
        (false, None) => "no answer".to_string(),
    };
    let now = Utc::now();
    let mut memory = state.memory();
    let settled = memory.epayments.outbox.settle(
        key,
        pending.seq,
        accepted,
        outcome.clone(),
        now,
        state.config.webhook_retry_scale,
    );
    memory.epayments.delivered.push(json!({
        "webhookId": pending.webhook.id,
        "reference": reference,
        "name": pending.body["name"],
        "pspReference": pending.body["pspReference"],
        "attempt": pending.failures + 1,
        "status": if dropped { json!(outcome) } else { json!(status.unwrap_or(0)) },
        "at": now.to_rfc3339(),
        "then": match settled {
            Settled::Delivered => json!("delivered"),
            Settled::Retry(at) => json!(format!("retry at {}", at.to_rfc3339())),
            Settled::GaveUp => json!("given up after 7 days"),
        },
    }));
    drop(memory);
    if let Settled::Retry(at) = settled {
        retry_at(state, key, (at - now).to_std().unwrap_or_default());
    }
}

/// Pumps `key`'s queue once `pause` has passed: a retry at its time (the worker's tick
/// is only a safety net). Boxed, as it starts the pump that made the attempt.
fn retry_at(state: &AppState, key: &QueueKey, pause: Duration) {
    let (state, key) = (state.clone(), key.clone());
    let later: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> = Box::pin(async move {
        tokio::time::sleep(pause).await;
        pump(&state, Some(&[key])).await;
    });
    tokio::spawn(later);
}

/// The signed POST; the receiver's status, or `None` without an answer in time.
async fn post(state: &AppState, pending: &Pending, body: &str) -> Option<u16> {
    let url = url::Url::parse(&pending.webhook.url).ok()?;
    let signed = sign(&pending.webhook.secret, &url, &http_date(Utc::now()), body.as_bytes());
    let answer = state
        .http
        .post(url)
        .header("content-type", "application/json")
        .header("x-ms-date", &signed.date)
        .header("x-ms-content-sha256", &signed.content_sha256)
        .header("authorization", &signed.authorization)
        .timeout(ATTEMPT_TIMEOUT)
        .body(body.to_string())
        .send()
        .await;
    answer.ok().map(|r| r.status().as_u16())
}
