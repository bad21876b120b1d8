//! The proxy on the open internet: configuration it refuses, abuse limits, bounded
//! storage, privacy, expiring return links and amounts the browser cannot lower. Each
//! test fails without its part of the hardening.

mod common;

use std::net::IpAddr;

use clap::Parser;
use common::{
    new_key, proxy_args, shipping_price, socks, socks_price, stack, stack_with, stored_bytes, temp_dir, Stack, ADMIN,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn start_with(flags: &[&str]) -> Result<vipps_proxy::Running, String> {
    let dir = temp_dir("config");
    let mut args = proxy_args("http://127.0.0.1:9", &common::fresh_db(&dir));
    for pair in flags.chunks(2) {
        match args.iter().position(|a| a == pair[0]) {
            Some(at) => args[at + 1] = pair[1].to_string(),
            None => args.extend(pair.iter().map(|s| s.to_string())),
        }
    }
    vipps_proxy::spawn(vipps_proxy::Config::try_parse_from(args).map_err(|e| e.to_string())?).await
}

#[tokio::test]
async fn a_risky_configuration_is_refused_at_start_up_with_the_flag_named() {
    let refused = [
        (vec!["--admin-token", ""], "empty"),
        (vec!["--admin-token", "short-token"], "at least 32"),
        (vec!["--allow-origin", "*"], "--allow-origin"),
        (
            vec!["--allow-origin", "https://shop.example/checkout"],
            "--allow-origin",
        ),
        (vec!["--return-path", "/return.html?from=vipps"], "--return-path"),
        (vec!["--public-url", "http://shop.example"], "https"),
        (vec!["--listen", "0.0.0.0:0"], "--public-url"),
        (vec!["--currency", "SEK"], "--currency"),
        (vec!["--currency", "DKK"], "--api epayment"),
    ];
    for (flags, says) in refused {
        match start_with(&flags).await {
            Ok(_) => panic!("{flags:?} was accepted"),
            Err(e) => assert!(e.contains(says), "{flags:?}: {e}"),
        }
    }
    let catalogue = temp_dir("catalogue").join("catalogue.json");
    std::fs::write(
        &catalogue,
        r#"{"products": {"sample": {"name": "Vareprøve", "price": 50}}}"#,
    )
    .unwrap();
    let e = start_with(&["--catalogue", catalogue.to_str().unwrap()])
        .await
        .err()
        .unwrap();
    assert!(e.contains("sample") && e.contains("100 øre"), "{e}");
    assert!(start_with(&["--public-url", "https://shop.example"]).await.is_ok());
}

#[tokio::test]
async fn an_empty_admin_token_in_the_environment_stops_the_binary() {
    let dir = temp_dir("env");
    let args = proxy_args("http://127.0.0.1:9", &common::fresh_db(&dir));
    let at = args.iter().position(|a| a == "--admin-token").unwrap();
    let mut args = args;
    args.drain(at..at + 2);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vipps-proxy"))
        .args(&args[1..])
        .env("VIPPS_PROXY_ADMIN_TOKEN", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("VIPPS_PROXY_ADMIN_TOKEN is set but empty"), "{stderr}");
}

fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn start_from(http: &reqwest::Client, s: &Stack, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = http
        .post(format!("{}/api/vipps/payments", s.proxy))
        .header("Idempotency-Key", new_key())
        .json(&socks(1));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

async fn pay(s: &Stack, created: &Value) {
    let (order_id, token) = (
        created["orderId"].as_str().unwrap(),
        created["statusToken"].as_str().unwrap(),
    );
    s.sim_act(order_id, "approve", Some(json!({}))).await;
    s.wait_for_status(order_id, token, "reserved").await;
}

#[tokio::test]
async fn a_flood_from_one_address_is_refused_while_another_shopper_pays() {
    let s = stack_with(&[], &["--payments-per-minute-per-client", "4"]).await;
    let flooder = client_from("127.0.0.2");
    let mut refused = 0;
    for _ in 0..12 {
        let res = start_from(&flooder, &s, &[]).await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=15).contains(&wait), "Retry-After {wait}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["error"]["code"], "rate_limited");
            refused += 1;
        } else {
            assert_eq!(res.status(), 201);
        }
    }
    assert!(refused >= 9, "4 a minute, in bursts of 2: {refused} of 12 refused");
    let started = s.sim_payments().await.len();
    assert!(started <= 3, "the flood started {started} payments at Vipps");

    let shopper = client_from("127.0.0.3");
    let res = start_from(&shopper, &s, &[]).await;
    assert_eq!(res.status(), 201, "another address is not blocked by the flood");
    pay(&s, &res.json().await.unwrap()).await;
}

