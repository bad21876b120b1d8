//! Staff operations: capture, cancel, refund, full and partial, idempotent on retry.

mod common;

use common::{new_key, shipping_price, socks, socks_price, stack, ADMIN};
use reqwest::Method;
use serde_json::json;

async fn reserved_order(s: &common::Stack, qty: i64) -> String {
    let (order_id, token, _) = s.start(&socks(qty)).await;
    s.sim_act(&order_id, "approve", Some(json!({}))).await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    order_id
}

#[tokio::test]
async fn the_staff_api_needs_the_token() {
    let s = stack().await;
    let res = s
        .http
        .get(format!("{}/api/vipps/admin/orders", s.proxy))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = s
        .http
        .get(format!("{}/api/vipps/admin/orders", s.proxy))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let (status, list) = s.admin(Method::GET, "/orders", None, None).await;
    assert_eq!(status, 200);
    assert!(list["orders"].as_array().unwrap().is_empty());

    let sim = common::start_sim(&[]).await;
    let dir = common::temp_dir("noadmin");
    let mut args = common::proxy_args(&sim, dir.join("db").to_str().unwrap());
    let at = args.iter().position(|a| a == "--admin-token").unwrap();
    args.drain(at..at + 2);
    let running = vipps_proxy::spawn(<vipps_proxy::Config as clap::Parser>::parse_from(args))
        .await
        .unwrap();
    let res = s
        .http
        .get(format!("{}/api/vipps/admin/orders", running.base_url))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "no --admin-token: no staff API");
}

#[tokio::test]
async fn partial_capture_is_applied_once_per_key() {
    let s = stack().await;
    let order_id = reserved_order(&s, 3).await;
    let key = new_key();
    let path = format!("/orders/{order_id}/capture");
    let (status, first) = s
        .admin(
            Method::POST,
            &path,
            Some(&key),
            Some(json!({"amount": 19900, "text": "Første pakke sendt"})),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["capturedAmount"], 19900);
    assert_eq!(first["status"], "captured");
    assert_eq!(
        first["remainingToCapture"],
        3 * socks_price() + shipping_price() - 19900
    );
    let (status, again) = s
        .admin(
            Method::POST,
            &path,
            Some(&key),
            Some(json!({"amount": 19900, "text": "Første pakke sendt"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(again, first);
    assert_eq!(
        s.sim_payment(&order_id).await["capturedAmount"],
        19900,
        "captured once at Vipps"
    );

    let (status, body) = s
        .admin(Method::POST, &path, Some(&key), Some(json!({"amount": 100})))
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str().unwrap()),
        (422, "idempotency_key_reused")
    );
    let (status, _) = s.admin(Method::POST, &path, None, Some(json!({"amount": 100}))).await;
    assert_eq!(status, 400, "a key is required");
    let (status, body) = s
        .admin(Method::POST, &path, Some(&new_key()), Some(json!({"amount": 100000})))
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("More than is left to capture"));
}

#[tokio::test]
async fn capture_everything_then_refund_part_then_the_rest() {
    let s = stack().await;
    let order_id = reserved_order(&s, 2).await;
    let (status, v) = s
        .admin(
            Method::POST,
            &format!("/orders/{order_id}/capture"),
            Some(&new_key()),
            None,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["capturedAmount"], 2 * socks_price() + shipping_price());
    assert_eq!(v["remainingToCapture"], 0);
    let (status, v) = s
        .admin(
            Method::POST,
            &format!("/orders/{order_id}/refund"),
            Some(&new_key()),
            Some(json!({"amount": 19900})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["refundedAmount"], 19900);
    let (status, v) = s
        .admin(
            Method::POST,
            &format!("/orders/{order_id}/refund"),
            Some(&new_key()),
            None,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["refundedAmount"], 2 * socks_price() + shipping_price());
    let (status, body) = s
        .admin(
            Method::POST,
            &format!("/orders/{order_id}/refund"),
            Some(&new_key()),
            Some(json!({"amount": 1})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (_, detail) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    let kinds: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.starts_with(&["created"]) && kinds.contains(&"capture") && kinds.contains(&"refund"),
        "{kinds:?}"
    );
    assert_eq!(s.sim_payment(&order_id).await["state"], "refunded");
}

#[tokio::test]
async fn cancel_voids_and_releases_the_rest_after_a_partial_capture() {
    let s = stack().await;
    let a = reserved_order(&s, 1).await;
    let (status, v) = s
        .admin(Method::POST, &format!("/orders/{a}/cancel"), Some(&new_key()), None)
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "cancelled");
    assert_eq!(s.sim_payment(&a).await["state"], "voided");

    let b = reserved_order(&s, 2).await;
    s.admin(
        Method::POST,
        &format!("/orders/{b}/capture"),
        Some(&new_key()),
        Some(json!({"amount": 19900})),
    )
    .await;
    let (status, body) = s
        .admin(Method::POST, &format!("/orders/{b}/cancel"), Some(&new_key()), None)
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, v) = s
        .admin(
            Method::POST,
            &format!("/orders/{b}/cancel"),
            Some(&new_key()),
            Some(json!({"releaseRemaining": true})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "captured", "what was captured stays captured");
    assert_eq!(s.sim_payment(&b).await["capturedAmount"], 19900);
    let details_summary = s.sim_payment(&b).await;
    assert_eq!(details_summary["state"], "captured");
}

#[tokio::test]
async fn a_retry_after_vipps_failed_reuses_the_same_request_id() {
    let s = stack().await;
    let order_id = reserved_order(&s, 1).await;
    s.fault(json!({"route": "capture", "status": 503, "count": 3})).await;
    let key = new_key();
    let path = format!("/orders/{order_id}/capture");
    let (status, body) = s.admin(Method::POST, &path, Some(&key), None).await;
    assert_eq!(status, 502, "{body}");
    let (status, body) = s.admin(Method::POST, &path, Some(&key), None).await;
    assert_eq!(status, 200, "{body}");
    let view = s.sim_payment(&order_id).await;
    assert_eq!(view["capturedAmount"], socks_price() + shipping_price());
    let (_, list) = s.admin(Method::GET, "/orders?status=captured", None, None).await;
    assert_eq!(list["orders"].as_array().unwrap().len(), 1);
    let (status, _) = s.admin(Method::GET, "/orders?status=bogus", None, None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_capture_whose_answer_was_lost_is_retried_with_the_same_request_id() {
    let s = stack().await;
    let order_id = reserved_order(&s, 1).await;
    // Vipps captures, then the answer is lost (a 502 instead): only a retry with the
    // same X-Request-Id gets the capture's own answer; a fresh one would capture again
    // (and be refused: nothing left).
    s.fault(json!({"route": "capture", "status": 502, "after": true, "count": 1}))
        .await;
    let (status, body) = s
        .admin(
            Method::POST,
            &format!("/orders/{order_id}/capture"),
            Some(&new_key()),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "captured", "{body}");
    let view = s.sim_payment(&order_id).await;
    assert_eq!(
        view["capturedAmount"],
        socks_price() + shipping_price(),
        "captured once"
    );
    assert_eq!(view["apiCalls"]["capture"], 2, "the lost answer, then the replay");
}
