//! Requests as Vipps' own published spec, guides and examples make them, answered as
//! Vipps answers them (issue 24): each test names what it holds the simulator to.

mod common;

use common::{sim, sim_with, Merchant, Sim, MSN};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn create_body(merchant: &Merchant, reference: &str) -> Value {
    merchant.epayment_payment(reference)
}

async fn send(req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn create(s: &Sim, key: &str, body: &Value) -> (StatusCode, Value) {
    send(
        s.api(Method::POST, "/epayment/v1/payments")
            .header("Idempotency-Key", key)
            .json(body),
    )
    .await
}

async fn adjust(s: &Sim, reference: &str, op: &str, key: &str, body: Value) -> (StatusCode, Value) {
    send(
        s.api(Method::POST, &format!("/epayment/v1/payments/{reference}/{op}"))
            .header("Idempotency-Key", key)
            .json(&body),
    )
    .await
}

fn nok(value: i64) -> Value {
    json!({"modificationAmount": {"currency": "NOK", "value": value}})
}

async fn events(s: &Sim, reference: &str) -> Vec<Value> {
    let (_, log) = send(s.api(Method::GET, &format!("/epayment/v1/payments/{reference}/events"))).await;
    log.as_array().unwrap().clone()
}

#[tokio::test]
async fn the_quick_starts_one_key_creates_captures_refunds_and_cancels() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let reference = "shop-20261205-pub00001";
    let key = "49ca711a-acee-4d01-993b-9487112e1def";
    assert_eq!(create(&s, key, &create_body(&merchant, reference)).await.0, 201);
    s.approve(reference, json!({})).await;
    assert_eq!(adjust(&s, reference, "capture", key, nok(20000)).await.0, 200);
    let (status, refunded) = adjust(&s, reference, "refund", key, nok(5000)).await;
    assert_eq!(status, 200, "{refunded}");
    let (status, cancelled) = adjust(&s, reference, "cancel", key, json!({})).await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["aggregate"]["refundedAmount"]["value"], 5000);
    assert_eq!(cancelled["aggregate"]["cancelledAmount"]["value"], 29900);
    let (status, p) = adjust(&s, reference, "refund", key, nok(100)).await;
    assert_eq!(
        (status.as_u16(), p["title"].as_str()),
        (409, Some("Refund idempotency conflict")),
        "within one kind the key still means one request"
    );

    let log = events(&s, reference).await;
    let names: Vec<&str> = log.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED"]);
    assert_eq!(log[1]["idempotencyKey"], key, "AUTHORIZED carries the create's key");
    let psps: std::collections::HashSet<String> = log
        .iter()
        .map(|e| e["pspReference"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(psps.len(), 5, "each event its own pspReference: {log:?}");
}

#[tokio::test]
async fn cancel_transaction_only_never_voids_an_authorization() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let reference = "shop-20261205-pub00002";
    create(&s, "c", &create_body(&merchant, reference)).await;
    s.approve(reference, json!({})).await;
    let (status, p) = adjust(&s, reference, "cancel", "x", json!({"cancelTransactionOnly": true})).await;
    assert_eq!(
        (status.as_u16(), p["title"].as_str()),
        (409, Some("Cannot cancel authorized payment"))
    );
    let (_, got) = send(s.api(Method::GET, &format!("/epayment/v1/payments/{reference}"))).await;
    assert_eq!(got["aggregate"]["cancelledAmount"]["value"], 0, "still reserved: {got}");
    assert_eq!(got["aggregate"]["authorizedAmount"]["value"], 49900);

    let waiting = "shop-20261205-pub00003";
    create(&s, "c2", &create_body(&merchant, waiting)).await;
    let (status, m) = adjust(&s, waiting, "cancel", "x", json!({"cancelTransactionOnly": true})).await;
    assert_eq!((status.as_u16(), m["state"].as_str()), (200, Some("TERMINATED")));
}

#[tokio::test]
async fn long_living_payments_need_approval_a_range_and_a_receipt() {
    let merchant = Merchant::start().await;
    let in_days = |d: i64| (chrono::Utc::now() + chrono::Duration::days(d)).to_rfc3339();
    let mut body = create_body(&merchant, "shop-20261205-pub00010");
    body["userFlow"] = json!("QR");
    body["expiresAt"] = json!(in_days(3));
    body["receipt"] = json!({"orderLines": [{"name": "Sokker", "id": "1", "totalAmount": 49900,
        "totalAmountExcludingTax": 39920, "totalTaxAmount": 9980, "taxPercentage": 25}],
        "bottomLine": {"currency": "NOK"}});

    let s = sim().await;
    let (status, p) = create(&s, "l1", &body).await;
    assert_eq!(
        (status.as_u16(), p["title"].as_str()),
        (403, Some("Long-living payment not allowed"))
    );

    let s = sim_with(&["--long-living-payments"]).await;
    assert_eq!(create(&s, "l1", &body).await.0, 201);
    let mut far = body.clone();
    far["reference"] = json!("shop-20261205-pub00011");
    far["expiresAt"] = json!(in_days(29));
    assert_eq!(create(&s, "l2", &far).await.1["title"], "Expiration date invalid");
    let mut bare = body.clone();
    bare["reference"] = json!("shop-20261205-pub00012");
    bare.as_object_mut().unwrap().remove("receipt");
    assert_eq!(create(&s, "l3", &bare).await.1["title"], "Missing required parameter");
    let mut redirect = body.clone();
    redirect["userFlow"] = json!("WEB_REDIRECT");
    assert_eq!(create(&s, "l4", &redirect).await.1["title"], "ExpiresAt not allowed");
}