#[tokio::test]
async fn behind_a_reverse_proxy_the_trusted_header_is_the_client_and_nothing_else_is() {
    let s = stack_with(
        &[],
        &[
            "--payments-per-minute-per-client",
            "2",
            "--client-ip-header",
            "X-Forwarded-For",
        ],
    )
    .await;
    let via_proxy = client_from("127.0.0.4");
    let flood = [("x-forwarded-for", "198.51.100.1, 203.0.113.7")];
    let answers: Vec<u16> = statuses(&via_proxy, &s, &flood, 5).await;
    assert_eq!(answers.iter().filter(|a| **a == 429).count(), 4, "{answers:?}");
    let shopper = [("x-forwarded-for", "203.0.113.8")];
    let res = start_from(&via_proxy, &s, &shopper).await;
    assert_eq!(res.status(), 201, "same reverse proxy, another shopper");

    // Without --client-ip-header, a made-up header changes nothing: the address counts.
    let s = stack_with(&[], &["--payments-per-minute-per-client", "2"]).await;
    let direct = client_from("127.0.0.5");
    let mut answers = Vec::new();
    for i in 0..4 {
        let spoof = format!("203.0.113.{i}");
        answers.push(
            start_from(&direct, &s, &[("x-forwarded-for", &spoof)])
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(answers, [201, 429, 429, 429]);
}

async fn statuses(http: &reqwest::Client, s: &Stack, headers: &[(&str, &str)], n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(start_from(http, s, headers).await.status().as_u16());
    }
    out
}

#[tokio::test]
async fn status_polls_are_limited_per_address_too() {
    let s = stack_with(&[], &["--polls-per-minute-per-client", "10"]).await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    let poller = client_from("127.0.0.6");
    let url = format!("{}/api/vipps/payments/{order_id}?t={token}", s.proxy);
    let mut codes = Vec::new();
    for _ in 0..8 {
        codes.push(poller.get(&url).send().await.unwrap().status().as_u16());
    }
    assert_eq!(codes[..5], [200; 5], "a burst of half a minute's worth");
    assert!(codes[5..].iter().all(|c| *c == 429), "{codes:?}");
    let (status, _) = s.status(&order_id, Some(&token)).await;
    assert_eq!(status, 200, "the shopper's own tab, from another address, still polls");

    // Quotes share the polls' budget: an anonymous flood of them is refused too.
    let quoter = client_from("127.0.0.7");
    let mut codes = Vec::new();
    for _ in 0..8 {
        let res = quoter
            .post(format!("{}/api/vipps/quote", s.proxy))
            .json(&socks(1))
            .send()
            .await
            .unwrap();
        codes.push(res.status().as_u16());
    }
    assert_eq!(codes[..5], [200; 5]);
    assert!(codes[5..].iter().all(|c| *c == 429), "{codes:?}");
}

/// The SQLite file and its log (0 on PostgreSQL, whose files are the server's).
fn db_bytes(s: &Stack) -> u64 {
    ["orders.db", "orders.db-wal"]
        .iter()
        .map(|f| std::fs::metadata(s.dir.join(f)).map(|m| m.len()).unwrap_or(0))
        .sum()
}

#[tokio::test]
async fn a_flood_of_forged_calls_leaves_the_store_bounded_and_keeps_no_bodies() {
    // The store's bound is what this is about, not the per-address limit that would
    // stop this flood early (`attacker.rs` has that).
    let s = stack_with(&[], &["--hooks-per-minute-per-client", "0"]).await;
    let (order_id, _, _) = s.start(&socks(1)).await;
    let before = db_bytes(&s);
    let filler = "x".repeat(60 * 1024);
    let forged = json!({"transactionInfo": {"status": "RESERVED"}, "userDetails": {"firstName": filler}});
    let body = forged.to_string();
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let (http, proxy, order_id, body) = (s.http.clone(), s.proxy.clone(), order_id.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..200 {
                let target = if i % 2 == 0 {
                    order_id.clone()
                } else {
                    format!("nordlys-20261123-w{worker}n{i}")
                };
                let res = http
                    .post(format!("{proxy}/api/vipps/callbacks/v2/payments/{target}"))
                    .header("Authorization", "forged")
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 401);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    s.proxy_app.rejected.flush().await;
    let pool = &s.proxy_app.db.pool;
    let (rows, stored): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM callbacks WHERE accepted = 0")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        rows,
        vipps_proxy::db::REJECTED_KEPT,
        "only the newest rejected calls are kept"
    );
    assert_eq!(stored, 0, "no body of a rejected call is stored");
    let after = db_bytes(&s);
    println!("1 600 forged calls of 60 KB: the store went from {before} to {after} bytes");
    assert!(
        common::postgres() || after < 6 * 1024 * 1024,
        "{after} bytes after 96 MB of forgeries (WAL cut back at 4 MB)"
    );
    let (_, rejected) = s.admin(Method::GET, "/rejected", None, None).await;
    let newest = &rejected["rejected"][0];
    assert_eq!(
        newest["reason"]
            .as_str()
            .map(|r| r == "unknown order" || r == "wrong authToken"),
        Some(true)
    );
    assert!(newest["path"]
        .as_str()
        .unwrap()
        .starts_with("/api/vipps/callbacks/v2/payments/"));
    assert!(newest.get("body").is_none());
}

#[tokio::test]
async fn old_records_are_pruned_after_the_retention() {
    let s = stack().await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    s.sim_act(&order_id, "approve", Some(json!({}))).await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    let db = &s.proxy_app.db;
    // The paid order's receipt is sent in the background: its event is the last one.
    for _ in 0..100 {
        let events = db.events(&order_id).await.unwrap();
        if events.iter().any(|e| e["kind"] == "receipt_sent") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    const TABLES: [&str; 3] = ["order_events", "idempotency_keys", "callbacks"];
    for table in TABLES {
        assert!(count(db, table).await > 0, "{table}");
    }
    assert_eq!(
        db.prune(chrono::Utc::now() - chrono::Duration::days(1)).await.unwrap(),
        0,
        "all younger"
    );
    db.prune(chrono::Utc::now() + chrono::Duration::seconds(1))
        .await
        .unwrap();
    for table in TABLES {
        assert_eq!(count(db, table).await, 0, "{table}");
    }
    let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert_eq!(order["status"], "reserved", "orders are the shop's books and stay");
}

async fn count(db: &vipps_proxy::db::Db, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn consent_removal_leaves_no_trace_of_the_shopper_anywhere_in_the_database_file() {
    let s = stack().await;
    // Ola (48059528) pays with express, and also started a regular payment with his
    // number typed in, which he never finished: that order has no Vipps user id.
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "hat"}]}, "express": true, "mobileNumber": "48059528"}))
        .await;
    let (unfinished, _, _) = s
        .start(&json!({"payload": {"items": [{"sku": "socks"}]}, "mobileNumber": "480 59 528"}))
        .await;
    s.sim_act(&order_id, "approve", Some(json!({"mobileNumber": "48059528"})))
        .await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    let (_, before) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    let user = &before["userDetails"];
    // Whole JSON strings for short names: a bare "Ola" could turn up in random bytes.
    let first_name = format!("\"{}\"", user["firstName"].as_str().unwrap());
    let personal: Vec<String> = [
        first_name.as_str(),
        user["lastName"].as_str().unwrap(),
        user["email"].as_str().unwrap(),
        "48059528",
        before["address"]["addressLine1"].as_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (file, wal) = stored_bytes(&s).await;
    assert!(
        personal.iter().all(|p| contains(&file, p) || contains(&wal, p)),
        "the scan finds the data while it is stored: {personal:?}"
    );

    let (status, view) = s.sim_act(&order_id, "remove-consent", None).await;
    assert_eq!(status, 200, "{view}");
    let (file, wal) = stored_bytes(&s).await;
    for p in &personal {
        assert!(!contains(&file, p), "'{p}' is still in the database file");
        assert!(!contains(&wal, p), "'{p}' is still in the write-ahead log");
    }
    let (_, other) = s.admin(Method::GET, &format!("/orders/{unfinished}"), None, None).await;
    assert_eq!(other["mobileNumber"], Value::Null, "the typed number is gone too");
    let (_, after) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert_eq!(after["totalAmount"], before["totalAmount"], "the books stay");
}

