//! The user's side walked over HTTP as a browser would: the landing page behind the
//! payment URL, then the simulated app, for a regular and an express payment.

mod common;

use std::time::Duration;

use axum::http::Method;
use common::{sim, sim_with, Merchant, Sim};
use scraper::{Html, Selector};
use serde_json::{json, Value};

fn doc(html: &str) -> Html {
    Html::parse_document(html)
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn text(doc: &Html) -> String {
    doc.root_element()
        .text()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\u{a0}', " ")
}

/// The accessible name of each button (its text).
fn buttons(doc: &Html) -> Vec<String> {
    select(doc, "button")
        .iter()
        .map(|b| b.text().collect::<String>().trim().to_string())
        .collect()
}

async fn get(sim: &Sim, url: &str) -> (u16, String, Option<String>) {
    let url = if url.starts_with("http") {
        url.to_string()
    } else {
        sim.url(url)
    };
    let res = sim.http.get(url).send().await.unwrap();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (res.status().as_u16(), res.text().await.unwrap(), location)
}

async fn post_form(sim: &Sim, path: &str, form: &[(&str, &str)]) -> (u16, String, Option<String>) {
    let res = sim.http.post(sim.url(path)).form(form).send().await.unwrap();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (res.status().as_u16(), res.text().await.unwrap(), location)
}

fn token_of(url: &str) -> String {
    url.rsplit("token=").next().unwrap().to_string()
}

const LANDING: &str = "/dwo-api-application/v1/deeplink/vippsgateway";

#[tokio::test]
async fn regular_payment_walkthrough() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let mut body = merchant.regular_payment("acme-shop-walk-1", 19900);
    body["customerInfo"]["mobileNumber"] = json!("91234567");
    let (_, init) = sim.initiate(&body).await;
    let url = init["url"].as_str().unwrap();
    let token = token_of(url);

    // Landing page: "Mobile number" prefilled, "Next".
    let (status, html, _) = get(&sim, url).await;
    assert_eq!(status, 200);
    let page = doc(&html);
    let label = select(&page, "label[for=mobileNumber]");
    assert_eq!(label[0].text().collect::<String>(), "Mobile number");
    assert_eq!(
        select(&page, "input#mobileNumber")[0].value().attr("value"),
        Some("91234567")
    );
    assert!(buttons(&page).contains(&"Next".to_string()));
    assert!(text(&page).contains("199,00 kr"));
    assert!(text(&page).contains("Ullsokker, 1 par"));

    // A malformed number, then one that is not a Vipps user: clear errors, nothing lost.
    let (status, html, _) = post_form(&sim, LANDING, &[("token", &token), ("mobileNumber", "123")]).await;
    assert_eq!(status, 422);
    assert!(text(&doc(&html)).contains("8 digits"));
    let (status, html, _) = post_form(&sim, LANDING, &[("token", &token), ("mobileNumber", "40000081")]).await;
    assert_eq!(status, 422);
    assert!(text(&doc(&html)).contains("not registered with Vipps"));

    let (status, _, location) = post_form(
        &sim,
        LANDING,
        &[("token", &token), ("mobileNumber", "912 34 567"), ("action", "next")],
    )
    .await;
    assert_eq!(status, 303);
    let app_url = location.unwrap();
    assert_eq!(app_url, format!("/app?token={token}"));

    // The app: who, what, how much; "Approve" and "Reject".
    let (status, html, _) = get(&sim, &app_url).await;
    assert_eq!(status, 200);
    let page = doc(&html);
    assert_eq!(buttons(&page), ["Approve", "Reject"]);
    let all = text(&page);
    assert!(all.contains("Kari Nordmann") && all.contains("199,00 kr") && all.contains("Test Merchant"));

    let (status, _, location) = post_form(&sim, "/app/approve", &[("token", &token)]).await;
    assert_eq!(status, 303);
    assert_eq!(
        location.unwrap(),
        format!("{}/return?orderId=acme-shop-walk-1", merchant.base)
    );

    let callbacks = merchant.wait_for_callbacks(1).await;
    let cb = &callbacks[0];
    assert_eq!(
        cb.path_and_query,
        "/vipps/callbacks?tk=abc&callback=/v2/payments/acme-shop-walk-1"
    );
    assert_eq!(cb.authorization.as_deref(), Some("Basic VmlwcHM6c2VjcmV0"));
    assert_eq!(cb.body["merchantSerialNumber"], "123456");
    assert_eq!(cb.body["orderId"], "acme-shop-walk-1");
    assert_eq!(cb.body["transactionInfo"]["status"], "RESERVED");
    assert_eq!(cb.body["transactionInfo"]["amount"], 19900);
    assert!(cb.body["transactionInfo"]["transactionId"].is_string());
    assert!(cb.body.get("userDetails").is_none());

    // The link is used up: a second visit says so and links back to the shop.
    let (status, html, _) = get(&sim, url).await;
    assert_eq!(status, 409);
    let page = text(&doc(&html));
    assert!(page.contains("Payment no longer active"), "{page}");
    assert!(page.contains("This payment has already been handled."), "{page}");
}

