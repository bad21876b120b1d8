//! The Webhooks API as Vipps publishes it (`vippsas/webhooks-api` at
//! d1c57d2288df7a1fbf4c7ab8084158eb1a06bfe8): failed deliveries retried with backoff
//! for up to 7 days, a payment's later events held per registration until the earlier
//! one is accepted, at most 5 registrations per event, only documented event names.

mod common;

use std::time::Duration;

use common::{sim_with, Merchant, Sim};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn register(s: &Sim, url: &str, events: Value) -> (StatusCode, Value) {
    let res = s
        .api(Method::POST, "/webhooks/v1/webhooks")
        .json(&json!({"url": url, "events": events}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn create(s: &Sim, merchant: &Merchant, reference: &str) {
    let res = s
        .api(Method::POST, "/epayment/v1/payments")
        .header("Idempotency-Key", format!("create-{reference}"))
        .json(&merchant.epayment_payment(reference))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
}

async fn capture(s: &Sim, reference: &str, key: &str, value: i64) -> StatusCode {
    s.api(Method::POST, &format!("/epayment/v1/payments/{reference}/capture"))
        .header("Idempotency-Key", key)
        .json(&json!({"modificationAmount": {"currency": "NOK", "value": value}}))
        .send()
        .await
        .unwrap()
        .status()
}

/// The event names the merchant received for `reference`, in order, retries included.
fn received(merchant: &Merchant, reference: &str) -> Vec<String> {
    merchant
        .callbacks()
        .iter()
        .filter(|r| r.body["reference"] == reference)
        .map(|r| r.body["name"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// Waits (bounded) until `ready` says so of the deliveries waiting; returns them.
async fn pending_when(s: &Sim, ready: impl Fn(&Value) -> bool) -> Value {
    let mut pending = Value::Null;
    for _ in 0..250 {
        pending = s.control(Method::GET, "/_sim/webhooks/pending", None).await.1;
        if ready(&pending) {
            return pending;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the deliveries waiting never got there: {pending}");
}

/// Waits (bounded) until the merchant has received `n` deliveries for `reference`.
async fn received_at_least(merchant: &Merchant, reference: &str, n: usize) -> Vec<String> {
    for _ in 0..250 {
        if received(merchant, reference).len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    received(merchant, reference)
}

const EVENTS: [&str; 3] = [
    "epayments.payment.created.v1",
    "epayments.payment.authorized.v1",
    "epayments.payment.captured.v1",
];

#[tokio::test]
async fn a_failing_receiver_holds_the_payments_later_events_and_gets_all_in_order_once_it_recovers() {
    // Backoff compressed a thousand times: the first retry after 10 ms.
    let s = sim_with(&["--webhook-retry-scale", "0.001"]).await;
    let merchant = Merchant::start().await;
    let (status, _) = register(&s, &format!("{}/hooks", merchant.base), json!(EVENTS)).await;
    assert_eq!(status, 201);
    merchant.set_failing(Some(StatusCode::INTERNAL_SERVER_ERROR));
    let reference = "shop-20261205-wh00001";
    create(&s, &merchant, reference).await;
    s.approve(reference, json!({})).await;
    assert_eq!(capture(&s, reference, "c1", 10000).await, 200);

    let pending = pending_when(&s, |p| p[0]["failedAttempts"].as_u64().unwrap_or(0) >= 3).await;
    let waiting: Vec<(&str, bool)> = pending
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["heldBehindEarlierEvent"] == true))
        .collect();
    assert_eq!(
        waiting,
        [("CREATED", false), ("AUTHORIZED", true), ("CAPTURED", true)],
        "{pending}"
    );
    assert!(
        pending[0]["failedAttempts"].as_u64().unwrap() >= 2,
        "retried: {pending}"
    );
    let so_far = received(&merchant, reference);
    assert!(so_far.len() >= 3, "{so_far:?}");
    assert!(
        so_far.iter().all(|n| n == "CREATED"),
        "nothing later while the earlier event is refused: {so_far:?}"
    );

    merchant.set_failing(None);
    let (status, left) = s.control(Method::POST, "/_sim/webhooks/fast-forward", None).await;
    assert_eq!((status.as_u16(), left), (200, json!([])), "everything delivered");
    let accepted: Vec<String> = received(&merchant, reference).into_iter().skip(so_far.len()).collect();
    assert_eq!(accepted, ["CREATED", "AUTHORIZED", "CAPTURED"], "each once, in order");
    let (_, attempts) = s.control(Method::GET, "/_sim/webhooks/attempts", None).await;
    let last = attempts.as_array().unwrap().last().unwrap();
    assert_eq!(
        (&last["name"], &last["then"]),
        (&json!("CAPTURED"), &json!("delivered"))
    );
}

#[tokio::test]
async fn any_answer_but_2xx_is_retried_and_other_payments_are_not_held() {
    let s = sim_with(&["--webhook-retry-scale", "0.001"]).await;
    let merchant = Merchant::start().await;
    let healthy = Merchant::start().await;
    register(&s, &format!("{}/hooks", merchant.base), json!(EVENTS)).await;
    register(&s, &format!("{}/hooks", healthy.base), json!(EVENTS)).await;
    for (i, status) in [StatusCode::NOT_FOUND, StatusCode::BAD_REQUEST, StatusCode::FOUND]
        .into_iter()
        .enumerate()
    {
        merchant.set_failing(Some(status));
        let reference = format!("shop-20261205-wh0010{i}");
        create(&s, &merchant, &reference).await;
        assert!(
            received_at_least(&merchant, &reference, 2).await.len() >= 2,
            "{status} is retried: {:?}",
            received(&merchant, &reference)
        );
        assert_eq!(
            received(&healthy, &reference),
            ["CREATED"],
            "another registration is not held by this one's failures"
        );
    }
    // All three still wait for their retries, each in its own payment's queue.
    let (_, pending) = s.control(Method::GET, "/_sim/webhooks/pending", None).await;
    assert_eq!(pending.as_array().unwrap().len(), 3, "{pending}");
    merchant.set_failing(None);
    s.control(Method::POST, "/_sim/webhooks/fast-forward", None).await;
    let (_, pending) = s.control(Method::GET, "/_sim/webhooks/pending", None).await;
    assert_eq!(pending, json!([]));
}

#[tokio::test]
async fn a_delivery_refused_for_seven_days_is_dropped() {
    // Seven days in about six seconds.
    let s = sim_with(&["--webhook-retry-scale", "0.00001"]).await;
    let merchant = Merchant::start().await;
    register(&s, &format!("{}/hooks", merchant.base), json!(EVENTS)).await;
    merchant.set_failing(Some(StatusCode::SERVICE_UNAVAILABLE));
    let reference = "shop-20261205-wh00200";
    create(&s, &merchant, reference).await;
    let mut pending = json!(null);
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        pending = s.control(Method::GET, "/_sim/webhooks/pending", None).await.1;
        if pending == json!([]) {
            break;
        }
    }
    assert_eq!(pending, json!([]), "given up");
    let (_, attempts) = s.control(Method::GET, "/_sim/webhooks/attempts", None).await;
    let attempts = attempts.as_array().unwrap();
    // About 177 on the compressed schedule; fewer when the machine is busy.
    assert!(attempts.len() > 20, "retried all along: {}", attempts.len());
    assert_eq!(attempts.last().unwrap()["then"], "given up after 7 days");
}

#[tokio::test]
async fn registrations_are_five_per_event_and_only_for_documented_events() {
    let s = sim_with(&[]).await;
    let merchant = Merchant::start().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let (status, hook) = register(
            &s,
            &format!("{}/hooks/{i}", merchant.base),
            json!(["epayments.payment.authorized.v1"]),
        )
        .await;
        assert_eq!(status, 201, "{hook}");
        ids.push(hook["id"].as_str().unwrap().to_string());
    }
    let (status, problem) = register(
        &s,
        &format!("{}/hooks/6", merchant.base),
        json!(["epayments.payment.captured.v1", "epayments.payment.authorized.v1"]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(problem["extraDetails"][0]["name"], "events");
    assert!(
        problem["extraDetails"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("At most 5 webhooks"),
        "{problem}"
    );
    assert!(problem["type"].is_string() && problem["traceId"].is_string());
    let (status, _) = register(&s, &merchant.base, json!(["epayments.payment.captured.v1"])).await;
    assert_eq!(status, 201, "another event has room");

    let (status, problem) = register(&s, &merchant.base, json!(["epayments.payment.paid.v1"])).await;
    assert_eq!(status, 400, "an event Vipps does not have");
    assert!(problem["extraDetails"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("epayments.payment.paid.v1"));
    let (status, _) = register(&s, &merchant.base, json!(["recurring.charge-captured.v1"])).await;
    assert_eq!(status, 201, "other APIs' documented events are fine");

    let res = s
        .api(Method::DELETE, &format!("/webhooks/v1/webhooks/{}", ids[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, _) = register(&s, &merchant.base, json!(["epayments.payment.authorized.v1"])).await;
    assert_eq!(status, 201, "a deleted registration frees its place");

    let res = s
        .api(Method::POST, "/webhooks/v1/webhooks")
        .json(&json!({"url": merchant.base, "events": ["epayments.payment.created.v1"], "secret": "mine"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "no properties beyond url and events");
}
