//! Thousands of generated requests against the widget API, the hooks, the staff API and
//! the staff dashboard:
//! odd methods, paths, headers and bodies. None may get a 5xx or crash the server, every
//! refusal is the project's JSON error, and a refused request stores nothing (a refused
//! hook call leaves only its time, path and reason).

mod common;

use common::{stack_with, Stack};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

/// Each route with the method it answers (a tenth of the requests use another one).
const ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/vipps/payments"),
    ("POST", "/api/vipps/payments"),
    ("POST", "/api/vipps/payments"),
    ("POST", "/api/vipps/payments/"),
    ("GET", "/api/vipps/payments/{id}"),
    ("GET", "/api/vipps/payments/{id}?t={x}"),
    ("POST", "/api/vipps/callbacks/v2/payments/{id}"),
    ("POST", "/api/vipps/callbacks/v2/payments/{id}"),
    ("POST", "/api/vipps/shipping/v2/payments/{id}/shippingDetails"),
    ("POST", "/api/vipps/epayment/shipping/{id}"),
    ("POST", "/api/vipps/webhooks/{x}"),
    ("DELETE", "/api/vipps/consents/v2/consents/{x}"),
    ("GET", "/api/vipps/admin/orders?status={x}&limit={x}"),
    ("POST", "/api/vipps/admin/orders/{id}/capture"),
    ("GET", "/api/vipps/admin/rejected"),
    ("GET", "/api/{x}"),
    // The staff dashboard (issue 25): no token or session is ever generated, so nothing
    // here may store anything either.
    ("POST", "/admin/sign-in"),
    ("GET", "/admin/orders?status={x}&q={x}&page={x}"),
    ("GET", "/admin/orders/{id}"),
    ("POST", "/admin/orders/{id}/capture"),
    ("POST", "/admin/orders/{id}/{x}"),
    ("POST", "/admin/sign-out"),
];

#[derive(Debug, Clone)]
struct Generated {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,20}".prop_map(Value::from),
        prop_oneof![Just("socks"), Just("hat"), Just("car"), Just("")].prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("payload".to_string()),
                        Just("items".to_string()),
                        Just("sku".to_string()),
                        Just("qty".to_string()),
                        Just("express".to_string()),
                        Just("mobileNumber".to_string()),
                        Just("addressId".to_string()),
                        Just("postCode".to_string()),
                        Just("amount".to_string()),
                        "[a-zA-Z]{1,8}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn request(order_ids: Vec<String>) -> impl Strategy<Value = Generated> {
    let segment = prop_oneof![
        prop::sample::select(order_ids),
        "[a-z0-9-]{0,40}",
        "[%./a-zA-Z0-9~!$&'()*+,;=:@-]{0,60}",
        Just("..%2F..%2Fetc%2Fpasswd".to_string()),
        Just("%00".to_string()),
        Just("x".repeat(3000)),
    ];
    let header_value = prop_oneof!["[ -~]{0,120}", Just("Bearer ".to_string()), Just(String::new())];
    let headers = prop::collection::vec(
        (
            prop::sample::select(vec![
                "idempotency-key",
                "authorization",
                "content-type",
                "x-forwarded-for",
                "origin",
                "content-encoding",
                "cookie",
                "sec-fetch-site",
            ]),
            header_value,
        ),
        0..5,
    );
    let key = prop::option::of("[!-~]{1,100}");
    let method = prop_oneof![
        9 => Just(None),
        1 => prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]).prop_map(Some),
    ];
    let body = prop_oneof![
        json_value().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..300),
        Just(Vec::new()),
    ];
    (
        method,
        prop::sample::select(ROUTES.to_vec()),
        segment.clone(),
        segment,
        (key, headers),
        body,
    )
        .prop_map(|(other, (method, template), id, x, (key, mut headers), body)| {
            headers.extend(key.map(|k| ("idempotency-key", k)));
            Generated {
                method: other.unwrap_or(method),
                path: template.replace("{id}", &id).replace("{x}", &x),
                headers,
                body,
            }
        })
}

/// Rows that only an accepted request may add.
async fn stored(s: &Stack) -> (i64, i64, i64, i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM idempotency_keys),
                (SELECT COUNT(*) FROM order_events), (SELECT COUNT(*) FROM callbacks WHERE accepted = 1),
                (SELECT COALESCE(SUM(LENGTH(body)), 0) FROM callbacks WHERE accepted = 0),
                (SELECT COUNT(*) FROM staff_sessions)",
    )
    .fetch_one(&s.proxy_app.db.pool)
    .await
    .unwrap()
}

#[test]
fn generated_requests_never_get_a_5xx_and_refusals_store_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (s, order_ids) = rt.block_on(async {
        let s = stack_with(
            &[],
            &[
                "--payments-per-minute-per-client",
                "0",
                "--payments-per-minute",
                "0",
                "--polls-per-minute-per-client",
                "0",
                "--polls-per-minute",
                "0",
            ],
        )
        .await;
        let mut ids = Vec::new();
        for _ in 0..2 {
            ids.push(s.start(&common::socks(1)).await.0);
        }
        (s, ids)
    });
    let cases: u32 = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(3000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let statuses = std::cell::RefCell::new(std::collections::BTreeMap::new());
    runner
        .run(&request(order_ids), |g| {
            let (status, body, before, after) = rt.block_on(async {
                let before = stored(&s).await;
                let url = format!("{}{}", s.proxy, g.path);
                let mut req = s
                    .http
                    .request(reqwest::Method::from_bytes(g.method.as_bytes()).unwrap(), &url)
                    .body(g.body.clone());
                for (k, v) in &g.headers {
                    req = req.header(*k, v.as_str());
                }
                match req.send().await {
                    Ok(res) => {
                        let status = res.status().as_u16();
                        let body = res.bytes().await.unwrap_or_default();
                        (status, body, before, stored(&s).await)
                    }
                    // The client refused to send it (an invalid URL or header): nothing
                    // reached the server.
                    Err(e) if e.is_builder() => (0, Default::default(), before, before),
                    Err(e) => panic!("the server dropped the connection: {e}"),
                }
            });
            *statuses.borrow_mut().entry(status).or_insert(0u32) += 1;
            prop_assert!(
                status < 500,
                "{} {} -> {status}: {}",
                g.method,
                g.path,
                String::from_utf8_lossy(&body)
            );
            if status >= 400 && g.path.starts_with("/api/") {
                let error: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                prop_assert!(
                    error["error"]["code"].is_string() || status == 405,
                    "{} {} -> {status}: not the error shape: {}",
                    g.method,
                    g.path,
                    String::from_utf8_lossy(&body)
                );
                prop_assert_eq!(before, after, "{} {} -> {} stored something", g.method, g.path, status);
            }
            if g.path.starts_with("/admin") {
                prop_assert_eq!(before, after, "{} {} -> {} stored something", g.method, g.path, status);
            }
            Ok(())
        })
        .unwrap();
    println!("{cases} generated requests, answers by status: {:?}", statuses.borrow());
    let health = rt.block_on(async {
        s.http
            .get(format!("{}/healthz", s.proxy))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(health, 200, "still serving");
}