#[tokio::test]
async fn a_reject_in_the_app_is_cancelled_a_cancel_on_the_landing_page_rejected_45() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let (_, init) = sim.initiate(&merchant.regular_payment("acme-shop-rej-1", 20000)).await;
    let token = token_of(init["url"].as_str().unwrap());
    post_form(&sim, LANDING, &[("token", &token), ("mobileNumber", "48059528")]).await;
    let (status, _, location) = post_form(&sim, "/app/reject", &[("token", &token)]).await;
    assert_eq!(status, 303);
    assert!(location.unwrap().ends_with("/return?orderId=acme-shop-rej-1"));
    let cb = merchant.wait_for_callbacks(1).await;
    assert_eq!(cb[0].body["transactionInfo"]["status"], "CANCELLED");
    assert!(cb[0].body.get("errorInfo").is_none());
    let d = sim.details("acme-shop-rej-1").await;
    assert_eq!(d["transactionLogHistory"][0]["operation"], "CANCEL");
    assert!(d["transactionSummary"].is_object(), "the user acted");

    let (_, init) = sim.initiate(&merchant.regular_payment("acme-shop-rej-2", 20000)).await;
    let token = token_of(init["url"].as_str().unwrap());
    let (status, _, _) = post_form(
        &sim,
        LANDING,
        &[("token", &token), ("mobileNumber", ""), ("action", "cancel")],
    )
    .await;
    assert_eq!(status, 303);
    let cb = merchant.wait_for_callbacks(2).await;
    let landing = &cb[1].body;
    assert_eq!(landing["transactionInfo"]["status"], "REJECTED");
    assert_eq!(landing["errorInfo"]["errorCode"], "45");
    assert!(landing["transactionInfo"].get("transactionId").is_none());
    let d = sim.details("acme-shop-rej-2").await;
    let ops: Vec<&Value> = d["transactionLogHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["operation"])
        .collect();
    assert_eq!(ops, [&json!("INITIATE")], "no CANCEL row for a cancel before the app");
}

#[tokio::test]
async fn declined_card_fails_and_returns_to_the_shop() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let (_, init) = sim.initiate(&merchant.regular_payment("acme-shop-dec-1", 20000)).await;
    let token = token_of(init["url"].as_str().unwrap());
    post_form(&sim, LANDING, &[("token", &token), ("mobileNumber", "40000042")]).await;
    let (status, _, location) = post_form(&sim, "/app/approve", &[("token", &token)]).await;
    assert_eq!(status, 303);
    assert!(location.is_some());
    let cb = merchant.wait_for_callbacks(1).await;
    assert_eq!(cb[0].body["transactionInfo"]["status"], "RESERVE_FAILED");
    assert_eq!(cb[0].body["errorInfo"]["errorCode"], "42");
    let d = sim.details("acme-shop-dec-1").await;
    assert_eq!(d["transactionLogHistory"][0]["operation"], "RESERVE");
    assert_eq!(d["transactionLogHistory"][0]["operationSuccess"], false);
}

