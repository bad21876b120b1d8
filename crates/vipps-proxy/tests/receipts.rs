//! Receipts in the Vipps app (issue 27): every paid order's lines, VAT and shipping go
//! to the Order Management API once, adding up to what Vipps reserved, with a link to the
//! order's page; tried again when Vipps is down; never sent twice, not for a refund or a
//! partial capture; refused when the lines would not add up; none with `--no-receipts`.
//! On both APIs, on SQLite and PostgreSQL.

mod common;

use std::time::Duration;

use common::{new_key, shipping_price, socks, socks_price, stack_with, Stack};
use reqwest::Method;
use serde_json::{json, Value};

/// The receipt the simulated app shows on `order_id`, once there and recorded in the
/// order's history (bounded wait).
async fn receipt_in_app(s: &Stack, order_id: &str) -> Value {
    for _ in 0..600 {
        let p = s.sim_payment(order_id).await;
        let recorded = !events_of(s, order_id, "receipt_sent").await.is_empty();
        if p["receipt"].is_object() && p["category"].is_object() && recorded {
            return p;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no receipt and link for {order_id}: {}", s.sim_payment(order_id).await);
}

/// How many times the backend posted `order_id`'s receipt to Vipps (the simulator's
/// record of calls).
async fn receipt_posts(s: &Stack, order_id: &str) -> usize {
    let (_, calls) = s.sim_control(Method::GET, "/_sim/calls", None).await;
    let path = format!("/order-management/v2/ecom/receipts/{order_id}");
    calls
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["method"] == "POST" && c["path"] == path)
        .count()
}

/// The order's history events of `kind`.
async fn events_of(s: &Stack, order_id: &str, kind: &str) -> Vec<Value> {
    let events = s.proxy_app.db.events(order_id).await.unwrap();
    events.into_iter().filter(|e| e["kind"] == kind).collect()
}

/// Every line adds up, and the lines add up to `reserved`; returns the lines.
fn lines_adding_up(receipt: &Value, reserved: i64) -> Vec<Value> {
    let lines = receipt["orderLines"].as_array().unwrap().clone();
    for l in &lines {
        let total = l["totalAmount"].as_i64().unwrap();
        let excl = l["totalAmountExcludingTax"].as_i64().unwrap();
        let tax = l["totalTaxAmount"].as_i64().unwrap();
        assert_eq!(total, excl + tax, "{l}");
        let rate = l["taxRate"].as_i64().unwrap();
        assert_eq!(
            tax,
            (total * rate + (10_000 + rate) / 2) / (10_000 + rate),
            "the VAT in the price: {l}"
        );
    }
    let sum: i64 = lines.iter().map(|l| l["totalAmount"].as_i64().unwrap()).sum();
    assert_eq!(sum, reserved, "the lines add up to what Vipps reserved: {receipt}");
    lines
}

/// The link on the receipt opens the order's page: the shop's return page with a token
/// that reads the order, without the delivery address, and withdraws nothing.
async fn link_opens_the_order(s: &Stack, category: &Value, order_id: &str) -> Value {
    assert_eq!(category["category"], "ORDER_CONFIRMATION");
    let link = url::Url::parse(category["orderDetailsUrl"].as_str().unwrap()).unwrap();
    assert_eq!(link.path(), "/return.html");
    let query: std::collections::HashMap<_, _> = link.query_pairs().into_owned().collect();
    assert_eq!(query["orderId"], order_id);
    let (status, state) = s.status(order_id, Some(&query["t"])).await;
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["orderId"], order_id);
    assert!(
        state["shipping"].get("address").is_none(),
        "no address behind a year-long link: {state}"
    );
    let (status, _) = s.withdraw(order_id, Some(&query["t"])).await;
    assert_eq!(status, 404, "a receipt's link only reads");
    state
}

