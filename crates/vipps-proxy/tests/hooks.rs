//! What Vipps calls on the proxy, and what the proxy asks Vipps: forged and valid
//! callbacks, express shipping, consent removal, coalesced polling, reconciliation.

mod common;

use common::{socks, stack, stack_with};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn forged_callbacks_are_refused_and_change_nothing() {
    let s = stack().await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    let url = format!("{}/api/vipps/callbacks/v2/payments/{order_id}", s.proxy);
    let forged = json!({"merchantSerialNumber": "123456", "orderId": order_id,
                        "transactionInfo": {"amount": 19900, "status": "RESERVED", "timeStamp": "2026-01-01T00:00:00Z"}});
    for auth in [None, Some("Bearer guess"), Some("")] {
        let mut req = s.http.post(&url).json(&forged);
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "unauthorized");
    }
    let wrong_token = s
        .http
        .post(&url)
        .header("Authorization", "guess")
        .json(&forged)
        .send()
        .await
        .unwrap();
    let unknown_order = s
        .http
        .post(format!("{}/api/vipps/callbacks/v2/payments/nordlys-unknown", s.proxy))
        .header("Authorization", "guess")
        .json(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (unknown_order.status(), unknown_order.json::<Value>().await.unwrap()),
        (wrong_token.status(), wrong_token.json::<Value>().await.unwrap()),
        "an unknown order and a wrong token answer alike: which orders exist stays secret"
    );
    let (_, body) = s.status(&order_id, Some(&token)).await;
    assert_eq!(body["status"], "pending", "a forged RESERVED callback reserves nothing");
    let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    let callbacks = order["callbacks"].as_array().unwrap();
    assert_eq!(callbacks.len(), 4);
    assert!(callbacks.iter().all(|c| c["accepted"] == false));
}

#[tokio::test]
async fn a_real_callback_refreshes_the_order_without_any_poller() {
    let s = stack().await;
    let (order_id, _, _) = s.start(&socks(1)).await;
    s.sim_act(&order_id, "approve", Some(json!({}))).await;
    let view = s.sim_payment(&order_id).await;
    assert_eq!(
        view["deliveries"][0]["httpStatus"], 200,
        "the proxy accepted the simulator's callback"
    );
    // Nobody polls: the callback alone must bring the order to reserved (via /details).
    for _ in 0..50 {
        let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
        if order["status"] == "reserved" {
            assert!(order["callbacks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["accepted"] == true));
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the callback did not refresh the order");
}

#[tokio::test]
async fn express_with_a_non_default_method_stores_shipping_and_the_full_total() {
    let s = stack().await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "sweater"}]}, "express": true}))
        .await;
    let info = s.sim_payment(&order_id).await["merchantInfo"].clone();
    assert_eq!(info["paymentType"], "eComm Express Payment");
    assert_eq!(info["shippingDetailsPrefix"], format!("{}/api/vipps/shipping", s.proxy));
    assert_eq!(info["consentRemovalPrefix"], format!("{}/api/vipps/consents", s.proxy));

    // The simulator fetches the methods from the proxy as the app would, then applies one.
    let (status, view) = s
        .sim_act(
            &order_id,
            "approve",
            Some(json!({"shippingMethodId": "helthjem", "addressId": 3961})),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["reservedAmount"], 89900 + 12900);
    let body = s.wait_for_status(&order_id, &token, "reserved").await;
    assert_eq!(
        body["amount"]["value"],
        89900 + 12900,
        "goods plus shipping, as Vipps reserved"
    );
    assert_eq!(body["shipping"]["methodId"], "helthjem");
    assert_eq!(body["shipping"]["method"], "Helthjem levering hjem");
    assert_eq!(body["shipping"]["cost"], json!({"value": 12900, "currency": "NOK"}));
    assert_eq!(body["shipping"]["address"]["addressLine1"], "Dronning Eufemias gate 42");
    assert_eq!(body["shipping"]["address"]["postCode"], "0191");
    assert_eq!(body["shipping"]["address"]["city"], "OSLO");
}

