//! `validate`'s rules, case by case.

use super::*;
use serde_json::json;

fn regular() -> Value {
    json!({
        "customerInfo": {},
        "merchantInfo": {
            "merchantSerialNumber": "123456",
            "callbackPrefix": "https://example.com/vipps/callbacks",
            "fallBack": "https://example.com/vipps/result/acme-shop-123-order123abc"
        },
        "transaction": {"orderId": "acme-shop-123-order123abc", "amount": 20000, "transactionText": "One pair of socks"}
    })
}

fn code_of(err: ApiError) -> (u16, String) {
    let body = err.body();
    (
        err.status().as_u16(),
        body[0]["errorCode"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn the_msn_is_5_or_6_digits_and_ours() {
    let msn = |v: &str| check_msn(&json!({"merchantSerialNumber": v}), "123456").map_err(|e| e.status().as_u16());
    assert_eq!(msn("123456"), Ok(()));
    assert_eq!(
        msn("12a456"),
        Err(400),
        "six characters, not digits: malformed, not another merchant"
    );
    assert_eq!(msn("1234"), Err(400));
    assert_eq!(msn("1234567"), Err(400));
    assert_eq!(msn("12345"), Err(401), "well formed, but not ours");
}

#[test]
fn urls_are_at_most_255_characters() {
    let url = |len: usize| {
        let base = "https://example.com/";
        format!("{base}{}", "a".repeat(len - base.len()))
    };
    assert!(check_url("fallBack", &url(255), UrlRules::default()).is_ok());
    assert!(check_url("fallBack", &url(256), UrlRules::default()).is_err());
}

#[test]
fn fields_are_told_apart() {
    let mut body = regular();
    body["merchantInfo"].as_object_mut().unwrap().remove("fallBack");
    assert_eq!(
        code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()).0,
        400,
        "fallBack missing: a 400"
    );
    body["merchantInfo"]["fallback"] = json!("https://example.com/r");
    assert_eq!(
        code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()).0,
        500,
        "lower-case fallback: Vipps' 500"
    );

    let mut body = regular();
    body["transaction"]["transactionText"] = json!("   ");
    assert_eq!(
        code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()).0,
        400,
        "a blank text"
    );

    let with_scope = |scope: &str| {
        let mut body = regular();
        body["transaction"]["scope"] = json!(scope);
        initiate(&body, "123456", UrlRules::default()).map(|i| i.scope)
    };
    assert_eq!(with_scope("name email").unwrap().as_deref(), Some("name email"));
    assert_eq!(
        code_of(with_scope("name shoeSize").unwrap_err()).0,
        400,
        "an unknown scope"
    );
    assert_eq!(code_of(with_scope("name nin").unwrap_err()), (403, "51".to_string()));
}

#[test]
fn accepts_the_documented_example() {
    let init = initiate(&regular(), "123456", UrlRules::default()).unwrap();
    assert_eq!(init.amount, 20000);
    assert!(init.express.is_none());
}

#[test]
fn quirks_give_http_500() {
    let mut body = regular();
    body["merchantInfo"]["merchantSerialNumber"] = json!(123456);
    assert_eq!(
        code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()),
        (500, "99".into())
    );
    let mut body = regular();
    body["transaction"]["amount"] = json!(200.5);
    assert_eq!(
        code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()),
        (500, "99".into())
    );
    let mut body = regular();
    let fb = body["merchantInfo"]["fallBack"].take();
    body["merchantInfo"].as_object_mut().unwrap().remove("fallBack");
    body["merchantInfo"]["fallback"] = fb;
    assert_eq!(
        code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()),
        (500, "99".into())
    );
}

#[test]
fn invalid_fields_name_themselves() {
    let cases = [
        ("/transaction/amount", json!(99), "transaction.amount"),
        ("/transaction/orderId", json!("has space"), "transaction.orderId"),
        ("/transaction/orderId", json!("x".repeat(51)), "transaction.orderId"),
        (
            "/transaction/transactionText",
            json!("x".repeat(101)),
            "transaction.transactionText",
        ),
        (
            "/merchantInfo/callbackPrefix",
            json!("http://example.com/cb"),
            "merchantInfo.callbackPrefix",
        ),
        (
            "/merchantInfo/fallBack",
            json!("ftp://example.com/"),
            "merchantInfo.fallBack",
        ),
        (
            "/merchantInfo/paymentType",
            json!("ecomm Regular Payment"),
            "merchantInfo.paymentType",
        ),
    ];
    for (pointer, value, field) in cases {
        let mut body = regular();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        body.pointer_mut(parent).unwrap()[key] = value;
        assert_eq!(
            code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()),
            (400, field.to_string()),
            "{pointer}"
        );
    }
}

