//! The widget's API against a real simulator: idempotent start, server-side prices,
//! status tokens, the return URL, Vipps errors and bad input.

mod common;

use common::{new_key, shipping_price, socks, socks_price, stack, stack_with};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn start_prices_from_the_catalogue_and_builds_vipps_urls() {
    let s = stack().await;
    let body = json!({"payload": {"items": [{"sku": "socks", "qty": 2, "price": 1}], "total": 1, "amount": 1}});
    let (status, created) = s.create(Some(&new_key()), &body).await;
    assert_eq!(status, 201, "{created}");
    let order_id = created["orderId"].as_str().unwrap();
    assert!(order_id.starts_with("nordlys-2"), "{order_id}");
    assert!(created["url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/dwo-api-application/", s.sim)));
    assert!(created["expiresAt"].as_str().unwrap().ends_with('Z'));

    let vipps = s.sim_payment(order_id).await;
    assert_eq!(
        vipps["amount"],
        2 * socks_price() + shipping_price(),
        "the page's price is ignored; the shop's shipping is included"
    );
    assert_eq!(vipps["transactionText"], "Nordlys Strikk: 2 × Ullsokker");
    let info = &vipps["merchantInfo"];
    assert_eq!(info["merchantSerialNumber"], "123456");
    assert_eq!(info["callbackPrefix"], format!("{}/api/vipps/callbacks", s.proxy));
    assert_eq!(info["paymentType"], "eComm Regular Payment");
    let token = created["statusToken"].as_str().unwrap();
    assert_eq!(
        info["fallBack"],
        format!("{}/return.html?orderId={order_id}&t={token}", s.proxy)
    );
    assert!(info["authToken"].as_str().unwrap().len() >= 40);

    let (_, other) = s.create(Some(&new_key()), &socks(1)).await;
    let other_info = s.sim_payment(other["orderId"].as_str().unwrap()).await["merchantInfo"].clone();
    assert_ne!(
        other_info["authToken"], info["authToken"],
        "one random authToken per order"
    );
}

#[tokio::test]
async fn the_same_key_starts_one_payment() {
    let s = stack().await;
    let key = new_key();
    let (s1, a) = s.create(Some(&key), &socks(1)).await;
    let (s2, b) = s.create(Some(&key), &socks(1)).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(a, b);
    assert_eq!(s.sim_payments().await.len(), 1);

    let (status, body) = s.create(Some(&key), &socks(2)).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "idempotency_key_reused");
    assert_eq!(s.sim_payments().await.len(), 1);
}

#[tokio::test]
async fn a_burst_of_identical_clicks_starts_one_payment() {
    let s = stack().await;
    let key = new_key();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (http, url, key) = (s.http.clone(), format!("{}/api/vipps/payments", s.proxy), key.clone());
        tasks.push(tokio::spawn(async move {
            let res = http
                .post(url)
                .header("Idempotency-Key", key)
                .json(&socks(1))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap())
        }));
    }
    let mut order_ids = std::collections::HashSet::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            201 => {
                order_ids.insert(body["orderId"].as_str().unwrap().to_string());
            }
            409 => assert_eq!(body["error"]["code"], "request_in_progress"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(order_ids.len(), 1);
    assert_eq!(s.sim_payments().await.len(), 1, "exactly one payment at Vipps");
}

