//! Rate limits per order (with `Retry-After`) and injected faults.

use super::*;
use crate::adjustments::{cancel_body, capture_body};

#[tokio::test]
async fn capture_is_limited_to_5_a_minute_per_order() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-cap-rl";
    sim.initiate(&merchant.regular_payment(id, 30000)).await;
    sim.approve(id, json!({})).await;
    for i in 0..5 {
        let (status, _) = sim
            .modify(
                Method::POST,
                id,
                "capture",
                Some(&format!("k{i}")),
                capture_body(Some(100), "Part"),
            )
            .await;
        assert_eq!(status, 200);
    }
    let (status, body) = sim
        .modify(Method::POST, id, "capture", Some("k5"), capture_body(Some(100), "Part"))
        .await;
    assert_eq!(status, 429);
    assert_eq!(body["statusCode"], 429);
    assert_eq!(sim.details(id).await["transactionSummary"]["capturedAmount"], 500);
}

#[tokio::test]
async fn details_is_rate_limited_per_order_with_retry_after() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    sim.initiate(&merchant.regular_payment("acme-shop-rl-1", 20000)).await;
    sim.initiate(&merchant.regular_payment("acme-shop-rl-2", 20000)).await;
    for _ in 0..120 {
        sim.details("acme-shop-rl-1").await;
    }
    let res = sim
        .api(Method::GET, "/ecomm/v2/payments/acme-shop-rl-1/details")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    assert_eq!(res.json::<Value>().await.unwrap()["statusCode"], 429);
    sim.details("acme-shop-rl-2").await; // another order is not affected

    let unlimited = sim_with(&["--no-rate-limits"]).await;
    unlimited
        .initiate(&merchant.regular_payment("acme-shop-rl-3", 20000))
        .await;
    for _ in 0..130 {
        unlimited.details("acme-shop-rl-3").await;
    }
}

#[tokio::test]
async fn faults_answer_the_injected_status_for_n_requests() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-fault-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    let (status, fault) = sim
        .control(
            Method::POST,
            "/_sim/faults",
            Some(json!({"route": "details", "status": 503, "count": 2})),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(fault["remaining"], 2);
    for _ in 0..2 {
        let res = sim
            .api(Method::GET, &format!("/ecomm/v2/payments/{id}/details"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 503);
        assert_eq!(error_code(&res.json().await.unwrap()), "99");
    }
    sim.details(id).await;

    let (status, _) = sim
        .control(
            Method::POST,
            "/_sim/faults",
            Some(
                json!({"route": "initiate", "status": 400, "errorGroup": "Merchant", "errorCode": "37",
                        "errorMessage": "Merchant not available"}),
            ),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = sim
        .initiate(&merchant.regular_payment("acme-shop-fault-2", 20000))
        .await;
    assert_eq!((status.as_u16(), error_code(&body)), (400, "37"));
    let (_, faults) = sim.control(Method::GET, "/_sim/faults", None).await;
    assert_eq!(faults.as_array().unwrap().len(), 1);
    let (status, _) = sim.control(Method::DELETE, "/_sim/faults", None).await;
    assert_eq!(status, 204);
    let (status, _) = sim
        .initiate(&merchant.regular_payment("acme-shop-fault-2", 20000))
        .await;
    assert_eq!(status, 200);

    for bad in [
        json!({"route": "nowhere", "status": 500}),
        json!({"route": "details"}),
        json!({"route": "details", "drop": true}),
    ] {
        let (status, body) = sim.control(Method::POST, "/_sim/faults", Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}");
        assert!(body["error"].is_string());
    }
}

#[tokio::test]
async fn latency_faults_delay_the_answer() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-lat-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    sim.control(
        Method::POST,
        "/_sim/faults",
        Some(json!({"route": "details", "latencyMs": 1500, "count": 1})),
    )
    .await;
    let res = sim
        .api(Method::GET, &format!("/ecomm/v2/payments/{id}/details"))
        .timeout(std::time::Duration::from_millis(500))
        .send()
        .await;
    assert!(
        res.unwrap_err().is_timeout(),
        "the delayed answer outlasts a 500 ms client timeout"
    );
}

/// A 429 in the gateway shape with a `Retry-After` of 1 to 60 seconds.
async fn assert_limited(res: reqwest::Response, what: &str) {
    assert_eq!(res.status(), 429, "{what}");
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{what}: Retry-After in seconds"));
    assert!((1..=60).contains(&wait), "{what}: Retry-After {wait}");
    assert_eq!(res.json::<Value>().await.unwrap()["statusCode"], 429, "{what}");
}

#[tokio::test]
async fn initiate_is_limited_to_2_a_minute_per_order_with_retry_after() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let body = merchant.regular_payment("acme-shop-init-rl", 20000);
    assert_eq!(sim.initiate(&body).await.0, 200);
    let (second, _) = sim.initiate(&body).await;
    assert_ne!(second, 429, "the second call is refused as a duplicate, not limited");
    let res = sim
        .api(Method::POST, "/ecomm/v2/payments")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_limited(res, "third initiate").await;
    let other = merchant.regular_payment("acme-shop-init-rl-2", 20000);
    assert_eq!(sim.initiate(&other).await.0, 200, "another order is not affected");
}

