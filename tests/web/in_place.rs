//! The payments that stay on the page (the kiosk bundle: mode "qr" and "push").

use super::*;
use vipps_checkout::core::options::{ButtonInput, ButtonOptions};
use vipps_checkout::web::in_place::in_place_view;
use web_sys::Element;

fn shadow(el: &Element, css: &str) -> Option<Element> {
    el.shadow_root().unwrap().query_selector(css).unwrap()
}

fn type_number(el: &Element, text: &str) {
    let input: web_sys::HtmlInputElement = shadow(el, "input").expect("a number field").unchecked_into();
    input.set_value(text);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
}

fn posted_bodies() -> Vec<Value> {
    parsed(requests())
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/api/vipps/payments")
        .map(|r| serde_json::from_str(r["body"].as_str().unwrap()).unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn a_qr_code_is_drawn_and_watched_in_place_until_confirmed() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created("https://api.vipps.no/dwo?token=qr1")],
    );
    set_route(
        "GET",
        "/api/vipps/payments/shop-1",
        vec![state_of("pending"), state_of("pending"), state_of("reserved")],
    );
    let el = element("div");
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {"items": [{"sku": "socks"}]}, "mode": "qr", "lang": "en"})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "idle", 2000).await;
    assert_eq!(button_of(&el).text_content().unwrap(), "Show QR code for Vipps");
    assert!(shadow(&el, "svg").is_none(), "no code before a payment");
    button_of(&el).click();
    button_of(&el).click();
    wait_for_state(&el, "waiting", 3000).await;
    let path = shadow(&el, "svg.vc-qr path").expect("the code");
    assert!(path.get_attribute("d").unwrap().len() > 200, "modules drawn");
    let svg = shadow(&el, "svg.vc-qr").unwrap();
    assert_eq!(
        svg.get_attribute("aria-label").unwrap(),
        "QR code for paying with Vipps"
    );
    assert_eq!(posted_bodies().len(), 1, "two clicks, one payment");
    assert_eq!(posted_bodies()[0]["flow"], "qr");
    assert!(shadow_text(&el).contains("Scan the code"), "{}", shadow_text(&el));
    wait_for_state(&el, "waiting", 0).await;
    let mut waited = 0;
    while !shadow_text(&el).contains("NOK\u{a0}298.00") {
        assert!(waited < 3000, "the amount shows: {}", shadow_text(&el));
        sleep(50).await;
        waited += 50;
    }
    wait_for_state(&el, "confirmed", 10_000).await;
    assert!(shadow(&el, "svg").is_none(), "the code goes once paid");
    assert!(shadow_text(&el).contains("Payment confirmed"));
    assert_eq!(parsed(navigations()), Vec::<Value>::new(), "nothing navigates");
    let last = parsed(events()).pop().unwrap();
    assert_eq!(
        (last["state"].as_str(), last["orderId"].as_str()),
        (Some("confirmed"), Some("shop-1"))
    );
    done(m, el);
}

#[wasm_bindgen_test]
async fn a_payment_url_that_is_not_vipps_never_becomes_a_code() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created("https://evil.example/pay?token=x")],
    );
    let el = element("div");
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {}, "mode": "qr", "lang": "en"})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    wait_for_state(&el, "error", 3000).await;
    assert!(shadow(&el, "svg").is_none());
    assert!(alert_of(&el).contains("not Vipps"), "{}", alert_of(&el));
    done(m, el);
}

#[wasm_bindgen_test]
async fn push_checks_the_number_then_sends_it_and_shows_the_phones_answer() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created("https://api.vipps.no/dwo?token=p1")],
    );
    set_route("GET", "/api/vipps/payments/shop-1", vec![state_of("cancelled")]);
    let el = element("div");
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {}, "mode": "push", "lang": "en"})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "idle", 2000).await;
    assert_eq!(button_of(&el).text_content().unwrap(), "Send the payment to Vipps");
    for (typed, words) in [
        ("", "Enter the customer's mobile number."),
        ("4805952", "A Norwegian mobile number has 8 digits."),
        (
            "+46 70 123 45 67",
            "Vipps sends only to Norwegian mobile numbers (+47).",
        ),
        ("22334455", "Norwegian mobile numbers start with 4 or 9."),
    ] {
        type_number(&el, typed);
        button_of(&el).click();
        wait_for_state(&el, "error", 2000).await;
        let mut waited = 0;
        while alert_of(&el) != words {
            assert!(waited < 2000, "{typed:?}: {}", alert_of(&el));
            sleep(20).await;
            waited += 20;
        }
    }
    assert!(posted_bodies().is_empty(), "nothing is sent for a wrong number");
    type_number(&el, "480 59 528");
    button_of(&el).click();
    wait_for_state(&el, "cancelled", 4000).await;
    let body = &posted_bodies()[0];
    assert_eq!(
        (body["flow"].as_str(), body["mobileNumber"].as_str()),
        (Some("push"), Some("48059528"))
    );
    assert!(
        shadow_text(&el).contains("The payment was cancelled"),
        "{}",
        shadow_text(&el)
    );
    assert_eq!(button_of(&el).text_content().unwrap(), "Send again to Vipps");
    done(m, el);
}

