//! The newer surface read as an attacker (issue 25): each defence with the attack it
//! stops, over HTTP against the simulator, on SQLite and PostgreSQL.

mod common;

use common::{new_key, socks, stack_with, Stack, ADMIN};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The shopper approves, the news of it is lost on the way, then the till withdraws.
#[tokio::test]
async fn a_withdrawal_never_voids_an_approval_whose_news_was_lost() {
    for api in ["ecom", "epayment"] {
        let s = stack_with(&[], &["--api", api]).await;
        let (order_id, token, _) = s.start(&socks(1)).await;
        s.fault(json!({"route": "callback", "drop": true, "count": 1})).await;
        let (status, _) = s.sim_act(&order_id, "approve", None).await;
        assert_eq!(status, 200);
        assert_eq!(
            s.proxy_app.db.order(&order_id).await.unwrap().unwrap().status.as_str(),
            "pending",
            "{api}: the backend has not heard"
        );
        let (status, body) = s.withdraw(&order_id, Some(&token)).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("not_cancellable")),
            "{api}: {body}"
        );
        let at_vipps = s.sim_payment(&order_id).await;
        assert_eq!(at_vipps["state"], "reserved", "{api}: still reserved: {at_vipps}");
        assert_eq!(at_vipps["cancelledAmount"].as_i64().unwrap_or(0), 0, "{api}");
    }
}

/// Approval and withdrawal sent together, again and again: on ePayment, whichever Vipps
/// sees first wins, and an approval is never voided by the withdrawal.
#[tokio::test]
async fn an_approval_racing_a_withdrawal_stays_reserved_every_time() {
    let s = stack_with(&[], &["--api", "epayment", "--polls-per-minute-per-client", "0"]).await;
    let mut outcomes = Vec::new();
    for _ in 0..10 {
        let (order_id, token, _) = s.start(&socks(1)).await;
        let approve = s.sim_act(&order_id, "approve", None);
        let cancel = s.withdraw(&order_id, Some(&token));
        let ((approved, _), (withdrawn, _)) = tokio::join!(approve, cancel);
        let p = s.sim_payment(&order_id).await;
        let state = p["epayment"]["state"].as_str().unwrap().to_string();
        if approved.is_success() {
            assert_eq!(state, "AUTHORIZED", "{p}");
            assert_eq!(p["cancelledAmount"], 0, "an approval is never voided: {p}");
            assert!(
                !withdrawn.is_success(),
                "the withdrawal says it did not cancel: {withdrawn}"
            );
        } else {
            assert_eq!(state, "TERMINATED", "{p}");
        }
        outcomes.push(state);
    }
    println!("approval vs withdrawal, 10 races: {outcomes:?}");
}

