//! Starting a payment and reading it: initiate and its validation, details, the deprecated status, scopes, URLs, Userinfo, force approve.

use super::*;

#[tokio::test]
async fn initiate_answers_order_id_and_a_landing_page_url() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let (status, body) = sim
        .initiate(&merchant.regular_payment("acme-shop-123-order1", 19900))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["orderId"], "acme-shop-123-order1");
    let url = body["url"].as_str().unwrap();
    assert!(url.starts_with(&format!(
        "{}/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=",
        sim.base
    )));

    let (status, body) = sim
        .initiate(&merchant.regular_payment("acme-shop-123-order1", 19900))
        .await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "34");
    assert_eq!(body[0]["errorGroup"], "Merchant");

    let mut app = merchant.regular_payment("acme-shop-123-order2", 19900);
    app["merchantInfo"]["isApp"] = json!(true);
    app["merchantInfo"]["fallBack"] = json!("myshop://result");
    let (status, body) = sim.initiate(&app).await;
    assert_eq!(status, 200);
    assert!(body["url"].as_str().unwrap().starts_with("vippsMT://?token="));
}

#[tokio::test]
async fn initiate_validation_errors_are_arrays_naming_the_field() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let base = merchant.regular_payment("acme-shop-val-1", 20000);
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        ("/transaction/amount", json!(50), 400, "transaction.amount"),
        ("/transaction/amount", json!("20000"), 400, "transaction.amount"),
        ("/transaction/amount", json!(200.5), 500, "99"),
        ("/merchantInfo/merchantSerialNumber", json!(123456), 500, "99"),
        ("/transaction/orderId", json!("ÆØÅ"), 400, "transaction.orderId"),
        (
            "/transaction/transactionText",
            json!(""),
            400,
            "transaction.transactionText",
        ),
        (
            "/merchantInfo/callbackPrefix",
            json!("https://"),
            400,
            "merchantInfo.callbackPrefix",
        ),
        (
            "/merchantInfo/fallBack",
            json!("http://shop.example.com/return"),
            400,
            "merchantInfo.fallBack",
        ),
        (
            "/merchantInfo/callbackPrefix",
            json!("https://shop.local/cb"),
            400,
            "merchantInfo.callbackPrefix",
        ),
        (
            "/merchantInfo/callbackPrefix",
            json!("https://localhost/cb"),
            400,
            "merchantInfo.callbackPrefix",
        ),
        (
            "/merchantInfo/fallBack",
            json!("https://kasse/return"),
            400,
            "merchantInfo.fallBack",
        ),
        ("/customerInfo/mobileNumber", json!("40000081"), 400, "81"),
        ("/customerInfo/mobileNumber", json!("40000082"), 400, "82"),
    ];
    for (i, (pointer, value, status, code)) in cases.into_iter().enumerate() {
        let mut body = base.clone();
        // Vipps allows 2 initiates a minute per orderId: each case gets its own.
        body["transaction"]["orderId"] = json!(format!("acme-shop-val-{i}"));
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        body.pointer_mut(parent).unwrap()[key] = value.clone();
        let (got, answer) = sim.initiate(&body).await;
        assert_eq!(
            (got.as_u16(), error_code(&answer)),
            (status, code),
            "{pointer} = {value}"
        );
        assert!(answer[0]["contextId"].is_string());
    }
    let res = sim
        .api(Method::POST, "/ecomm/v2/payments")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(&res.json().await.unwrap()), "body");
    // None of these created a payment.
    let (_, list) = sim.control(Method::GET, "/_sim/payments", None).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn details_follows_the_payment_newest_first() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-det-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    let d = sim.details(id).await;
    assert_eq!(d["orderId"], id);
    assert!(d.get("transactionSummary").is_none(), "no summary before the user acts");
    assert_eq!(d["transactionLogHistory"][0]["operation"], "INITIATE");
    let tx = d["transactionLogHistory"][0]["transactionId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(tx.len(), 10);

    sim.approve(id, json!({})).await;
    let d = sim.details(id).await;
    let ops: Vec<&str> = d["transactionLogHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["RESERVE", "INITIATE"]);
    assert_eq!(d["transactionSummary"]["remainingAmountToCapture"], 20000);
    assert_eq!(d["transactionLogHistory"][0]["operationSuccess"], true);

    let res = sim
        .api(Method::GET, "/ecomm/v2/payments/unknown-order/details")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(&res.json().await.unwrap()), "35");
}

#[tokio::test]
async fn deprecated_status_endpoint_reports_the_decisive_state() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-status-1";
    sim.initiate(&merchant.regular_payment(id, 20000)).await;
    let status = |sim: &common::Sim| sim.api(Method::GET, &format!("/ecomm/v2/payments/{id}/status")).send();
    let body: Value = status(&sim).await.unwrap().json().await.unwrap();
    assert_eq!(body["transactionInfo"]["status"], "INITIATE");
    sim.approve(id, json!({})).await;
    let body: Value = status(&sim).await.unwrap().json().await.unwrap();
    assert_eq!(body["transactionInfo"]["status"], "RESERVE");
}

