//! Browser tests (wasm-bindgen-test, headless Chromium): what a mounted widget makes of
//! the backend's answers. Every refusal reads in the widget's own words in the shopper's
//! language (the backend's `message` goes to the developer, in the event), and every
//! answer goes through the contract's types: each status, currency and shipping shape
//! arrives in the event as sent; a broken answer is refused; an unknown field is ignored.
#![cfg(target_arch = "wasm32")]

mod scripted;

use contract::ErrorCode;
use scripted::*;
use serde_json::{json, Value};
use vipps_checkout::core::brand::Brand;
use vipps_checkout::core::i18n::Words;
use vipps_checkout::core::lang::{Lang, ALL};
use vipps_checkout::core::problem::Why;
use vipps_checkout::web::exports::{mount_button, mount_return_view, Mounted};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// The widget's words for `why` in `lang`, as a Vipps button says them.
fn widget_words(lang: Lang, why: &Why) -> String {
    Words::new(lang, Brand::Vipps).say(why.words(lang))
}

/// Waits (bounded) until every element's `data-state` is `want`.
async fn wait_all(els: &[HtmlElement], want: &str, within_ms: u32) {
    let mut waited = 0;
    while els
        .iter()
        .any(|el| el.get_attribute("data-state").as_deref() != Some(want))
    {
        let stuck: Vec<String> = els
            .iter()
            .filter_map(|el| el.get_attribute("data-state"))
            .filter(|s| s != want)
            .collect();
        assert!(waited < within_ms, "still {stuck:?}, wanted {want}");
        sleep(50).await;
        waited += 50;
    }
}

fn unmount_all(mounted: Vec<(Mounted, HtmlElement)>) {
    for (m, el) in mounted {
        done(m, el);
    }
}

#[wasm_bindgen_test]
async fn every_refusal_reads_in_the_shoppers_language_and_the_event_keeps_the_backends_words() {
    install();
    // What a shopper can meet when starting a payment, with the status the reference
    // backend answers it with (429 and 5xx are retried first, as a click's retries are).
    let refusals = [
        (ErrorCode::RateLimited, 429),
        (ErrorCode::NotAVippsUser, 400),
        (ErrorCode::VippsUnavailable, 502),
        (ErrorCode::MerchantUnavailable, 503),
        (ErrorCode::AppTooOld, 400),
        (ErrorCode::EmptyCart, 400),
    ];
    let developer_text = |code: ErrorCode| format!("Developer text: {code} (English, for the log)");
    for (code, status) in refusals {
        set_route(
            "POST",
            &format!("/shop-{code}/payments"),
            vec![answer(
                status,
                json!({"error": {"code": code.as_str(), "message": developer_text(code)}}),
            )],
        );
    }
    let mut mounted = Vec::new();
    let mut expected = Vec::new();
    for (code, _) in refusals {
        for lang in ALL {
            let el = element("div");
            let options = options(
                json!({"payload": {}, "lang": lang.tag(), "brand": "vipps", "endpoint": format!("/shop-{code}")}),
            );
            let m = mount_button(el.clone(), options, false).unwrap();
            expected.push((el.clone(), code, lang));
            mounted.push((m, el));
        }
    }
    let els: Vec<HtmlElement> = mounted.iter().map(|(_, el)| el.clone()).collect();
    wait_all(&els, "idle", 3000).await;
    for el in &els {
        button_of(el).click();
    }
    // Three retries of 0.5, 1.5 and 3 s for the retryable ones.
    wait_all(&els, "error", 12_000).await;
    let events = parsed(events());
    for (el, code, lang) in &expected {
        let words = widget_words(*lang, &Why::Backend(*code));
        let shown = alert_of(el);
        assert_eq!(shown, words, "{code} in {lang:?}");
        assert!(!shadow_text(el).contains("Developer text"), "{code} in {lang:?}");
        let carried = events.iter().any(|e| {
            e["error"]
                == json!({"code": code.as_str(), "message": words, "retryable": e["error"]["retryable"],
                          "backendMessage": developer_text(*code)})
        });
        assert!(
            carried,
            "{code} in {lang:?}: no event with the shown words and the backend's message"
        );
    }
    // Each language its own words, for every code.
    for (code, _) in refusals {
        let norwegian = widget_words(Lang::Nb, &Why::Backend(code));
        let english = widget_words(Lang::En, &Why::Backend(code));
        assert_ne!(norwegian, english, "{code}");
    }
    unmount_all(mounted);
}