#[tokio::test]
async fn cancel_and_refund_are_limited_to_5_a_minute_per_order_with_retry_after() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    sim.initiate(&merchant.regular_payment("acme-shop-can-rl", 20000)).await;
    for i in 0..5 {
        let (status, _) = sim
            .modify(Method::PUT, "acme-shop-can-rl", "cancel", None, cancel_body(None))
            .await;
        assert_ne!(status, 429, "cancel {i}");
    }
    let res = sim
        .api(Method::PUT, "/ecomm/v2/payments/acme-shop-can-rl/cancel")
        .json(&cancel_body(None))
        .send()
        .await
        .unwrap();
    assert_limited(res, "sixth cancel").await;

    let id = "acme-shop-ref-rl";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    sim.approve(id, json!({})).await;
    let (status, _) = sim
        .modify(Method::POST, id, "capture", Some("c-1"), capture_body(None, "All"))
        .await;
    assert_eq!(status, 200);
    for i in 0..5 {
        let (status, body) = sim
            .modify(
                Method::POST,
                id,
                "refund",
                Some(&format!("r-{i}")),
                capture_body(Some(100), "Part"),
            )
            .await;
        assert_eq!(status, 200, "refund {i}: {body}");
    }
    let res = sim
        .api(Method::POST, &format!("/ecomm/v2/payments/{id}/refund"))
        .header("X-Request-Id", "r-5")
        .json(&capture_body(Some(100), "Part"))
        .send()
        .await
        .unwrap();
    assert_limited(res, "sixth refund").await;
    assert_eq!(sim.details(id).await["transactionSummary"]["refundedAmount"], 500);
}

#[tokio::test]
async fn an_after_fault_makes_the_change_and_loses_its_answer() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-after-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    sim.approve(id, json!({})).await;
    let (status, _) = sim
        .control(
            Method::POST,
            "/_sim/faults",
            Some(json!({"route": "capture", "status": 502, "after": true, "count": 1})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = sim
        .modify(Method::POST, id, "capture", Some("cap-lost"), capture_body(None, "All"))
        .await;
    assert_eq!(status, 502, "the answer is lost");
    assert_eq!(
        sim.details(id).await["transactionSummary"]["capturedAmount"],
        20000,
        "the capture was made"
    );
    let (status, body) = sim
        .modify(Method::POST, id, "capture", Some("cap-lost"), capture_body(None, "All"))
        .await;
    assert_eq!(
        status, 200,
        "the same X-Request-Id replays the capture's answer: {body}"
    );
    assert_eq!(sim.details(id).await["transactionSummary"]["capturedAmount"], 20000);

    for bad in [
        json!({"route": "capture", "after": true}),
        json!({"route": "details", "status": 502, "after": true}),
    ] {
        let (status, _) = sim.control(Method::POST, "/_sim/faults", Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}");
    }
}