#[tokio::test]
async fn a_return_link_expires_and_its_expiry_cannot_be_moved() {
    let s = stack().await;
    let started = chrono::Utc::now().timestamp();
    let (order_id, token, _) = s.start(&socks(1)).await;
    let (expires, mac) = token.split_once('.').unwrap();
    let expires: i64 = expires.parse().unwrap();
    let promised = started + contract::PAYMENT_WINDOW_SECS as i64 + 24 * 3600;
    assert!(
        (promised - 5..=promised + 5).contains(&expires),
        "{expires} vs {promised}"
    );

    let moved = format!("{}.{mac}", expires + 3600);
    let (status, _) = s.status(&order_id, Some(&moved)).await;
    assert_eq!(status, 404, "a moved expiry is a wrong token");

    let key = &s.proxy_app.key;
    let expired = key.status_token("", &order_id, chrono::Utc::now().timestamp() - 1);
    let (status, body) = s.status(&order_id, Some(&expired)).await;
    assert_eq!(status, 410, "{body}");
    assert_eq!(body["error"]["code"], "link_expired");
    assert!(body.get("shipping").is_none() && body.get("status").is_none());

    let (status, _) = s.status(&order_id, Some(&token)).await;
    assert_eq!(status, 200, "the link the shopper got still works");
}

