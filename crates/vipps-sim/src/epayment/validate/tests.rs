//! `validate`'s rules, case by case.

use super::*;
use serde_json::json;

fn ok() -> Value {
    json!({
        "reference": "shop-20261123-abcdef",
        "amount": {"currency": "NOK", "value": 49900},
        "paymentMethod": {"type": "WALLET"},
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://shop.example.com/return?orderId=shop-20261123-abcdef",
        "paymentDescription": "Ullsokker",
    })
}

fn rules() -> Rules {
    Rules {
        urls: UrlRules::default(),
        production: false,
        long_living: false,
        now: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
    }
}

fn with(mut body: Value, path: &str, value: Value) -> Value {
    *body.pointer_mut(path).unwrap() = value;
    body
}

fn title(body: Value) -> &'static str {
    create(&body, &rules()).unwrap_err().title
}

#[test]
fn a_web_redirect_payment_passes() {
    let c = create(&ok(), &rules()).unwrap();
    assert_eq!(
        (c.currency.as_str(), c.value, c.user_flow),
        ("NOK", 49900, UserFlow::WebRedirect)
    );
    assert!(create(&with(ok(), "/amount", json!({"currency": "DKK", "value": 1})), &rules()).is_ok());
    assert!(create(
        &with(ok(), "/amount", json!({"currency": "EUR", "value": 65_000_000})),
        &rules()
    )
    .is_ok());
}

#[test]
fn required_fields_are_named() {
    for field in ["reference", "amount", "paymentMethod", "userFlow", "returnUrl"] {
        let mut body = ok();
        body.as_object_mut().unwrap().remove(field);
        let p = create(&body, &rules()).unwrap_err();
        assert_eq!(p.title, "Missing required parameter", "{field}");
        assert!(p.detail.contains(field), "{field}: {}", p.detail);
    }
}

#[test]
fn references_amounts_and_currencies() {
    assert_eq!(
        title(with(ok(), "/reference", json!("short-1"))),
        "Invalid parameter",
        "under 8"
    );
    assert_eq!(
        title(with(ok(), "/reference", json!("has space 123"))),
        "Invalid parameter"
    );
    assert!(is_valid_reference(&"a".repeat(50)) && !is_valid_reference(&"a".repeat(51)));
    assert_eq!(title(with(ok(), "/amount/currency", json!("SEK"))), "Amount invalid");
    assert_eq!(title(with(ok(), "/amount/value", json!(99))), "Amount too small");
    assert_eq!(title(with(ok(), "/amount/value", json!(100.5))), "Amount invalid");
    assert_eq!(title(with(ok(), "/amount/value", json!(65_000_001))), "Amount invalid");
    assert_eq!(title(with(ok(), "/amount/value", json!("100"))), "Amount invalid");
}

#[test]
fn each_flow_needs_what_it_needs() {
    let push = with(ok(), "/userFlow", json!("PUSH_MESSAGE"));
    assert_eq!(title(push.clone()), "Missing required parameter");
    let mut pushed = push.clone();
    pushed["customer"] = json!({"phoneNumber": "4791234567"});
    let c = create(&pushed, &rules()).unwrap();
    assert_eq!(c.phone.as_deref(), Some("4791234567"));
    pushed["customer"] = json!({"phoneNumber": "91234567"});
    assert_eq!(title(pushed.clone()), "Invalid phone number", "MSISDN, not 8 digits");
    pushed["customer"] = json!({"phoneNumber": "4791234567", "customerToken": "x"});
    assert_eq!(
        title(pushed.clone()),
        "Invalid parameter",
        "one way to name the customer"
    );
    pushed["customer"] = json!({"personalQr": "https://qr.vipps.no/p/abc"});
    assert_eq!(
        create(&pushed, &rules()).unwrap().customer,
        Some(Customer::PersonalQr("https://qr.vipps.no/p/abc".into())),
        "a push to the user behind a personal QR"
    );
    pushed["customer"] = json!({"customerToken": "tok-123"});
    assert_eq!(
        create(&pushed, &rules()).unwrap().customer,
        Some(Customer::CustomerToken("tok-123".into()))
    );
    pushed["customer"] = json!({"personalQr": "abc"});
    assert_eq!(title(pushed.clone()), "Invalid parameter", "5 characters at least");
    pushed["customer"] = json!({"phoneNumber": 4791234567u64});
    assert_eq!(
        create(&pushed, &rules()).unwrap().phone.as_deref(),
        Some("4791234567"),
        "a number, as Vipps' own examples send it"
    );
    let mut qr = with(ok(), "/userFlow", json!("QR"));
    qr.as_object_mut().unwrap().remove("returnUrl");
    assert!(create(&qr, &rules()).is_ok(), "QR needs no returnUrl");
    let mut png = qr.clone();
    png["qrFormat"] = json!({"format": "IMAGE/PNG", "size": 300});
    assert_eq!(
        create(&png, &rules()).unwrap().qr_format,
        crate::qr::QrFormat::Png { size: 300 }
    );
    png["qrFormat"] = json!({"format": "IMAGE/PNG", "size": 5000});
    assert_eq!(title(png), "Invalid parameter");
    let card = with(qr, "/paymentMethod/type", json!("CARD"));
    let production = Rules {
        production: true,
        ..rules()
    };
    assert_eq!(create(&card, &production).unwrap_err().title, "Operation not supported");
    let card = with(ok(), "/paymentMethod/type", json!("CARD"));
    assert_eq!(
        title(card.clone()),
        "Invalid parameter",
        "no cards in the test environment"
    );
    assert!(create(&card, &production).is_ok(), "in production, on the web");
    let mut expiring = ok();
    expiring["expiresAt"] = json!("2027-01-16T08:00:00Z");
    assert_eq!(title(expiring), "ExpiresAt not allowed");
}

