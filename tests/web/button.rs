//! The button: drawn, clicked once however often, its errors, its options.

use super::*;

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