#[tokio::test]
async fn the_app_needs_the_landing_step_and_a_valid_token() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let (_, init) = sim.initiate(&merchant.regular_payment("acme-shop-tok-1", 20000)).await;
    let token = token_of(init["url"].as_str().unwrap());
    let (status, _, location) = get(&sim, &format!("/app?token={token}")).await;
    assert_eq!(status, 303);
    assert!(location.unwrap().starts_with(LANDING));
    let (status, _, _) = get(&sim, &format!("{LANDING}?v=2&token=forged")).await;
    assert_eq!(status, 404);
    let (status, _, _) = post_form(&sim, "/app/approve", &[("token", "forged")]).await;
    assert_eq!(status, 404);
    let (_, view) = sim.control(Method::GET, "/_sim/payments/acme-shop-tok-1", None).await;
    assert_eq!(view["state"], "initiated");
}

fn radios(doc: &Html, name: &str) -> Vec<(String, bool, String)> {
    select(doc, &format!("input[type=radio][name={name}]"))
        .iter()
        .map(|input| {
            let label = input.parent().and_then(scraper::ElementRef::wrap).unwrap();
            (
                input.value().attr("value").unwrap().to_string(),
                input.value().attr("checked").is_some(),
                label.text().collect::<String>().replace('\u{a0}', " "),
            )
        })
        .collect()
}

