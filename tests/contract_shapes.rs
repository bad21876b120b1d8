//! Browser tests (wasm-bindgen-test, headless Chromium): the widget's JSON is the
//! contract's (`crates/contract`). The widget reads and writes it through the contract's
//! serde types (serde-wasm-bindgen, from the JS values `fetch` gives); these tests hold
//! that path to what serde_json does with the same types natively: what the contract
//! writes is read back unchanged, what the contract refuses is refused (a `bad_response`,
//! never a half-read answer), and what the widget sends or puts in an event the contract
//! reads.
#![cfg(target_arch = "wasm32")]

use contract::{Address, Amount, CreatePayment, Flow, PaymentCreated, PaymentState, PaymentStatus, Shipping};
use serde_json::{json, Value};
use vipps_checkout::core::brand::Brand;
use vipps_checkout::core::events::{Facts, StateDetail};
use vipps_checkout::core::flow::FlowState;
use vipps_checkout::core::i18n::Words;
use vipps_checkout::core::lang::Lang;
use vipps_checkout::web::api::{parse_created, parse_state, request_body, StartRequest};
use vipps_checkout::web::dom::to_js;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `value` as the browser's `JSON.parse` gives it to the widget.
fn in_browser(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).expect("JSON")
}

/// A JS value as JSON, as the widget would send it.
fn as_json(v: &JsValue) -> Value {
    let text: String = js_sys::JSON::stringify(v).expect("stringify").into();
    serde_json::from_str(&text).expect("JSON text")
}

fn addresses() -> Vec<Option<Address>> {
    let address = |line2: Option<&str>| Address {
        address_line1: "Robert Levins gate 5".into(),
        address_line2: line2.map(Into::into),
        post_code: "0154".into(),
        city: "Oslo".into(),
        country: "NO".into(),
    };
    vec![None, Some(address(None)), Some(address(Some("Leil. 3")))]
}

fn shippings(currency: &str) -> Vec<Option<Shipping>> {
    let mut all = vec![None];
    for (address, cost) in addresses().into_iter().zip([0, 4_900, 9_900]) {
        all.push(Some(Shipping {
            method: "Posten Pakke i postkassen".into(),
            method_id: "posten-pip".into(),
            cost: Amount::of(cost, currency),
            address,
        }));
    }
    all
}

/// Every status, every currency, with and without shipping and its address parts.
fn states() -> Vec<PaymentState> {
    let mut all = Vec::new();
    for status in PaymentStatus::ALL {
        for currency in contract::CURRENCIES {
            for shipping in shippings(currency) {
                all.push(PaymentState {
                    order_id: "order-7c1f".into(),
                    status,
                    amount: Amount::of(129_900, currency),
                    shipping,
                    updated_at: "2026-11-23T10:15:00Z".into(),
                });
            }
        }
    }
    all
}

#[wasm_bindgen_test]
fn every_state_the_contract_writes_is_read_back_unchanged() {
    let all = states();
    assert_eq!(all.len(), 6 * 3 * 4);
    for state in all {
        let written = serde_json::to_value(&state).unwrap();
        assert_eq!(parse_state(&in_browser(&written)), Some(state), "{written}");
    }
}

/// `base` with `path` (slash-separated) set to `to`, or removed when `to` is `None`.
fn changed(base: &Value, path: &str, to: Option<Value>) -> Value {
    let mut out = base.clone();
    let mut at = &mut out;
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        at = at.get_mut(*part).expect("path");
    }
    let object = at.as_object_mut().expect("object");
    let last = parts[parts.len() - 1];
    match to {
        Some(v) => object.insert(last.to_string(), v),
        None => object.remove(last),
    };
    out
}

#[wasm_bindgen_test]
fn a_state_the_contract_refuses_is_refused() {
    let full = serde_json::to_value(PaymentState {
        order_id: "order-7c1f".into(),
        status: PaymentStatus::Reserved,
        amount: Amount::nok(129_900),
        shipping: shippings("NOK").pop().unwrap(),
        updated_at: "2026-11-23T10:15:00Z".into(),
    })
    .unwrap();
    let mut broken = Vec::new();
    for required in [
        "orderId",
        "status",
        "amount",
        "updatedAt",
        "amount/value",
        "amount/currency",
        "shipping/method",
        "shipping/methodId",
        "shipping/cost",
        "shipping/cost/currency",
        "shipping/address/addressLine1",
        "shipping/address/postCode",
        "shipping/address/city",
        "shipping/address/country",
    ] {
        broken.push(changed(&full, required, None));
    }
    for (path, wrong) in [
        ("orderId", json!(7)),
        ("status", json!("paid")),
        ("status", json!("RESERVED")),
        ("amount/value", json!(1299.5)),
        ("amount/value", json!("129900")),
        ("amount/currency", json!(578)),
        ("updatedAt", json!(null)),
        ("shipping", json!("Posten")),
        ("shipping/cost/value", json!(49.9)),
        ("shipping/address", json!("Robert Levins gate 5")),
        ("shipping/address/addressLine2", json!(3)),
        ("shipping/address/postCode", json!(154)),
    ] {
        broken.push(changed(&full, path, Some(wrong)));
    }
    broken.push(json!(null));
    broken.push(json!("reserved"));
    for answer in broken {
        assert!(
            serde_json::from_value::<PaymentState>(answer.clone()).is_err(),
            "the contract accepts {answer}: not a broken answer"
        );
        assert_eq!(parse_state(&in_browser(&answer)), None, "the widget read {answer}");
    }
    // What the contract lets be absent or null may be absent or null here too.
    for (path, to) in [
        ("shipping", None),
        ("shipping", Some(json!(null))),
        ("shipping/address", None),
        ("shipping/address", Some(json!(null))),
        ("shipping/address/addressLine2", Some(json!(null))),
        ("somethingNew", Some(json!({"a": 1}))),
    ] {
        let answer = changed(&full, path, to);
        let typed: PaymentState = serde_json::from_value(answer.clone()).expect("the contract accepts it");
        assert_eq!(parse_state(&in_browser(&answer)), Some(typed), "{answer}");
    }
}

