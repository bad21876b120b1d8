//! The eCom API surface over real HTTP: credentials, initiate, details, status, capture,
//! cancel, refund, force approve, idempotency, rate limits and faults.

mod common;

use axum::http::Method;
use common::{error_code, sim, sim_with, Merchant, MSN};
use serde_json::{json, Value};

#[tokio::test]
async fn access_token_has_string_expiry_fields_and_any_path_case() {
    let sim = sim().await;
    for path in ["/accesstoken/get", "/accessToken/get", "/AccessToken/Get"] {
        let res = sim
            .http
            .post(sim.url(path))
            .header("client_id", "sim-client-id")
            .header("client_secret", "sim-client-secret")
            .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], "3600");
        assert!(body["expires_on"].is_string() && body["not_before"].is_string());
    }
}

#[tokio::test]
async fn bad_credentials_are_refused_in_the_gateway_shapes() {
    let sim = sim().await;
    let res = sim
        .http
        .post(sim.url("/accesstoken/get"))
        .header("client_id", "sim-client-id")
        .header("client_secret", "wrong")
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "unauthorized_client");

    let res = sim.http.post(sim.url("/accesstoken/get")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.unwrap()["statusCode"], 401);

    let merchant = Merchant::start().await;
    let body = merchant.regular_payment("acme-shop-auth-1", 20000);
    // A token problem gets the gateway's responseInfo body; a key or MSN problem its
    // single {statusCode, message} object.
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "Authorization",
            "bearer x",
            "lowercase bearer",
            "/responseInfo/responseCode",
        ),
        (
            "Authorization",
            "Bearer not-a-token",
            "unknown token",
            "/responseInfo/responseCode",
        ),
        (
            "Ocp-Apim-Subscription-Key",
            "other",
            "wrong subscription key",
            "/statusCode",
        ),
        ("Merchant-Serial-Number", "654321", "other MSN", "/statusCode"),
    ];
    for (header, value, what, code_at) in cases {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("Authorization", format!("Bearer {}", sim.token).parse().unwrap());
        headers.insert("Ocp-Apim-Subscription-Key", "sim-subscription-key".parse().unwrap());
        headers.insert("Merchant-Serial-Number", MSN.parse().unwrap());
        headers.insert(header, value.parse().unwrap());
        let res = sim
            .http
            .post(sim.url("/ecomm/v2/payments"))
            .headers(headers)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{what}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body.pointer(code_at), Some(&json!(401)), "{what}: {body}");
    }
    let res = sim
        .http
        .get(sim.url("/ecomm/v2/payments/x/details"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn expired_access_tokens_are_refused() {
    let sim = sim_with(&["--token-lifetime", "1"]).await;
    let merchant = Merchant::start().await;
    let (status, _) = sim.initiate(&merchant.regular_payment("acme-shop-tok-1", 20000)).await;
    assert_eq!(status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, body) = sim.initiate(&merchant.regular_payment("acme-shop-tok-2", 20000)).await;
    assert_eq!(status, 401);
    assert_eq!(body["responseInfo"]["responseMessage"], "Unauthorized");
    assert_eq!(body["result"]["message"], "Token is expired");
}

#[tokio::test]
async fn access_tokens_are_jwts_whose_expiry_a_client_can_read() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let sim = sim().await;
    let parts: Vec<&str> = sim.token.split('.').collect();
    assert_eq!(parts.len(), 3, "{}", sim.token);
    let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let exp = payload["exp"].as_i64().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(
        (now + 3590..=now + 3610).contains(&exp),
        "exp {exp}, now {now}: the default hour"
    );
}

#[tokio::test]
async fn an_unknown_path_and_a_bad_token_answer_before_the_body_is_read() {
    let sim = sim().await;
    let res = sim.http.get(sim.url("/ecomm/v2/nothing-here")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["responseInfo"]["responseCode"], 404);
    assert_eq!(body["result"]["message"], "Resource not found");
    // Not JSON, and no valid token: the token is what is wrong.
    let res = sim
        .http
        .post(sim.url("/ecomm/v2/payments"))
        .header("Authorization", "Bearer forged")
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap()["result"]["message"],
        "Token is invalid"
    );
}

