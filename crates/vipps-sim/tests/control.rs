//! The `/_sim` control API and how callbacks are delivered (one attempt, timeout, drops).

mod common;

use std::time::Duration;

use axum::http::Method;
use common::{sim, sim_with, Merchant};
use serde_json::json;

#[tokio::test]
async fn ledger_lists_every_payment_with_merchant_info_as_sent() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let a = merchant.regular_payment("acme-shop-list-1", 20000);
    sim.initiate(&a).await;
    sim.initiate(&merchant.express_payment("acme-shop-list-2", 30000)).await;
    let (status, list) = sim.control(Method::GET, "/_sim/payments", None).await;
    assert_eq!(status, 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["orderId"], "acme-shop-list-1");
    assert_eq!(list[0]["merchantInfo"], a["merchantInfo"]);
    assert_eq!(list[0]["state"], "initiated");
    assert_eq!(list[0]["reservedAmount"], 0);
    assert!(list[0]["createdAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(list[1]["paymentType"], "express");

    for _ in 0..3 {
        sim.details("acme-shop-list-1").await;
    }
    let (_, view) = sim.control(Method::GET, "/_sim/payments/acme-shop-list-1", None).await;
    assert_eq!(
        view["apiCalls"]["details"], 3,
        "tests can count a client's /details calls"
    );

    let (status, _) = sim.control(Method::GET, "/_sim/payments/nope", None).await;
    assert_eq!(status, 404);
    let (status, _) = sim.control(Method::POST, "/_sim/reset", None).await;
    assert_eq!(status, 204);
    let (_, list) = sim.control(Method::GET, "/_sim/payments", None).await;
    assert!(list.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn control_approve_express_fetches_shipping_and_applies_the_choice() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-ctl-exp-1";
    sim.initiate(&merchant.express_payment(id, 19900)).await;

    let (status, body) = sim
        .control(
            Method::POST,
            &format!("/_sim/payments/{id}/approve"),
            Some(json!({"shippingMethodId": "drone"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("drone"));
    let (status, _) = sim
        .control(
            Method::POST,
            &format!("/_sim/payments/{id}/approve"),
            Some(json!({"bogus": 1})),
        )
        .await;
    assert_eq!(status, 400, "unknown fields are refused");

    let view = sim
        .approve(
            id,
            json!({"shippingMethodId": "pickup", "mobileNumber": "97777776", "addressId": 5230}),
        )
        .await;
    assert_eq!(view["state"], "reserved");
    assert_eq!(view["reservedAmount"], 19900 + 4900);
    assert_eq!(view["shipping"]["shippingMethodId"], "pickup");
    // The control API answers after delivery: the callback is already there.
    let callbacks = merchant.callbacks();
    assert_eq!(callbacks.len(), 1);
    assert_eq!(callbacks[0].body["userDetails"]["lastName"], "Lovelace");
    assert_eq!(callbacks[0].body["shippingDetails"]["address"]["zipCode"], "7013");
    assert_eq!(
        view["deliveries"].as_array().unwrap().last().unwrap()["outcome"],
        "delivered"
    );
}

#[tokio::test]
async fn reject_expire_and_fail_send_their_callbacks() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    for id in ["acme-shop-r", "acme-shop-e", "acme-shop-f"] {
        sim.initiate(&merchant.regular_payment(id, 20000)).await;
    }
    let (_, v) = sim
        .control(Method::POST, "/_sim/payments/acme-shop-r/reject", None)
        .await;
    assert_eq!(v["state"], "cancelled");
    let (_, v) = sim
        .control(Method::POST, "/_sim/payments/acme-shop-e/expire", None)
        .await;
    assert_eq!(v["state"], "expired");
    let (_, v) = sim
        .control(
            Method::POST,
            "/_sim/payments/acme-shop-f/fail",
            Some(json!({"errorCode": "44", "errorMessage": "Expired card"})),
        )
        .await;
    assert_eq!(v["state"], "failed");
    let statuses: Vec<String> = merchant
        .callbacks()
        .iter()
        .map(|c| {
            format!(
                "{}:{}",
                c.body["orderId"].as_str().unwrap(),
                c.body["transactionInfo"]["status"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            "acme-shop-r:CANCELLED",
            "acme-shop-e:REJECTED",
            "acme-shop-f:RESERVE_FAILED"
        ]
    );
    assert_eq!(merchant.callbacks()[2].body["errorInfo"]["errorCode"], "44");
    let (status, _) = sim
        .control(Method::POST, "/_sim/payments/acme-shop-r/expire", None)
        .await;
    assert_eq!(status, 409, "only a waiting payment can expire");
}

#[tokio::test]
async fn consent_removal_calls_the_merchant_and_expires_personal_data() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-consent-1";
    sim.initiate(&merchant.express_payment(id, 19900)).await;
    let view = sim.approve(id, json!({})).await;
    let user_id = view["userId"].as_str().unwrap().to_string();
    let (status, view) = sim
        .control(Method::POST, &format!("/_sim/payments/{id}/remove-consent"), None)
        .await;
    assert_eq!(status, 200, "{view}");
    let deletes: Vec<_> = merchant
        .received()
        .into_iter()
        .filter(|r| r.method == Method::DELETE)
        .collect();
    assert_eq!(deletes.len(), 1);
    let encoded: String = url::form_urlencoded::byte_serialize(user_id.as_bytes()).collect();
    assert_eq!(
        deletes[0].path_and_query,
        format!("/vipps/consents/v2/consents/{encoded}")
    );
    assert_eq!(
        deletes[0].authorization, None,
        "Vipps sends the authToken with the payment callback and shipping request only"
    );
    let d = sim.details(id).await;
    assert_eq!(d["userDetails"]["firstName"], "[Expired]");
    assert_eq!(d["shippingDetails"]["address"]["addressLine1"], "[Expired]");

    sim.initiate(&merchant.regular_payment("acme-shop-consent-2", 100))
        .await;
    let (status, _) = sim
        .control(Method::POST, "/_sim/payments/acme-shop-consent-2/remove-consent", None)
        .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn a_dropped_callback_is_never_sent() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-drop-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    let (status, _) = sim
        .control(
            Method::POST,
            "/_sim/faults",
            Some(json!({"route": "callback", "drop": true, "count": 1})),
        )
        .await;
    assert_eq!(status, 201);
    let view = sim.approve(id, json!({})).await;
    assert_eq!(view["deliveries"][0]["outcome"], "dropped (fault injected)");
    assert!(merchant.callbacks().is_empty());
    assert_eq!(
        sim.details(id).await["transactionLogHistory"][0]["operation"],
        "RESERVE",
        "/details still tells the truth"
    );
}

#[tokio::test]
async fn a_slow_merchant_gets_one_attempt_then_a_timeout() {
    let sim = sim_with(&["--callback-timeout", "1"]).await;
    let merchant = Merchant::start().await;
    merchant.set_delay(Duration::from_millis(1500));
    let id = "acme-shop-slowcb-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    let view = sim.approve(id, json!({})).await;
    let deliveries = view["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1, "no retry");
    assert_eq!(deliveries[0]["outcome"], "timed out after 1 s");
}

#[tokio::test]
async fn an_unreachable_merchant_is_recorded() {
    let sim = sim().await;
    let mut body = Merchant::start().await.regular_payment("acme-shop-unreach-1", 20000);
    body["merchantInfo"]["callbackPrefix"] = json!("http://127.0.0.1:9/callbacks");
    sim.initiate(&body).await;
    let view = sim.approve("acme-shop-unreach-1", json!({})).await;
    assert!(view["deliveries"][0]["outcome"].as_str().unwrap().starts_with("failed"));
}

#[tokio::test]
async fn shipping_faults_reproduce_a_timeout_without_a_slow_merchant() {
    let sim = sim_with(&["--shipping-timeout", "1"]).await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-shipfault-1";
    sim.initiate(&merchant.express_payment(id, 19900)).await;
    sim.control(
        Method::POST,
        "/_sim/faults",
        Some(json!({"route": "shipping", "latencyMs": 5000, "count": 1})),
    )
    .await;
    let (status, body) = sim
        .control(Method::POST, &format!("/_sim/payments/{id}/approve"), Some(json!({})))
        .await;
    assert_eq!(status, 502);
    assert!(body["error"].as_str().unwrap().contains("did not answer within 1 s"));
    let (_, view) = sim.control(Method::GET, &format!("/_sim/payments/{id}"), None).await;
    assert_eq!(view["state"], "failed");
}