#[tokio::test]
async fn a_regular_payment_of_goods_that_ship_includes_the_shops_shipping() {
    let s = stack().await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "socks", "qty": 2}]}, "express": false}))
        .await;
    assert_eq!(
        s.sim_payment(&order_id).await["amount"],
        2 * socks_price() + shipping_price()
    );
    let (_, body) = s.status(&order_id, Some(&token)).await;
    assert_eq!(body["amount"]["value"], 2 * socks_price() + shipping_price());
    assert_eq!(body["shipping"]["methodId"], "posten-servicepakke");
    assert_eq!(body["shipping"]["cost"]["value"], shipping_price());
    s.sim_act(&order_id, "approve", Some(json!({}))).await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert_eq!(order["status"], "reserved", "what was priced is what was reserved");
    assert_eq!(order["mismatch"], Value::Null);
}

#[tokio::test]
async fn a_reservation_of_another_amount_is_flagged_for_staff_never_confirmed_silently() {
    let s = stack().await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    s.sim_act(&order_id, "approve", Some(json!({"reserveAmount": socks_price()})))
        .await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert_eq!(order["status"], "mismatch", "{order}");
    assert_eq!(order["vippsStatus"], "reserved");
    assert_eq!(
        order["mismatch"],
        json!({"expected": socks_price() + shipping_price(), "reserved": socks_price()})
    );
    let (_, flagged) = s.admin(Method::GET, "/orders?status=mismatch", None, None).await;
    let ids: Vec<&str> = flagged["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["orderId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [order_id.as_str()]);
    let events = order["events"].as_array().unwrap();
    assert_eq!(events.iter().filter(|e| e["kind"] == "mismatch").count(), 1);

    // Express: the shop's own price of the method the shopper chose is the measure.
    let (express, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "hat"}]}, "express": true}))
        .await;
    s.sim_act(&express, "approve", Some(json!({"shippingMethodId": "helthjem"})))
        .await;
    s.wait_for_status(&express, &token, "reserved").await;
    let (_, order) = s.admin(Method::GET, &format!("/orders/{express}"), None, None).await;
    assert_eq!(order["status"], "reserved", "an honest express reservation: {order}");
}

#[tokio::test]
async fn the_staff_api_refuses_without_the_token_in_the_same_way_for_every_path() {
    let s = stack().await;
    for path in ["/orders", "/rejected", "/orders/nordlys-20261123-unknown"] {
        let res = s
            .http
            .get(format!("{}/api/vipps/admin{path}", s.proxy))
            .bearer_auth(&ADMIN[..ADMIN.len() - 1])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{path}");
    }
}
