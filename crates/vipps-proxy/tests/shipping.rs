//! Every express shipping rule over HTTP, as Vipps asks: the shipping endpoint of a proxy
//! started with a shipping config file, for carts and addresses that hit each rule.

mod common;

use common::{socks_price, stack_with};
use serde_json::{json, Value};

const CONFIG: &str = r#"{ "methods": [
  { "id": "parcel", "name": "Pakke i postkassen", "priority": 2, "default": true, "price": 9900,
    "weightBrackets": [ {"upToGrams": 500, "price": 4950}, {"upToGrams": 2000, "price": 7900} ],
    "freeAbove": 100000, "maxWeightGrams": 2000 },
  { "id": "home", "name": "Hjemlevering", "priority": 1, "price": 14900 },
  { "id": "pickup", "name": "Hent i Tromsø", "priority": 3, "price": 0, "postCodePrefixes": ["90", "91"] }
] }"#;

async fn offers(s: &common::Stack, items: Value, post_code: &str) -> Vec<Value> {
    let (order_id, _, _) = s.start(&json!({"payload": {"items": items}, "express": true})).await;
    let auth = s.auth_token(&order_id).await;
    let res = s
        .http
        .post(format!(
            "{}/api/vipps/shipping/v2/payments/{order_id}/shippingDetails",
            s.proxy
        ))
        .header("Authorization", auth)
        .json(
            &json!({"addressId": 1234, "addressLine1": "Storgata 1", "addressLine2": null, "country": "Norway",
                      "city": "X", "postCode": post_code, "postalCode": post_code, "addressType": "H"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let reply: Value = res.json().await.unwrap();
    assert_eq!(reply["addressId"], 1234);
    assert_eq!(reply["orderId"], order_id.as_str());
    reply["shippingDetails"].as_array().unwrap().clone()
}

fn by_id<'a>(offers: &'a [Value], id: &str) -> Option<&'a Value> {
    offers.iter().find(|o| o["shippingMethodId"] == id)
}

async fn configured() -> common::Stack {
    let dir = common::temp_dir("shipcfg");
    let path = dir.join("shipping.json");
    std::fs::write(&path, CONFIG).unwrap();
    stack_with(&[], &["--shipping", path.to_str().unwrap()]).await
}

#[tokio::test]
async fn weight_brackets_and_nok_decimals() {
    let s = configured().await;
    // 150 g of socks: the first bracket, 49,50 kr as a NOK decimal.
    let light = offers(&s, json!([{"sku": "socks"}]), "0154").await;
    assert_eq!(by_id(&light, "parcel").unwrap()["shippingCost"], 49.5);
    // 700 g: the second bracket.
    let middle = offers(&s, json!([{"sku": "sweater"}]), "0154").await;
    assert_eq!(by_id(&middle, "parcel").unwrap()["shippingCost"], 79.0);
    // A flat price.
    assert_eq!(by_id(&middle, "home").unwrap()["shippingCost"], 149.0);
    assert_eq!(by_id(&middle, "home").unwrap()["shippingMethod"], "Hjemlevering");
}

#[tokio::test]
async fn free_above_a_cart_value_and_not_offered_over_a_weight() {
    let s = configured().await;
    // 1 299 kr, 1 400 g: free parcel.
    let free = offers(&s, json!([{"sku": "blanket"}]), "0154").await;
    assert_eq!(by_id(&free, "parcel").unwrap()["shippingCost"], 0.0);
    // 2 × 1 400 g: too heavy for the parcel; only home delivery is offered.
    let heavy = offers(&s, json!([{"sku": "blanket", "qty": 2}]), "0154").await;
    assert!(by_id(&heavy, "parcel").is_none());
    assert_eq!(heavy.len(), 1);
}

#[tokio::test]
async fn pickup_only_for_its_post_codes() {
    let s = configured().await;
    let tromso = offers(&s, json!([{"sku": "hat"}]), "9008").await;
    assert_eq!(by_id(&tromso, "pickup").unwrap()["shippingCost"], 0.0);
    let oslo = offers(&s, json!([{"sku": "hat"}]), "0154").await;
    assert!(by_id(&oslo, "pickup").is_none());
}

#[tokio::test]
async fn priority_orders_the_methods_and_exactly_one_is_default() {
    let s = configured().await;
    let all = offers(&s, json!([{"sku": "hat"}]), "9008").await;
    let ids: Vec<&str> = all.iter().map(|o| o["shippingMethodId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["home", "parcel", "pickup"], "ascending priority");
    let priorities: Vec<i64> = all.iter().map(|o| o["priority"].as_i64().unwrap()).collect();
    assert_eq!(priorities, [1, 2, 3]);
    let defaults: Vec<&str> = all.iter().map(|o| o["isDefault"].as_str().unwrap()).collect();
    assert_eq!(defaults, ["N", "Y", "N"], "the configured default, as the strings Y/N");

    // The configured default is not offered (too heavy): the first shown becomes it.
    let heavy = offers(&s, json!([{"sku": "blanket", "qty": 2}]), "9008").await;
    let defaults: Vec<(&str, &str)> = heavy
        .iter()
        .map(|o| {
            (
                o["shippingMethodId"].as_str().unwrap(),
                o["isDefault"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(defaults, [("home", "Y"), ("pickup", "N")]);
}

#[tokio::test]
async fn the_simulated_app_accepts_the_reply_and_reserves_goods_plus_shipping() {
    let s = configured().await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "socks"}]}, "express": true}))
        .await;
    let (status, view) = s
        .sim_act(&order_id, "approve", Some(json!({"mobileNumber": "48059528"})))
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        view["shipping"]["shippingMethodId"], "parcel",
        "the default was preselected"
    );
    let body = s.wait_for_status(&order_id, &token, "reserved").await;
    assert_eq!(body["amount"]["value"], socks_price() + 4950);
    assert_eq!(body["shipping"]["cost"]["value"], 4950);
}

