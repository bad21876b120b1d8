//! The ePayment API v1 and the Webhooks API over HTTP (issue 13): create with
//! idempotency, the truth from get and the event log, capture / refund / cancel by key,
//! problems as `application/problem+json`, signed webhook deliveries.

mod common;

use common::{sim, Merchant};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn create_body(merchant: &Merchant, reference: &str) -> Value {
    merchant.epayment_payment(reference)
}

async fn call(
    s: &common::Sim,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Option<String>, Value) {
    let mut req = s.api(method, path);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, kind, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_payment_from_create_to_refund_with_its_webhooks() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let (status, _, hook) = call(
        &s,
        Method::POST,
        "/webhooks/v1/webhooks",
        None,
        Some(json!({"url": format!("{}/hooks/vipps", merchant.base), "events": ["epayments.payment.authorized.v1", "epayments.payment.captured.v1"]})),
    )
    .await;
    assert_eq!(status, 201, "{hook}");
    assert!(hook["secret"].as_str().unwrap().len() >= 32);

    let reference = "shop-20261123-ep00001";
    let body = create_body(&merchant, reference);
    let (status, _, created) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("k1"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["reference"], reference);
    assert!(created["redirectUrl"].as_str().unwrap().contains("token="));
    let (status, _, again) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("k1"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        (status, &again),
        (StatusCode::CREATED, &created),
        "a retry answers the same"
    );
    let (status, kind, p) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("k2"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["title"].as_str()),
        (409, Some("Idempotency error")),
        "the reference exists"
    );
    assert_eq!(kind.as_deref(), Some("application/problem+json"));
    assert!(p["traceId"].is_string() && p["type"].is_string());
    let mut other = body.clone();
    other["amount"]["value"] = json!(100);
    let (status, _, _) = call(&s, Method::POST, "/epayment/v1/payments", Some("k1"), Some(other)).await;
    assert_eq!(status, 409, "the key with another request");
    let (status, _, p) = call(&s, Method::POST, "/epayment/v1/payments", None, Some(body)).await;
    assert_eq!(
        (status.as_u16(), p["title"].as_str()),
        (400, Some("Missing required parameter"))
    );

    let path = format!("/epayment/v1/payments/{reference}");
    let (_, _, got) = call(&s, Method::GET, &path, None, None).await;
    assert_eq!(got["state"], "CREATED");
    let (status, _, p) = call(
        &s,
        Method::POST,
        &format!("{path}/capture"),
        Some("c0"),
        Some(json!({"modificationAmount": {"currency": "NOK", "value": 100}})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["title"].as_str()),
        (409, Some("Cannot capture before reservation"))
    );

    let (status, approved) = s
        .control(Method::POST, &format!("/_sim/payments/{reference}/approve"), None)
        .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(
        (&approved["state"], &approved["epayment"]["state"]),
        (&json!("reserved"), &json!("AUTHORIZED"))
    );
    let hooks = merchant.wait_for_callbacks(1).await;
    assert_eq!(hooks[0].path_and_query, "/hooks/vipps");
    assert_eq!(hooks[0].body["name"], "AUTHORIZED");
    assert_eq!(hooks[0].body["msn"], common::MSN);
    assert!(hooks[0]
        .authorization
        .as_deref()
        .unwrap()
        .starts_with("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="));

    let capture = json!({"modificationAmount": {"currency": "NOK", "value": 20000}});
    let (status, _, m) = call(
        &s,
        Method::POST,
        &format!("{path}/capture"),
        Some("c1"),
        Some(capture.clone()),
    )
    .await;
    assert_eq!(status, 200, "{m}");
    assert_eq!(m["state"], "AUTHORIZED");
    call(&s, Method::POST, &format!("{path}/capture"), Some("c1"), Some(capture)).await;
    let (_, _, got) = call(&s, Method::GET, &path, None, None).await;
    assert_eq!(
        got["aggregate"]["capturedAmount"]["value"], 20000,
        "a retried capture counts once"
    );
    merchant.wait_for_callbacks(2).await;

    let (status, _, _) = call(
        &s,
        Method::POST,
        &format!("{path}/refund"),
        Some("r1"),
        Some(json!({"modificationAmount": {"currency": "NOK", "value": 5000}})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, m) = call(&s, Method::POST, &format!("{path}/cancel"), Some("x1"), None).await;
    assert_eq!(status, 200);
    assert_eq!(m["aggregate"]["cancelledAmount"]["value"], 29900, "the rest released");
    assert_eq!(m["state"], "AUTHORIZED");
    let (_, _, log) = call(&s, Method::GET, &format!("{path}/events"), None, None).await;
    let names: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED"]);
    assert_eq!(
        merchant.callbacks().len(),
        2,
        "only the events the registration asked for"
    );

    let (status, _, p) = call(&s, Method::GET, "/epayment/v1/payments/shop-unknown-1", None, None).await;
    assert_eq!(
        (status.as_u16(), p["title"].as_str()),
        (404, Some("Reference not found"))
    );
}