#[wasm_bindgen_test]
async fn another_backends_code_is_worded_by_its_http_class() {
    install();
    set_route(
        "POST",
        "/other/payments",
        vec![answer(
            422,
            json!({"error": {"code": "out_of_stock", "message": "Sold out"}}),
        )],
    );
    set_route(
        "POST",
        "/bare/payments",
        vec![answer(400, json!({"detail": "not the contract's error shape"}))],
    );
    let mut mounted = Vec::new();
    for endpoint in ["/other", "/bare"] {
        let el = element("div");
        let m = mount_button(
            el.clone(),
            options(json!({"payload": {}, "lang": "nb", "endpoint": endpoint})),
            false,
        )
        .unwrap();
        mounted.push((m, el));
    }
    let els: Vec<HtmlElement> = mounted.iter().map(|(_, el)| el.clone()).collect();
    wait_all(&els, "idle", 3000).await;
    for el in &els {
        button_of(el).click();
    }
    wait_all(&els, "error", 3000).await;
    let contact_the_shop = Lang::Nb.texts().problems.refused;
    for el in &els {
        assert_eq!(alert_of(el), contact_the_shop);
        assert!(!shadow_text(el).contains("Sold out"));
    }
    let events = parsed(events());
    let codes: Vec<&Value> = events
        .iter()
        .map(|e| &e["error"]["code"])
        .filter(|c| !c.is_null())
        .collect();
    assert!(
        codes.contains(&&json!("out_of_stock")),
        "reported as the backend sent it: {codes:?}"
    );
    assert!(codes.contains(&&json!("bad_response")), "no code: {codes:?}");
    unmount_all(mounted);

    // A check refused with another backend's 5xx code: "try again", and polling goes on.
    set_route(
        "GET",
        "/api/vipps/payments/shop-1",
        vec![answer(
            503,
            json!({"error": {"code": "maintenance", "message": "Back at 03:00"}}),
        )],
    );
    let el = element("div");
    let m = mount_return_view(
        el.clone(),
        options(json!({"orderId": "shop-1", "token": "tok", "lang": "nb"})),
    )
    .unwrap();
    wait_for_state(&el, "error", 3000).await;
    let last = parsed(scripted::events()).pop().unwrap();
    assert_eq!(last["error"]["code"], "maintenance");
    assert_eq!(last["error"]["message"], Lang::Nb.texts().problems.server);
    assert_eq!(last["error"]["retryable"], true);
    assert_eq!(last["error"]["backendMessage"], "Back at 03:00");
    assert!(!shadow_text(&el).contains("Back at 03:00"));
    done(m, el);
}

fn shipping_of(address: bool, currency: &str) -> Value {
    let mut shipping = json!({"method": "Posten Pakke i postkassen", "methodId": "posten-pip",
                              "cost": {"value": 4900, "currency": currency}});
    if address {
        shipping["address"] = json!({"addressLine1": "Robert Levins gate 5", "addressLine2": "Leil. 3",
                                     "postCode": "0154", "city": "Oslo", "country": "NO"});
    }
    shipping
}

/// The state the return view settles in for a status.
fn settled(status: &str) -> &'static str {
    match status {
        "pending" => "waiting",
        "reserved" | "captured" => "confirmed",
        "cancelled" => "cancelled",
        "failed" => "failed",
        _ => "expired",
    }
}

/// Mounts a return view for `order` whose check answers `body`.
fn return_view_answering(order: &str, status: u16, body: Value) -> (Mounted, HtmlElement) {
    set_route(
        "GET",
        &format!("/api/vipps/payments/{order}"),
        vec![answer(status, body)],
    );
    let el = element("div");
    let m = mount_return_view(
        el.clone(),
        options(json!({"orderId": order, "token": "tok", "lang": "en"})),
    )
    .unwrap();
    (m, el)
}