#[tokio::test]
async fn the_shipping_endpoint_answers_vipps_shape_and_refuses_forgeries() {
    let s = stack().await;
    let (order_id, _, _) = s
        .start(&json!({"payload": {"items": [{"sku": "socks"}]}, "express": true}))
        .await;
    let auth = s.auth_token(&order_id).await;
    let url = format!("{}/api/vipps/shipping/v2/payments/{order_id}/shippingDetails", s.proxy);
    let request = json!({"addressId": 4120, "addressLine1": "Bryggen 12", "addressLine2": null, "country": "Norway",
                         "city": "BERGEN", "postCode": "5003", "postalCode": "5003", "addressType": "H"});
    let res = s
        .http
        .post(&url)
        .header("Authorization", "nope")
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = s
        .http
        .post(&url)
        .header("Authorization", &auth)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let reply: Value = res.json().await.unwrap();
    assert_eq!(reply["addressId"], 4120);
    assert_eq!(reply["orderId"], order_id.as_str());
    let methods = reply["shippingDetails"].as_array().unwrap();
    let ids: Vec<&str> = methods
        .iter()
        .map(|m| m["shippingMethodId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["posten-servicepakke", "helthjem"], "no Oslo pickup for Bergen");
    assert_eq!(methods[0]["isDefault"], "Y");
    assert_eq!(methods[1]["isDefault"], "N");
    assert_eq!(methods[0]["shippingCost"], 69.0, "NOK decimal, light parcel bracket");
    assert_eq!(methods[0]["priority"], 1);
}

#[tokio::test]
async fn static_shipping_is_sent_with_the_payment() {
    let s = stack_with(&[], &["--static-shipping"]).await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "blanket", "qty": 2}]}, "express": true}))
        .await;
    let info = s.sim_payment(&order_id).await["merchantInfo"].clone();
    assert!(info.get("shippingDetailsPrefix").is_none());
    let methods = info["staticShippingDetails"].as_array().unwrap();
    assert_eq!(methods[0]["shippingCost"], 0.0, "free above 1 500 kr");
    let ids: Vec<&str> = methods
        .iter()
        .map(|m| m["shippingMethodId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["posten-servicepakke", "helthjem"],
        "no pick-up in Oslo offered without a post code"
    );
    let (status, _) = s
        .sim_act(&order_id, "approve", Some(json!({"shippingMethodId": "pickup-oslo"})))
        .await;
    assert_ne!(status, 200, "the app cannot choose what was not offered");
    s.sim_act(&order_id, "approve", Some(json!({"shippingMethodId": "helthjem"})))
        .await;
    let body = s.wait_for_status(&order_id, &token, "reserved").await;
    assert_eq!(body["shipping"]["methodId"], "helthjem");
    assert_eq!(body["amount"]["value"], 259800 + 12900);
}

#[tokio::test]
async fn a_shipping_endpoint_that_times_out_fails_the_order() {
    let s = stack_with(&["--shipping-timeout", "1"], &[]).await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "socks"}]}, "express": true}))
        .await;
    s.fault(json!({"route": "shipping", "latencyMs": 5000, "count": 1}))
        .await;
    let (status, _) = s.sim_act(&order_id, "approve", Some(json!({}))).await;
    assert_eq!(status, 502);
    let body = s.wait_for_status(&order_id, &token, "failed").await;
    assert!(
        body.get("shipping").is_none(),
        "no half-made order: no shipping, nothing reserved"
    );
}

