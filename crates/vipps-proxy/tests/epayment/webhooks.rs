//! ePayment's news: signed webhooks believed, forged ones refused and recorded, the registration kept.

use super::*;

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
        "amount": {"currency": "NOK", "value": socks_price() + shipping_price()}, "pspReference": "x", "timestamp": "2026-11-23T12:00:00Z"});
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