#[tokio::test]
async fn a_payment_nobody_approves_ends_aborted_or_expired_and_a_cancel_first_terminates_it() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    for (reference, act, state, word) in [
        ("shop-20261123-ep00002", "reject", "ABORTED", "cancelled"),
        ("shop-20261123-ep00003", "expire", "EXPIRED", "expired"),
    ] {
        let (status, _, _) = call(
            &s,
            Method::POST,
            "/epayment/v1/payments",
            Some(reference),
            Some(create_body(&merchant, reference)),
        )
        .await;
        assert_eq!(status, 201);
        let (_, view) = s
            .control(Method::POST, &format!("/_sim/payments/{reference}/{act}"), None)
            .await;
        assert_eq!(
            (&view["epayment"]["state"], &view["state"]),
            (&json!(state), &json!(word))
        );
    }
    let reference = "shop-20261123-ep00004";
    call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("t1"),
        Some(create_body(&merchant, reference)),
    )
    .await;
    let (status, _, m) = call(
        &s,
        Method::POST,
        &format!("/epayment/v1/payments/{reference}/cancel"),
        Some("t2"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(m["state"], "TERMINATED");
    let mut push = create_body(&merchant, "shop-20261123-ep00005");
    push["userFlow"] = json!("PUSH_MESSAGE");
    push["customer"] = json!({"phoneNumber": "4791234567"});
    let (status, _, p) = call(&s, Method::POST, "/epayment/v1/payments", Some("t3"), Some(push)).await;
    assert_eq!(
        (status.as_u16(), p["title"].as_str()),
        (403, Some("Skip landing page not allowed"))
    );
}

/// The control API's faults and the rate limits apply to ePayment calls as to eCom ones,
/// answered as problems.
#[tokio::test]
async fn faults_and_rate_limits_reach_the_epayment_routes() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let reference = "shop-20261123-ep00010";
    let control = vipps_sim::testkit::Control::new(&s.base);
    let fault = |spec: Value| {
        let control = control.clone();
        async move { control.fault(spec).await.expect("a fault the simulator takes") }
    };
    fault(json!({"route": "initiate", "status": 503, "count": 1})).await;
    let body = create_body(&merchant, reference);
    let (status, kind, p) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("f1"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 503, "{p}");
    assert_eq!(kind.as_deref(), Some("application/problem+json"));
    assert_eq!(p["title"], "Internal error");
    let (status, _, _) = call(&s, Method::POST, "/epayment/v1/payments", Some("f1"), Some(body)).await;
    assert_eq!(status, 201, "the fault was used up; the same key creates the payment");
    s.control(Method::POST, &format!("/_sim/payments/{reference}/approve"), None)
        .await;

    // A create made, and its answer lost: the payment exists; the same key answers it.
    let lost_ref = "shop-20261123-ep00011";
    fault(json!({"route": "initiate", "status": 502, "after": true, "count": 1})).await;
    let body = create_body(&merchant, lost_ref);
    let (status, _, _) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("f2"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 502);
    let (status, view) = s
        .control(Method::GET, &format!("/_sim/payments/{lost_ref}"), None)
        .await;
    assert_eq!(
        (status.as_u16(), &view["state"]),
        (200, &json!("initiated")),
        "made despite the lost answer"
    );
    let (status, _, again) = call(&s, Method::POST, "/epayment/v1/payments", Some("f2"), Some(body)).await;
    assert_eq!((status.as_u16(), &again["reference"]), (201, &json!(lost_ref)));

    // A capture made, and its answer lost: a retry with the same key answers it, once.
    fault(json!({"route": "capture", "status": 502, "after": true, "count": 1})).await;
    let capture = json!({"modificationAmount": {"currency": "NOK", "value": 10000}});
    let path = format!("/epayment/v1/payments/{reference}");
    let (status, _, _) = call(
        &s,
        Method::POST,
        &format!("{path}/capture"),
        Some("c1"),
        Some(capture.clone()),
    )
    .await;
    assert_eq!(status, 502);
    let (status, _, m) = call(&s, Method::POST, &format!("{path}/capture"), Some("c1"), Some(capture)).await;
    assert_eq!(
        (status.as_u16(), &m["aggregate"]["capturedAmount"]["value"]),
        (200, &json!(10000))
    );

    // A refused call with Vipps' own problem title.
    fault(
        json!({"route": "details", "status": 409, "errorCode": "Order processing", "errorMessage": "busy", "count": 1}),
    )
    .await;
    let (status, _, p) = call(&s, Method::GET, &path, None, None).await;
    assert_eq!(
        (status.as_u16(), p["title"].as_str(), p["detail"].as_str()),
        (409, Some("Order processing"), Some("busy"))
    );

    // Too many reads of one payment in a minute: the gateway's 429.
    let mut limited = None;
    for i in 0..200 {
        let (status, _, _) = call(&s, Method::GET, &path, None, None).await;
        if status == 429 {
            limited = Some(i);
            break;
        }
    }
    assert!(
        limited.is_some_and(|i| i >= 100),
        "a generous limit, then 429: {limited:?}"
    );
}