#[tokio::test]
async fn initiate_answers_order_id_and_a_landing_page_url() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let (status, body) = sim
        .initiate(&merchant.regular_payment("acme-shop-123-order1", 19900))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["orderId"], "acme-shop-123-order1");
    let url = body["url"].as_str().unwrap();
    assert!(url.starts_with(&format!(
        "{}/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=",
        sim.base
    )));

    let (status, body) = sim
        .initiate(&merchant.regular_payment("acme-shop-123-order1", 19900))
        .await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "34");
    assert_eq!(body[0]["errorGroup"], "Merchant");

    let mut app = merchant.regular_payment("acme-shop-123-order2", 19900);
    app["merchantInfo"]["isApp"] = json!(true);
    app["merchantInfo"]["fallBack"] = json!("myshop://result");
    let (status, body) = sim.initiate(&app).await;
    assert_eq!(status, 200);
    assert!(body["url"].as_str().unwrap().starts_with("vippsMT://?token="));
}

#[tokio::test]
async fn initiate_validation_errors_are_arrays_naming_the_field() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let base = merchant.regular_payment("acme-shop-val-1", 20000);
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        ("/transaction/amount", json!(50), 400, "transaction.amount"),
        ("/transaction/amount", json!("20000"), 400, "transaction.amount"),
        ("/transaction/amount", json!(200.5), 500, "99"),
        ("/merchantInfo/merchantSerialNumber", json!(123456), 500, "99"),
        ("/transaction/orderId", json!("ÆØÅ"), 400, "transaction.orderId"),
        (
            "/transaction/transactionText",
            json!(""),
            400,
            "transaction.transactionText",
        ),
        (
            "/merchantInfo/callbackPrefix",
            json!("https://"),
            400,
            "merchantInfo.callbackPrefix",
        ),
        (
            "/merchantInfo/fallBack",
            json!("http://shop.example.com/return"),
            400,
            "merchantInfo.fallBack",
        ),
        (
            "/merchantInfo/callbackPrefix",
            json!("https://shop.local/cb"),
            400,
            "merchantInfo.callbackPrefix",
        ),
        (
            "/merchantInfo/callbackPrefix",
            json!("https://localhost/cb"),
            400,
            "merchantInfo.callbackPrefix",
        ),
        (
            "/merchantInfo/fallBack",
            json!("https://kasse/return"),
            400,
            "merchantInfo.fallBack",
        ),
        ("/customerInfo/mobileNumber", json!("40000081"), 400, "81"),
        ("/customerInfo/mobileNumber", json!("40000082"), 400, "82"),
    ];
    for (i, (pointer, value, status, code)) in cases.into_iter().enumerate() {
        let mut body = base.clone();
        // Vipps allows 2 initiates a minute per orderId: each case gets its own.
        body["transaction"]["orderId"] = json!(format!("acme-shop-val-{i}"));
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        body.pointer_mut(parent).unwrap()[key] = value.clone();
        let (got, answer) = sim.initiate(&body).await;
        assert_eq!(
            (got.as_u16(), error_code(&answer)),
            (status, code),
            "{pointer} = {value}"
        );
        assert!(answer[0]["contextId"].is_string());
    }
    let res = sim
        .api(Method::POST, "/ecomm/v2/payments")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(&res.json().await.unwrap()), "body");
    // None of these created a payment.
    let (_, list) = sim.control(Method::GET, "/_sim/payments", None).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn details_follows_the_payment_newest_first() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-det-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    let d = sim.details(id).await;
    assert_eq!(d["orderId"], id);
    assert!(d.get("transactionSummary").is_none(), "no summary before the user acts");
    assert_eq!(d["transactionLogHistory"][0]["operation"], "INITIATE");
    let tx = d["transactionLogHistory"][0]["transactionId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(tx.len(), 10);

    sim.approve(id, json!({})).await;
    let d = sim.details(id).await;
    let ops: Vec<&str> = d["transactionLogHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["RESERVE", "INITIATE"]);
    assert_eq!(d["transactionSummary"]["remainingAmountToCapture"], 20000);
    assert_eq!(d["transactionLogHistory"][0]["operationSuccess"], true);

    let res = sim
        .api(Method::GET, "/ecomm/v2/payments/unknown-order/details")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(&res.json().await.unwrap()), "35");
}

#[tokio::test]
async fn deprecated_status_endpoint_reports_the_decisive_state() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-status-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    let status = |sim: &common::Sim| sim.api(Method::GET, &format!("/ecomm/v2/payments/{id}/status")).send();
    let body: Value = status(&sim).await.unwrap().json().await.unwrap();
    assert_eq!(body["transactionInfo"]["status"], "INITIATE");
    sim.approve(id, json!({})).await;
    let body: Value = status(&sim).await.unwrap().json().await.unwrap();
    assert_eq!(body["transactionInfo"]["status"], "RESERVE");
}