#[tokio::test]
async fn express_walkthrough_with_dynamic_shipping() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-exp-1";
    let (status, init) = sim.initiate(&merchant.express_payment(id, 19900)).await;
    assert_eq!(status, 200, "{init}");
    let token = token_of(init["url"].as_str().unwrap());
    post_form(&sim, LANDING, &[("token", &token), ("mobileNumber", "91234567")]).await;

    let (status, html, _) = get(&sim, &format!("/app?token={token}")).await;
    assert_eq!(status, 200, "{html}");
    let page = doc(&html);
    let legends: Vec<String> = select(&page, "legend").iter().map(|l| l.text().collect()).collect();
    assert_eq!(legends, ["Delivery address", "Shipping method"]);
    let addresses = radios(&page, "addressId");
    assert_eq!(addresses.len(), 2);
    assert!(addresses[0].1, "the first address is preselected");
    let methods = radios(&page, "shippingMethodId");
    let ids: Vec<&str> = methods.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(ids, ["posten", "pickup", "helthjem"], "ascending priority");
    assert!(methods[0].1, "the default is preselected");
    assert!(methods[0].2.contains("99,00 kr"));
    assert!(text(&page).contains("298,00 kr"), "total = goods + default shipping");

    // The shipping request, exactly as Vipps sends it.
    let shipping: Vec<_> = merchant
        .received()
        .into_iter()
        .filter(|r| r.path_and_query.ends_with("/shippingDetails"))
        .collect();
    assert_eq!(shipping.len(), 1);
    assert_eq!(
        shipping[0].path_and_query,
        format!("/vipps/shipping/v2/payments/{id}/shippingDetails")
    );
    assert_eq!(shipping[0].authorization.as_deref(), Some("Basic VmlwcHM6c2VjcmV0"));
    let req = &shipping[0].body;
    assert_eq!(req["addressId"], 3960);
    assert_eq!(req["postCode"], "0154");
    assert_eq!(req["postalCode"], "0154");
    assert_eq!(req["country"], "Norway");
    assert_eq!(req["addressType"], "H");

    // Another address: its own shipping request; pick a non-default method and approve.
    let (status, html, _) = get(&sim, &format!("/app?token={token}&addressId=3961")).await;
    assert_eq!(status, 200);
    assert!(radios(&doc(&html), "addressId")[1].1);
    let (status, _, location) = post_form(
        &sim,
        "/app/approve",
        &[
            ("token", &token),
            ("addressId", "3961"),
            ("shippingMethodId", "helthjem"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.unwrap().ends_with(&format!("/return?orderId={id}")));

    let cb = merchant.wait_for_callbacks(1).await;
    let body = &cb[0].body;
    assert_eq!(
        body["transactionInfo"]["status"], "RESERVE",
        "express says RESERVE, not RESERVED"
    );
    assert_eq!(body["transactionInfo"]["amount"], 19900 + 14950);
    assert_eq!(body["shippingDetails"]["shippingMethodId"], "helthjem");
    assert_eq!(body["shippingDetails"]["shippingCost"], 149.5);
    assert_eq!(body["shippingDetails"]["address"]["zipCode"], "0191");
    assert_eq!(body["shippingDetails"]["address"]["country"], "NO");
    assert_eq!(body["userDetails"]["firstName"], "Kari");
    assert_eq!(body["userDetails"]["mobileNumber"], "91234567");

    let d: Value = sim.details(id).await;
    assert_eq!(d["shippingDetails"]["address"]["postCode"], "0191");
    assert_eq!(d["shippingDetails"]["address"]["country"], "Norway");
    assert_eq!(d["shippingDetails"]["shippingMethod"], "Helthjem");
    assert_eq!(d["userDetails"]["email"], "kari.nordmann@example.com");
    assert_eq!(d["transactionSummary"]["remainingAmountToCapture"], 34850);
}

#[tokio::test]
async fn static_shipping_needs_no_request_to_the_merchant() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-static-1";
    let mut body = merchant.express_payment(id, 10000);
    body["merchantInfo"]
        .as_object_mut()
        .unwrap()
        .remove("shippingDetailsPrefix");
    body["merchantInfo"]["staticShippingDetails"] = json!([
        {"isDefault": "Y", "priority": 0, "shippingCost": 0, "shippingMethod": "Gratis frakt", "shippingMethodId": "free"},
        {"isDefault": "N", "priority": 1, "shippingCost": 89.0, "shippingMethod": "Ekspress", "shippingMethodId": "express"}
    ]);
    let (_, init) = sim.initiate(&body).await;
    let token = token_of(init["url"].as_str().unwrap());
    post_form(&sim, LANDING, &[("token", &token), ("mobileNumber", "48059528")]).await;
    let (_, html, _) = get(&sim, &format!("/app?token={token}")).await;
    let methods = radios(&doc(&html), "shippingMethodId");
    assert_eq!(methods.len(), 2);
    assert!(methods[0].1);
    post_form(
        &sim,
        "/app/approve",
        &[("token", &token), ("shippingMethodId", "express")],
    )
    .await;
    let cb = merchant.wait_for_callbacks(1).await;
    assert_eq!(cb[0].body["transactionInfo"]["amount"], 18900);
    assert_eq!(cb[0].body["shippingDetails"]["address"]["zipCode"], "5003");
    assert!(merchant
        .received()
        .iter()
        .all(|r| !r.path_and_query.ends_with("/shippingDetails")));
}

#[tokio::test]
async fn slow_shipping_endpoint_fails_the_payment_as_the_app_shows_it() {
    let sim = sim_with(&["--shipping-timeout", "1"]).await;
    let merchant = Merchant::start().await;
    merchant.set_delay(Duration::from_millis(1500));
    let id = "acme-shop-slow-1";
    let (_, init) = sim.initiate(&merchant.express_payment(id, 19900)).await;
    let token = token_of(init["url"].as_str().unwrap());
    post_form(&sim, LANDING, &[("token", &token), ("mobileNumber", "91234567")]).await;
    let (status, html, _) = get(&sim, &format!("/app?token={token}")).await;
    assert_eq!(status, 200);
    let page = doc(&html);
    let all = text(&page);
    assert!(all.contains("No shipping methods found"), "{all}");
    assert!(all.contains("Payment failed"));
    assert!(all.contains("did not answer within 1 s"));
    assert!(buttons(&page).iter().all(|b| b != "Approve"), "nothing to approve");
    merchant.set_delay(Duration::ZERO);
    let callbacks = merchant.wait_for_callbacks(1).await;
    assert_eq!(callbacks[0].body["transactionInfo"]["status"], "RESERVE_FAILED");
    let d = sim.details(id).await;
    assert_eq!(d["transactionLogHistory"][0]["operationSuccess"], false);
    assert!(d.get("shippingDetails").is_none());
}

