//! The return page: the order's status polled until final, a tampered or expired link,
//! a named store, unmount, a hidden tab, the payment window.

use super::*;

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
