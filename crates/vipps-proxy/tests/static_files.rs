//! Serving the demo: the shop's files and the widget's package, under a strict CSP.

mod common;

use common::stack_with;

#[tokio::test]
async fn serves_the_shop_and_the_widget_package_under_a_strict_csp() {
    let www = common::temp_dir("www");
    let pkg = common::temp_dir("pkg");
    std::fs::write(www.join("index.html"), "<!doctype html><title>Nordlys</title>").unwrap();
    std::fs::write(pkg.join("vipps_checkout_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("embed.js"), "export {};").unwrap();
    let s = stack_with(&[], &["--www", www.to_str().unwrap(), "--pkg", pkg.to_str().unwrap()]).await;

    let res = s.http.get(format!("{}/", s.proxy)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert_eq!(
        csp,
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; \
         img-src 'self' data:; frame-ancestors 'none'",
        "the whole policy: no 'unsafe-inline', no other host"
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.text().await.unwrap().contains("Nordlys"));

    let res = s
        .http
        .get(format!("{}/pkg/vipps_checkout_bg.wasm", s.proxy))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let res = s.http.get(format!("{}/pkg/embed.js", s.proxy)).send().await.unwrap();
    assert!(res.headers()["content-type"].to_str().unwrap().contains("javascript"));

    let res = s
        .http
        .get(format!("{}/nothing-here.html", s.proxy))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = s
        .http
        .get(format!("{}/api/vipps/unknown", s.proxy))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(
        res.headers().get("x-request-id").is_some(),
        "every answer carries a request id"
    );
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let s = stack_with(&[], &["--allow-origin", "https://shop.example"]).await;
    let preflight = |origin: &'static str| {
        s.http
            .request(reqwest::Method::OPTIONS, format!("{}/api/vipps/payments", s.proxy))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type,idempotency-key")
            .send()
    };
    let res = preflight("https://shop.example").await.unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "https://shop.example");
    let res = preflight("https://evil.example").await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn no_cors_headers_at_all_when_no_origin_is_allowed() {
    let s = common::stack().await;
    for origin in ["https://shop.example", "https://evil.example", "null"] {
        let preflight = s
            .http
            .request(reqwest::Method::OPTIONS, format!("{}/api/vipps/payments", s.proxy))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type,idempotency-key")
            .send()
            .await
            .unwrap();
        let post = s
            .http
            .post(format!("{}/api/vipps/payments", s.proxy))
            .header("Origin", origin)
            .header("Idempotency-Key", common::new_key())
            .json(&common::socks(1))
            .send()
            .await
            .unwrap();
        for res in [&preflight, &post] {
            let cors: Vec<_> = res
                .headers()
                .keys()
                .filter(|k| k.as_str().starts_with("access-control-"))
                .collect();
            assert!(cors.is_empty(), "{origin}: {cors:?}");
        }
    }
}
