//! Browser tests (wasm-bindgen-test, headless Chromium): the widget mounted for real,
//! against a scripted backend that records every request (`tests/scripted`).
#![cfg(target_arch = "wasm32")]

mod scripted;

use scripted::*;
use serde_json::{json, Value};
use vipps_checkout::core::options::{ReturnInput, ReturnOptions};
use vipps_checkout::web::dom::Host;
use vipps_checkout::web::exports::{mount_button, mount_return_view};
use vipps_checkout::web::return_view::return_view;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn draws_the_branded_button_in_both_languages() {
    install();
    let pay = element("div");
    let m1 = mount_button(
        pay.clone(),
        options(json!({"payload": {"items": []}, "lang": "nb"})),
        false,
    )
    .unwrap();
    let express = element("div");
    let m2 = mount_button(
        express.clone(),
        options(json!({"payload": "{}", "mode": "express", "lang": "en"})),
        false,
    )
    .unwrap();
    wait_for_state(&pay, "idle", 2000).await;
    assert_eq!(button_of(&pay).text_content().unwrap(), "Betal med Vipps");
    assert_eq!(button_of(&express).text_content().unwrap(), "Buy now with Vipps");
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&button_of(&pay))
        .unwrap()
        .unwrap();
    assert_eq!(
        style.get_property_value("background-color").unwrap(),
        "rgb(255, 91, 36)"
    );
    assert_eq!(style.get_property_value("color").unwrap(), "rgb(255, 255, 255)");
    let height: f64 = style
        .get_property_value("min-height")
        .unwrap()
        .trim_end_matches("px")
        .parse()
        .unwrap();
    assert!(height >= 44.0);
    done(m1, pay);
    done(m2, express);
}

#[wasm_bindgen_test]
async fn a_fast_double_click_posts_once_with_a_key_and_no_price() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![json!({"status": 201, "delay": 150, "body": created("https://api.vipps.no/dwo?token=abc")["body"]})],
    );
    let el = element("div");
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {"items": [{"sku": "socks", "qty": 2}]}})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "idle", 2000).await;
    let button = button_of(&el);
    button.click();
    button.click();
    button.click();
    wait_for_state(&el, "redirecting", 3000).await;
    let reqs = parsed(requests());
    assert_eq!(reqs.len(), 1, "one POST for three clicks: {reqs:?}");
    let key = reqs[0]["key"].as_str().expect("an Idempotency-Key");
    assert!(key.len() >= 16);
    let body: Value = serde_json::from_str(reqs[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"payload": {"items": [{"sku": "socks", "qty": 2}]}, "express": false})
    );
    assert_eq!(
        parsed(navigations()),
        vec![json!("https://api.vipps.no/dwo?token=abc")],
        "the URL, unchanged"
    );
    assert_eq!(button.get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(button.has_attribute("disabled"));
    let states: Vec<String> = parsed(events())
        .iter()
        .map(|e| e["state"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(states, ["idle", "starting", "redirecting"]);
    done(m, el);
}

#[wasm_bindgen_test]
async fn a_click_made_before_the_bundle_ran_starts_one_payment_once_live() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created("https://api.vipps.no/dwo?token=early")],
    );
    let el = element("div");
    // What index.js does when the painted button was pressed before the wasm arrived.
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {"items": []}, "lang": "nb"})),
        true,
    )
    .unwrap();
    wait_for_state(&el, "redirecting", 3000).await;
    assert_eq!(
        parsed(requests()).len(),
        1,
        "exactly one POST, with no click of its own"
    );
    assert_eq!(
        parsed(navigations()),
        vec![json!("https://api.vipps.no/dwo?token=early")]
    );
    let states: Vec<String> = parsed(events())
        .iter()
        .map(|e| e["state"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(states.last().map(String::as_str), Some("redirecting"));
    assert!(states.contains(&"starting".to_string()));
    done(m, el);
}

#[wasm_bindgen_test]
async fn automatic_retries_reuse_the_clicks_key() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![
            answer(503, json!({"error": {"code": "vipps_unavailable", "message": "down"}})),
            json!({"network": true}),
            created("https://apitest.vipps.no/x?token=1"),
        ],
    );
    let el = element("div");
    let m = mount_button(el.clone(), options(json!({"payload": {"items": []}})), false).unwrap();
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    wait_for_state(&el, "redirecting", 6000).await;
    let reqs = parsed(requests());
    assert_eq!(reqs.len(), 3);
    assert!(
        reqs.iter().all(|r| r["key"] == reqs[0]["key"]),
        "retries of one click share its key"
    );
    // And the page's secret, so the backend replays the answer to this page only.
    let client = reqs[0]["client"].as_str().expect("the page's secret");
    assert!(client.len() >= 16, "{client}");
    assert!(reqs.iter().all(|r| r["client"] == reqs[0]["client"]));
    assert_ne!(reqs[0]["client"], reqs[0]["key"], "a secret of its own");
    done(m, el);
}