#[tokio::test]
async fn problems_have_a_type_each_and_merchant_serial_number_is_required() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let reference = "shop-20261205-pub00020";
    let (_, missing) = send(
        s.api(Method::POST, "/epayment/v1/payments")
            .json(&create_body(&merchant, reference)),
    )
    .await;
    let (_, unknown) = send(s.api(Method::GET, "/epayment/v1/payments/shop-unknown-0001")).await;
    assert_eq!(missing["title"], "Missing required parameter");
    assert!(missing["type"]
        .as_str()
        .unwrap()
        .ends_with("#missing-required-parameter"));
    assert!(unknown["type"].as_str().unwrap().ends_with("#reference-not-found"));
    assert_ne!(missing["type"], unknown["type"]);

    let without_msn = s
        .http
        .get(s.url(&format!("/epayment/v1/payments/{reference}")))
        .header("Authorization", format!("Bearer {}", s.token))
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key");
    let (status, p) = send(without_msn).await;
    assert_eq!(status, 400, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("Merchant-Serial-Number"));
    // eCom only recommends it: the same call there goes through.
    let ecom = s
        .http
        .get(s.url("/ecomm/v2/payments/unknown-1/details"))
        .header("Authorization", format!("Bearer {}", s.token))
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key");
    assert_eq!(send(ecom).await.0, 404);
}

#[tokio::test]
async fn push_accepts_each_kind_of_customer_and_qr_ignores_a_size_beside_svg() {
    let s = sim_with(&["--skip-landing-page"]).await;
    let merchant = Merchant::start().await;
    for (i, customer) in [
        json!({"phoneNumber": "4791234567"}),
        json!({"phoneNumber": 4791234567u64}),
        json!({"personalQr": "https://qr.vipps.no/p/9f8e7d"}),
        json!({"customerToken": "ctok-1234"}),
    ]
    .into_iter()
    .enumerate()
    {
        let reference = format!("shop-20261205-pub0003{i}");
        let mut body = create_body(&merchant, &reference);
        body["userFlow"] = json!("PUSH_MESSAGE");
        body["customer"] = customer.clone();
        let (status, p) = create(&s, &reference, &body).await;
        assert_eq!(status, 201, "{customer}: {p}");
        let (_, view) = s
            .control(Method::GET, &format!("/_sim/payments/{reference}"), None)
            .await;
        assert!(view["mobileNumber"].is_string(), "somebody's phone gets it: {view}");
    }
    let mut qr = create_body(&merchant, "shop-20261205-pub00040");
    qr["userFlow"] = json!("QR");
    qr["qrFormat"] = json!({"format": "IMAGE/SVG+XML", "size": 5000});
    assert_eq!(create(&s, "q", &qr).await.0, 201, "size applies only to PNG");
}

#[tokio::test]
async fn card_is_refused_as_in_vipps_test_environment_unless_production_is_asked_for() {
    let merchant = Merchant::start().await;
    let mut body = create_body(&merchant, "shop-20261205-pub00050");
    body["paymentMethod"] = json!({"type": "CARD"});
    let (status, p) = create(&sim().await, "k", &body).await;
    assert_eq!(status, 400);
    assert!(p["detail"].as_str().unwrap().contains("test environment"), "{p}");
    assert_eq!(create(&sim_with(&["--production"]).await, "k", &body).await.0, 201);
}

#[tokio::test]
async fn force_approve_takes_its_customer_and_checks_its_token() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let reference = "shop-20261205-pub00060";
    let mut body = create_body(&merchant, reference);
    body["profile"] = json!({"scope": "name phoneNumber"});
    let (_, created) = create(&s, "k", &body).await;
    let token = created["redirectUrl"].as_str().unwrap().split("token=").nth(1).unwrap();
    let approve = |b: Value| {
        s.api(Method::POST, &format!("/epayment/v1/test/payments/{reference}/approve"))
            .json(&b)
    };
    let (status, p) = send(approve(json!({"token": "not-the-token"}))).await;
    assert_eq!((status.as_u16(), p["title"].as_str()), (400, Some("Approve failed")));
    let (status, _) = send(approve(
        json!({"customer": {"phoneNumber": "4748059528"}, "token": token}),
    ))
    .await;
    assert_eq!(status, 200);
    let (_, got) = send(s.api(Method::GET, &format!("/epayment/v1/payments/{reference}"))).await;
    assert_eq!(got["state"], "AUTHORIZED");
    assert_eq!(
        got["userDetails"]["firstName"], "Ola",
        "the customer named approved: {got}"
    );
}