/// Signs in with `token`; the session cookie (`name=value`), or the status refused.
async fn sign_in(http: &reqwest::Client, base: &str, token: &str, origin: Option<&str>) -> Result<String, StatusCode> {
    let mut req = http.post(format!("{base}/admin/sign-in")).form(&[("token", token)]);
    if let Some(o) = origin {
        req = req.header("Origin", o);
    }
    let res = req.send().await.unwrap();
    if res.status() != StatusCode::SEE_OTHER {
        return Err(res.status());
    }
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    Ok(cookie.split(';').next().unwrap().to_string())
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The form token on a dashboard page.
fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a form token") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_dashboard_session_ends_when_its_token_is_rotated_even_across_a_restart() {
    let sim = common::start_sim(&[]).await;
    let db = common::fresh_db(&common::temp_dir("rotated"));
    let port = common::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = no_redirects();
    let backend = common::launch(&sim, &db, port, None).await;
    let created = common::start_at(&base).await;
    let order_id = created["orderId"].as_str().unwrap().to_string();
    vipps_sim::testkit::Control::new(&sim)
        .act(&order_id, "approve", json!({}))
        .await
        .unwrap();
    let session = sign_in(&http, &base, ADMIN, None).await.expect("signed in");
    let page = http
        .get(format!("{base}/admin/orders/{order_id}"))
        .header("Cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csrf = csrf_of(&page.text().await.unwrap());
    drop(backend);

    // The staff token is rotated; the same store, the same address.
    let rotated = "a-new-staff-token-after-the-old-one-leaked";
    let _backend = common::launch_with(&sim, &db, port, None, &["--admin-token", rotated]).await;
    let res = http
        .get(format!("{base}/admin/orders"))
        .header("Cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the old session is over");
    assert_eq!(res.headers()["location"], "/admin/sign-in?expired=1");
    let capture = http
        .post(format!("{base}/admin/orders/{order_id}/capture"))
        .header("Cookie", &session)
        .form(&[("csrf", csrf.as_str()), ("key", new_key().as_str()), ("step", "do")])
        .send()
        .await
        .unwrap();
    assert_eq!(capture.status(), StatusCode::SEE_OTHER);
    let at_vipps = vipps_sim::testkit::Control::new(&sim).payment(&order_id).await.unwrap();
    assert_eq!(at_vipps["capturedAmount"], 0, "nothing captured");
    assert!(
        sign_in(&http, &base, rotated, None).await.is_ok(),
        "the new token signs in"
    );
}

#[tokio::test]
async fn sign_in_from_a_foreign_page_is_refused_and_https_sessions_use_a_host_cookie() {
    let s = stack_with(&[], &[]).await;
    let http = no_redirects();
    let host = s.proxy.trim_start_matches("http://").to_string();
    assert_eq!(
        sign_in(&http, &s.proxy, ADMIN, Some("https://evil.example")).await,
        Err(StatusCode::FORBIDDEN),
        "login CSRF"
    );
    let cross = http
        .post(format!("{}/admin/sign-in", s.proxy))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("token", ADMIN)])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert!(
        sign_in(&http, &s.proxy, ADMIN, Some(&format!("http://{host}")))
            .await
            .is_ok(),
        "the shop's own page"
    );

    let https = stack_with(&[], &["--public-url", "https://shop.example.com"]).await;
    let res = http
        .post(format!("{}/admin/sign-in", https.proxy))
        .form(&[("token", ADMIN)])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-vipps_staff="), "{cookie}");
    assert!(cookie.contains("; Path=/;") && cookie.contains("Secure"), "{cookie}");
    let session = cookie.split(';').next().unwrap();
    let page = http
        .get(format!("{}/admin/orders", https.proxy))
        .header("Cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the prefixed cookie is the session");
}

#[tokio::test]
async fn staff_sign_in_has_its_own_budget_apart_from_shoppers() {
    let s = stack_with(&[], &[]).await;
    let mut limited = false;
    for _ in 0..40 {
        let (status, _) = s.create(Some(&new_key()), &socks(1)).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "the address used up its payment budget");
    let http = no_redirects();
    assert!(
        sign_in(&http, &s.proxy, ADMIN, None).await.is_ok(),
        "staff still sign in"
    );

    // Guessing: per address, then 429 with Retry-After.
    let mut refused = None;
    for i in 0..40 {
        match sign_in(&http, &s.proxy, &format!("guess-{i}"), None).await {
            Err(StatusCode::UNAUTHORIZED) => {}
            Err(other) => {
                refused = Some((i, other));
                break;
            }
            Ok(_) => panic!("a guess signed in"),
        }
    }
    let (at, status) = refused.expect("guessing is limited");
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(at >= 5, "a few mistakes are fine ({at})");
}