#[wasm_bindgen_test]
async fn a_shop_that_cannot_push_says_so_in_the_pages_language() {
    install();
    let words = "Vipps does not let this shop send payment requests to a phone (error 38).";
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![answer(
            403,
            json!({"error": {"code": "push_not_allowed", "message": words}}),
        )],
    );
    let el = element("div");
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {}, "mode": "push", "lang": "en", "mobileNumber": "48059528"})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    wait_for_state(&el, "error", 3000).await;
    assert_eq!(
        alert_of(&el),
        "This shop is not set up to send payments to a phone. Use the QR code or the Vipps button."
    );
    assert_eq!(posted_bodies().len(), 1, "a 403 is not retried");
    let last = parsed(events()).pop().unwrap();
    assert_eq!(last["error"]["code"], "push_not_allowed");
    assert_eq!(
        last["error"]["backendMessage"], words,
        "the backend's words for the developer"
    );
    done(m, el);
}

fn qr_options(code_window_ms: f64) -> ButtonOptions {
    let mut o = ButtonOptions::from_input(ButtonInput {
        mode: Some("qr".into()),
        lang: Some("en".into()),
        ..Default::default()
    })
    .unwrap();
    o.code_window_ms = code_window_ms;
    o
}

#[wasm_bindgen_test]
async fn an_expired_code_is_hidden_and_a_new_one_withdraws_the_old_payment_first() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created("https://api.vipps.no/dwo?token=old")],
    );
    set_route("GET", "/api/vipps/payments/shop-1", vec![state_of("pending")]);
    set_route("POST", "/api/vipps/payments/shop-1/cancel", vec![state_of("cancelled")]);
    let el = element("div");
    let host = Host::new(Some(el.clone().into()));
    let root = el.shadow_root().unwrap();
    let div: HtmlElement = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("div")
        .unwrap()
        .unchecked_into();
    root.append_child(&div).unwrap();
    let payload = options(json!({"items": []}));
    let handle = leptos::mount::mount_to(div, move || in_place_view(qr_options(1500.0), payload, host, false));
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    wait_for_state(&el, "waiting", 3000).await;
    wait_for_state(&el, "expired", 4000).await;
    assert!(shadow(&el, "svg").is_none(), "an expired code cannot be scanned");
    assert!(shadow_text(&el).contains("The QR code has expired"));
    assert_eq!(button_of(&el).text_content().unwrap(), "New QR code for Vipps");
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created("https://api.vipps.no/dwo?token=new")],
    );
    button_of(&el).click();
    wait_for_state(&el, "waiting", 4000).await;
    let order: Vec<String> = parsed(requests())
        .iter()
        .filter(|r| r["method"] == "POST")
        .map(|r| format!("{}{}", r["path"].as_str().unwrap(), r["search"].as_str().unwrap()))
        .collect();
    assert_eq!(
        order,
        [
            "/api/vipps/payments",
            "/api/vipps/payments/shop-1/cancel?t=tok",
            "/api/vipps/payments"
        ],
        "the old payment is withdrawn before the new one starts"
    );
    let keys: Vec<Value> = parsed(requests())
        .iter()
        .filter(|r| r["path"] == "/api/vipps/payments")
        .map(|r| r["key"].clone())
        .collect();
    assert_ne!(keys[0], keys[1], "a new payment, a new key");
    drop(handle);
    el.remove();
}

#[wasm_bindgen_test]
async fn a_code_that_leaves_the_screen_is_withdrawn_and_cancel_withdraws_too() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created("https://api.vipps.no/dwo?token=q")],
    );
    set_route("GET", "/api/vipps/payments/shop-1", vec![state_of("pending")]);
    set_route("POST", "/api/vipps/payments/shop-1/cancel", vec![state_of("cancelled")]);
    let el = element("div");
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {}, "mode": "qr", "lang": "en"})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    wait_for_state(&el, "waiting", 3000).await;
    let cancel: HtmlElement = shadow(&el, "button.vc-again").unwrap().unchecked_into();
    assert!(!cancel.hidden());
    cancel.click();
    wait_for_state(&el, "cancelled", 3000).await;
    assert!(shadow(&el, "svg").is_none());
    done(m, el);

    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created("https://api.vipps.no/dwo?token=q")],
    );
    set_route("GET", "/api/vipps/payments/shop-1", vec![state_of("pending")]);
    set_route("POST", "/api/vipps/payments/shop-1/cancel", vec![state_of("cancelled")]);
    let el = element("div");
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {}, "mode": "qr", "lang": "en"})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    wait_for_state(&el, "waiting", 3000).await;
    done(m, el);
    let mut waited = 0;
    while !parsed(requests())
        .iter()
        .any(|r| r["path"] == "/api/vipps/payments/shop-1/cancel")
    {
        assert!(waited < 2000, "unmounting withdraws the code on show");
        sleep(50).await;
        waited += 50;
    }
}
