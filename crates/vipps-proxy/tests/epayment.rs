//! The backend on Vipps' ePayment API (`--api epayment`), against the simulator over
//! HTTP: the widget's contract unchanged, payments created idempotently, the truth from
//! get payment, news by signed webhooks (forged ones refused and recorded), and staff's
//! capture, cancel and refund with idempotency keys. The eCom suite's promises, on the
//! other API.

mod common;

use common::{new_key, registration, signed_webhook, socks, stack_with, Stack, SHIPPING, SOCKS};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const EPAYMENT: [&str; 2] = ["--api", "epayment"];

async fn epayment_stack() -> Stack {
    let s = stack_with(&[], &EPAYMENT).await;
    registration(&s).await;
    s
}

/// What the store says now, without asking Vipps (no poll).
async fn stored_status(s: &Stack, order_id: &str) -> String {
    let order = s.proxy_app.db.order(order_id).await.unwrap().unwrap();
    order.status.as_str().to_string()
}

async fn wait_stored(s: &Stack, order_id: &str, want: &str) {
    for _ in 0..100 {
        if stored_status(s, order_id).await == want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{order_id} never became {want} in the store");
}

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
        (&json!(SOCKS + SHIPPING), &json!("NOK"))
    );
    assert_eq!(p["userFlow"], "WEB_REDIRECT");
    let token = created["statusToken"].as_str().unwrap();
    let return_url = p["returnUrl"].as_str().unwrap();
    assert!(
        return_url.starts_with(&format!("{}/return.html?orderId={order_id}&t={token}", s.proxy)),
        "the shop's return page with the order and its link token: {return_url}"
    );

    let state = s.wait_for_status(order_id, token, "pending").await;
    assert_eq!(state["amount"]["value"], SOCKS + SHIPPING);
    s.sim_act(order_id, "approve", None).await;
    let state = s.wait_for_status(order_id, token, "reserved").await;
    assert_eq!(state["amount"], json!({"value": SOCKS + SHIPPING, "currency": "NOK"}));
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
async fn a_signed_webhook_updates_the_order_without_anyone_polling() {
    let s = epayment_stack().await;
    let (order_id, _, _) = s.start(&socks(1)).await;
    assert_eq!(stored_status(&s, &order_id).await, "pending");
    // The simulator answers once its webhooks were delivered.
    s.sim_act(&order_id, "approve", None).await;
    wait_stored(&s, &order_id, "reserved").await;
    let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    let events = order["events"].as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "webhook" && e["detail"]["name"] == "AUTHORIZED"),
        "the authorized event is recorded: {order}"
    );
}