#[test]
fn a_long_living_payment_needs_approval_a_time_in_range_and_a_receipt() {
    let approved = Rules {
        long_living: true,
        ..rules()
    };
    // rules().now is 2027-01-15T08:00:00Z.
    let mut body = with(ok(), "/userFlow", json!("QR"));
    body["expiresAt"] = json!("2027-01-20T08:00:00Z");
    body["receipt"] = json!({"orderLines": [{"name": "Sokker", "id": "1", "totalAmount": 49900,
        "totalAmountExcludingTax": 39920, "totalTaxAmount": 9980, "taxPercentage": 25}],
        "bottomLine": {"currency": "NOK"}});
    let c = create(&body, &approved).unwrap();
    assert_eq!(c.expires_at.unwrap().to_rfc3339(), "2027-01-20T08:00:00+00:00");
    let refused = create(&body, &rules()).unwrap_err();
    assert_eq!(
        (refused.status, refused.title),
        (403, "Long-living payment not allowed")
    );
    for (at, why) in [
        ("2027-01-15T08:10:00Z", "10 minutes is not more than 10"),
        ("2027-02-12T08:00:00Z", "28 days is not less than 28"),
        ("2027-01-14T08:00:00Z", "past"),
        ("tomorrow", "not RFC 3339"),
    ] {
        let b = with(body.clone(), "/expiresAt", json!(at));
        assert_eq!(
            create(&b, &approved).unwrap_err().title,
            "Expiration date invalid",
            "{why}"
        );
    }
    assert!(create(
        &with(body.clone(), "/expiresAt", json!("2027-02-12T07:59:00Z")),
        &approved
    )
    .is_ok());
    let mut no_receipt = body.clone();
    no_receipt.as_object_mut().unwrap().remove("receipt");
    assert_eq!(
        create(&no_receipt, &approved).unwrap_err().title,
        "Missing required parameter"
    );
    let empty = with(body, "/receipt/orderLines", json!([]));
    assert_eq!(create(&empty, &approved).unwrap_err().title, "Invalid parameter");
}

#[test]
fn urls_are_https_or_an_app_and_loopback_only_in_development() {
    assert_eq!(
        title(with(ok(), "/returnUrl", json!("http://shop.example.com/r"))),
        "Invalid URL"
    );
    assert_eq!(
        title(with(ok(), "/returnUrl", json!("javascript:alert(1)"))),
        "Invalid URL"
    );
    assert_eq!(
        title(with(ok(), "/returnUrl", json!("https://intranet.local/r"))),
        "Invalid URL"
    );
    assert!(create(&with(ok(), "/returnUrl", json!("myshop://paid")), &rules()).is_ok());
    let loopback = with(ok(), "/returnUrl", json!("http://127.0.0.1:8080/return.html"));
    assert!(create(&loopback, &rules()).is_ok());
    assert_eq!(
        create(
            &loopback,
            &Rules {
                urls: UrlRules { strict: true },
                ..rules()
            }
        )
        .unwrap_err()
        .title,
        "Invalid URL"
    );
}

#[test]
fn express_needs_the_wallet_a_redirect_and_the_whole_scope() {
    let mut e = ok();
    e["shipping"] = json!({"fixedOptions": [{"type": "HOME_DELIVERY", "brand": "POSTEN",
        "options": [{"id": "p", "name": "Posten", "amount": {"currency": "NOK", "value": 9900}}]}]});
    assert_eq!(title(e.clone()), "Invalid parameter", "no scope");
    e["profile"] = json!({"scope": "name address email phoneNumber"});
    let c = create(&e, &rules()).unwrap();
    assert_eq!(c.shipping.unwrap().fixed.unwrap()[0].cost_ore, 9900);
    let mut push = with(e.clone(), "/userFlow", json!("PUSH_MESSAGE"));
    push["customer"] = json!({"phoneNumber": "4791234567"});
    assert_eq!(title(push), "Operation not supported");
    e["shipping"] =
        json!({"dynamicOptions": {"callbackUrl": "http://shop.example.com/s", "callbackAuthorizationToken": "t"}});
    assert_eq!(
        title(e.clone()),
        "Invalid parameter",
        "the callback is https like every URL"
    );
    e["shipping"] =
        json!({"dynamicOptions": {"callbackUrl": "https://shop.example.com/s", "callbackAuthorizationToken": "t"}});
    assert!(create(&e, &rules()).is_ok());
}

#[test]
fn descriptions_and_metadata_have_limits() {
    assert_eq!(
        title(with(ok(), "/paymentDescription", json!("ab"))),
        "Invalid parameter"
    );
    let mut m = ok();
    m["metadata"] = json!({"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"});
    assert_eq!(title(m.clone()), "Invalid parameter");
    m["metadata"] = json!({"a": "1"});
    assert_eq!(create(&m, &rules()).unwrap().metadata, Some(json!({"a": "1"})));
}