#[tokio::test]
async fn bad_requests_get_clear_errors_and_start_nothing() {
    // More requests than one address may make in a burst: not what this test is about.
    let s = stack_with(&[], &["--payments-per-minute-per-client", "0"]).await;
    let cases: Vec<(Option<&str>, Value, u16, &str)> = vec![
        (None, socks(1), 400, "idempotency_key_required"),
        (Some("has space"), socks(1), 400, "idempotency_key_required"),
        (Some("k1"), json!({"payload": {"items": []}}), 400, "empty_cart"),
        (
            Some("k2"),
            json!({"payload": {"items": [{"sku": "car"}]}}),
            400,
            "unknown_product",
        ),
        (
            Some("k3"),
            json!({"payload": {"items": [{"sku": "socks", "qty": 0}]}}),
            400,
            "invalid_quantity",
        ),
        (Some("k4"), json!({"payload": {}}), 400, "invalid_request"),
        (
            Some("k5"),
            json!({"payload": {"items": [{"sku": "socks"}]}, "price": 1}),
            400,
            "invalid_request",
        ),
        (
            Some("k6"),
            json!({"payload": {"items": [{"sku": "socks"}]}, "mobileNumber": "123"}),
            400,
            "invalid_mobile_number",
        ),
        (Some("k7"), json!([1, 2]), 400, "invalid_request"),
    ];
    for (key, body, status, code) in cases {
        let (got, answer) = s.create(key, &body).await;
        assert_eq!(
            (got.as_u16(), answer["error"]["code"].as_str().unwrap_or("")),
            (status, code),
            "{body}"
        );
        assert!(answer["error"]["message"].as_str().unwrap().len() > 5);
    }
    let res = s
        .http
        .post(format!("{}/api/vipps/payments", s.proxy))
        .header("Idempotency-Key", "k8")
        .header("Content-Type", "application/json")
        .body("{\"payload\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = s
        .http
        .post(format!("{}/api/vipps/payments", s.proxy))
        .header("Idempotency-Key", "k9")
        .body(vec![b' '; 100 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "payload_too_large");
    assert!(s.sim_payments().await.is_empty());
}

#[tokio::test]
async fn vipps_errors_become_plain_messages() {
    let s = stack().await;
    let (status, body) = s
        .create(
            Some("user-81"),
            &json!({"payload": {"items": [{"sku": "socks"}]}, "mobileNumber": "40000081"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str().unwrap()),
        (400, "not_a_vipps_user")
    );
    assert_eq!(
        body["error"]["message"],
        "This phone number is not registered with Vipps."
    );
    let (status, again) = s
        .create(
            Some("user-81"),
            &json!({"payload": {"items": [{"sku": "socks"}]}, "mobileNumber": "40000081"}),
        )
        .await;
    assert_eq!((status.as_u16(), &again), (400, &body), "a definite answer is replayed");

    s.fault(json!({"route": "initiate", "status": 400, "errorGroup": "Merchant", "errorCode": "37", "count": 1}))
        .await;
    let (status, body) = s.create(Some("merchant-37"), &socks(1)).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str().unwrap()),
        (503, "merchant_unavailable")
    );
}

#[tokio::test]
async fn vipps_down_frees_the_key_for_a_retry() {
    let s = stack().await;
    s.fault(json!({"route": "initiate", "status": 503, "count": 1})).await;
    let key = new_key();
    let (status, body) = s.create(Some(&key), &socks(1)).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str().unwrap()),
        (502, "vipps_unavailable")
    );
    let (status, body) = s.create(Some(&key), &socks(1)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(s.sim_payments().await.len(), 1);
}

#[tokio::test]
async fn status_needs_the_right_token_and_reveals_nothing_otherwise() {
    let s = stack().await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    let (other_id, other_token, _) = s.start(&socks(1)).await;

    let (status, body) = s.status(&order_id, None).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str().unwrap()),
        (401, "missing_token")
    );
    let (status, body) = s.status(&order_id, Some("forged")).await;
    assert_eq!(status, 404);
    assert!(body.get("status").is_none() && body.get("amount").is_none());
    let (status, _) = s.status(&order_id, Some(&other_token)).await;
    assert_eq!(status, 404, "another order's token opens nothing");
    let (status, _) = s.status("nordlys-20990101-doesnotexist", Some(&token)).await;
    assert_eq!(status, 404);
    let (status, _) = s.status("bad%20id", Some(&token)).await;
    assert_eq!(status, 404);

    let (status, body) = s.status(&order_id, Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "pending");
    assert_eq!(
        body["amount"],
        json!({"value": socks_price() + shipping_price(), "currency": "NOK"})
    );
    assert_eq!(body["orderId"], order_id.as_str());
    let (_, body) = s.status(&other_id, Some(&other_token)).await;
    assert_eq!(body["orderId"], other_id.as_str());
}

#[tokio::test]
async fn the_return_page_sees_approval_rejection_failure_and_expiry() {
    let s = stack().await;
    let (a, ta, _) = s.start(&socks(1)).await;
    s.sim_act(&a, "approve", Some(json!({}))).await;
    s.wait_for_status(&a, &ta, "reserved").await;

    let (b, tb, _) = s.start(&socks(1)).await;
    s.sim_act(&b, "reject", None).await;
    s.wait_for_status(&b, &tb, "cancelled").await;

    let (c, tc, _) = s.start(&socks(1)).await;
    s.sim_act(&c, "fail", Some(json!({"errorCode": "42"}))).await;
    s.wait_for_status(&c, &tc, "failed").await;

    let (d, td, _) = s.start(&socks(1)).await;
    s.sim_act(&d, "expire", None).await;
    s.wait_for_status(&d, &td, "expired").await;
}