#[tokio::test]
async fn malformed_shipping_reply_fails_the_payment() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    merchant.set_shipping_methods(
        json!([{"isDefault": true, "shippingCost": 4900, "shippingMethod": "Posten", "shippingMethodId": "p"}]),
    );
    let id = "acme-shop-bad-ship-1";
    let (_, init) = sim.initiate(&merchant.express_payment(id, 19900)).await;
    let (status, view) = sim
        .control(Method::POST, &format!("/_sim/payments/{id}/approve"), Some(json!({})))
        .await;
    assert_eq!(status, 502, "{view}");
    assert!(view["error"].as_str().unwrap().contains("isDefault"));
    let (_, view) = sim.control(Method::GET, &format!("/_sim/payments/{id}"), None).await;
    assert_eq!(view["state"], "failed");
    let _ = init;
}

#[tokio::test]
async fn timed_out_payment_is_rejected_with_45() {
    let sim = sim_with(&["--payment-timeout", "1"]).await;
    let merchant = Merchant::start().await;
    let id = "acme-shop-timeout-1";
    let (_, init) = sim.initiate(&merchant.regular_payment(id, 20000)).await;
    let cb = merchant.wait_for_callbacks(1).await;
    assert_eq!(cb[0].body["transactionInfo"]["status"], "REJECTED");
    assert_eq!(cb[0].body["errorInfo"]["errorCode"], "45");
    assert_eq!(cb[0].body["errorInfo"]["errorGroup"], "PAYMENTS");
    let d = sim.details(id).await;
    assert_eq!(d["transactionLogHistory"][0]["operation"], "CANCEL");
    assert!(d.get("transactionSummary").is_none());
    let (status, _, _) = get(&sim, init["url"].as_str().unwrap()).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn the_phone_page_shows_what_was_pushed_to_that_number_and_approves_it() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let (_, init) = sim
        .initiate(&merchant.regular_payment("acme-shop-phone-1", 20000))
        .await;
    let token = token_of(init["url"].as_str().unwrap());
    let (_, html, _) = get(&sim, "/_sim/phone/48059528").await;
    assert!(
        text(&doc(&html)).contains("No payment requests"),
        "not pushed before the number is entered"
    );

    post_form(&sim, LANDING, &[("token", &token), ("mobileNumber", "480 59 528")]).await;
    let (status, html, _) = get(&sim, "/_sim/phone/48059528").await;
    assert_eq!(status, 200);
    let page = doc(&html);
    assert!(text(&page).contains("Ola Nordmann"), "{}", text(&page));
    assert_eq!(select(&page, "article.request").len(), 1);
    assert!(text(&page).contains("200,00"));
    assert_eq!(buttons(&page), ["Approve", "Reject"]);
    let (_, other, _) = get(&sim, "/_sim/phone/91234567").await;
    assert!(
        text(&doc(&other)).contains("No payment requests"),
        "another phone sees nothing"
    );

    let (status, _, _) = post_form(&sim, "/app/approve", &[("token", &token)]).await;
    assert_eq!(status, 303);
    let cb = merchant.wait_for_callbacks(1).await;
    assert_eq!(cb[0].body["transactionInfo"]["status"], "RESERVED");
    let (_, html, _) = get(&sim, "/_sim/phone/48059528").await;
    assert!(
        text(&doc(&html)).contains("No payment requests"),
        "answered requests leave the phone"
    );
    let (status, _, _) = get(&sim, "/_sim/phone/123").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_pushed_payment_waits_on_the_phone_and_never_opens_the_fallback() {
    let sim = sim_with(&["--skip-landing-page"]).await;
    let merchant = Merchant::start().await;
    let mut body = merchant.regular_payment("acme-till-push-1", 15000);
    body["transaction"]["skipLandingPage"] = json!(true);
    body["customerInfo"]["mobileNumber"] = json!("48059528");
    let (status, init) = sim.initiate(&body).await;
    assert_eq!(status, 200, "{init}");
    let token = token_of(init["url"].as_str().unwrap());

    let (status, html, _) = get(&sim, "/_sim/phone/48059528").await;
    assert_eq!(status, 200);
    let page = doc(&html);
    let tokens: Vec<&str> = select(&page, "article.request input[name=token]")
        .iter()
        .filter_map(|i| i.value().attr("value"))
        .collect();
    assert_eq!(tokens, [token.as_str()], "the request is on the phone at once");
    assert!(
        buttons(&page).iter().any(|b| b.contains("Approve")),
        "{:?}",
        buttons(&page)
    );
    assert!(text(&page).contains("150,00"), "{}", text(&page));
    let (_, other, _) = get(&sim, "/_sim/phone/97777776").await;
    assert!(!other.contains(&token), "only on the number it was pushed to");

    let (status, html, location) = post_form(&sim, "/app/approve", &[("token", &token)]).await;
    assert_eq!(
        (status, location),
        (200, None),
        "no browser waits: no redirect to fallBack"
    );
    assert!(text(&doc(&html)).contains("The till shows the result"));
    let cb = merchant.wait_for_callbacks(1).await;
    assert_eq!(cb[0].body["transactionInfo"]["status"], "RESERVED");
    let (_, html, _) = get(&sim, "/_sim/phone/48059528").await;
    assert!(!html.contains(&token), "answered: no longer waiting");

    let mut body = merchant.regular_payment("acme-till-push-2", 15000);
    body["transaction"]["skipLandingPage"] = json!(true);
    body["customerInfo"]["mobileNumber"] = json!("48059528");
    let (_, init) = sim.initiate(&body).await;
    let token = token_of(init["url"].as_str().unwrap());
    let (status, _, location) = post_form(&sim, "/app/reject", &[("token", &token)]).await;
    assert_eq!((status, location), (200, None));
    let cb = merchant.wait_for_callbacks(2).await;
    assert_eq!(cb[1].body["transactionInfo"]["status"], "CANCELLED");
}

#[tokio::test]
async fn a_payment_url_nobody_opens_times_out_after_the_link_timeout() {
    let sim = sim_with(&["--link-timeout", "1"]).await;
    let merchant = Merchant::start().await;
    let (_, unopened) = sim.initiate(&merchant.regular_payment("acme-qr-unopened", 20000)).await;
    let (_, opened) = sim.initiate(&merchant.regular_payment("acme-qr-opened", 20000)).await;
    let token = token_of(opened["url"].as_str().unwrap());
    post_form(&sim, LANDING, &[("token", &token), ("mobileNumber", "48059528")]).await;

    let cb = merchant.wait_for_callbacks(1).await;
    assert_eq!(cb[0].body["orderId"], "acme-qr-unopened");
    assert_eq!(cb[0].body["transactionInfo"]["status"], "REJECTED");
    assert_eq!(cb[0].body["errorInfo"]["errorCode"], "45");
    assert!(
        cb[0].body["transactionInfo"].get("transactionId").is_none(),
        "it never reached an app"
    );
    let (status, html, _) = get(&sim, unopened["url"].as_str().unwrap()).await;
    assert_eq!(status, 409, "the link is dead: {html}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        merchant.callbacks().len(),
        1,
        "the one in the app still has its own 5 minutes"
    );
    let d = sim.details("acme-qr-opened").await;
    assert_eq!(d["transactionLogHistory"][0]["operation"], "INITIATE");
}

/// An ePayment payment's `redirectUrl` opens the same landing page and app; what the
/// user does there changes the ePayment payment and sends its webhooks.
#[tokio::test]
async fn an_epayment_payment_on_the_landing_page_and_in_the_app() {
    let sim = sim().await;
    let merchant = Merchant::start().await;
    let hook = json!({"url": format!("{}/hooks", merchant.base), "events": ["epayments.payment.authorized.v1", "epayments.payment.aborted.v1"]});
    let res = sim
        .api(Method::POST, "/webhooks/v1/webhooks")
        .json(&hook)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let create = |reference: &str| {
        json!({
            "reference": reference,
            "amount": {"currency": "NOK", "value": 24900},
            "paymentMethod": {"type": "WALLET"},
            "customer": {"phoneNumber": "4791234567"},
            "userFlow": "WEB_REDIRECT",
            "returnUrl": format!("{}/return?orderId={reference}", merchant.base),
            "paymentDescription": "Lue",
        })
    };
    let start = |reference: &'static str| {
        let body = create(reference);
        let request = sim
            .api(Method::POST, "/epayment/v1/payments")
            .header("Idempotency-Key", reference)
            .json(&body);
        async move {
            let created: Value = request.send().await.unwrap().json().await.unwrap();
            created["redirectUrl"].as_str().unwrap().to_string()
        }
    };

    let url = start("shop-ep-walk-1").await;
    let token = token_of(&url);
    let (status, html, _) = get(&sim, &url).await;
    assert_eq!(status, 200);
    let page = doc(&html);
    assert_eq!(
        select(&page, "input#mobileNumber")[0].value().attr("value"),
        Some("91234567"),
        "the MSISDN prefills the number"
    );
    assert!(text(&page).contains("249,00 kr") && text(&page).contains("Lue"));
    let (status, _, location) = post_form(&sim, LANDING, &[("token", &token), ("mobileNumber", "91234567")]).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(format!("/app?token={token}").as_str()))
    );
    let (status, html, _) = get(&sim, &format!("/app?token={token}")).await;
    assert_eq!(status, 200);
    assert!(text(&doc(&html)).contains("Kari Nordmann"));
    let cancel = sim
        .api(Method::POST, "/epayment/v1/payments/shop-ep-walk-1/cancel")
        .header("Idempotency-Key", "c1")
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 409, "the user is approving it");
    let (status, _, location) = post_form(&sim, "/app/approve", &[("token", &token)]).await;
    assert_eq!(status, 303);
    assert_eq!(
        location.unwrap(),
        format!("{}/return?orderId=shop-ep-walk-1", merchant.base)
    );
    let got: Value = sim
        .api(Method::GET, "/epayment/v1/payments/shop-ep-walk-1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["state"], "AUTHORIZED");
    assert_eq!(got["aggregate"]["authorizedAmount"]["value"], 24900);
    let (status, _, _) = get(&sim, &url).await;
    assert_eq!(status, 409, "an approved payment's link is spent");

    // "Cancel payment" on the landing page: ABORTED, and back to the shop.
    let url = start("shop-ep-walk-2").await;
    let token = token_of(&url);
    let (status, _, location) = post_form(
        &sim,
        LANDING,
        &[("token", &token), ("mobileNumber", ""), ("action", "cancel")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.unwrap().ends_with("orderId=shop-ep-walk-2"));
    let hooks = merchant.wait_for_callbacks(2).await;
    let names: Vec<_> = hooks
        .iter()
        .map(|h| (h.body["reference"].clone(), h.body["name"].clone()))
        .collect();
    assert!(
        names.contains(&(json!("shop-ep-walk-1"), json!("AUTHORIZED"))),
        "{names:?}"
    );
    assert!(
        names.contains(&(json!("shop-ep-walk-2"), json!("ABORTED"))),
        "{names:?}"
    );
}