fn express_body(merchant: &Merchant, reference: &str) -> Value {
    let mut body = create_body(merchant, reference);
    body["profile"] = json!({"scope": "name address email phoneNumber"});
    body["shipping"] = json!({"dynamicOptions": {
        "callbackUrl": format!("{}/shop/express-options", merchant.base),
        "callbackAuthorizationToken": "secret-token-1",
    }});
    body
}

#[tokio::test]
async fn express_asks_the_shop_for_options_per_address_and_reserves_goods_plus_shipping() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    merchant.set_shipping_methods(json!([
        {"type": "HOME_DELIVERY", "brand": "HELTHJEM", "priority": 2,
         "options": [{"id": "home", "name": "Helthjem", "amount": {"currency": "NOK", "value": 14950}}]},
        {"type": "PICKUP_POINT", "brand": "POSTEN", "priority": 1, "isDefault": true,
         "options": [{"id": "pp-1", "name": "Kiwi Grünerløkka", "amount": {"currency": "NOK", "value": 6900}},
                     {"id": "pp-2", "name": "Rema Torshov", "amount": {"currency": "NOK", "value": 6900}}]},
    ]));
    // What Vipps refuses: no scope, a push, a fixed option in another currency.
    let mut no_scope = express_body(&merchant, "shop-20261123-ex00000");
    no_scope.as_object_mut().unwrap().remove("profile");
    let (status, kind, problem) = call(&s, Method::POST, "/epayment/v1/payments", Some("e0"), Some(no_scope)).await;
    assert_eq!(
        (status, kind.as_deref()),
        (StatusCode::BAD_REQUEST, Some("application/problem+json"))
    );
    assert!(problem["detail"].as_str().unwrap().contains("phoneNumber"), "{problem}");
    let mut push = express_body(&merchant, "shop-20261123-ex00000");
    push["userFlow"] = json!("PUSH_MESSAGE");
    push["customer"] = json!({"phoneNumber": "4791234567"});
    let (status, _, problem) = call(&s, Method::POST, "/epayment/v1/payments", Some("e1"), Some(push)).await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Operation not supported"))
    );
    let mut euros = express_body(&merchant, "shop-20261123-ex00000");
    euros["shipping"] = json!({"fixedOptions": [{"type": "MAILBOX", "brand": "POSTEN",
        "options": [{"id": "m", "name": "Postkassen", "amount": {"currency": "EUR", "value": 500}}]}]});
    let (status, _, problem) = call(&s, Method::POST, "/epayment/v1/payments", Some("e2"), Some(euros)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");

    let reference = "shop-20261123-ex00001";
    let (status, _, created) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("e3"),
        Some(express_body(&merchant, reference)),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let (status, view) = s
        .control(
            Method::POST,
            &format!("/_sim/payments/{reference}/approve"),
            Some(json!({"addressId": 3961, "shippingMethodId": "pp-2"})),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    let asked: Vec<_> = merchant
        .received()
        .into_iter()
        .filter(|r| r.path_and_query == "/shop/express-options")
        .collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].authorization.as_deref(), Some("secret-token-1"));
    assert_eq!(
        asked[0].body,
        json!({"reference": reference, "addressLine1": "Dronning Eufemias gate 42", "addressLine2": "Att: Innkjøp",
               "city": "OSLO", "country": "NO", "postCode": "0191"})
    );
    let (status, _, payment) = call(
        &s,
        Method::GET,
        &format!("/epayment/v1/payments/{reference}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(payment["amount"]["value"], 49900 + 6900);
    assert_eq!(payment["aggregate"]["authorizedAmount"]["value"], 49900 + 6900);
    assert_eq!(payment["shippingDetails"]["shippingOptionId"], "pp-2");
    assert_eq!(payment["shippingDetails"]["address"]["postCode"], "0191");
    assert_eq!(payment["userDetails"]["firstName"], "Kari");
    assert_eq!(payment["userDetails"]["mobileNumber"], "4791234567");
    assert!(payment["profile"]["sub"].is_string());

    // A shop answering something the app cannot show ends the payment.
    merchant.set_shipping_methods(json!([]));
    let reference = "shop-20261123-ex00002";
    let (status, _, _) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("e4"),
        Some(express_body(&merchant, reference)),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = s
        .control(
            Method::POST,
            &format!("/_sim/payments/{reference}/approve"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 502);
    let (_, _, payment) = call(
        &s,
        Method::GET,
        &format!("/epayment/v1/payments/{reference}"),
        None,
        None,
    )
    .await;
    assert_eq!(payment["state"], "ABORTED");
    assert!(payment.get("shippingDetails").is_none());
}

#[tokio::test]
async fn a_qr_payment_shows_a_code_that_opens_the_landing_page() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let qr_body = |reference: &str, format: Value| {
        let mut body = create_body(&merchant, reference);
        body["userFlow"] = json!("QR");
        body.as_object_mut().unwrap().remove("returnUrl");
        if !format.is_null() {
            body["qrFormat"] = format;
        }
        body
    };
    let http = reqwest::Client::new();
    // The default: an SVG image.
    let (status, _, created) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("q1"),
        Some(qr_body("shop-20261123-qr00001", Value::Null)),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let image = http.get(created["redirectUrl"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(image.headers()["content-type"], "image/svg+xml");
    assert!(image.text().await.unwrap().starts_with("<svg"));

    // A PNG of the size asked for, which a camera reads as the landing page.
    let (status, _, created) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("q2"),
        Some(qr_body(
            "shop-20261123-qr00002",
            json!({"format": "IMAGE/PNG", "size": 400}),
        )),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let image = http.get(created["redirectUrl"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(image.headers()["content-type"], "image/png");
    let bytes = image.bytes().await.unwrap();
    let mut reader = png::Decoder::new(&bytes[..]).read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((frame.width, frame.height), (400, 400));
    let (w, h) = (frame.width as usize, frame.height as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let scanned = grids[0].decode().unwrap().1;
    assert!(scanned.contains("token="), "{scanned}");
    let landing = http.get(&scanned).send().await.unwrap();
    assert_eq!(landing.status(), 200);
    assert!(landing.text().await.unwrap().contains("Mobile number"));

    // TEXT/TARGETURL: the URL to draw, not an image.
    let (_, _, created) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("q3"),
        Some(qr_body("shop-20261123-qr00003", json!({"format": "TEXT/TARGETURL"}))),
    )
    .await;
    let target = created["redirectUrl"].as_str().unwrap();
    assert!(target.contains("token=") && !target.contains("/_sim/qr/"), "{target}");
    let (status, _, problem) = call(
        &s,
        Method::POST,
        "/epayment/v1/payments",
        Some("q4"),
        Some(qr_body("shop-20261123-qr00004", json!({"format": "IMAGE/GIF"}))),
    )
    .await;
    assert_eq!(status, 400, "{problem}");
}
