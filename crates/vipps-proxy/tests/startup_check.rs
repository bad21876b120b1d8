//! The start-up check (issue 27): keys Vipps refuses stop the start with the sales unit
//! and the call named, instead of a 503 at the first shopper's click; a store with a unit
//! of its own is checked too; a Vipps that does not answer lets the start go on;
//! `--skip-startup-check` starts offline; `vipps-proxy check` does only the check and
//! exits 0 or 1, for a deploy pipeline. Against the real simulator.

mod common;

use std::process::Command;

use clap::Parser;
use common::{free_port, fresh_db, proxy_args, start_sim, temp_dir};
use serde_json::json;

fn config(sim: &str, extra: &[&str]) -> vipps_proxy::Config {
    let dir = temp_dir("startup-check");
    let mut args = proxy_args(sim, &fresh_db(&dir));
    args.extend(extra.iter().map(|s| s.to_string()));
    vipps_proxy::Config::parse_from(args)
}

/// `args` with the value after `flag` replaced by `to`.
fn with_flag(mut args: Vec<String>, flag: &str, to: &str) -> Vec<String> {
    let at = args.iter().position(|a| a == flag).expect("the flag") + 1;
    args[at] = to.to_string();
    args
}

#[tokio::test]
async fn keys_vipps_refuses_stop_the_start_naming_the_unit_and_the_call() {
    for api in ["ecom", "epayment"] {
        let sim = start_sim(&[]).await;
        let mut wrong = config(&sim, &["--api", api]);
        wrong.client_secret = "not-the-secret".into();
        let err = match vipps_proxy::spawn(wrong.clone()).await {
            Err(e) => e,
            Ok(_) => panic!("{api}: started with keys Vipps refuses"),
        };
        assert!(err.contains("sales unit 123456"), "{err}");
        assert!(err.contains("the default store"), "{err}");
        assert!(err.contains("POST /accesstoken/get answered 401"), "{err}");
        assert!(err.contains("--client-secret"), "what to check: {err}");

        let mut offline = wrong;
        offline.skip_startup_check = true;
        assert!(
            vipps_proxy::spawn(offline).await.is_ok(),
            "{api}: --skip-startup-check starts anyway"
        );
        assert!(
            vipps_proxy::spawn(config(&sim, &["--api", api])).await.is_ok(),
            "{api}: the right keys start"
        );
    }
}

#[tokio::test]
async fn a_store_with_a_sales_unit_of_its_own_is_checked_too() {
    let sim = start_sim(&["--sales-unit", "654321:fjord-id:fjord-secret:fjord-key:Fjord Kaffe"]).await;
    std::env::set_var("CHECK_TEST_FJORD_SECRET", "an-old-secret");
    std::env::set_var("CHECK_TEST_FJORD_KEY", "fjord-key");
    let dir = temp_dir("startup-check-stores");
    let file = dir.join("stores.json");
    std::fs::write(
        &file,
        json!({"stores": {"fjord": {"name": "Fjord Kaffe", "orderPrefix": "fjord", "msn": "654321",
            "clientId": "fjord-id", "clientSecretEnv": "CHECK_TEST_FJORD_SECRET",
            "subscriptionKeyEnv": "CHECK_TEST_FJORD_KEY"}}})
        .to_string(),
    )
    .unwrap();
    let err = match vipps_proxy::spawn(config(&sim, &["--stores", file.to_str().unwrap()])).await {
        Err(e) => e,
        Ok(_) => panic!("started with fjord's keys refused"),
    };
    assert!(err.contains("sales unit 654321 (fjord)"), "{err}");
    assert!(!err.contains("123456"), "the default unit's keys are fine: {err}");
    assert!(err.contains("clientSecretEnv"), "what to check: {err}");
}

#[tokio::test]
async fn a_vipps_that_does_not_answer_lets_the_start_go_on() {
    let nobody = format!("http://127.0.0.1:{}", free_port());
    assert!(vipps_proxy::spawn(config(&nobody, &[])).await.is_ok());
}

#[tokio::test]
async fn vipps_proxy_check_exits_0_or_1_for_a_deploy_pipeline() {
    let sim = start_sim(&[]).await;
    let dir = temp_dir("check-command");
    let args = proxy_args(&sim, &fresh_db(&dir));
    // The simulator runs on this test's runtime: the command is waited for off it.
    let run = |args: &[String]| {
        let args = args[1..].to_vec();
        async move {
            let out = tokio::task::spawn_blocking(move || {
                Command::new(env!("CARGO_BIN_EXE_vipps-proxy"))
                    .arg("check")
                    .args(&args)
                    .env_remove("VIPPS_CLIENT_SECRET")
                    .env_remove("VIPPS_SUBSCRIPTION_KEY")
                    .output()
                    .unwrap()
            })
            .await
            .unwrap();
            (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
        }
    };
    let (code, out) = run(&args).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("ok       sales unit 123456"), "{out}");

    let (code, out) = run(&with_flag(args.clone(), "--client-secret", "not-the-secret")).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("REFUSED  sales unit 123456") && out.contains("POST /accesstoken/get answered 401"),
        "{out}"
    );

    let nobody = format!("http://127.0.0.1:{}", free_port());
    let (code, out) = run(&with_flag(args.clone(), "--vipps-url", &nobody)).await;
    assert_eq!(code, Some(1), "unchecked is not a pass: {out}");
    assert!(out.contains("UNKNOWN"), "{out}");

    let mut epayment = args;
    epayment.extend(["--api".to_string(), "epayment".to_string()]);
    let (code, out) = run(&epayment).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("webhook registration(s) readable"), "{out}");
}