#[tokio::test]
async fn consent_removal_erases_personal_data_from_the_store() {
    let s = stack().await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "hat"}]}, "express": true}))
        .await;
    s.sim_act(&order_id, "approve", Some(json!({"mobileNumber": "48059528"})))
        .await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    let (_, before) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert_eq!(before["address"]["city"], "BERGEN");
    // Every field of the address, the second line null when there is none (the staff
    // API's shape since the start; the stored address is the contract's type).
    let fields: Vec<&String> = before["address"].as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        ["addressLine1", "addressLine2", "city", "country", "postCode"],
        "{before}"
    );
    assert_eq!(before["userDetails"]["firstName"], "Ola");

    let (status, view) = s.sim_act(&order_id, "remove-consent", None).await;
    assert_eq!(status, 200, "{view}");
    let consent = view["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "consentRemoval")
        .unwrap()
        .clone();
    assert_eq!(consent["httpStatus"], 200);

    // Checked in the order store itself.
    let row: (Option<String>, Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT address, user_details, mobile_number, shipping_method FROM orders WHERE order_id = $1")
            .bind(&order_id)
            .fetch_one(&s.proxy_app.db.pool)
            .await
            .unwrap();
    assert_eq!((row.0, row.1, row.2), (None, None, None));
    assert!(row.3.is_some(), "the books keep the shipping method");
    let (_, body) = s.status(&order_id, Some(&token)).await;
    assert!(body["shipping"].get("address").is_none());

    let res = s
        .http
        .delete(format!("{}/api/vipps/consents/v2/consents/someone-else", s.proxy))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "an unknown user answers as a known one does");
    assert_eq!(res.text().await.unwrap(), "", "and says nothing more");
    let (_, view) = s.sim_act(&order_id, "remove-consent", None).await;
    let removals: Vec<&Value> = view["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "consentRemoval")
        .collect();
    assert_eq!(removals.len(), 2, "{view}");
    assert_eq!(
        removals[1]["httpStatus"], 200,
        "a repeated removal from Vipps is still recognised"
    );
}

#[tokio::test]
async fn a_consent_removal_as_vipps_sends_it_without_credentials_erases_that_user_only() {
    let s = stack().await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "hat"}]}, "express": true}))
        .await;
    let view = s.sim_act(&order_id, "approve", Some(json!({}))).await.1;
    s.wait_for_status(&order_id, &token, "reserved").await;
    let (other_id, other_token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "hat"}]}, "express": true}))
        .await;
    s.sim_act(&other_id, "approve", Some(json!({"mobileNumber": "48059528"})))
        .await;
    s.wait_for_status(&other_id, &other_token, "reserved").await;
    let user_id = view["userId"].as_str().unwrap();
    let encoded: String = url::form_urlencoded::byte_serialize(user_id.as_bytes()).collect();
    let url = format!("{}/api/vipps/consents/v2/consents/{encoded}", s.proxy);

    // No Authorization header, exactly as Vipps sends it (and as the simulator does).
    let res = s.http.delete(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert!(order["userDetails"].is_null(), "{order}");
    let (_, other) = s.admin(Method::GET, &format!("/orders/{other_id}"), None, None).await;
    assert_eq!(other["userDetails"]["firstName"], "Ola", "another shopper is untouched");

    // Sent again (Vipps may): the same answer, nothing else changes.
    let res = s.http.delete(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let (_, rejected) = s.admin(Method::GET, "/rejected", None, None).await;
    assert!(
        !rejected.to_string().contains("consent"),
        "neither a removal nor a guess is a refusal to record: {rejected}"
    );
}

#[tokio::test]
async fn consent_removals_from_one_address_are_rate_limited() {
    let s = stack().await;
    let mut limited = None;
    for i in 0..200 {
        let res = s
            .http
            .delete(format!("{}/api/vipps/consents/v2/consents/guess{i}", s.proxy))
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            limited = Some((i, res.headers().get("retry-after").cloned()));
            break;
        }
        assert_eq!(res.status(), 200);
    }
    let (at, retry_after) = limited.expect("a flood of guessed user ids is stopped");
    assert!(at >= 30, "Vipps' own pace is never limited (stopped after {at})");
    assert!(retry_after.is_some());
}