#[wasm_bindgen_test]
async fn unsafe_urls_are_refused_and_nothing_navigates() {
    install();
    for url in [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "https://evil.example/pay",
        "http://api.vipps.no/x",
        "https://api.vipps.no@evil.example/",
    ] {
        set_route("POST", "/api/vipps/payments", vec![created(url)]);
        let el = element("div");
        let m = mount_button(
            el.clone(),
            options(json!({"payload": {"items": []}, "lang": "en"})),
            false,
        )
        .unwrap();
        wait_for_state(&el, "idle", 2000).await;
        button_of(&el).click();
        wait_for_state(&el, "error", 3000).await;
        assert_eq!(
            alert_of(&el),
            "The shop answered with a payment address that is not Vipps. For your safety we stopped here.",
            "{url}"
        );
        assert!(!button_of(&el).has_attribute("disabled"), "the shopper can try again");
        done(m, el);
    }
    assert!(parsed(navigations()).is_empty());
    let last = parsed(events()).into_iter().last().unwrap();
    assert_eq!(last["error"]["code"], "unsafe_url");
}

#[wasm_bindgen_test]
async fn a_page_can_allow_its_simulator() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created(
            "http://127.0.0.1:8081/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=t",
        )],
    );
    let el = element("div");
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {}, "allowOrigins": "http://127.0.0.1:8081"})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    wait_for_state(&el, "redirecting", 3000).await;
    assert_eq!(parsed(navigations()).len(), 1);
    done(m, el);
}

#[wasm_bindgen_test]
async fn backend_errors_show_the_widgets_words_and_a_new_click_uses_a_new_key() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![answer(
            400,
            json!({"error": {"code": "not_a_vipps_user", "message": "Dette nummeret er ikke i Vipps."}}),
        )],
    );
    let el = element("div");
    let m = mount_button(el.clone(), options(json!({"payload": {}, "lang": "nb"})), false).unwrap();
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    wait_for_state(&el, "error", 3000).await;
    // The widget's own words for the code, never the backend's message.
    assert_eq!(alert_of(&el), "Dette telefonnummeret er ikke registrert i Vipps.");
    assert!(!shadow_text(&el).contains("Dette nummeret er ikke i Vipps."));
    let error = parsed(events()).pop().unwrap()["error"].clone();
    assert_eq!(
        error,
        json!({"code": "not_a_vipps_user", "message": "Dette telefonnummeret er ikke registrert i Vipps.",
               "retryable": false, "backendMessage": "Dette nummeret er ikke i Vipps."})
    );
    button_of(&el).click();
    let mut waited = 0;
    while parsed(events()).iter().filter(|e| e["state"] == "error").count() < 2 {
        assert!(waited < 3000, "the second click never ended in an error");
        sleep(20).await;
        waited += 20;
    }
    let reqs = parsed(requests());
    assert_eq!(reqs.len(), 2);
    assert_ne!(reqs[0]["key"], reqs[1]["key"], "a new click is a new payment attempt");
    done(m, el);
}

#[wasm_bindgen_test]
async fn misconfiguration_is_shown_not_thrown() {
    install();
    for bad in [
        json!({"mode": "express", "lang": "en"}),
        json!({"payload": {}, "paylod": {}, "lang": "en"}),
        json!({"payload": {}, "mode": "buy", "lang": "en"}),
        json!({"payload": "{not json", "lang": "en"}),
    ] {
        let el = element("div");
        let m = mount_button(el.clone(), options(bad.clone()), false).unwrap();
        wait_for_state(&el, "error", 2000).await;
        assert_eq!(
            alert_of(&el),
            "The payment button is set up wrongly. Please contact the shop.",
            "{bad}"
        );
        assert!(
            el.shadow_root().unwrap().query_selector("button").unwrap().is_none(),
            "{bad}: no button"
        );
        done(m, el);
    }
    assert!(parsed(requests()).is_empty());
}