/// The median time of `n` payment starts, in milliseconds.
async fn median_start_ms(s: &Stack, n: usize) -> f64 {
    let mut times = Vec::new();
    for _ in 0..n {
        let t = std::time::Instant::now();
        let (status, body) = s.create(Some(&new_key()), &socks(1)).await;
        assert_eq!(status, 201, "{body}");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times[n / 2]
}

#[tokio::test]
async fn a_flood_of_forged_hooks_neither_slows_checkout_nor_erases_an_earlier_forgery() {
    let s = stack_with(
        &[],
        &["--payments-per-minute-per-client", "0", "--payments-per-minute", "0"],
    )
    .await;
    // An earlier forgery, of another kind: a webhook for a unit with no registration.
    let res = s
        .http
        .post(format!("{}/api/vipps/webhooks/999999", s.proxy))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let quiet = median_start_ms(&s, 21).await;

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut flood = Vec::new();
    for worker in 0..6 {
        let (http, proxy, stop, sent) = (s.http.clone(), s.proxy.clone(), stop.clone(), sent.clone());
        flood.push(tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = http
                    .post(format!(
                        "{proxy}/api/vipps/callbacks/v2/payments/nordlys-20261205-f{worker}n{i}"
                    ))
                    .header("Authorization", "forged")
                    .body(r#"{"transactionInfo":{"status":"RESERVED"}}"#)
                    .send()
                    .await;
                i += 1;
                sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    // Measured once the flood is under way.
    while sent.load(std::sync::atomic::Ordering::Relaxed) < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let flooded = median_start_ms(&s, 21).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for f in flood {
        f.await.unwrap();
    }
    let ratio = flooded / quiet;
    println!(
        "payment start median: {quiet:.1} ms quiet, {flooded:.1} ms under {} forged callbacks: {ratio:.2}x",
        sent.load(std::sync::atomic::Ordering::Relaxed)
    );
    // A ratio measured in the same run (as issue 25 asks), generous for a shared 2-core
    // machine and a PostgreSQL server on it (about 4x on SQLite and 6x on PostgreSQL here,
    // the flood's own client sharing the two cores); the review measured
    // 3.6 ms going to 154 ms (43x) under such a flood before these defences.
    assert!(ratio < 20.0, "{ratio:.2}x");

    let (_, rejected) = s.admin(Method::GET, "/rejected", None, None).await;
    let kinds: Vec<&str> = rejected["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"webhook"), "the earlier forgery is still on record");
    assert!(kinds.contains(&"callback"), "and the flood is on record too");
}

#[tokio::test]
async fn a_stored_answer_is_replayed_only_to_the_client_that_clicked() {
    let s = stack_with(&[], &["--client-ip-header", "x-forwarded-for"]).await;
    let post = |key: &str, address: &str, secret: Option<&str>| {
        let mut req = s
            .http
            .post(format!("{}/api/vipps/payments", s.proxy))
            .header("Idempotency-Key", key)
            .header("X-Forwarded-For", address)
            .json(&socks(1));
        if let Some(secret) = secret {
            req = req.header(contract::CLIENT_HEADER, secret);
        }
        async move {
            let res = req.send().await.unwrap();
            (res.status(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // A custom client with a guessable key and no page secret: bound to its address.
    let (status, first) = post("order-1", "203.0.113.5", None).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = post("order-1", "203.0.113.5", None).await;
    assert_eq!(
        (status, &again),
        (StatusCode::CREATED, &first),
        "its own retry is answered"
    );
    let (status, stranger) = post("order-1", "198.51.100.7", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{stranger}");
    assert_eq!(stranger["error"]["code"], "idempotency_key_reused");
    assert!(!stranger.to_string().contains(first["statusToken"].as_str().unwrap()));

    // The widget's page secret: its own retry is answered from any address (a phone
    // moving from Wi-Fi to mobile data), another page with the same key is refused.
    let (status, widget) = post("click-1", "203.0.113.5", Some("page-secret-a")).await;
    assert_eq!(status, 201, "{widget}");
    let (status, moved) = post("click-1", "192.0.2.44", Some("page-secret-a")).await;
    assert_eq!((status, &moved), (StatusCode::CREATED, &widget));
    let (status, other) = post("click-1", "203.0.113.5", Some("page-secret-b")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{other}");
    assert_eq!(s.sim_payments().await.len(), 2, "one payment per click, whoever asked");
}
