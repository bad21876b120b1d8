//! Userinfo: a regular payment asks for the shopper's name and e-mail (`--scope`); what
//! they consent to reaches staff, and a consent removal erases it.

mod common;

use common::{socks, stack_with};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn the_consented_fields_reach_staff_and_leave_with_the_consent() {
    let s = stack_with(&[], &["--scope", "name email"]).await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    let sent = s.sim_payment(&order_id).await;
    assert_eq!(
        sent["merchantInfo"]["consentRemovalPrefix"],
        format!("{}/api/vipps/consents", s.proxy),
        "so that a consent removal reaches the shop: {sent}"
    );
    s.sim_act(&order_id, "approve", Some(json!({"mobileNumber": "97777776"})))
        .await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    let mut order = Value::Null;
    for _ in 0..50 {
        order = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await.1;
        if !order["userinfo"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(order["userinfo"]["name"], "Ada Lovelace", "{order}");
    assert_eq!(order["userinfo"]["email"], "ada.lovelace@example.com");
    assert!(order["userinfo"].get("address").is_none(), "only what was asked for");

    // Express never asks: it shares its own details.
    let (express, _, _) = s
        .start(&json!({"payload": {"items": [{"sku": "hat"}]}, "express": true}))
        .await;
    assert!(s.sim_payment(&express).await.pointer("/transaction/scope").is_none());

    let (status, view) = s.sim_act(&order_id, "remove-consent", None).await;
    assert_eq!(status, 200, "{view}");
    let (_, after) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert_eq!(after["userinfo"], Value::Null);
    assert_eq!(after["userDetails"], Value::Null);
    let (file, wal) = common::stored_bytes(&s).await;
    for needle in ["Lovelace", "ada.lovelace@example.com"] {
        let found = |b: &[u8]| b.windows(needle.len()).any(|w| w == needle.as_bytes());
        assert!(!found(&file) && !found(&wal), "'{needle}' is still in the database");
    }
    // A later refresh does not bring it back.
    s.proxy_app.refresher.refresh(&order_id, true).await.ok();
    let (_, again) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert_eq!(again["userinfo"], Value::Null);
}
