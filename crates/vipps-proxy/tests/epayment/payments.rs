//! Payments on ePayment: made once per click, the truth from get payment, withdrawal, push, retried and lost starts, other currencies, and staff's operations once per key.

use super::*;

#[tokio::test]
async fn a_payment_is_created_once_per_click_and_its_truth_comes_from_get_payment() {
    let s = epayment_stack().await;
    let key = new_key();
    let (status, created) = s.create(Some(&key), &socks(1)).await;
    assert_eq!(status, 201, "{created}");
    let order_id = created["orderId"].as_str().unwrap();
    let url = created["url"].as_str().unwrap();
    assert!(
        url.starts_with(&s.sim) && url.contains("token="),
        "the landing page: {url}"
    );
    // The same click again: the same answer, no second payment.
    let (status, again) = s.create(Some(&key), &socks(1)).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &created));
    let at_vipps = s.sim_payments().await;
    assert_eq!(at_vipps.len(), 1, "{at_vipps:?}");

    let p = s.sim_payment(order_id).await;
    assert_eq!(p["api"], "epayment");
    assert_eq!(p["reference"], order_id);
    assert_eq!(
        (&p["amount"], &p["currency"]),
        (&json!(socks_price() + shipping_price()), &json!("NOK"))
    );
    assert_eq!(p["userFlow"], "WEB_REDIRECT");
    let token = created["statusToken"].as_str().unwrap();
    let return_url = p["returnUrl"].as_str().unwrap();
    assert!(
        return_url.starts_with(&format!("{}/return.html?orderId={order_id}&t={token}", s.proxy)),
        "the shop's return page with the order and its link token: {return_url}"
    );

    let state = s.wait_for_status(order_id, token, "pending").await;
    assert_eq!(state["amount"]["value"], socks_price() + shipping_price());
    s.sim_act(order_id, "approve", None).await;
    let state = s.wait_for_status(order_id, token, "reserved").await;
    assert_eq!(
        state["amount"],
        json!({"value": socks_price() + shipping_price(), "currency": "NOK"})
    );
}

#[tokio::test]
async fn the_shoppers_answers_map_to_the_same_states_as_on_ecom() {
    let s = epayment_stack().await;
    for (act, want) in [("reject", "cancelled"), ("expire", "expired"), ("approve", "reserved")] {
        let (order_id, token, _) = s.start(&socks(1)).await;
        let (code, body) = s.sim_act(&order_id, act, None).await;
        assert_eq!(code, 200, "{body}");
        s.wait_for_status(&order_id, &token, want).await;
    }
}