#[test]
fn http_is_allowed_for_a_loopback_address_only_and_never_when_strict() {
    let mut body = regular();
    body["merchantInfo"]["callbackPrefix"] = json!("http://127.0.0.1:8080/api/vipps/callback");
    body["merchantInfo"]["fallBack"] = json!("http://[::1]:8080/return?orderId=x");
    assert!(initiate(&body, "123456", UrlRules::default()).is_ok());
    let strict = UrlRules { strict: true };
    assert_eq!(
        code_of(initiate(&body, "123456", strict).unwrap_err()),
        (400, "merchantInfo.callbackPrefix".into()),
        "--strict-urls: as Vipps itself"
    );
    for refused in [
        "http://localhost:8080/return",
        "http://192.168.1.10/return",
        "http://shop.example.com/return",
    ] {
        body["merchantInfo"]["fallBack"] = json!(refused);
        assert!(initiate(&body, "123456", UrlRules::default()).is_err(), "{refused}");
    }
}

#[test]
fn https_needs_a_public_domain_name() {
    let check = |url: &str| check_url("callbackPrefix", url, UrlRules::default());
    for ok in [
        "https://shop.example.com/cb",
        "https://nordlys.no/cb",
        "https://butikk.xn--vler-qoa.no/cb",
        "https://127.0.0.1:8443/cb",
    ] {
        assert!(check(ok).is_ok(), "{ok}");
    }
    for refused in [
        "https://localhost/cb",
        "https://shop.local/cb",
        "https://api.internal/cb",
        "https://intranet/cb",
        "https://10.0.0.5/cb",
        "https://shop.123/cb",
    ] {
        assert!(check(refused).is_err(), "{refused}");
    }
    assert!(check_url("c", "https://127.0.0.1/cb", UrlRules { strict: true }).is_err());
}

#[test]
fn skip_landing_page_is_read_from_the_transaction_only() {
    let mut body = regular();
    body["merchantInfo"]["skipLandingPage"] = json!(true);
    assert!(
        initiate(&body, "123456", UrlRules::default()).is_ok(),
        "misplaced in merchantInfo: ignored, not error 38"
    );
}

#[test]
fn app_fallbacks_are_not_validated() {
    let mut body = regular();
    body["merchantInfo"]["isApp"] = json!(true);
    body["merchantInfo"]["fallBack"] = json!("INTENT");
    assert!(initiate(&body, "123456", UrlRules::default()).unwrap().is_app);
}

#[test]
fn express_needs_its_prerequisites() {
    let mut body = regular();
    body["merchantInfo"]["paymentType"] = json!(EXPRESS);
    assert_eq!(
        code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()).1,
        "merchantInfo.consentRemovalPrefix"
    );
    body["merchantInfo"]["consentRemovalPrefix"] = json!("https://example.com/consents");
    assert_eq!(
        code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()).1,
        "merchantInfo.shippingDetailsPrefix"
    );
    body["merchantInfo"]["staticShippingDetails"] = json!([{"isDefault": "Y", "priority": 1, "shippingCost": 99, "shippingMethod": "Posten", "shippingMethodId": "p"}]);
    let init = initiate(&body, "123456", UrlRules::default()).unwrap();
    assert_eq!(init.express.unwrap().static_shipping.unwrap()[0].cost_ore, 9900);
}

#[test]
fn mobile_numbers_are_repaired_or_refused_with_81() {
    let mut body = regular();
    body["customerInfo"]["mobileNumber"] = json!("+47 912 34 567");
    assert_eq!(
        initiate(&body, "123456", UrlRules::default())
            .unwrap()
            .mobile
            .as_deref(),
        Some("91234567")
    );
    body["customerInfo"]["mobileNumber"] = json!("1234");
    assert_eq!(
        code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()),
        (400, "81".into())
    );
}

#[test]
fn skip_landing_page_needs_a_whitelisted_unit_and_a_number() {
    let mut body = regular();
    body["transaction"]["skipLandingPage"] = json!(true);
    body["customerInfo"] = json!({});
    assert_eq!(
        code_of(initiate(&body, "123456", UrlRules::default()).unwrap_err()).0,
        400,
        "no number to push to"
    );
    body["customerInfo"]["mobileNumber"] = json!("91234567");
    let init = initiate(&body, "123456", UrlRules::default()).unwrap();
    assert!(init.skip_landing_page);
    assert_eq!(
        code_of(check_skip_landing_page(&init, false).unwrap_err()),
        (400, "38".into())
    );
    assert!(check_skip_landing_page(&init, true).is_ok());
    assert!(check_skip_landing_page(&initiate(&regular(), "123456", UrlRules::default()).unwrap(), false).is_ok());
}

#[test]
fn other_msn_is_refused() {
    let err = initiate(&regular(), "654321", UrlRules::default()).unwrap_err();
    assert_eq!(err.status().as_u16(), 401);
}

#[test]
fn timestamp_and_explicit_flow_are_ignored() {
    let mut body = regular();
    body["transaction"]["timeStamp"] = json!("2019-01-01T00:00:00Z");
    body["transaction"]["useExplicitCheckoutFlow"] = json!(true);
    assert!(initiate(&body, "123456", UrlRules::default()).is_ok());
}