#[tokio::test]
async fn a_bad_shipping_config_stops_the_start() {
    let dir = common::temp_dir("badship");
    let path = dir.join("shipping.json");
    std::fs::write(&path, r#"{"methods": [{"id": "a", "name": "A", "price": -1}]}"#).unwrap();
    let sim = common::start_sim(&[]).await;
    let mut args = common::proxy_args(&sim, dir.join("db").to_str().unwrap());
    args.extend(["--shipping".to_string(), path.to_str().unwrap().to_string()]);
    let err = vipps_proxy::spawn(<vipps_proxy::Config as clap::Parser>::parse_from(args))
        .await
        .err()
        .unwrap();
    assert!(err.contains("--shipping") && err.contains("negative"), "{err}");
}

mod epayment_groups {
    use proptest::prelude::*;
    use vipps_proxy::shipping::{groups, Method, ShippingConfig, BRANDS, TYPES};

    fn method() -> impl Strategy<Value = Method> {
        (
            "[a-z0-9-]{1,20}",
            "\\PC{1,40}",
            0i64..10,
            any::<bool>(),
            0i64..100_000,
            prop::option::of(prop::sample::select(BRANDS.to_vec())),
            prop::option::of(prop::sample::select(TYPES.to_vec())),
        )
            .prop_map(|(id, name, priority, default, price, brand, kind)| Method {
                id,
                name,
                priority,
                default,
                price,
                weight_brackets: vec![],
                free_above: None,
                max_weight_grams: None,
                post_code_prefixes: vec![],
                brand: brand.map(str::to_string),
                kind: kind.map(str::to_string),
            })
    }

    proptest! {
        /// Whatever config the backend accepts, the (simulated) app shows its option
        /// groups as the backend offered them: the same options, order and default.
        #[test]
        fn every_accepted_config_gives_groups_the_app_shows(methods in prop::collection::vec(method(), 1..6), currency in prop::sample::select(vec!["NOK", "DKK", "EUR"])) {
            let config = ShippingConfig { methods };
            prop_assume!(config.check().is_ok());
            let offers = config.offers(10_000, 100, Some("0154"));
            let sent = groups(&offers, currency);
            let shown = vipps_sim::epayment::shipping::parse_groups(&sent, currency, "groups");
            let shown = shown.map_err(|e| TestCaseError::fail(format!("{e}: {sent}")))?;
            let ids: Vec<&str> = shown.iter().map(|o| o.method_id.as_str()).collect();
            let offered: Vec<&str> = offers.iter().map(|o| o.id.as_str()).collect();
            prop_assert_eq!(ids, offered);
            let default = shown.iter().find(|o| o.is_default).map(|o| o.method_id.clone());
            prop_assert_eq!(default, offers.iter().find(|o| o.is_default).map(|o| o.id.clone()));
            prop_assert_eq!(sent.as_array().map(Vec::len), Some(offers.len()), "one group per method");
        }
    }
}