#[tokio::test]
async fn a_paid_order_gets_a_receipt_that_adds_up_regular_express_and_qr_on_both_apis() {
    for api in ["ecom", "epayment"] {
        let s = stack_with(&[], &["--api", api]).await;

        // Regular: two pairs of socks and the shop's default shipping.
        let (order_id, token, _) = s.start(&socks(2)).await;
        s.sim_act(&order_id, "approve", None).await;
        s.wait_for_status(&order_id, &token, "reserved").await;
        let p = receipt_in_app(&s, &order_id).await;
        let lines = lines_adding_up(&p["receipt"], 2 * socks_price() + shipping_price());
        assert_eq!(lines.len(), 2, "{api}: {lines:?}");
        assert_eq!(lines[0]["name"], "Ullsokker");
        assert_eq!(lines[0]["id"], "socks");
        assert_eq!(lines[0]["taxRate"], 2500);
        assert_eq!(
            lines[0]["unitInfo"],
            json!({"unitPrice": socks_price(), "quantity": "2", "quantityUnit": "PCS"})
        );
        assert_eq!(lines[1]["isShipping"], true);
        assert_eq!(lines[1]["totalAmount"], shipping_price());
        assert_eq!(p["receipt"]["bottomLine"]["currency"], "NOK");
        link_opens_the_order(&s, &p["category"], &order_id).await;
        let sent = events_of(&s, &order_id, "receipt_sent").await;
        assert_eq!(sent.len(), 1, "{api}: recorded in the history once: {sent:?}");
        assert_eq!(sent[0]["detail"]["lines"], 2);

        // Express: the shipping the shopper chose in Vipps is its own line.
        let (order_id, token, _) = s
            .start(&json!({"payload": {"items": [{"sku": "sweater"}]}, "express": true}))
            .await;
        let choice = json!({"shippingMethodId": "helthjem", "addressId": 3961});
        let (status, view) = s.sim_act(&order_id, "approve", Some(choice)).await;
        assert_eq!(status, 200, "{view}");
        s.wait_for_status(&order_id, &token, "reserved").await;
        let p = receipt_in_app(&s, &order_id).await;
        let lines = lines_adding_up(&p["receipt"], 89_900 + 12_900);
        assert_eq!(lines[1]["name"], "Helthjem levering hjem", "{api}");
        assert_eq!(lines[1]["isShipping"], true);
        let state = link_opens_the_order(&s, &p["category"], &order_id).await;
        assert_eq!(
            state["shipping"]["method"], "Helthjem levering hjem",
            "the method, not the address"
        );
        let (_, with_address) = s.status(&order_id, Some(&token)).await;
        assert!(
            with_address["shipping"]["address"].is_object(),
            "the return link still shows it"
        );

        // A QR payment of a gift card: nothing shipped, no VAT.
        let (order_id, token, _) = s
            .start(&json!({"payload": {"items": [{"sku": "giftcard"}]}, "flow": "qr"}))
            .await;
        s.sim_act(&order_id, "approve", Some(json!({"mobileNumber": "48059528"})))
            .await;
        s.wait_for_status(&order_id, &token, "reserved").await;
        let p = receipt_in_app(&s, &order_id).await;
        let lines = lines_adding_up(&p["receipt"], 50_000);
        assert_eq!(lines.len(), 1, "{api}: {lines:?}");
        assert_eq!(
            (lines[0]["taxRate"].clone(), lines[0]["totalTaxAmount"].clone()),
            (json!(0), json!(0))
        );

        // The receipt calls carry the sales unit and the system, as every call does.
        let (_, calls) = s.sim_control(Method::GET, "/_sim/calls", None).await;
        let receipts: Vec<&Value> = calls
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["path"].as_str().unwrap().starts_with("/order-management/v2/ecom/"))
            .collect();
        assert_eq!(
            receipts.len(),
            6,
            "{api}: a receipt and a link for each of the three: {receipts:?}"
        );
        for call in receipts {
            assert_eq!(call["Merchant-Serial-Number"], "123456");
            assert_eq!(call["Vipps-System-Name"], "vipps-proxy");
        }
    }
}