#[tokio::test]
async fn force_approve_needs_the_url_token() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-force-1";
    let (_, body) = sim.initiate(&merchant.regular_payment(id, 20000)).await;
    let token = body["url"]
        .as_str()
        .unwrap()
        .rsplit("token=")
        .next()
        .unwrap()
        .to_string();
    let path = format!("/ecomm/v2/integration-test/payments/{id}/approve");
    let res = sim
        .api(Method::POST, &path)
        .json(&json!({"customerPhoneNumber": "91234567", "token": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = sim
        .api(Method::POST, &path)
        .json(&json!({"customerPhoneNumber": "91234567", "token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let callbacks = merchant.wait_for_callbacks(1).await;
    assert_eq!(callbacks[0].body["transactionInfo"]["status"], "RESERVED");
    assert_eq!(
        sim.details(id).await["transactionLogHistory"][0]["operation"],
        "RESERVE"
    );
}

#[tokio::test]
async fn express_force_approve_is_refused() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-force-2";
    let (_, body) = sim.initiate(&merchant.express_payment(id, 20000)).await;
    let token = body["url"]
        .as_str()
        .unwrap()
        .rsplit("token=")
        .next()
        .unwrap()
        .to_string();
    let res = sim
        .api(
            Method::POST,
            &format!("/ecomm/v2/integration-test/payments/{id}/approve"),
        )
        .json(&json!({"customerPhoneNumber": "91234567", "token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn the_nin_scope_needs_approval_the_simulated_merchant_lacks() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let mut body = merchant.regular_payment("acme-shop-nin-1", 20000);
    body["transaction"]["scope"] = json!("name nin");
    let (status, error) = sim.initiate(&body).await;
    assert_eq!(status, 403);
    assert_eq!(error_code(&error), "51");
    assert_eq!(error[0]["errorGroup"], "Merchant");
    body["transaction"]["scope"] = json!("name address");
    assert_eq!(sim.initiate(&body).await.0, 200, "other scopes are fine");
}

#[tokio::test]
async fn strict_urls_refuse_the_loopback_exception_as_vipps_would() {
    let merchant = Merchant::start().await;
    let body = merchant.regular_payment("acme-shop-strict-1", 20000);
    let relaxed = sim().await;
    assert_eq!(relaxed.initiate(&body).await.0, 200, "http://127.0.0.1 for development");
    let strict = sim_with(&["--strict-urls"]).await;
    let (status, errors) = strict.initiate(&body).await;
    assert_eq!(status, 400, "{errors}");
    assert_eq!(errors[0]["errorCode"], "merchantInfo.callbackPrefix");
}

#[tokio::test]
async fn skip_landing_page_in_merchant_info_is_not_the_flag() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let mut body = merchant.regular_payment("acme-shop-skip-1", 20000);
    body["merchantInfo"]["skipLandingPage"] = json!(true);
    let (status, answer) = sim.initiate(&body).await;
    assert_eq!(status, 200, "ignored, as Vipps does: {answer}");
    assert!(
        answer["url"].as_str().unwrap().contains("/dwo-api-application/"),
        "the landing page"
    );
    body["transaction"]["orderId"] = json!("acme-shop-skip-2");
    body["transaction"]["skipLandingPage"] = json!(true);
    body["customerInfo"]["mobileNumber"] = json!("48059528");
    let (status, errors) = sim.initiate(&body).await;
    assert_eq!(
        (status.as_u16(), errors[0]["errorCode"].clone()),
        (400, json!("38")),
        "a sales unit that is not whitelisted"
    );
    let whitelisted = sim_with(&["--skip-landing-page"]).await;
    assert_eq!(whitelisted.initiate(&body).await.0, 200);
    body["transaction"]["orderId"] = json!("acme-shop-skip-3");
    body["customerInfo"] = json!({});
    let (status, errors) = whitelisted.initiate(&body).await;
    assert_eq!(
        (status.as_u16(), errors[0]["errorCode"].clone()),
        (400, json!("customerInfo.mobileNumber")),
        "a push needs the number to push to"
    );
}

#[tokio::test]
async fn userinfo_gives_the_consented_claims_for_the_sub_in_details() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-userinfo-1";
    let mut body = merchant.regular_payment(id, 20000);
    body["transaction"]["scope"] = json!("name email");
    assert_eq!(sim.initiate(&body).await.0, 200);
    sim.approve(id, json!({"mobileNumber": "97777776"})).await;
    let details = sim.details(id).await;
    let sub = details["sub"]
        .as_str()
        .expect("sub once the user consented")
        .to_string();
    assert_eq!(details["userDetails"]["firstName"], "Ada");
    let callbacks = merchant.wait_for_callbacks(1).await;
    assert_eq!(
        callbacks[0].body["userDetails"]["email"], "ada.lovelace@example.com",
        "as Vipps sends it"
    );

    let url = sim.url(&format!("/vipps-userinfo-api/userinfo/{sub}"));
    let res = sim.http.get(&url).bearer_auth(&sim.token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let claims: Value = res.json().await.unwrap();
    assert_eq!(claims["sub"], sub.as_str());
    assert_eq!(claims["name"], "Ada Lovelace");
    assert_eq!(claims["email"], "ada.lovelace@example.com");
    assert!(
        claims.get("address").is_none() && claims.get("phone_number").is_none(),
        "{claims}"
    );

    // With the subscription key (as on every other call) Userinfo refuses.
    let res = sim
        .http
        .get(&url)
        .bearer_auth(&sim.token)
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = sim.http.get(&url).bearer_auth("forged").send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = sim
        .http
        .get(sim.url("/vipps-userinfo-api/userinfo/c06c4afe-0000-4c5d-0000-177d752a0944"))
        .bearer_auth(&sim.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    // A payment without scope shares nothing.
    let plain = "acme-shop-userinfo-2";
    sim.initiate(&merchant.regular_payment(plain, 20000)).await;
    sim.approve(plain, json!({"mobileNumber": "48059528"})).await;
    assert!(sim.details(plain).await.get("sub").is_none());
}
