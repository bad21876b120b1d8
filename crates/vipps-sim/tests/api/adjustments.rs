//! Capture, refund and cancel, each once per `X-Request-Id`; direct capture units.

use super::*;

pub(crate) fn capture_body(amount: Option<i64>, text: &str) -> Value {
    let mut transaction = json!({ "transactionText": text });
    if let Some(a) = amount {
        transaction["amount"] = json!(a);
    }
    json!({ "merchantInfo": { "merchantSerialNumber": MSN }, "transaction": transaction })
}

#[tokio::test]
async fn capture_is_idempotent_per_request_id() {
    // More than the 5 captures a minute Vipps allows per order: see the next test.
    let sim = sim_with(&["--no-rate-limits"]).await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-cap-1";
    sim.initiate(&merchant.regular_payment(id, 30000)).await;

    let (status, body) = sim
        .modify(
            Method::POST,
            id,
            "capture",
            Some("cap-1"),
            capture_body(Some(10000), "Part 1"),
        )
        .await;
    assert_eq!(
        (status.as_u16(), error_code(&body)),
        (400, "62"),
        "nothing reserved yet"
    );

    sim.approve(id, json!({})).await;
    let (status, first) = sim
        .modify(
            Method::POST,
            id,
            "capture",
            Some("cap-1"),
            capture_body(Some(10000), "Part 1"),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["transactionInfo"]["status"], "Captured");
    assert_eq!(first["transactionSummary"]["capturedAmount"], 10000);
    assert_eq!(first["paymentInstrument"], "Visa");

    let (status, again) = sim
        .modify(
            Method::POST,
            id,
            "capture",
            Some("cap-1"),
            capture_body(Some(10000), "Part 1"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(again, first, "a retry answers the same and captures nothing more");
    assert_eq!(sim.details(id).await["transactionSummary"]["capturedAmount"], 10000);

    let (status, body) = sim
        .modify(
            Method::POST,
            id,
            "capture",
            Some("cap-1"),
            capture_body(Some(5000), "Part 1"),
        )
        .await;
    assert_eq!((status.as_u16(), error_code(&body)), (400, "93"));

    let (status, body) = sim
        .modify(Method::POST, id, "capture", None, capture_body(Some(5000), "Part 2"))
        .await;
    assert_eq!(
        (status.as_u16(), error_code(&body)),
        (400, "X-Request-Id"),
        "partial needs a key"
    );

    let (status, body) = sim
        .modify(
            Method::POST,
            id,
            "capture",
            Some(&"x".repeat(41)),
            capture_body(None, "All"),
        )
        .await;
    assert_eq!((status.as_u16(), error_code(&body)), (400, "X-Request-Id"));

    let (status, body) = sim
        .modify(
            Method::POST,
            id,
            "capture",
            Some("cap-2"),
            capture_body(Some(20001), "Too much"),
        )
        .await;
    assert_eq!((status.as_u16(), error_code(&body)), (400, "61"));

    let (status, body) = sim
        .modify(
            Method::POST,
            id,
            "capture",
            Some("cap-3"),
            capture_body(Some(0), "The rest"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["transactionInfo"]["amount"], 20000);
    assert_eq!(body["transactionSummary"]["remainingAmountToCapture"], 0);

    let d = sim.details(id).await;
    let log = d["transactionLogHistory"].as_array().unwrap();
    assert_eq!(log[0]["operation"], "CAPTURE");
    assert_eq!(log[0]["requestId"], "cap-3");
    assert_eq!(log[1]["requestId"], "cap-1");
    assert_eq!(log.len(), 4);
}

#[tokio::test]
async fn refund_rules_and_idempotency() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-ref-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    sim.approve(id, json!({})).await;

    let (status, body) = sim
        .modify(
            Method::POST,
            id,
            "refund",
            Some("r-1"),
            capture_body(Some(1000), "Refund"),
        )
        .await;
    assert_eq!((status.as_u16(), error_code(&body)), (400, "72"), "reserved only");

    sim.modify(Method::POST, id, "capture", Some("c-1"), capture_body(None, "All"))
        .await;
    let (status, body) = sim
        .modify(
            Method::POST,
            id,
            "refund",
            Some("r-1"),
            capture_body(Some(5000), "Half back"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["transaction"]["status"], "Refund",
        "refund answers under `transaction`"
    );
    assert!(body.get("transactionInfo").is_none());
    let (_, replay) = sim
        .modify(
            Method::POST,
            id,
            "refund",
            Some("r-1"),
            capture_body(Some(5000), "Half back"),
        )
        .await;
    assert_eq!(replay, body);
    let (status, body) = sim
        .modify(
            Method::POST,
            id,
            "refund",
            Some("r-2"),
            capture_body(Some(15001), "Too much"),
        )
        .await;
    assert_eq!((status.as_u16(), error_code(&body)), (400, "71"));
    let (status, body) = sim
        .modify(
            Method::POST,
            id,
            "refund",
            Some("r-3"),
            capture_body(Some(15000), "The rest"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["transactionSummary"]["remainingAmountToRefund"], 0);
    let (_, view) = sim.control(Method::GET, &format!("/_sim/payments/{id}"), None).await;
    assert_eq!(view["state"], "refunded");
    assert_eq!(view["refundedAmount"], 20000);
}

pub(crate) fn cancel_body(release: Option<bool>) -> Value {
    let mut body = json!({ "merchantInfo": { "merchantSerialNumber": MSN }, "transaction": { "transactionText": "Cancelled by the shop" } });
    if let Some(r) = release {
        body["shouldReleaseRemainingFunds"] = json!(r);
    }
    body
}

#[tokio::test]
async fn cancel_before_reservation_after_reservation_and_after_partial_capture() {
    let sim = sim().await;
    let merchant = Merchant::start().await;

    sim.initiate(&merchant.regular_payment("acme-shop-can-1", 20000)).await;
    let (status, body) = sim
        .modify(Method::PUT, "acme-shop-can-1", "cancel", None, cancel_body(None))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["transactionInfo"]["status"], "Cancelled");
    assert_eq!(
        sim.details("acme-shop-can-1").await["transactionLogHistory"][0]["operation"],
        "CANCEL"
    );
    let (status, body) = sim
        .modify(Method::PUT, "acme-shop-can-1", "cancel", None, cancel_body(None))
        .await;
    assert_eq!((status.as_u16(), error_code(&body)), (400, "91"));
    let (status, _) = sim
        .control(Method::POST, "/_sim/payments/acme-shop-can-1/approve", Some(json!({})))
        .await;
    assert_eq!(status, 409, "a cancelled payment cannot be approved");

    sim.initiate(&merchant.regular_payment("acme-shop-can-2", 20000)).await;
    sim.approve("acme-shop-can-2", json!({})).await;
    let (status, _) = sim
        .modify(Method::PUT, "acme-shop-can-2", "cancel", None, cancel_body(None))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        sim.details("acme-shop-can-2").await["transactionLogHistory"][0]["operation"],
        "VOID"
    );

    sim.initiate(&merchant.regular_payment("acme-shop-can-3", 20000)).await;
    sim.approve("acme-shop-can-3", json!({})).await;
    sim.modify(
        Method::POST,
        "acme-shop-can-3",
        "capture",
        Some("c1"),
        capture_body(Some(5000), "Part"),
    )
    .await;
    let (status, body) = sim
        .modify(Method::PUT, "acme-shop-can-3", "cancel", None, cancel_body(Some(false)))
        .await;
    assert_eq!((status.as_u16(), error_code(&body)), (400, "51"));
    let (status, body) = sim
        .modify(Method::PUT, "acme-shop-can-3", "cancel", None, cancel_body(Some(true)))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["transactionSummary"]["remainingAmountToCapture"], 0);
    assert_eq!(body["transactionSummary"]["capturedAmount"], 5000);

    let (status, body) = sim
        .modify(
            Method::PUT,
            "acme-shop-can-3",
            "cancel",
            None,
            json!({"transaction": {}}),
        )
        .await;
    assert_eq!((status.as_u16(), error_code(&body)), (400, "merchantInfo"));
}

#[tokio::test]
async fn direct_capture_units_sell_at_once() {
    let sim = sim_with(&["--direct-capture"]).await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-sale-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    sim.approve(id, json!({})).await;
    let callbacks = merchant.wait_for_callbacks(1).await;
    assert_eq!(callbacks[0].body["transactionInfo"]["status"], "SALE");
    let d = sim.details(id).await;
    assert_eq!(d["transactionLogHistory"][0]["operation"], "SALE");
    assert_eq!(d["transactionSummary"]["capturedAmount"], 20000);
}

#[tokio::test]
async fn a_declined_card_on_a_direct_capture_unit_calls_back_sale_failed() {
    let sim = sim_with(&["--direct-capture"]).await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-sale-fail";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    sim.approve(id, json!({"mobileNumber": "40000042"})).await;
    let callbacks = merchant.wait_for_callbacks(1).await;
    assert_eq!(callbacks[0].body["transactionInfo"]["status"], "SALE_FAILED");
    assert_eq!(callbacks[0].body["errorInfo"]["errorCode"], "42");
    let d = sim.details(id).await;
    assert_eq!(d["transactionLogHistory"][0]["operation"], "SALE");
    assert_eq!(d["transactionLogHistory"][0]["operationSuccess"], false);
}