#[tokio::test]
async fn staff_capture_refund_and_cancel_once_per_key() {
    let s = epayment_stack().await;
    let total = socks_price() + shipping_price();
    let (order_id, token, _) = s.start(&socks(1)).await;
    s.sim_act(&order_id, "approve", None).await;
    s.wait_for_status(&order_id, &token, "reserved").await;

    let key = new_key();
    let path = format!("/orders/{order_id}/capture");
    let (status, order) = s
        .admin(Method::POST, &path, Some(&key), Some(json!({"amount": 10000})))
        .await;
    assert_eq!(status, 200, "{order}");
    assert_eq!(
        order["capturedAmount"],
        10000,
        "{order} {}",
        s.sim_payment(&order_id).await
    );
    let (status, again) = s
        .admin(Method::POST, &path, Some(&key), Some(json!({"amount": 10000})))
        .await;
    assert_eq!(
        (status, again["capturedAmount"].clone()),
        (StatusCode::OK, json!(10000))
    );
    let p = s.sim_payment(&order_id).await;
    assert_eq!(p["capturedAmount"], 10000, "captured once: {p}");

    // Too much: Vipps' problem in staff's words, and nothing changes.
    let (status, refused) = s
        .admin(Method::POST, &path, Some(&new_key()), Some(json!({"amount": total})))
        .await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("More than is left to capture"));

    // The rest (no amount), then a partial refund.
    let (status, order) = s.admin(Method::POST, &path, Some(&new_key()), None).await;
    assert_eq!(
        (status, order["capturedAmount"].clone()),
        (StatusCode::OK, json!(total))
    );
    assert_eq!(order["status"], "captured");
    let refund = format!("/orders/{order_id}/refund");
    let (status, order) = s
        .admin(Method::POST, &refund, Some(&new_key()), Some(json!({"amount": 5000})))
        .await;
    assert_eq!(
        (status, order["refundedAmount"].clone()),
        (StatusCode::OK, json!(5000)),
        "{order}"
    );
    let state = s.wait_for_status(&order_id, &token, "captured").await;
    assert_eq!(state["status"], "captured");
    // Staff see Vipps' own log of the payment: each operation once, with its key.
    let (_, shown) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    let log: Vec<(&str, i64, Option<&str>)> = shown["vippsEvents"]
        .as_array()
        .unwrap_or_else(|| panic!("the event log: {shown}"))
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap(),
                e["amount"]["value"].as_i64().unwrap(),
                e["idempotencyKey"].as_str(),
            )
        })
        .collect();
    let names: Vec<_> = log.iter().map(|(n, v, _)| (*n, *v)).collect();
    assert_eq!(
        names,
        [
            ("CREATED", total),
            ("AUTHORIZED", total),
            ("CAPTURED", 10000),
            ("CAPTURED", total - 10000),
            ("REFUNDED", 5000)
        ]
    );
    assert!(
        log[2..]
            .iter()
            .all(|(_, _, k)| k.is_some_and(|k| k.starts_with("cap-") || k.starts_with("ref-"))),
        "each operation under the key the backend derived from staff's: {log:?}"
    );

    // Cancel an approved payment before any capture: the money is released.
    let (other, token, _) = s.start(&socks(2)).await;
    s.sim_act(&other, "approve", None).await;
    s.wait_for_status(&other, &token, "reserved").await;
    let (status, order) = s
        .admin(Method::POST, &format!("/orders/{other}/cancel"), Some(&new_key()), None)
        .await;
    assert_eq!(
        (status, order["status"].clone()),
        (StatusCode::OK, json!("cancelled")),
        "{order}"
    );
    let p = s.sim_payment(&other).await;
    assert_eq!(p["cancelledAmount"], 2 * socks_price() + shipping_price(), "{p}");
    assert_eq!(p["state"], "voided");
}

#[tokio::test]
async fn the_shopper_withdraws_a_payment_nobody_approved() {
    let s = epayment_stack().await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    let (status, body) = s.withdraw(&order_id, Some(&token)).await;
    assert_eq!(status, 200, "{body} {}", s.sim_payment(&order_id).await);
    assert_eq!(body["status"], "cancelled");
    assert_eq!(s.sim_payment(&order_id).await["epayment"]["state"], "TERMINATED");
}

#[tokio::test]
async fn a_push_goes_to_the_phone_as_an_msisdn() {
    let s = stack_with(&["--skip-landing-page"], &["--api", "epayment", "--skip-landing-page"]).await;
    let mut body = socks(1);
    body["flow"] = json!("push");
    body["mobileNumber"] = json!("912 34 567");
    let (order_id, token, url) = s.start(&body).await;
    assert_eq!(url, "", "nothing to open: the request is on the phone");
    let p = s.sim_payment(&order_id).await;
    assert_eq!(
        (p["userFlow"].clone(), p["phoneNumber"].clone()),
        (json!("PUSH_MESSAGE"), json!("4791234567"))
    );
    s.sim_act(&order_id, "approve", None).await;
    s.wait_for_status(&order_id, &token, "reserved").await;

    // A unit Vipps has not allowed to push: the same clear 403 as on eCom.
    let s = stack_with(&[], &["--api", "epayment", "--skip-landing-page"]).await;
    let (status, answer) = s.create(Some(&new_key()), &body).await;
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["error"]["code"], "push_not_allowed");
}

