//! What the proxy writes to its log, at debug level, through a whole payment: never a
//! secret, a token or a query string (a status token travels in `?t=`).

mod common;

use common::{free_port, launch, start_sim, temp_dir, ADMIN};
use serde_json::{json, Value};

async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    http.get(url).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn no_secret_token_or_query_string_reaches_the_log() {
    let sim = start_sim(&[]).await;
    let dir = temp_dir("logs");
    let log = dir.join("proxy.log");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let proxy = launch(&sim, &common::fresh_db(&dir), port, Some(&log)).await;

    let created = common::start_at(&base).await;
    let order_id = created["orderId"].as_str().unwrap().to_string();
    let token = created["statusToken"].as_str().unwrap().to_string();
    let status = format!("{base}/api/vipps/payments/{order_id}?t={token}");
    assert_eq!(http.get(&status).send().await.unwrap().status(), 200);
    let control = vipps_sim::testkit::Control::new(&sim);
    let view: Value = control.payment(&order_id).await.unwrap();
    let auth_token = view["merchantInfo"]["authToken"].as_str().unwrap().to_string();
    // Vipps calls back (with the authToken) when the shopper approves.
    control.approve(&order_id, json!({})).await.expect("approved");
    for _ in 0..50 {
        let body = get_json(&http, &status).await;
        if body["status"] == "reserved" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let orders = http
        .get(format!("{base}/api/vipps/admin/orders/{order_id}"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(orders.status(), 200);
    drop(proxy);

    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains(&order_id), "the log was captured: {text}");
    for (what, secret) in [
        ("client secret", "sim-client-secret"),
        ("subscription key", "sim-subscription-key"),
        ("admin token", ADMIN),
        ("status token", token.as_str()),
        ("callback authToken", auth_token.as_str()),
        ("an access token", "eyJ0eXAi"),
        ("a query string", "?t="),
    ] {
        assert!(!text.contains(secret), "{what} in the log:\n{text}");
    }
}
