//! The payments that do not leave the page: a push to the customer's phone at a till
//! (`flow: push`, skipLandingPage) and the shopper withdrawing a payment nobody approved
//! (a QR code replaced by a fresh one), against a real simulator.

mod common;

use common::{new_key, socks, stack, stack_with};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn push(mobile: Option<&str>) -> Value {
    let mut body = socks(1);
    body["flow"] = json!("push");
    if let Some(m) = mobile {
        body["mobileNumber"] = json!(m);
    }
    body
}

#[tokio::test]
async fn a_push_goes_straight_to_the_customers_phone() {
    let s = stack_with(&["--skip-landing-page"], &["--skip-landing-page"]).await;
    let (order_id, token, _) = s.start(&push(Some("480 59 528"))).await;
    let vipps = s.sim_payment(&order_id).await;
    assert_eq!(vipps["skipLandingPage"], true, "{vipps}");
    assert_eq!(vipps["customerInfo"]["mobileNumber"], "48059528", "normalised");
    assert_eq!(vipps["reachedApp"], true, "pushed to the app at once");
    assert_eq!(
        s.wait_for_status(&order_id, &token, "pending").await["status"],
        "pending"
    );
    s.sim_act(&order_id, "approve", None).await;
    s.wait_for_status(&order_id, &token, "reserved").await;

    let (order_id, token, _) = s.start(&push(Some("48059528"))).await;
    s.sim_act(&order_id, "reject", None).await;
    s.wait_for_status(&order_id, &token, "cancelled").await;
}

#[tokio::test]
async fn a_push_the_shop_or_vipps_does_not_allow_is_a_clear_403_that_starts_nothing() {
    let not_set_up = stack().await;
    let (status, body) = not_set_up.create(Some(&new_key()), &push(Some("48059528"))).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "push_not_allowed");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--skip-landing-page"));
    assert!(not_set_up.sim_payments().await.is_empty(), "Vipps was never asked");

    let not_whitelisted = stack_with(&[], &["--skip-landing-page"]).await;
    let key = new_key();
    let (status, body) = not_whitelisted.create(Some(&key), &push(Some("48059528"))).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "push_not_allowed");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("error 38"),
        "{body}"
    );
    let (status, again) = not_whitelisted.create(Some(&key), &push(Some("48059528"))).await;
    assert_eq!(
        (status, &again),
        (StatusCode::FORBIDDEN, &body),
        "a retried click gets the same answer"
    );

    let s = stack_with(&["--skip-landing-page"], &["--skip-landing-page"]).await;
    for (body, code) in [
        (push(None), "invalid_mobile_number"),
        (push(Some("1234")), "invalid_mobile_number"),
        (
            {
                let mut b = push(Some("48059528"));
                b["express"] = json!(true);
                b
            },
            "invalid_request",
        ),
        (
            {
                let mut b = push(Some("48059528"));
                b["flow"] = json!("teleport");
                b
            },
            "invalid_request",
        ),
    ] {
        let (status, answer) = s.create(Some(&new_key()), &body).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{body}: {answer}"
        );
    }
    assert!(s.sim_payments().await.is_empty());
}

#[tokio::test]
async fn the_shopper_withdraws_a_payment_nobody_approved_but_never_an_approved_one() {
    let s = stack().await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    let (status, body) = s.withdraw(&order_id, None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("missing_token"))
    );
    let (_, other_token, _) = s.start(&socks(1)).await;
    let (status, _) = s.withdraw(&order_id, Some(&other_token)).await;
    assert_eq!(status, 404, "another order's token");
    assert_eq!(s.sim_payment(&order_id).await["state"], "initiated", "nothing happened");

    let (status, body) = s.withdraw(&order_id, Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "cancelled");
    let vipps = s.sim_payment(&order_id).await;
    assert_eq!(vipps["state"], "cancelled", "{vipps}");
    let (status, again) = s.withdraw(&order_id, Some(&token)).await;
    assert_eq!(
        (status, again["status"].as_str()),
        (StatusCode::OK, Some("cancelled")),
        "twice is once"
    );
    let (status, _) = s.sim_act(&order_id, "approve", None).await;
    assert!(!status.is_success(), "a withdrawn payment can no longer be approved");

    let (paid, paid_token, _) = s.start(&socks(1)).await;
    s.sim_act(&paid, "approve", None).await;
    s.wait_for_status(&paid, &paid_token, "reserved").await;
    let (status, body) = s.withdraw(&paid, Some(&paid_token)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_cancellable"))
    );
    assert_eq!(
        s.sim_payment(&paid).await["state"],
        "reserved",
        "the reservation stands"
    );
    let (status, order) = s.admin(Method::GET, &format!("/orders/{paid}"), None, None).await;
    assert_eq!((status, order["status"].as_str()), (StatusCode::OK, Some("reserved")));
}

#[tokio::test]
async fn nobody_can_use_the_till_to_pester_a_strangers_phone() {
    let s = stack_with(&["--skip-landing-page"], &["--skip-landing-page"]).await;
    for _ in 0..3 {
        let (status, body) = s.create(Some(&new_key()), &push(Some("48059528"))).await;
        assert_eq!(status, 201, "{body}");
    }
    let key = new_key();
    let res = s
        .http
        .post(format!("{}/api/vipps/payments", s.proxy))
        .header("Idempotency-Key", &key)
        .json(&push(Some("480 59 528")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "a fourth push to the same number within minutes");
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=200).contains(&wait), "{wait}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(s.sim_payments().await.len(), 3, "Vipps was not asked a fourth time");
    let (status, _) = s.create(Some(&new_key()), &push(Some("97777776"))).await;
    assert_eq!(status, 201, "another customer at the till is served");
}

#[tokio::test]
async fn express_is_for_goods_that_ship_and_a_cart_with_none_is_refused_clearly() {
    for api in ["ecom", "epayment"] {
        let s = stack_with(&[], &["--api", api]).await;
        let gift = json!({"payload": {"items": [{"sku": "giftcard"}, {"sku": "course"}]}, "express": true});
        let (status, refused) = s.create(Some(&new_key()), &gift).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{api}: {refused}");
        assert_eq!(refused["error"]["code"], "express_needs_shipping");
        assert!(
            refused["error"]["message"].as_str().unwrap().contains("regular"),
            "{refused}"
        );
        let quote = s
            .http
            .post(format!("{}/api/vipps/quote", s.proxy))
            .json(&gift)
            .send()
            .await
            .unwrap();
        assert_eq!(quote.status(), StatusCode::BAD_REQUEST, "the quote says the same");
        assert!(s.sim_payments().await.is_empty(), "{api}: nothing reached Vipps");
        let (_, orders) = s.admin(Method::GET, "/orders", None, None).await;
        assert_eq!(
            orders["orders"].as_array().map(Vec::len),
            Some(0),
            "{api}: no order: {orders}"
        );

        // The same goods as a regular payment, and express with something that ships.
        let mut regular = gift.clone();
        regular["express"] = json!(false);
        assert_eq!(s.create(Some(&new_key()), &regular).await.0, StatusCode::CREATED);
        let mixed = json!({"payload": {"items": [{"sku": "giftcard"}, {"sku": "socks"}]}, "express": true});
        assert_eq!(s.create(Some(&new_key()), &mixed).await.0, StatusCode::CREATED);
    }
}