#[wasm_bindgen_test]
async fn the_mobile_number_goes_to_the_backend_and_unmount_twice_is_safe() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created("https://api.vipps.no/dwo?token=m")],
    );
    let el = element("div");
    let mut m = mount_button(
        el.clone(),
        options(json!({"payload": {"items": []}, "mobileNumber": "91234567"})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    wait_for_state(&el, "redirecting", 3000).await;
    let body: Value = serde_json::from_str(parsed(requests())[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["mobileNumber"], "91234567");
    m.unmount();
    m.unmount();
    assert!(el.shadow_root().unwrap().query_selector("button").unwrap().is_none());
    el.remove();
}

fn return_options() -> JsValue {
    options(json!({"orderId": "shop-1", "token": "tok", "lang": "en"}))
}

#[wasm_bindgen_test]
async fn the_return_page_goes_from_pending_to_confirmed() {
    install();
    let mut confirmed = state_of("reserved");
    confirmed["body"]["shipping"] = json!({"method": "Posten Servicepakke", "methodId": "posten", "cost": {"value": 9900, "currency": "NOK"},
                                           "address": {"addressLine1": "Karl Johans gate 1", "postCode": "0154", "city": "OSLO", "country": "Norway"}});
    set_route(
        "GET",
        "/api/vipps/payments/shop-1",
        vec![state_of("pending"), confirmed],
    );
    let el = element("div");
    let m = mount_return_view(el.clone(), return_options()).unwrap();
    wait_for_state(&el, "waiting", 2000).await;
    assert!(shadow_text(&el).contains("Waiting for confirmation"));
    wait_for_state(&el, "confirmed", 9000).await;
    let text = shadow_text(&el).replace('\u{a0}', " ");
    assert!(text.contains("Payment confirmed"), "{text}");
    assert!(text.contains("NOK 298.00") && text.contains("shop-1"), "{text}");
    assert!(
        text.contains("Posten Servicepakke") && text.contains("Karl Johans gate 1, 0154 OSLO"),
        "{text}"
    );
    let live = el
        .shadow_root()
        .unwrap()
        .query_selector("[aria-live]")
        .unwrap()
        .unwrap();
    assert!(
        live.text_content().unwrap().contains("Payment confirmed"),
        "announced in the live region"
    );
    let reqs = parsed(requests());
    assert_eq!(reqs[0]["search"], "?t=tok");
    let n = reqs.len();
    sleep(2500).await;
    assert_eq!(parsed(requests()).len(), n, "polling stops at a final state");
    done(m, el);
}

#[wasm_bindgen_test]
async fn cancelled_failed_and_expired_are_final() {
    install();
    for (status, state, words) in [
        ("cancelled", "cancelled", "cancelled"),
        ("failed", "failed", "did not go through"),
        ("expired", "expired", "could not confirm"),
    ] {
        set_route("GET", "/api/vipps/payments/shop-1", vec![state_of(status)]);
        let el = element("div");
        let m = mount_return_view(el.clone(), return_options()).unwrap();
        wait_for_state(&el, state, 2000).await;
        assert!(shadow_text(&el).contains(words), "{status}: {}", shadow_text(&el));
        assert!(!shadow_text(&el).contains("NOK"), "no amount for an unpaid order");
        let n = parsed(requests()).len();
        sleep(2500).await;
        assert_eq!(parsed(requests()).len(), n, "{status}: polling stops, still mounted");
        done(m, el);
    }
}

#[wasm_bindgen_test]
async fn a_5xx_then_a_network_error_then_recovery() {
    install();
    set_route(
        "GET",
        "/api/vipps/payments/shop-1",
        vec![
            answer(502, json!({"error": {"code": "vipps_unavailable", "message": "x"}})),
            json!({"network": true}),
            state_of("captured"),
        ],
    );
    let el = element("div");
    let m = mount_return_view(el.clone(), return_options()).unwrap();
    wait_for_state(&el, "error", 2000).await;
    assert!(shadow_text(&el).contains("Trying again"));
    let mut again = None;
    for _ in 0..100 {
        // Offered (not hidden) only while a retryable problem lasts.
        again = el
            .shadow_root()
            .unwrap()
            .query_selector("button.vc-again:not([hidden])")
            .unwrap();
        if again.is_some() {
            break;
        }
        sleep(20).await;
    }
    // The next scheduled check is 2 s after the 502: "Check again" asks at once.
    let before = parsed(requests()).len();
    again
        .expect("a way to check again")
        .unchecked_into::<HtmlElement>()
        .click();
    let mut waited = 0;
    while parsed(requests()).len() == before {
        assert!(waited < 1200, "'Check again' asked nothing within {waited} ms");
        sleep(20).await;
        waited += 20;
    }
    wait_for_state(&el, "confirmed", 9000).await;
    assert_eq!(parsed(requests()).len(), 3);
    let offered = el
        .shadow_root()
        .unwrap()
        .query_selector("button.vc-again:not([hidden])")
        .unwrap();
    assert!(offered.is_none(), "no 'Check again' once confirmed");
    done(m, el);
}

#[wasm_bindgen_test]
async fn a_tampered_link_shows_an_error_and_no_order_data() {
    install();
    set_route(
        "GET",
        "/api/vipps/payments/shop-1",
        vec![answer(
            404,
            json!({"error": {"code": "not_found", "message": "No such order."}}),
        )],
    );
    let el = element("div");
    let m = mount_return_view(el.clone(), return_options()).unwrap();
    wait_for_state(&el, "error", 2000).await;
    assert!(shadow_text(&el).contains("cannot find this payment"));
    sleep(2500).await;
    assert_eq!(parsed(requests()).len(), 1, "no polling after a refusal");
    done(m, el);

    let el = element("div");
    let m = mount_return_view(el.clone(), options(json!({"lang": "en"}))).unwrap();
    wait_for_state(&el, "error", 2000).await;
    assert_eq!(parsed(requests()).len(), 1, "no orderId in the URL: nothing to ask");
    done(m, el);
}

#[wasm_bindgen_test]
async fn the_token_leaves_the_address_bar_and_an_expired_link_says_so() {
    install();
    let window = web_sys::window().unwrap();
    let history = window.history().unwrap();
    let before = window.location().href().unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some("?orderId=shop-1&t=1800000000.mac&utm=x#top"))
        .unwrap();
    set_route("GET", "/api/vipps/payments/shop-1", vec![state_of("pending")]);
    let el = element("div");
    let m = mount_return_view(el.clone(), options(json!({"lang": "en"}))).unwrap();
    wait_for_state(&el, "waiting", 2000).await;
    let location = window.location();
    assert_eq!(
        location.search().unwrap(),
        "?orderId=shop-1&utm=x",
        "t is gone, the rest stays"
    );
    assert_eq!(location.hash().unwrap(), "#top");
    assert_eq!(
        parsed(requests())[0]["search"],
        "?t=1800000000.mac",
        "the token read before it went"
    );
    done(m, el);

    // A reload of this tab (the same URL without t) still finds the order.
    install();
    set_route(
        "GET",
        "/api/vipps/payments/shop-1",
        vec![answer(
            410,
            json!({"error": {"code": "link_expired", "message": "This link has expired."}}),
        )],
    );
    let el = element("div");
    let m = mount_return_view(el.clone(), options(json!({"lang": "en"}))).unwrap();
    wait_for_state(&el, "error", 2000).await;
    assert_eq!(
        parsed(requests())[0]["search"],
        "?t=1800000000.mac",
        "remembered for this tab"
    );
    assert!(
        shadow_text(&el).contains("This link has expired"),
        "{}",
        shadow_text(&el)
    );
    sleep(2500).await;
    assert_eq!(parsed(requests()).len(), 1, "an expired link is not polled again");
    done(m, el);
    window.session_storage().unwrap().unwrap().clear().unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&before))
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_named_store_goes_with_every_request_and_stays_in_the_return_url() {
    install();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![created("https://api.vipps.no/dwo?token=s")],
    );
    let el = element("div");
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {"items": []}, "store": "fjord"})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    wait_for_state(&el, "redirecting", 3000).await;
    let post = &parsed(requests())[0];
    assert_eq!(
        (post["path"].as_str(), post["search"].as_str()),
        (Some("/api/vipps/payments"), Some("?store=fjord"))
    );
    done(m, el);

    install();
    let window = web_sys::window().unwrap();
    let history = window.history().unwrap();
    let before = window.location().href().unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some("?orderId=shop-1&t=tok&store=fjord"))
        .unwrap();
    set_route("GET", "/api/vipps/payments/shop-1", vec![state_of("pending")]);
    let el = element("div");
    let m = mount_return_view(el.clone(), options(json!({"lang": "en"}))).unwrap();
    wait_for_state(&el, "waiting", 2000).await;
    assert_eq!(
        parsed(requests())[0]["search"],
        "?t=tok&store=fjord",
        "the return URL's store"
    );
    assert_eq!(
        window.location().search().unwrap(),
        "?orderId=shop-1&store=fjord",
        "only t leaves"
    );
    done(m, el);
    window.session_storage().unwrap().unwrap().clear().unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&before))
        .unwrap();

    let el = element("div");
    let m = mount_button(
        el.clone(),
        options(json!({"payload": {}, "store": "Fjord Kaffe"})),
        false,
    )
    .unwrap();
    wait_for_state(&el, "error", 2000).await;
    done(m, el);
}