/// Sends `body` to the backend's webhook URL signed with `secret`, as Vipps would.
async fn deliver(s: &Stack, secret: &str, body: &[u8], tamper: impl FnOnce(&mut Vec<(String, String)>)) -> StatusCode {
    let url = url::Url::parse(&format!("{}/api/vipps/webhooks/123456", s.proxy)).unwrap();
    let date = vipps_sim::webhook_signature::http_date(chrono::Utc::now());
    let signed = vipps_sim::webhook_signature::sign(secret, &url, &date, body);
    let mut headers = vec![
        ("x-ms-date".to_string(), signed.date),
        ("x-ms-content-sha256".to_string(), signed.content_sha256),
        ("authorization".to_string(), signed.authorization),
    ];
    tamper(&mut headers);
    let mut req = s
        .http
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (k, v) in headers {
        req = req.header(k, v);
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn a_forged_webhook_is_refused_recorded_and_changes_nothing() {
    let s = epayment_stack().await;
    let secret = registration(&s).await.secret;
    let (order_id, _, _) = s.start(&socks(1)).await;
    let event = json!({"msn": "123456", "reference": order_id, "name": "AUTHORIZED", "success": true,
        "amount": {"currency": "NOK", "value": SOCKS + SHIPPING}, "pspReference": "x", "timestamp": "2026-11-23T12:00:00Z"});
    let body = event.to_string();

    let guessed = "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
    assert_eq!(
        deliver(&s, guessed, body.as_bytes(), |_| {}).await,
        401,
        "another secret"
    );
    assert_eq!(
        deliver(&s, &secret, body.as_bytes(), |h| h
            .retain(|(k, _)| k != "authorization"))
        .await,
        401,
        "unsigned"
    );
    // Signed, then the body changed on the way.
    let status = {
        let url = url::Url::parse(&format!("{}/api/vipps/webhooks/123456", s.proxy)).unwrap();
        let date = vipps_sim::webhook_signature::http_date(chrono::Utc::now());
        let signed = vipps_sim::webhook_signature::sign(&secret, &url, &date, body.as_bytes());
        s.http
            .post(url)
            .header("x-ms-date", signed.date)
            .header("x-ms-content-sha256", signed.content_sha256)
            .header("authorization", signed.authorization)
            .body(body.replace("AUTHORIZED", "CAPTURED"))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(status, 401, "a changed body");
    let other_unit = s
        .http
        .post(format!("{}/api/vipps/webhooks/999999", s.proxy))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(other_unit.status(), 401, "a unit without a registration");
    let answer: Value = other_unit.json().await.unwrap();
    assert_eq!(answer["error"]["code"], "unauthorized", "{answer}");
    // Properly signed, an hour ago: a captured delivery sent again.
    let old = signed_webhook(
        &s,
        &secret,
        body.as_bytes(),
        chrono::Utc::now() - chrono::Duration::hours(1),
    );
    assert_eq!(old.send().await.unwrap().status(), 401, "a stale date");

    assert_eq!(stored_status(&s, &order_id).await, "pending", "nothing believed");
    let (_, rejected) = s.admin(Method::GET, "/rejected", None, None).await;
    let reasons: Vec<String> = rejected["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "webhook")
        .map(|r| r["reason"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(reasons.len(), 5, "{rejected}");
    for reason in [
        "wrong signature",
        "a signature header is missing",
        "the body does not match",
        "x-ms-date",
    ] {
        assert!(reasons.iter().any(|r| r.contains(reason)), "{reason}: {reasons:?}");
    }
    assert!(!rejected.to_string().contains("pspReference"), "bodies are not kept");

    // The real secret: accepted; still only a hint, the get payment call decides.
    let checked = |s: &Stack| {
        let (db, id) = (s.proxy_app.db.clone(), order_id.clone());
        async move { db.order(&id).await.unwrap().unwrap().checked_at }
    };
    let before = checked(&s).await;
    let authentic = signed_webhook(&s, &secret, body.as_bytes(), chrono::Utc::now());
    let replay = authentic.try_clone().unwrap();
    assert_eq!(authentic.send().await.unwrap().status(), 200);
    let mut refreshed = false;
    for _ in 0..100 {
        if checked(&s).await != before {
            refreshed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refreshed, "the webhook made the backend ask Vipps");
    assert_eq!(
        stored_status(&s, &order_id).await,
        "pending",
        "Vipps says it is not approved"
    );
    // The very same delivery again: answered, not recorded or acted on twice.
    let recorded = webhooks_recorded(&s, &order_id).await;
    assert_eq!(replay.send().await.unwrap().status(), 200);
    assert_eq!(webhooks_recorded(&s, &order_id).await, recorded, "a replay is ignored");
}

/// How many webhook deliveries the backend recorded for the order (staff's view).
async fn webhooks_recorded(s: &Stack, order_id: &str) -> usize {
    let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    order["callbacks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "webhook")
        .count()
}

#[tokio::test]
async fn staff_capture_refund_and_cancel_once_per_key() {
    let s = epayment_stack().await;
    let total = SOCKS + SHIPPING;
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
    assert_eq!(p["cancelledAmount"], 2 * SOCKS + SHIPPING, "{p}");
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
async fn express_offers_the_shops_shipping_for_the_address_and_stores_the_choice() {
    let s = epayment_stack().await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "sweater"}]}, "express": true}))
        .await;
    let p = s.sim_payment(&order_id).await;
    assert_eq!(p["amount"], 89900, "the goods: shipping is chosen in the app");
    let dynamic = &p["shipping"]["dynamicOptions"];
    assert_eq!(
        dynamic["callbackUrl"],
        format!("{}/api/vipps/epayment/shipping/{order_id}", s.proxy)
    );
    assert_eq!(dynamic["callbackAuthorizationToken"], s.auth_token(&order_id).await);

    // The simulated app asks the backend for the address chosen, then approves.
    let (status, view) = s
        .sim_act(
            &order_id,
            "approve",
            Some(json!({"shippingMethodId": "helthjem", "addressId": 3961})),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["reservedAmount"], 89900 + 12900);
    let asked: Vec<&Value> = view["deliveries"].as_array().unwrap().iter().collect();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0]["outcome"], "3 shipping methods", "Oslo: pick-up offered too");
    let body = s.wait_for_status(&order_id, &token, "reserved").await;
    assert_eq!(
        body["amount"]["value"],
        89900 + 12900,
        "goods plus shipping, as reserved"
    );
    assert_eq!(body["shipping"]["methodId"], "helthjem");
    assert_eq!(body["shipping"]["method"], "Helthjem levering hjem");
    assert_eq!(body["shipping"]["cost"], json!({"value": 12900, "currency": "NOK"}));
    assert_eq!(body["shipping"]["address"]["addressLine1"], "Dronning Eufemias gate 42");
    assert_eq!(body["shipping"]["address"]["postCode"], "0191");
    let order = s.proxy_app.db.order(&order_id).await.unwrap().unwrap();
    assert_eq!(order.mismatch_json(), None, "the shop's price was reserved");
    let (_, admin) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert_eq!(admin["userDetails"]["firstName"], "Kari", "{admin}");
    assert_eq!(admin["userDetails"]["email"], "kari.nordmann@example.com");
}

#[tokio::test]
async fn a_reservation_of_another_amount_than_the_shop_priced_is_flagged() {
    let s = epayment_stack().await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "sweater"}]}, "express": true}))
        .await;
    // Vipps reserves the goods and 1 krone of shipping where the shop asks 129 kr.
    let (status, view) = s
        .sim_act(
            &order_id,
            "approve",
            Some(json!({"shippingMethodId": "helthjem", "reserveAmount": 89900 + 100})),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    s.wait_for_status(&order_id, &token, "reserved").await;
    let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert_eq!(order["status"], "mismatch", "{order}");
    assert_eq!(order["mismatch"]["expected"], 89900 + 12900);
    assert_eq!(order["mismatch"]["reserved"], 89900 + 100);
}