#[tokio::test]
async fn many_pollers_cause_few_details_calls() {
    // Fifty tabs from one address: more than the abuse limit allows, which is not what
    // this test is about.
    let s = stack_with(&[], &["--polls-per-minute-per-client", "0"]).await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (http, url) = (
            s.http.clone(),
            format!("{}/api/vipps/payments/{order_id}?t={token}", s.proxy),
        );
        tasks.push(tokio::spawn(async move {
            for _ in 0..4 {
                let res = http.get(&url).send().await.unwrap();
                assert_eq!(res.status(), 200);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let calls = s.sim_payment(&order_id).await["apiCalls"]["details"]
        .as_i64()
        .unwrap_or(0);
    // 200 status requests; at most one /details per order per 2 s (plus the first).
    let allowed = (elapsed / 2.0).ceil() as i64 + 1;
    assert!(
        calls >= 1 && calls <= allowed,
        "{calls} /details calls in {elapsed:.2} s for 200 polls (allowed {allowed})"
    );
}

#[tokio::test]
async fn the_reconciler_finds_an_order_whose_callback_never_came() {
    let s = stack_with(&[], &["--reconcile-every", "1", "--reconcile-after", "0"]).await;
    let (order_id, _, _) = s.start(&socks(1)).await;
    s.fault(json!({"route": "callback", "drop": true})).await;
    s.sim_act(&order_id, "approve", Some(json!({}))).await;
    for _ in 0..60 {
        let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
        if order["status"] == "reserved" {
            assert!(order["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "reconcile"));
            assert!(order["callbacks"].as_array().unwrap().is_empty(), "no callback arrived");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the reconciler never caught up");
}

#[tokio::test]
async fn polling_recovers_after_vipps_fails_for_a_while() {
    let s = stack().await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    s.fault(json!({"route": "callback", "drop": true})).await;
    s.sim_act(&order_id, "approve", Some(json!({}))).await;
    s.fault(json!({"route": "details", "status": 503, "count": 3})).await;
    let (status, body) = s.status(&order_id, Some(&token)).await;
    assert_eq!(status, 200, "Vipps trouble is not the shopper's error: {body}");
    s.wait_for_status(&order_id, &token, "reserved").await;
}

#[tokio::test]
async fn a_slow_vipps_does_not_hang_the_return_page() {
    let s = stack().await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    s.fault(json!({"route": "details", "latencyMs": 30000, "count": 1}))
        .await;
    let started = std::time::Instant::now();
    let (status, body) = s.status(&order_id, Some(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "pending");
    // The promise: an answer within 4 s however slow Vipps is (1 s of slack here).
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "answered from the store after {:?} instead of waiting for Vipps",
        started.elapsed()
    );
}

#[tokio::test]
async fn steady_polling_is_coalesced_yet_fresh() {
    let s = stack().await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    // One return page polling far faster than any real one, for ~6.5 s.
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_millis(6_500) {
        let (status, _) = s.status(&order_id, Some(&token)).await;
        assert_eq!(status, 200);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let calls = s.sim_payment(&order_id).await["apiCalls"]["details"]
        .as_i64()
        .unwrap_or(0);
    // One /details per 2 s: at 0, 2, 4, 6 s. Fewer is stale, more is not coalesced.
    assert!((3..=5).contains(&calls), "{calls} /details calls in 6.5 s of polling");
}

#[tokio::test]
async fn the_reconciler_leaves_orders_younger_than_its_threshold_alone() {
    let s = stack_with(&[], &["--reconcile-every", "1", "--reconcile-after", "3600"]).await;
    let (order_id, _, _) = s.start(&socks(1)).await;
    s.fault(json!({"route": "callback", "drop": true})).await;
    s.sim_act(&order_id, "approve", Some(json!({}))).await;
    // Three reconciler rounds go by.
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    let (_, order) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert!(
        !order["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "reconcile"),
        "{order}"
    );
    assert_eq!(order["status"], "pending", "nobody asked Vipps yet");
    let calls = s.sim_payment(&order_id).await["apiCalls"]["details"]
        .as_i64()
        .unwrap_or(0);
    assert_eq!(calls, 0, "no /details for an order younger than --reconcile-after");
}

#[tokio::test]
async fn malformed_callback_and_shipping_bodies_with_the_right_token_are_never_a_5xx() {
    let s = stack().await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "socks"}]}, "express": true}))
        .await;
    let auth = s.auth_token(&order_id).await;
    let callback = format!("{}/api/vipps/callbacks/v2/payments/{order_id}", s.proxy);
    let shipping = format!("{}/api/vipps/shipping/v2/payments/{order_id}/shippingDetails", s.proxy);
    let bodies: Vec<Vec<u8>> = vec![
        b"not json".to_vec(),
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{}".to_vec(),
        br#"{"transactionInfo": "RESERVED"}"#.to_vec(),
        br#"{"transactionInfo": {"status": 5, "amount": "all"}}"#.to_vec(),
        br#"{"addressId": "4120", "postCode": 5003}"#.to_vec(),
        vec![0xff, 0xfe, b'{', 0x80],
        format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
    ];
    for body in bodies {
        let shown = String::from_utf8_lossy(&body[..body.len().min(40)]).to_string();
        let res = s
            .http
            .post(&callback)
            .header("Authorization", &auth)
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        // A callback only says "ask /details now": taken, whatever it claims.
        assert_eq!(res.status(), 200, "callback {shown:?}");
        let res = s
            .http
            .post(&shipping)
            .header("Authorization", &auth)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "shipping {shown:?}");
        let error: Value = res.json().await.unwrap();
        assert_eq!(error["error"]["code"], "invalid_request", "shipping {shown:?}");
    }
    let huge = vec![b' '; 70 * 1024];
    for url in [&callback, &shipping] {
        let res = s
            .http
            .post(url)
            .header("Authorization", &auth)
            .body(huge.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413, "{url}");
    }
    let (_, body) = s.status(&order_id, Some(&token)).await;
    assert_eq!(body["status"], "pending", "no claim in a body moved the order");
}