#[wasm_bindgen_test]
async fn every_answer_reaches_the_page_through_the_contracts_types() {
    install();
    let mut sent = Vec::new();
    let mut mounted = Vec::new();
    for status in ["pending", "reserved", "captured", "cancelled", "failed", "expired"] {
        for currency in contract::CURRENCIES {
            for shipping in [None, Some(false), Some(true)] {
                let order = format!("o-{}", sent.len());
                let mut body = json!({"orderId": order, "status": status,
                                      "amount": {"value": 129_900, "currency": currency},
                                      "updatedAt": "2026-11-23T10:15:00Z"});
                if let Some(address) = shipping {
                    body["shipping"] = shipping_of(address, currency);
                }
                mounted.push(return_view_answering(&order, 200, body.clone()));
                sent.push((order, status, body));
            }
        }
    }
    assert_eq!(sent.len(), 6 * 3 * 3);
    for ((_, el), (order, status, _)) in mounted.iter().zip(&sent) {
        wait_for_state(el, settled(status), 5000).await;
        assert_eq!(
            el.get_attribute("data-state").as_deref(),
            Some(settled(status)),
            "{order}"
        );
    }
    let events = parsed(events());
    for (order, status, body) in &sent {
        let last = events
            .iter()
            .rfind(|e| e["orderId"] == json!(order) && e["status"].is_string())
            .unwrap_or_else(|| panic!("no event with the order's status for {order}"));
        assert_eq!(last["status"], json!(status), "{order}");
        assert_eq!(last["amount"], body["amount"], "{order}: the amount as sent");
        assert_eq!(
            last.get("shipping"),
            body.get("shipping"),
            "{order}: the shipping as sent"
        );
    }
    unmount_all(mounted);
}

#[wasm_bindgen_test]
async fn a_broken_answer_is_refused_and_an_unknown_field_ignored() {
    install();
    let good = json!({"orderId": "b-0", "status": "reserved", "amount": {"value": 29_800, "currency": "NOK"},
                      "updatedAt": "2026-11-23T10:15:00Z", "shipping": shipping_of(true, "NOK")});
    let mut broken = Vec::new();
    let mut with = |path: &[&str], to: Option<Value>| {
        let mut body = good.clone();
        let mut at = &mut body;
        for part in &path[..path.len() - 1] {
            at = at.get_mut(*part).unwrap();
        }
        let last = path[path.len() - 1];
        match to {
            Some(v) => at[last] = v,
            None => {
                at.as_object_mut().unwrap().remove(last);
            }
        }
        broken.push(body);
    };
    with(&["updatedAt"], None);
    with(&["status"], Some(json!("paid")));
    with(&["amount", "value"], Some(json!(298.5)));
    with(&["amount", "currency"], Some(json!(578)));
    with(&["shipping", "address", "postCode"], Some(json!(154)));
    with(&["shipping", "cost"], None);
    let mut mounted = Vec::new();
    for (i, body) in broken.iter().enumerate() {
        mounted.push(return_view_answering(&format!("b-{}", i + 1), 200, body.clone()));
    }
    let els: Vec<HtmlElement> = mounted.iter().map(|(_, el)| el.clone()).collect();
    wait_all(&els, "error", 3000).await;
    for (el, body) in els.iter().zip(&broken) {
        let text = shadow_text(el);
        assert!(text.contains("Trying again"), "{body}: {text}");
        assert!(
            !text.contains("298") && !text.contains("Robert Levins"),
            "{body}: nothing half-read"
        );
    }
    unmount_all(mounted);

    let mut extra = good.clone();
    extra["somethingNew"] = json!({"a": 1});
    extra["amount"]["exchangeRate"] = json!(1.0);
    let (m, el) = return_view_answering("b-0", 200, extra);
    wait_for_state(&el, "confirmed", 3000).await;
    let text = shadow_text(&el).replace('\u{a0}', " ");
    assert!(
        text.contains("NOK 298.00") && text.contains("Robert Levins gate 5"),
        "{text}"
    );
    done(m, el);
}
