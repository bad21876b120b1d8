//! The staff dashboard over HTTP, as an attacker would try it: nothing without a session,
//! nothing without the session's form token, nothing at all when the staff API is off.
//! (The whole staff journey in a browser is `tests/e2e/dashboard.test.mjs`.)

mod common;

use common::{new_key, socks, stack, ADMIN};
use reqwest::StatusCode;

#[tokio::test]
async fn without_a_session_every_page_and_action_goes_to_sign_in_and_changes_nothing() {
    let s = stack().await;
    let (order_id, token, _) = s.start(&socks(1)).await;
    s.sim_act(&order_id, "approve", None).await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    for path in [
        "/admin/orders",
        &format!("/admin/orders/{order_id}"),
        "/admin/export.csv?from=2020-01-01&to=2030-12-31",
    ] {
        let res = s.http.get(format!("{}{path}", s.proxy)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(res.headers()["location"], "/admin/sign-in");
    }
    let forged = s
        .http
        .post(format!("{}/admin/orders/{order_id}/capture", s.proxy))
        .header("Cookie", "vipps_staff=guessed-session")
        .form(&[("csrf", "x"), ("key", new_key().as_str()), ("step", "do")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status(),
        StatusCode::SEE_OTHER,
        "an unknown session is no session"
    );
    assert_eq!(s.sim_payment(&order_id).await["capturedAmount"], 0);

    let signed_in = s
        .http
        .post(format!("{}/admin/sign-in", s.proxy))
        .form(&[("token", ADMIN)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/admin"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_string();
    let no_form_token = s
        .http
        .post(format!("{}/admin/orders/{order_id}/capture", s.proxy))
        .header("Cookie", &session)
        .form(&[("key", new_key().as_str()), ("step", "do")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        no_form_token.status(),
        StatusCode::FORBIDDEN,
        "a cross-site form has no form token"
    );
    assert_eq!(s.sim_payment(&order_id).await["capturedAmount"], 0);
    let page = s
        .http
        .get(format!("{}/admin/orders/{order_id}", s.proxy))
        .header("Cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers()["cache-control"],
        "no-store",
        "personal data is not cached"
    );
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script"), "no script at all");
}

#[tokio::test]
async fn without_a_staff_token_there_is_no_dashboard() {
    // The proxy's usual arguments without --admin-token.
    let sim = common::start_sim(&[]).await;
    let dir = common::temp_dir("no-staff");
    let mut args = common::proxy_args(&sim, &common::fresh_db(&dir));
    let at = args.iter().position(|a| a == "--admin-token").unwrap();
    args.drain(at..at + 2);
    use clap::Parser;
    let running = vipps_proxy::spawn(vipps_proxy::Config::parse_from(args)).await.unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in ["/admin/sign-in", "/admin/orders"] {
        let res = http.get(format!("{}{path}", running.base_url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let res = http
        .post(format!("{}/admin/sign-in", running.base_url))
        .form(&[("token", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no token signs in to nothing");
}
