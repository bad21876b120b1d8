//! The Order Management API v2 over HTTP (issue 27): a receipt and a category on a
//! payment, read back together; each refusal as Vipps specifies it; ePayment's inline
//! receipt; and the simulated app showing the receipt and the link on the payment.

mod common;

use common::{sim, Merchant, Sim, MSN};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn receipt() -> Value {
    json!({
        "orderLines": [
            {"name": "Ullsokker", "id": "socks", "totalAmount": 39800, "totalAmountExcludingTax": 31840,
             "totalTaxAmount": 7960, "taxRate": 2500,
             "unitInfo": {"unitPrice": 19900, "quantity": "2", "quantityUnit": "PCS"}},
            {"name": "Posten Pakke i postkassen", "id": "posten", "totalAmount": 9900,
             "totalAmountExcludingTax": 7920, "totalTaxAmount": 1980, "taxRate": 2500, "isShipping": true}
        ],
        "bottomLine": {"currency": "NOK"}
    })
}

async fn om(s: &Sim, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = s.api(method, &format!("/order-management/v2{path}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn invalid_names(body: &Value) -> Vec<&str> {
    body["invalidParams"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_receipt_and_a_category_are_added_once_and_read_back_together() {
    let s = sim().await;
    let (status, id) = om(&s, Method::POST, "/ecom/receipts/shop-1001", Some(receipt())).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(
        id.as_str().is_some_and(|id| id.len() == 36),
        "the receipt's id, a JSON string: {id}"
    );

    let (status, again) = om(&s, Method::POST, "/ECOM/receipts/shop-1001", Some(receipt())).await;
    assert_eq!(status, StatusCode::CONFLICT, "a receipt cannot be overwritten: {again}");
    for field in ["title", "detail", "instance"] {
        assert!(
            again[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field} in {again}"
        );
    }

    let link = json!({"category": "ORDER_CONFIRMATION", "orderDetailsUrl": "https://shop.example/orders/shop-1001"});
    let (status, id) = om(&s, Method::PUT, "/eCom/categories/shop-1001", Some(link.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(id.is_string());
    let (status, both) = om(&s, Method::GET, "/ecom/shop-1001", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(both, json!({"category": link, "receipt": receipt()}));

    // A category is replaced by the next one.
    let delivery = json!({"category": "DELIVERY", "orderDetailsUrl": "https://carrier.example/track/1"});
    assert_eq!(
        om(&s, Method::PUT, "/ecom/categories/shop-1001", Some(delivery.clone()))
            .await
            .0,
        200
    );
    assert_eq!(
        om(&s, Method::GET, "/ecom/shop-1001", None).await.1["category"],
        delivery
    );

    // Per payment type: a recurring order of the same id is another order.
    assert_eq!(om(&s, Method::GET, "/recurring/shop-1001", None).await.0, 404);
    let (status, nothing) = om(&s, Method::GET, "/ecom/shop-9999", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(nothing["instance"].is_string());
}

#[tokio::test]
async fn each_refusal_is_the_specs_error_response() {
    let s = sim().await;
    let mut no_tax = receipt();
    no_tax["orderLines"][0].as_object_mut().unwrap().remove("taxRate");
    let mut negative = receipt();
    negative["orderLines"][1]["totalAmount"] = json!(-9900);
    let mut fraction = receipt();
    fraction["orderLines"][0]["unitInfo"]["quantity"] = json!(2);
    let mut currency = receipt();
    currency["bottomLine"]["currency"] = json!("SEK");
    for (body, field) in [
        (no_tax, "orderLines[0].taxRate"),
        (negative, "orderLines[1].totalAmount"),
        (fraction, "orderLines[0].unitInfo.quantity"),
        (currency, "bottomLine.currency"),
        (json!({"bottomLine": {"currency": "NOK"}}), "orderLines"),
    ] {
        let (status, refused) = om(&s, Method::POST, "/ecom/receipts/shop-2001", Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert_eq!(invalid_names(&refused), [field], "{refused}");
        assert_eq!(refused["title"], "One or more validation errors occurred.");
    }
    assert_eq!(
        om(&s, Method::GET, "/ecom/shop-2001", None).await.0,
        404,
        "nothing refused was kept"
    );

    let (status, refused) = om(&s, Method::POST, "/epayment/receipts/shop-2001", Some(receipt())).await;
    assert_eq!(
        (status, invalid_names(&refused)),
        (StatusCode::BAD_REQUEST, vec!["paymentType"])
    );
    let (status, refused) = om(&s, Method::POST, "/ecom/receipts/shop%202001", Some(receipt())).await;
    assert_eq!(
        (status, invalid_names(&refused)),
        (StatusCode::BAD_REQUEST, vec!["orderId"])
    );
    let bad_link = json!({"category": "ORDER_CONFIRMATION", "orderDetailsUrl": "javascript:alert(1)"});
    let (status, refused) = om(&s, Method::PUT, "/ecom/categories/shop-2001", Some(bad_link)).await;
    assert_eq!(
        (status, invalid_names(&refused)),
        (StatusCode::BAD_REQUEST, vec!["orderDetailsUrl"])
    );

    // The gateway's checks: a token, the keys, and the Merchant-Serial-Number header.
    let no_token = s
        .http
        .post(s.url("/order-management/v2/ecom/receipts/shop-2001"))
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .header("Merchant-Serial-Number", MSN)
        .json(&receipt())
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED);
    let no_msn = s
        .http
        .post(s.url("/order-management/v2/ecom/receipts/shop-2001"))
        .bearer_auth(&s.token)
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .json(&receipt())
        .send()
        .await
        .unwrap();
    assert_eq!(no_msn.status(), StatusCode::BAD_REQUEST);
    assert_eq!(invalid_names(&no_msn.json().await.unwrap()), ["Merchant-Serial-Number"]);

    // A fault on the route, as for the payment APIs.
    let (status, _) = s
        .control(
            Method::POST,
            "/_sim/faults",
            Some(json!({"route": "orderManagement", "status": 503, "count": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        om(&s, Method::POST, "/ecom/receipts/shop-2001", Some(receipt()))
            .await
            .0,
        503
    );
    assert_eq!(
        om(&s, Method::POST, "/ecom/receipts/shop-2001", Some(receipt()))
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn epayments_inline_receipt_is_the_payments_receipt_and_is_validated_as_specified() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let create = |reference: &str, receipt: Value| {
        let mut body = merchant.epayment_payment(reference);
        body["receipt"] = receipt;
        body
    };
    let mut inline = receipt();
    for line in inline["orderLines"].as_array_mut().unwrap() {
        let line = line.as_object_mut().unwrap();
        line.remove("taxRate");
        line.insert("taxPercentage".into(), json!(25));
    }
    inline["orderLines"][0]["totalAmount"] = json!(39_900);
    let res = s
        .api(Method::POST, "/epayment/v1/payments")
        .header("Idempotency-Key", "inline-1")
        .json(&create("inline-receipt-1", inline.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let (status, both) = om(&s, Method::GET, "/ecom/inline-receipt-1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(both["receipt"], inline);
    assert_eq!(
        om(&s, Method::POST, "/ecom/receipts/inline-receipt-1", Some(receipt()))
            .await
            .0,
        409,
        "the inline receipt is the payment's one receipt"
    );

    // The inline receipt is the 2.3.24 schema: taxPercentage, not taxRate.
    let res = s
        .api(Method::POST, "/epayment/v1/payments")
        .header("Idempotency-Key", "inline-2")
        .json(&create("inline-receipt-2", receipt()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("orderLines[0].taxPercentage"),
        "{problem}"
    );
}

#[tokio::test]
async fn the_app_shows_the_receipt_and_the_link_on_the_payment() {
    let s = sim().await;
    let merchant = Merchant::start().await;
    let (status, started) = s.initiate(&merchant.regular_payment("shop-3001", 49_700)).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    s.approve("shop-3001", json!({"mobileNumber": "48059528"})).await;
    let mut lines = receipt();
    lines["orderLines"][0]["totalAmount"] = json!(39_800);
    assert_eq!(
        om(&s, Method::POST, "/ecom/receipts/shop-3001", Some(lines)).await.0,
        201
    );
    let link = json!({"category": "ORDER_CONFIRMATION", "orderDetailsUrl": "https://shop.example/orders/shop-3001"});
    assert_eq!(
        om(&s, Method::PUT, "/ecom/categories/shop-3001", Some(link)).await.0,
        200
    );

    let page = s
        .http
        .get(s.url("/_sim/phone/48059528"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&page);
    let paid = scraper::Selector::parse("article.paid").unwrap();
    let article = html.select(&paid).next().expect("the payment with its receipt");
    let text: String = article.text().collect::<Vec<_>>().join(" ");
    for expected in [
        "shop-3001",
        "Ullsokker",
        "2 ×",
        "Posten Pakke i postkassen",
        "Total",
        "497,00",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let a = scraper::Selector::parse("a.button").unwrap();
    let link = article.select(&a).next().expect("the link");
    assert_eq!(link.value().attr("href"), Some("https://shop.example/orders/shop-3001"));
    assert_eq!(link.text().collect::<String>(), "Order confirmation");

    let (_, view) = s.control(Method::GET, "/_sim/payments/shop-3001", None).await;
    assert_eq!(view["receipt"]["orderLines"][0]["name"], "Ullsokker");
    assert_eq!(view["category"]["category"], "ORDER_CONFIRMATION");
}