#[wasm_bindgen_test]
async fn unmount_stops_polling() {
    install();
    set_route("GET", "/api/vipps/payments/shop-1", vec![state_of("pending")]);
    let el = element("div");
    let m = mount_return_view(el.clone(), return_options()).unwrap();
    wait_for_state(&el, "waiting", 2000).await;
    sleep(100).await;
    done(m, el);
    let n = parsed(requests()).len();
    sleep(6000).await;
    assert_eq!(parsed(requests()).len(), n);
}

#[wasm_bindgen_test]
async fn unmount_aborts_the_requests_in_flight() {
    install();
    let slow = |body: Value| json!({"status": 200, "body": body, "delay": 4000});
    let state = state_of("pending")["body"].clone();
    set_route("GET", "/api/vipps/payments/shop-1", vec![slow(state)]);
    let el = element("div");
    let m = mount_return_view(el.clone(), return_options()).unwrap();
    while parsed(requests()).is_empty() {
        sleep(20).await;
    }
    // `abort()` fires the request's abort event at once: nothing to wait for.
    done(m, el);
    assert_eq!(parsed(aborted()), vec![json!("GET /api/vipps/payments/shop-1")]);

    install();
    let created = created("https://api.vipps.no/dwo?token=t")["body"].clone();
    set_route(
        "POST",
        "/api/vipps/payments",
        vec![json!({"status": 201, "body": created, "delay": 4000})],
    );
    let el = element("div");
    let m = mount_button(el.clone(), options(json!({"payload": {"items": []}})), false).unwrap();
    wait_for_state(&el, "idle", 2000).await;
    button_of(&el).click();
    while parsed(requests()).is_empty() {
        sleep(20).await;
    }
    done(m, el);
    assert_eq!(parsed(aborted()), vec![json!("POST /api/vipps/payments")]);
    // Past the moment the held answer would have come: still no navigation.
    sleep(4200).await;
    assert!(
        parsed(navigations()).is_empty(),
        "an unmounted button never leaves the page"
    );
}

