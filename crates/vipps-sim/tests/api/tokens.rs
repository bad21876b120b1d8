//! Access tokens, credentials and sales units: what the gateway refuses before a payment is looked at.

use super::*;

#[tokio::test]
async fn access_token_has_string_expiry_fields_and_any_path_case() {
    let sim = sim().await;
    for path in ["/accesstoken/get", "/accessToken/get", "/AccessToken/Get"] {
        let res = sim
            .http
            .post(sim.url(path))
            .header("client_id", "sim-client-id")
            .header("client_secret", "sim-client-secret")
            .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], "3600");
        assert!(body["expires_on"].is_string() && body["not_before"].is_string());
    }
}

#[tokio::test]
async fn bad_credentials_are_refused_in_the_gateway_shapes() {
    let sim = sim().await;
    let res = sim
        .http
        .post(sim.url("/accesstoken/get"))
        .header("client_id", "sim-client-id")
        .header("client_secret", "wrong")
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "unauthorized_client");

    let res = sim.http.post(sim.url("/accesstoken/get")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.unwrap()["statusCode"], 401);

    let merchant = Merchant::start().await;
    let body = merchant.regular_payment("acme-shop-auth-1", 20000);
    // A token problem gets the gateway's responseInfo body; a key or MSN problem its
    // single {statusCode, message} object.
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "Authorization",
            "bearer x",
            "lowercase bearer",
            "/responseInfo/responseCode",
        ),
        (
            "Authorization",
            "Bearer not-a-token",
            "unknown token",
            "/responseInfo/responseCode",
        ),
        (
            "Ocp-Apim-Subscription-Key",
            "other",
            "wrong subscription key",
            "/statusCode",
        ),
        ("Merchant-Serial-Number", "654321", "other MSN", "/statusCode"),
    ];
    for (header, value, what, code_at) in cases {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("Authorization", format!("Bearer {}", sim.token).parse().unwrap());
        headers.insert("Ocp-Apim-Subscription-Key", "sim-subscription-key".parse().unwrap());
        headers.insert("Merchant-Serial-Number", MSN.parse().unwrap());
        headers.insert(header, value.parse().unwrap());
        let res = sim
            .http
            .post(sim.url("/ecomm/v2/payments"))
            .headers(headers)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{what}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body.pointer(code_at), Some(&json!(401)), "{what}: {body}");
    }
    let res = sim
        .http
        .get(sim.url("/ecomm/v2/payments/x/details"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn expired_access_tokens_are_refused() {
    let sim = sim_with(&["--token-lifetime", "1"]).await;
    let merchant = Merchant::start().await;
    let (status, _) = sim.initiate(&merchant.regular_payment("acme-shop-tok-1", 20000)).await;
    assert_eq!(status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, body) = sim.initiate(&merchant.regular_payment("acme-shop-tok-2", 20000)).await;
    assert_eq!(status, 401);
    assert_eq!(body["responseInfo"]["responseMessage"], "Unauthorized");
    assert_eq!(body["result"]["message"], "Token is expired");
}

#[tokio::test]
async fn access_tokens_are_jwts_whose_expiry_a_client_can_read() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let sim = sim().await;
    let parts: Vec<&str> = sim.token.split('.').collect();
    assert_eq!(parts.len(), 3, "{}", sim.token);
    let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let exp = payload["exp"].as_i64().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(
        (now + 3590..=now + 3610).contains(&exp),
        "exp {exp}, now {now}: the default hour"
    );
}

#[tokio::test]
async fn an_unknown_path_and_a_bad_token_answer_before_the_body_is_read() {
    let sim = sim().await;
    let res = sim.http.get(sim.url("/ecomm/v2/nothing-here")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["responseInfo"]["responseCode"], 404);
    assert_eq!(body["result"]["message"], "Resource not found");
    // Not JSON, and no valid token: the token is what is wrong.
    let res = sim
        .http
        .post(sim.url("/ecomm/v2/payments"))
        .header("Authorization", "Bearer forged")
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap()["result"]["message"],
        "Token is invalid"
    );
}

#[tokio::test]
async fn each_sales_unit_has_its_own_keys_tokens_and_orders() {
    let sim = sim_with(&["--sales-unit", "654321:fjord-id:fjord-secret:fjord-key:Fjord Kaffe"]).await;
    let merchant = Merchant::start().await;
    let token_for = |id: &'static str, secret: &'static str, key: &'static str| {
        let http = sim.http.clone();
        let url = sim.url("/accesstoken/get");
        async move {
            let res = http
                .post(url)
                .header("client_id", id)
                .header("client_secret", secret)
                .header("Ocp-Apim-Subscription-Key", key)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, fjord) = token_for("fjord-id", "fjord-secret", "fjord-key").await;
    assert_eq!(status, 200, "{fjord}");
    let fjord = fjord["access_token"].as_str().unwrap().to_string();
    let (status, _) = token_for("sim-client-id", "sim-client-secret", "fjord-key").await;
    assert_eq!(status, 401, "another unit's client id under fjord's subscription");

    let call = |method: Method, path: &str, token: &str, key: &str| {
        sim.http
            .request(method, sim.url(path))
            .header("Authorization", format!("Bearer {token}"))
            .header("Ocp-Apim-Subscription-Key", key)
    };
    let mut body = merchant.regular_payment("fjord-order-1", 4500);
    body["merchantInfo"]["merchantSerialNumber"] = json!("654321");
    let res = call(Method::POST, "/ecomm/v2/payments", &fjord, "fjord-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let url = res.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_string();

    let res = call(Method::POST, "/ecomm/v2/payments", &sim.token, "sim-subscription-key")
        .json(&json!({"merchantInfo": {"merchantSerialNumber": "654321"}, "customerInfo": {}, "transaction": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "fjord's MSN with the default unit's keys");
    let res = call(
        Method::GET,
        "/ecomm/v2/payments/fjord-order-1/details",
        &sim.token,
        "sim-subscription-key",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 404, "another unit's order does not exist for it");
    let res = call(
        Method::GET,
        "/ecomm/v2/payments/fjord-order-1/details",
        &fjord,
        "sim-subscription-key",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 401, "fjord's token with another subscription key");
    let res = call(
        Method::GET,
        "/ecomm/v2/payments/fjord-order-1/details",
        &fjord,
        "fjord-key",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let landing = sim.http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(
        landing.contains("Fjord Kaffe"),
        "the landing page names the unit's merchant"
    );
}