#[tokio::test]
async fn the_epayment_shipping_endpoint_answers_groups_and_refuses_forgeries() {
    let s = epayment_stack().await;
    let (order_id, _, _) = s
        .start(&json!({"payload": {"items": [{"sku": "socks"}]}, "express": true}))
        .await;
    let auth = s.auth_token(&order_id).await;
    let url = format!("{}/api/vipps/epayment/shipping/{order_id}", s.proxy);
    let request = json!({"reference": order_id, "addressLine1": "Bryggen 12", "addressLine2": null,
                         "city": "BERGEN", "country": "NO", "postCode": "5003"});
    let post = |token: &str, body: &Value| s.http.post(&url).header("Authorization", token).json(body).send();
    assert_eq!(post("nope", &request).await.unwrap().status(), 401);
    let res = post(&auth, &request).await.unwrap();
    assert_eq!(res.status(), 200);
    let answer: Value = res.json().await.unwrap();
    let groups = answer["groups"].as_array().unwrap();
    let ids: Vec<&str> = groups.iter().map(|g| g["options"][0]["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["posten-servicepakke", "helthjem"], "no Oslo pick-up for Bergen");
    assert_eq!(
        (&groups[0]["brand"], &groups[0]["type"]),
        (&json!("POSTEN"), &json!("PICKUP_POINT"))
    );
    assert_eq!(groups[0]["isDefault"], true);
    assert_eq!(
        groups[0]["options"][0]["amount"],
        json!({"currency": "NOK", "value": 6900}),
        "minor units, the light parcel bracket"
    );
    // Another order's reference, or no post code: refused, nothing offered.
    let mut other = request.clone();
    other["reference"] = json!("shop-20261123-someoneelse");
    assert_eq!(post(&auth, &other).await.unwrap().status(), 400);
    let mut no_code = request.clone();
    no_code.as_object_mut().unwrap().remove("postCode");
    assert_eq!(post(&auth, &no_code).await.unwrap().status(), 400);
    // A guessed order gets the very answer a wrong token gets; a huge body is refused
    // before anything is read.
    let guessed = format!("{}/api/vipps/epayment/shipping/shop-20261123-guessed", s.proxy);
    let res = s
        .http
        .post(&guessed)
        .header("Authorization", &auth)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let huge = json!({"reference": order_id, "postCode": "0154", "addressLine1": "x".repeat(70 * 1024)});
    assert_eq!(post(&auth, &huge).await.unwrap().status(), 413);
    // A regular payment's token does not open the express endpoint.
    let (regular, _, _) = s.start(&socks(1)).await;
    let regular_auth = s.auth_token(&regular).await;
    let regular_url = format!("{}/api/vipps/epayment/shipping/{regular}", s.proxy);
    let res = s
        .http
        .post(&regular_url)
        .header("Authorization", &regular_auth)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let (_, rejected) = s.admin(Method::GET, "/rejected", None, None).await;
    assert!(
        rejected.to_string().contains("epayment/shipping"),
        "the forged request is recorded: {rejected}"
    );
}

#[tokio::test]
async fn static_shipping_sends_option_groups_with_the_payment() {
    let s = stack_with(&[], &["--api", "epayment", "--static-shipping"]).await;
    registration(&s).await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "blanket", "qty": 2}]}, "express": true}))
        .await;
    let p = s.sim_payment(&order_id).await;
    assert!(p["shipping"].get("dynamicOptions").is_none());
    let groups = p["shipping"]["fixedOptions"].as_array().unwrap();
    let ids: Vec<&str> = groups.iter().map(|g| g["options"][0]["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["posten-servicepakke", "helthjem"],
        "no pick-up without a post code"
    );
    assert_eq!(groups[0]["options"][0]["amount"]["value"], 0, "free above 1 500 kr");
    let (status, _) = s
        .sim_act(&order_id, "approve", Some(json!({"shippingMethodId": "pickup-oslo"})))
        .await;
    assert_ne!(status, 200, "the app cannot choose what was not offered");
    let (status, view) = s
        .sim_act(&order_id, "approve", Some(json!({"shippingMethodId": "helthjem"})))
        .await;
    assert_eq!(status, 200, "{view}");
    assert!(
        view["deliveries"].as_array().unwrap().is_empty(),
        "Vipps never asked the shop"
    );
    let body = s.wait_for_status(&order_id, &token, "reserved").await;
    assert_eq!(body["shipping"]["methodId"], "helthjem");
    assert_eq!(body["amount"]["value"], 259800 + 12900);
}