#[tokio::test]
async fn a_cancel_on_the_landing_page_is_cancelled_at_once_though_details_still_says_initiate() {
    let s = stack().await;
    let (order_id, token, url) = s.start(&socks(1)).await;
    let landing = url.split('?').next().unwrap().to_string();
    let vipps_token = url.rsplit("token=").next().unwrap();
    let res = s
        .http
        .post(&landing)
        .form(&[("token", vipps_token), ("mobileNumber", ""), ("action", "cancel")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "back to the shop");
    let body = s.wait_for_status(&order_id, &token, "cancelled").await;
    assert_eq!(
        body["status"], "cancelled",
        "not left pending until the 10-minute window"
    );
    // The simulator records a delivery once our answer reached it, which can be a moment
    // after the status we polled changed.
    let mut vipps = s.sim_payment(&order_id).await;
    for _ in 0..50 {
        if vipps["deliveries"][0]["kind"] == "callback" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        vipps = s.sim_payment(&order_id).await;
    }
    assert_eq!(vipps["deliveries"][0]["kind"], "callback", "{vipps}");
    assert_eq!(vipps["errorInfo"]["errorCode"], "45");
    // Without the callback (dropped), the same cancel stays pending: /details is the truth.
    s.fault(json!({"route": "callback", "drop": true})).await;
    let (other, other_token, url) = s.start(&socks(1)).await;
    let vipps_token = url.rsplit("token=").next().unwrap();
    s.http
        .post(&landing)
        .form(&[("token", vipps_token), ("mobileNumber", ""), ("action", "cancel")])
        .send()
        .await
        .unwrap();
    let (_, state) = s.status(&other, Some(&other_token)).await;
    assert_eq!(state["status"], "pending");
}

#[tokio::test]
async fn the_landing_page_flow_ends_on_the_return_url_with_a_working_token() {
    let s = stack().await;
    let (order_id, _, url) = s.start(&socks(1)).await;
    let token = url.rsplit("token=").next().unwrap();
    let form = [("token", token), ("mobileNumber", "91234567")];
    s.http
        .post(format!("{}/dwo-api-application/v1/deeplink/vippsgateway", s.sim))
        .form(&form)
        .send()
        .await
        .unwrap();
    let res = s
        .http
        .post(format!("{}/app/approve", s.sim))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let fallback = res.headers()["location"].to_str().unwrap().to_string();
    let parsed = url::Url::parse(&fallback).unwrap();
    assert_eq!(parsed.path(), "/return.html");
    let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
    assert_eq!(q["orderId"], order_id);
    // The return page works from its URL alone: no cookie, just orderId and t.
    let body = s.wait_for_status(&q["orderId"], &q["t"], "reserved").await;
    assert_eq!(body["amount"]["value"], socks_price() + shipping_price());
}

#[tokio::test]
async fn expired_when_nobody_acts() {
    let s = stack_with(&["--payment-timeout", "1"], &[]).await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    s.wait_for_status(&order_id, &token, "expired").await;
}

#[tokio::test]
async fn malformed_input_never_causes_a_5xx() {
    let s = stack().await;
    let bodies: Vec<&[u8]> = vec![
        b"",
        b"null",
        b"\"x\"",
        b"{\"payload\":null}",
        b"\xff\xfe",
        b"{\"payload\":{\"items\":[{\"sku\":null}]}}",
        b"{\"payload\":{\"items\":\"socks\"}}",
        b"{\"payload\":{\"items\":[{\"sku\":\"socks\",\"qty\":1e309}]}}",
    ];
    for body in bodies {
        for path in [
            "/api/vipps/payments",
            "/api/vipps/callbacks/v2/payments/x",
            "/api/vipps/shipping/v2/payments/x/shippingDetails",
        ] {
            let res = s
                .http
                .post(format!("{}{path}", s.proxy))
                .header("Idempotency-Key", new_key())
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            assert!(
                res.status().is_client_error(),
                "{path} {:?}: {}",
                String::from_utf8_lossy(body),
                res.status()
            );
        }
    }
    for path in [
        "/api/vipps/payments/%00",
        "/api/vipps/payments/x?t=%ff",
        "/api/vipps/nothing",
        "/api/vipps/payments/a/b/c",
    ] {
        let res = s.http.get(format!("{}{path}", s.proxy)).send().await.unwrap();
        assert!(res.status().is_client_error(), "{path}: {}", res.status());
    }
}

#[tokio::test]
async fn one_access_token_serves_many_payments_and_every_call_names_the_system() {
    let s = stack().await;
    let mut orders = Vec::new();
    for qty in 1..=5 {
        orders.push(s.start(&socks(qty)).await.0);
    }
    let (_, stats) = s.sim_control(reqwest::Method::GET, "/_sim/stats", None).await;
    assert_eq!(stats["accessTokensIssued"], 1, "the token is cached: {stats}");
    for order_id in &orders {
        let headers = &s.sim_payment(order_id).await["systemHeaders"];
        assert_eq!(headers["vipps-system-name"], "vipps-proxy", "{headers}");
        assert_eq!(headers["vipps-system-plugin-name"], "vipps-checkout", "{headers}");
        for version in ["vipps-system-version", "vipps-system-plugin-version"] {
            assert_eq!(headers[version], env!("CARGO_PKG_VERSION"), "{headers}");
        }
    }
}

#[tokio::test]
async fn a_vipps_that_never_answers_is_given_up_on_with_a_clear_error() {
    let s = stack().await;
    s.fault(json!({"route": "initiate", "latencyMs": 30000, "count": 1}))
        .await;
    let started = std::time::Instant::now();
    let (status, body) = s.create(Some(&new_key()), &socks(1)).await;
    // The proxy's own timeout (10 s), not Vipps' 30 s: the shopper is not left hanging.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(status.is_server_error(), "{status}: {body}");
    assert_eq!(body["error"]["code"], "vipps_unavailable", "{body}");
}