#[wasm_bindgen_test]
async fn a_hidden_tab_pauses_polling_and_checks_at_once_when_shown() {
    install();
    set_route("GET", "/api/vipps/payments/shop-1", vec![state_of("pending")]);
    let el = element("div");
    let m = mount_return_view(el.clone(), return_options()).unwrap();
    wait_for_state(&el, "waiting", 2000).await;
    let first = parsed(requests()).len();

    // Hidden across the 5 s check: nothing is asked.
    set_hidden(true);
    sleep(6500).await;
    assert_eq!(parsed(requests()).len(), first, "no polling while hidden");

    // Shown: one check at once, then the regular 2 s rhythm.
    set_hidden(false);
    sleep(600).await;
    assert_eq!(parsed(requests()).len(), first + 1, "checked as soon as the tab shows");

    // Hidden and shown again well before the next check is due (2 s): checked at once
    // all the same, not when the interval ends.
    set_hidden(true);
    sleep(300).await;
    set_route("GET", "/api/vipps/payments/shop-1", vec![state_of("reserved")]);
    set_hidden(false);
    wait_for_state(&el, "confirmed", 900).await;
    done(m, el);
}

#[wasm_bindgen_test]
async fn after_the_payment_window_it_gives_up_and_says_what_to_do() {
    install();
    set_route("GET", "/api/vipps/payments/shop-1", vec![state_of("pending")]);
    let el = element("div");
    let mut options = ReturnOptions::from_input(ReturnInput {
        order_id: Some("shop-1".into()),
        token: Some("tok".into()),
        lang: Some("en".into()),
        ..Default::default()
    })
    .unwrap();
    // The window is WINDOW_MS (Vipps' 10 minutes and a margin); here 1.5 s.
    options.window_ms = 1_500.0;
    let host = Host::new(Some(el.clone().into()));
    let handle = leptos::mount::mount_to(el.clone(), move || return_view(options, host));
    wait_for_state(&el, "waiting", 2000).await;
    wait_for_state(&el, "expired", 6000).await;
    let text = el.text_content().unwrap_or_default();
    assert!(text.contains("We could not confirm the payment"), "{text}");
    assert!(text.contains("Check the Vipps app"), "{text}");
    let n = parsed(requests()).len();
    sleep(2500).await;
    assert_eq!(parsed(requests()).len(), n, "no polling after giving up");
    let last = parsed(events()).into_iter().last().unwrap();
    assert_eq!(last["state"], "expired");
    drop(handle);
    el.remove();
}

// ---- The payments that stay on the page (the kiosk bundle: mode "qr" and "push") ----

#[cfg(feature = "kiosk")]
mod in_place {
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
}
