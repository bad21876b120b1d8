//! Express on ePayment: the shop's shipping offered per address or fixed, the choice stored, a reservation of another amount flagged.

use super::*;

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