#[tokio::test]
async fn a_create_whose_first_attempt_fails_is_retried_with_its_key_and_makes_one_payment() {
    let s = epayment_stack().await;
    // The first attempt is made at Vipps and its answer lost; the retry gets it replayed.
    s.fault(json!({"route": "initiate", "status": 502, "after": true, "count": 1}))
        .await;
    let (status, created) = s.create(Some(&new_key()), &socks(1)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(s.sim_payments().await.len(), 1, "one payment for one click");
    // Reads that fail twice are retried too; the shopper sees the truth.
    let (order_id, token) = (
        created["orderId"].as_str().unwrap(),
        created["statusToken"].as_str().unwrap(),
    );
    s.sim_act(order_id, "approve", None).await;
    s.fault(json!({"route": "details", "status": 503, "count": 2})).await;
    s.wait_for_status(order_id, token, "reserved").await;
    // A dropped webhook: polling still finds the truth.
    let (other, token, _) = s.start(&socks(1)).await;
    s.fault(json!({"route": "callback", "drop": true, "orderId": other}))
        .await;
    s.sim_act(&other, "reject", None).await;
    s.wait_for_status(&other, &token, "cancelled").await;
}

/// A Danish or Finnish shop: the same contract, its own currency from the first price to
/// the last refund.
#[tokio::test]
async fn a_danish_store_pays_and_refunds_in_kroner_and_a_finnish_one_in_euro() {
    for currency in ["DKK", "EUR"] {
        let s = stack_with(&[], &["--api", "epayment", "--currency", currency]).await;
        let quote: Value = s
            .http
            .post(format!("{}/api/vipps/quote", s.proxy))
            .json(&socks(1))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            quote["total"],
            json!({"value": socks_price() + shipping_price(), "currency": currency})
        );
        let (order_id, token, _) = s.start(&socks(1)).await;
        let p = s.sim_payment(&order_id).await;
        assert_eq!(
            (&p["amount"], &p["currency"]),
            (&json!(socks_price() + shipping_price()), &json!(currency))
        );
        s.sim_act(&order_id, "approve", None).await;
        let state = s.wait_for_status(&order_id, &token, "reserved").await;
        assert_eq!(state["amount"]["currency"], currency);
        let (status, order) = s
            .admin(
                Method::POST,
                &format!("/orders/{order_id}/capture"),
                Some(&new_key()),
                None,
            )
            .await;
        assert_eq!(
            (status, &order["currency"]),
            (StatusCode::OK, &json!(currency)),
            "{order}"
        );
        let (status, order) = s
            .admin(
                Method::POST,
                &format!("/orders/{order_id}/refund"),
                Some(&new_key()),
                Some(json!({"amount": 500})),
            )
            .await;
        assert_eq!(
            (status, order["refundedAmount"].clone()),
            (StatusCode::OK, json!(500)),
            "{order}"
        );
        let events = s.sim_payment(&order_id).await["events"].clone();
        assert!(
            events
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["amount"]["currency"] == currency),
            "every movement in {currency}: {events}"
        );
    }
}

/// Vipps made the payment but neither its answer nor a read got through: the click's
/// key waits, and its retry asks Vipps before anything else, so the click still makes one
/// payment (never a second one under a fresh order).
#[tokio::test]
async fn a_start_vipps_may_have_made_is_settled_by_the_retry_never_doubled() {
    let s = epayment_stack().await;
    let key = new_key();
    s.fault(json!({"route": "initiate", "status": 502, "after": true, "count": 3}))
        .await;
    s.fault(json!({"route": "details", "status": 503})).await;
    let (status, answer) = s.create(Some(&key), &socks(1)).await;
    assert_eq!(status, 503, "{answer}");
    assert_eq!(answer["error"]["code"], "vipps_unavailable");
    assert_eq!(s.sim_payments().await.len(), 1, "Vipps made it");
    let (status, _) = s.create(Some(&key), &socks(1)).await;
    assert_eq!(status, 503, "while Vipps cannot be asked, the click waits");
    s.control().clear_faults().await.unwrap();
    let (status, created) = s.create(Some(&key), &socks(1)).await;
    assert_eq!(status, 201, "{created}");
    let payments = s.sim_payments().await;
    assert_eq!(payments.len(), 1, "still one payment: {payments:?}");
    assert_eq!(created["orderId"], payments[0]["orderId"]);
    assert!(created["url"].as_str().unwrap().contains("token="));
    let (status, again) = s.create(Some(&key), &socks(1)).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &created), "settled for good");
    let token = created["statusToken"].as_str().unwrap();
    s.wait_for_status(created["orderId"].as_str().unwrap(), token, "pending")
        .await;

    // Vipps never made it, and says so: the order fails, a retry starts afresh.
    let key = new_key();
    s.fault(json!({"route": "initiate", "status": 502, "count": 3})).await;
    let (status, _) = s.create(Some(&key), &socks(1)).await;
    assert_eq!(status, 502);
    let (status, created) = s.create(Some(&key), &socks(1)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(s.sim_payments().await.len(), 2, "one payment for each click");
}