#[tokio::test]
async fn a_shipping_endpoint_that_fails_ends_the_payment_and_reserves_nothing() {
    let s = epayment_stack().await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "socks"}]}, "express": true}))
        .await;
    s.fault(json!({"route": "shipping", "status": 500, "count": 1})).await;
    let (status, _) = s.sim_act(&order_id, "approve", Some(json!({}))).await;
    assert_eq!(status, 502);
    let body = s.wait_for_status(&order_id, &token, "cancelled").await;
    assert!(body.get("shipping").is_none(), "{body}");
    assert_eq!(s.sim_payment(&order_id).await["reservedAmount"], 0);
}

#[tokio::test]
async fn a_registration_vipps_lost_is_made_again_and_strays_are_removed() {
    let s = stack_with(&[], &["--api", "epayment", "--reconcile-every", "1"]).await;
    let first = registration(&s).await;
    let vipps = common::epayment_gateway(&s.sim);
    vipps.delete_webhook(&first.id).await.unwrap();
    // A registration of the same URL left behind (a crash between register and store).
    let url = format!("{}/api/vipps/webhooks/123456", s.proxy);
    let stray = vipps.register_webhook(&url).await.unwrap();
    let mut renewed = None;
    for _ in 0..100 {
        let now = registration(&s).await;
        let listed = vipps.webhooks().await.unwrap();
        if now.id != first.id && listed.len() == 1 && listed[0].id == now.id {
            renewed = Some(now);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let renewed = renewed.expect("a new registration, and only it, at Vipps");
    assert_ne!(
        renewed.id, stray.id,
        "the stray was not adopted (its secret is not in the store)"
    );
    // Deliveries under the new registration work end to end.
    let (order_id, _, _) = s.start(&socks(1)).await;
    s.sim_act(&order_id, "approve", None).await;
    wait_stored(&s, &order_id, "reserved").await;
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
        assert_eq!(quote["total"], json!({"value": SOCKS + SHIPPING, "currency": currency}));
        let (order_id, token, _) = s.start(&socks(1)).await;
        let p = s.sim_payment(&order_id).await;
        assert_eq!(
            (&p["amount"], &p["currency"]),
            (&json!(SOCKS + SHIPPING), &json!(currency))
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

#[tokio::test]
async fn a_webhook_for_a_sales_unit_with_a_nul_in_its_name_is_refused_not_an_error() {
    // Found by the fuzzer on PostgreSQL, which refuses a NUL in text: a 500 before.
    let s = epayment_stack().await;
    for unit in ["%00", "123%00456"] {
        let res = s
            .http
            .post(format!("{}/api/vipps/webhooks/{unit}", s.proxy))
            .body("null")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{unit}");
    }
}