fn capture_body(amount: Option<i64>, text: &str) -> Value {
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

fn cancel_body(release: Option<bool>) -> Value {
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
async fn force_approve_needs_the_url_token() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-force-1";
    let (_, body) = sim.initiate(&merchant.regular_payment(id, 20000)).await;
    let token = body["url"]
        .as_str()
        .unwrap()
        .rsplit("token=")
        .next()
        .unwrap()
        .to_string();
    let path = format!("/ecomm/v2/integration-test/payments/{id}/approve");
    let res = sim
        .api(Method::POST, &path)
        .json(&json!({"customerPhoneNumber": "91234567", "token": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = sim
        .api(Method::POST, &path)
        .json(&json!({"customerPhoneNumber": "91234567", "token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let callbacks = merchant.wait_for_callbacks(1).await;
    assert_eq!(callbacks[0].body["transactionInfo"]["status"], "RESERVED");
    assert_eq!(
        sim.details(id).await["transactionLogHistory"][0]["operation"],
        "RESERVE"
    );
}

#[tokio::test]
async fn express_force_approve_is_refused() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-force-2";
    let (_, body) = sim.initiate(&merchant.express_payment(id, 20000)).await;
    let token = body["url"]
        .as_str()
        .unwrap()
        .rsplit("token=")
        .next()
        .unwrap()
        .to_string();
    let res = sim
        .api(
            Method::POST,
            &format!("/ecomm/v2/integration-test/payments/{id}/approve"),
        )
        .json(&json!({"customerPhoneNumber": "91234567", "token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
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
async fn the_nin_scope_needs_approval_the_simulated_merchant_lacks() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let mut body = merchant.regular_payment("acme-shop-nin-1", 20000);
    body["transaction"]["scope"] = json!("name nin");
    let (status, error) = sim.initiate(&body).await;
    assert_eq!(status, 403);
    assert_eq!(error_code(&error), "51");
    assert_eq!(error[0]["errorGroup"], "Merchant");
    body["transaction"]["scope"] = json!("name address");
    assert_eq!(sim.initiate(&body).await.0, 200, "other scopes are fine");
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

#[tokio::test]
async fn strict_urls_refuse_the_loopback_exception_as_vipps_would() {
    let merchant = Merchant::start().await;
    let body = merchant.regular_payment("acme-shop-strict-1", 20000);
    let relaxed = sim().await;
    assert_eq!(relaxed.initiate(&body).await.0, 200, "http://127.0.0.1 for development");
    let strict = sim_with(&["--strict-urls"]).await;
    let (status, errors) = strict.initiate(&body).await;
    assert_eq!(status, 400, "{errors}");
    assert_eq!(errors[0]["errorCode"], "merchantInfo.callbackPrefix");
}

#[tokio::test]
async fn skip_landing_page_in_merchant_info_is_not_the_flag() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let mut body = merchant.regular_payment("acme-shop-skip-1", 20000);
    body["merchantInfo"]["skipLandingPage"] = json!(true);
    let (status, answer) = sim.initiate(&body).await;
    assert_eq!(status, 200, "ignored, as Vipps does: {answer}");
    assert!(
        answer["url"].as_str().unwrap().contains("/dwo-api-application/"),
        "the landing page"
    );
    body["transaction"]["orderId"] = json!("acme-shop-skip-2");
    body["transaction"]["skipLandingPage"] = json!(true);
    body["customerInfo"]["mobileNumber"] = json!("48059528");
    let (status, errors) = sim.initiate(&body).await;
    assert_eq!(
        (status.as_u16(), errors[0]["errorCode"].clone()),
        (400, json!("38")),
        "a sales unit that is not whitelisted"
    );
    let whitelisted = sim_with(&["--skip-landing-page"]).await;
    assert_eq!(whitelisted.initiate(&body).await.0, 200);
    body["transaction"]["orderId"] = json!("acme-shop-skip-3");
    body["customerInfo"] = json!({});
    let (status, errors) = whitelisted.initiate(&body).await;
    assert_eq!(
        (status.as_u16(), errors[0]["errorCode"].clone()),
        (400, json!("customerInfo.mobileNumber")),
        "a push needs the number to push to"
    );
}

#[tokio::test]
async fn userinfo_gives_the_consented_claims_for_the_sub_in_details() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-userinfo-1";
    let mut body = merchant.regular_payment(id, 20000);
    body["transaction"]["scope"] = json!("name email");
    assert_eq!(sim.initiate(&body).await.0, 200);
    sim.approve(id, json!({"mobileNumber": "97777776"})).await;
    let details = sim.details(id).await;
    let sub = details["sub"]
        .as_str()
        .expect("sub once the user consented")
        .to_string();
    assert_eq!(details["userDetails"]["firstName"], "Ada");
    let callbacks = merchant.wait_for_callbacks(1).await;
    assert_eq!(
        callbacks[0].body["userDetails"]["email"], "ada.lovelace@example.com",
        "as Vipps sends it"
    );

    let url = sim.url(&format!("/vipps-userinfo-api/userinfo/{sub}"));
    let res = sim.http.get(&url).bearer_auth(&sim.token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let claims: Value = res.json().await.unwrap();
    assert_eq!(claims["sub"], sub.as_str());
    assert_eq!(claims["name"], "Ada Lovelace");
    assert_eq!(claims["email"], "ada.lovelace@example.com");
    assert!(
        claims.get("address").is_none() && claims.get("phone_number").is_none(),
        "{claims}"
    );

    // With the subscription key (as on every other call) Userinfo refuses.
    let res = sim
        .http
        .get(&url)
        .bearer_auth(&sim.token)
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = sim.http.get(&url).bearer_auth("forged").send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = sim
        .http
        .get(sim.url("/vipps-userinfo-api/userinfo/c06c4afe-0000-4c5d-0000-177d752a0944"))
        .bearer_auth(&sim.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    // A payment without scope shares nothing.
    let plain = "acme-shop-userinfo-2";
    sim.initiate(&merchant.regular_payment(plain, 20000)).await;
    sim.approve(plain, json!({"mobileNumber": "48059528"})).await;
    assert!(sim.details(plain).await.get("sub").is_none());
}

#[tokio::test]
async fn each_sales_unit_has_its_own_keys_tokens_and_orders() {
    let sim = sim_with(&["--sales-unit", "654321:fjord-id:fjord-secret:fjord-key:Fjord Kaffe"]).await;
    let merchant = Merchant::start().await;
    let token_for = |id: &'static str, secret: &'static str, key: &'static str| {
        let http = sim.http.clone();
        let url = sim.url("/accesstoken/get");
        async move {
            let res = http
                .post(url)
                .header("client_id", id)
                .header("client_secret", secret)
                .header("Ocp-Apim-Subscription-Key", key)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, fjord) = token_for("fjord-id", "fjord-secret", "fjord-key").await;
    assert_eq!(status, 200, "{fjord}");
    let fjord = fjord["access_token"].as_str().unwrap().to_string();
    let (status, _) = token_for("sim-client-id", "sim-client-secret", "fjord-key").await;
    assert_eq!(status, 401, "another unit's client id under fjord's subscription");

    let call = |method: Method, path: &str, token: &str, key: &str| {
        sim.http
            .request(method, sim.url(path))
            .header("Authorization", format!("Bearer {token}"))
            .header("Ocp-Apim-Subscription-Key", key)
    };
    let mut body = merchant.regular_payment("fjord-order-1", 4500);
    body["merchantInfo"]["merchantSerialNumber"] = json!("654321");
    let res = call(Method::POST, "/ecomm/v2/payments", &fjord, "fjord-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let url = res.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_string();

    let res = call(Method::POST, "/ecomm/v2/payments", &sim.token, "sim-subscription-key")
        .json(&json!({"merchantInfo": {"merchantSerialNumber": "654321"}, "customerInfo": {}, "transaction": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "fjord's MSN with the default unit's keys");
    let res = call(
        Method::GET,
        "/ecomm/v2/payments/fjord-order-1/details",
        &sim.token,
        "sim-subscription-key",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 404, "another unit's order does not exist for it");
    let res = call(
        Method::GET,
        "/ecomm/v2/payments/fjord-order-1/details",
        &fjord,
        "sim-subscription-key",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 401, "fjord's token with another subscription key");
    let res = call(
        Method::GET,
        "/ecomm/v2/payments/fjord-order-1/details",
        &fjord,
        "fjord-key",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let landing = sim.http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(
        landing.contains("Fjord Kaffe"),
        "the landing page names the unit's merchant"
    );
}