#[wasm_bindgen_test]
fn the_created_payment_is_read_as_the_contract_writes_it() {
    let created = PaymentCreated {
        order_id: "order-7c1f".into(),
        url: "https://landing.vipps.no/?token=abc".into(),
        status_token: "st-1".into(),
        expires_at: "2026-11-23T10:20:00Z".into(),
    };
    let written = serde_json::to_value(&created).unwrap();
    assert_eq!(parse_created(&in_browser(&written)), Some(created));
    for field in ["orderId", "url", "statusToken", "expiresAt"] {
        for answer in [changed(&written, field, None), changed(&written, field, Some(json!(1)))] {
            assert!(serde_json::from_value::<PaymentCreated>(answer.clone()).is_err());
            assert!(
                parse_created(&in_browser(&answer)).is_none(),
                "the widget read {answer}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn what_the_widget_sends_the_contract_reads() {
    let payload = json!({"items": [{"sku": "socks", "qty": 2}], "note": "gift"});
    for express in [false, true] {
        for flow in [Flow::Redirect, Flow::Qr, Flow::Push] {
            for mobile in [None, Some("48059528")] {
                let how = StartRequest { express, flow, mobile };
                let body = request_body(&in_browser(&payload), &how).expect("a body");
                // deny_unknown_fields: a stray or misspelt field would fail here.
                let sent: CreatePayment = serde_json::from_str(&body).expect(&body);
                assert_eq!(
                    sent,
                    CreatePayment {
                        payload: payload.clone(),
                        express,
                        mobile_number: mobile.map(Into::into),
                        flow,
                    }
                );
            }
        }
    }
}

#[wasm_bindgen_test]
fn event_details_read_as_the_contract_types() {
    let words = Words::new(Lang::En, Brand::Vipps);
    for currency in contract::CURRENCIES {
        let amount = Amount::of(129_900, currency);
        for shipping in shippings(currency) {
            let facts = Facts {
                order_id: Some("order-7c1f"),
                status: Some(PaymentStatus::Reserved),
                amount: Some(&amount),
                shipping: shipping.as_ref(),
                ..Facts::default()
            };
            let detail = as_json(&to_js(&StateDetail::new(FlowState::Confirmed, words, None, facts)));
            assert_eq!(
                serde_json::from_value::<Amount>(detail["amount"].clone()).unwrap(),
                amount
            );
            assert_eq!(
                serde_json::from_value::<PaymentStatus>(detail["status"].clone()).unwrap(),
                PaymentStatus::Reserved
            );
            match &shipping {
                Some(shipping) => assert_eq!(
                    &serde_json::from_value::<Shipping>(detail["shipping"].clone()).unwrap(),
                    shipping,
                    "{detail}"
                ),
                None => assert!(detail.get("shipping").is_none(), "{detail}"),
            }
        }
    }
}

#[wasm_bindgen_test]
fn error_bodies_are_read_as_the_contract_writes_them() {
    use contract::{Code, ErrorBody, ErrorCode};
    use vipps_checkout::web::api::{refusal, FetchError};
    for &code in ErrorCode::ALL {
        let written = serde_json::to_value(ErrorBody::new(code, "For the developer.")).unwrap();
        assert_eq!(
            refusal(400, in_browser(&written)),
            FetchError::Http {
                status: 400,
                code: Some(Code::Known(code)),
                message: Some("For the developer.".into())
            },
            "{written}"
        );
    }
    let other = json!({"error": {"code": "out_of_stock", "message": "Sold out", "extra": 1}});
    assert_eq!(
        refusal(422, in_browser(&other)),
        FetchError::Http {
            status: 422,
            code: Some(Code::Other("out_of_stock".into())),
            message: Some("Sold out".into())
        }
    );
    // Not the contract's error shape: only the status is known.
    for body in [
        json!(null),
        json!({"error": "Sold out"}),
        json!({"error": {"code": 7, "message": "x"}}),
        json!({"error": {"code": "rate_limited"}}),
        json!({"message": "Too many"}),
    ] {
        assert!(serde_json::from_value::<ErrorBody>(body.clone()).is_err(), "{body}");
        assert_eq!(
            refusal(503, in_browser(&body)),
            FetchError::Http {
                status: 503,
                code: None,
                message: None
            },
            "{body}"
        );
    }
}