#[tokio::test]
async fn creates_are_limited_per_reference_and_numbers_are_read_as_vipps_examples_send_them() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let mut body = create_body(&merchant, "x");
    body["reference"] = json!(12345678901u64);
    let (status, created) = create(&s, "n1", &body).await;
    assert_eq!((status.as_u16(), &created["reference"]), (201, &json!("12345678901")));
    // The same reference created again and again (new keys): 5 a minute, then 429.
    let mut statuses = Vec::new();
    for i in 0..7 {
        statuses.push(create(&s, &format!("n-{i}"), &body).await.0.as_u16());
    }
    assert_eq!(
        statuses,
        [409, 409, 409, 409, 429, 429, 429],
        "the first create counted too"
    );
}

#[tokio::test]
async fn the_ecom_quick_starts_trailing_slash_initiates_and_every_call_is_recorded_with_its_headers() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let res = s
        .api(Method::POST, "/ecomm/v2/payments/")
        .json(&merchant.regular_payment("acme-slash-1", 1000))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "as Vipps' Postman collection posts it");
    let (_, calls) = s.control(Method::GET, "/_sim/calls", None).await;
    let last = calls.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["path"], "/ecomm/v2/payments/");
    assert_eq!(last["Merchant-Serial-Number"], MSN);
    assert_eq!(last["Vipps-System-Name"], "vipps-sim-tests");
    assert_eq!(
        last["Vipps-System-Plugin-Name"],
        Value::Null,
        "absent is recorded as absent"
    );
    assert!(
        calls
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["path"] == "/accesstoken/get"),
        "the token call too"
    );
}

#[tokio::test]
async fn every_ecom_approval_has_a_user_so_a_scope_payment_has_user_details_and_sub() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let mut body = merchant.regular_payment("acme-scope-1", 1000);
    body["merchantInfo"]["consentRemovalPrefix"] = json!(format!("{}/vipps/consents", merchant.base));
    body["transaction"]["scope"] = json!("name email");
    assert_eq!(s.initiate(&body).await.0, 200);
    s.approve("acme-scope-1", json!({})).await;
    let d = s.details("acme-scope-1").await;
    assert_eq!(d["userDetails"]["firstName"], "Kari", "the default test user: {d}");
    assert!(d["sub"].is_string(), "sub at the top level, as the swagger has it");
}

#[tokio::test]
async fn an_ecom_payment_is_read_and_adjusted_through_epayment_as_vipps_migration_path_allows() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let order_id = "acme-migrate-0001";
    assert_eq!(s.initiate(&merchant.regular_payment(order_id, 50000)).await.0, 200);
    let path = format!("/epayment/v1/payments/{order_id}");
    let (status, got) = send(s.api(Method::GET, &path)).await;
    assert_eq!(
        (status.as_u16(), got["state"].as_str()),
        (200, Some("CREATED")),
        "{got}"
    );
    s.approve(order_id, json!({})).await;
    let (_, got) = send(s.api(Method::GET, &path)).await;
    assert_eq!(got["state"], "AUTHORIZED");
    assert_eq!(
        got["aggregate"]["authorizedAmount"],
        json!({"currency": "NOK", "value": 50000})
    );

    let (status, m) = adjust(&s, order_id, "capture", "k1", nok(20000)).await;
    assert_eq!(status, 200, "{m}");
    assert_eq!(m["aggregate"]["capturedAmount"]["value"], 20000);
    let (status, _) = adjust(&s, order_id, "capture", "k1", nok(20000)).await;
    assert_eq!(status, 200, "a retry");
    let (status, p) = adjust(&s, order_id, "capture", "k2", nok(40000)).await;
    assert_eq!(
        (status.as_u16(), p["title"].as_str()),
        (400, Some("Capture amount too high"))
    );
    assert_eq!(adjust(&s, order_id, "refund", "k1", nok(5000)).await.0, 200);
    let (status, m) = adjust(&s, order_id, "cancel", "k1", json!({})).await;
    assert_eq!(status, 200, "{m}");
    assert_eq!(m["aggregate"]["cancelledAmount"]["value"], 30000, "the rest released");

    // eCom sees the same payment: captured once, refunded, the rest voided.
    let d = s.details(order_id).await;
    assert_eq!(d["transactionSummary"]["capturedAmount"], 20000);
    assert_eq!(d["transactionSummary"]["refundedAmount"], 5000);
    let log = events(&s, order_id).await;
    let names: Vec<&str> = log.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED"]);
    assert_eq!(log[2]["idempotencyKey"], "k1");

    // Not the other way round: an ePayment payment is not in eCom.
    let reference = "shop-20261205-pub00070";
    create(&s, "e", &create_body(&merchant, reference)).await;
    let res = s
        .api(Method::GET, &format!("/ecomm/v2/payments/{reference}/details"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}