#[tokio::test]
async fn a_receipt_waits_out_vipps_being_down_and_is_sent_once_not_again_for_a_refund() {
    for api in ["ecom", "epayment"] {
        let s = stack_with(&[], &["--api", api, "--reconcile-every", "1"]).await;
        // The Order Management API fails the first two calls (tried again after 2 s, then
        // 4 s: `--reconcile-every` doubling).
        s.fault(json!({"route": "orderManagement", "status": 503, "count": 2}))
            .await;
        let (order_id, token, _) = s.start(&socks(1)).await;
        s.sim_act(&order_id, "approve", None).await;
        s.wait_for_status(&order_id, &token, "reserved").await;
        let p = receipt_in_app(&s, &order_id).await;
        lines_adding_up(&p["receipt"], socks_price() + shipping_price());
        assert_eq!(events_of(&s, &order_id, "receipt_sent").await.len(), 1, "{api}");

        // A partial capture and a refund send nothing more.
        for (op, amount) in [("capture", 10_000), ("refund", 5_000)] {
            let (status, answer) = s
                .admin(
                    Method::POST,
                    &format!("/orders/{order_id}/{op}"),
                    Some(&new_key()),
                    Some(json!({"amount": amount})),
                )
                .await;
            assert_eq!(status, 200, "{op}: {answer}");
        }
        // The reconciler has run since (a second order's receipt comes through it too).
        let (later, token, _) = s.start(&socks(1)).await;
        s.sim_act(&later, "approve", None).await;
        s.wait_for_status(&later, &token, "reserved").await;
        receipt_in_app(&s, &later).await;
        s.proxy_app.receipts.send_due().await;
        assert!(receipt_posts(&s, &order_id).await >= 1, "{api}");
        assert_eq!(
            events_of(&s, &order_id, "receipt_sent").await.len(),
            1,
            "{api}: still once"
        );
        let (_, both) = s
            .sim_control(Method::GET, &format!("/_sim/payments/{order_id}"), None)
            .await;
        assert_eq!(both["receipt"], p["receipt"], "{api}: the first receipt stands");
    }
}

#[tokio::test]
async fn two_senders_at_once_send_one_receipt() {
    // The reconciler's next round is a minute away: only this test's senders send.
    let s = stack_with(&[], &[]).await;
    // The first attempt (after the approval) fails, so the receipt waits out a backoff.
    s.fault(json!({"route": "orderManagement", "status": 503, "count": 1}))
        .await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    s.sim_act(&order_id, "approve", None).await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    let tries = || async {
        sqlx::query_scalar::<_, i64>("SELECT receipt_tries FROM orders WHERE order_id = $1")
            .bind(&order_id)
            .fetch_one(&s.proxy_app.db.pool)
            .await
            .unwrap()
    };
    for _ in 0..600 {
        if tries().await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(tries().await, 1, "the first attempt failed and was counted");
    // Its wait is over, and two senders ask at once (a refresh and the reconciler, or two
    // instances): one of them sends.
    sqlx::query("UPDATE orders SET receipt_next_try = NULL WHERE order_id = $1")
        .bind(&order_id)
        .execute(&s.proxy_app.db.pool)
        .await
        .unwrap();
    let receipts = &s.proxy_app.receipts;
    tokio::join!(receipts.send_if_due(&order_id), receipts.send_if_due(&order_id));
    receipt_in_app(&s, &order_id).await;
    assert_eq!(
        receipt_posts(&s, &order_id).await,
        2,
        "the failed attempt and one send, never two at once"
    );
    assert_eq!(events_of(&s, &order_id, "receipt_sent").await.len(), 1);
}

#[tokio::test]
async fn a_receipt_that_would_not_add_up_is_refused_and_none_go_with_no_receipts() {
    // Vipps reserved another amount than the shop priced for a regular payment (its
    // lines are the shop's): no receipt that contradicts the payment. (For express, the
    // shipping is what Vipps reserved beyond the goods: its receipt adds up.)
    let s = stack_with(&[], &[]).await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    s.sim_act(&order_id, "approve", Some(json!({"reserveAmount": 10_000})))
        .await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    let mut refused = Vec::new();
    for _ in 0..200 {
        refused = events_of(&s, &order_id, "receipt_refused").await;
        if !refused.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        refused.len(),
        1,
        "recorded once: {:?}",
        s.proxy_app.db.events(&order_id).await.unwrap()
    );
    assert!(
        refused[0]["detail"]["why"].as_str().unwrap().contains("reserved 10000"),
        "{refused:?}"
    );
    assert!(s.sim_payment(&order_id).await["receipt"].is_null(), "nothing sent");
    s.proxy_app.receipts.send_due().await;
    assert_eq!(
        events_of(&s, &order_id, "receipt_refused").await.len(),
        1,
        "not tried again"
    );

    let s = stack_with(&[], &["--no-receipts"]).await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    s.sim_act(&order_id, "approve", None).await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    s.proxy_app.receipts.send_if_due(&order_id).await;
    s.proxy_app.receipts.send_due().await;
    let (_, calls) = s.sim_control(Method::GET, "/_sim/calls", None).await;
    assert!(
        !calls.to_string().contains("/order-management/"),
        "no receipt with --no-receipts"
    );
    assert!(events_of(&s, &order_id, "receipt_sent").await.is_empty());
}
