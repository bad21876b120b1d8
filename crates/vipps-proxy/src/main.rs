use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;
use vipps_proxy::{public_url, serve, AppInner, Config};

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("vipps_proxy=info,tower_http=info")),
        )
        .init();
    // `vipps-proxy check [flags]`: only the start-up check of the keys, for a deploy
    // pipeline (exit 0: every sales unit's keys taken; 1: otherwise).
    let mut args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("check") {
        args.remove(1);
        std::process::exit(check(Config::parse_from(args)).await);
    }
    let config = Config::parse();
    if let Err(e) = run(config).await {
        eprintln!("vipps-proxy: {e}");
        std::process::exit(1);
    }
}

async fn check(config: Config) -> i32 {
    let stores = match vipps_proxy::app::stores_of(&config) {
        Ok(stores) => stores,
        Err(e) => {
            eprintln!("vipps-proxy check: {e}");
            return 1;
        }
    };
    let results = vipps_proxy::startup_check::check(&stores).await;
    for r in &results {
        println!("{}", r.line());
    }
    let all_ok = results
        .iter()
        .all(|r| matches!(r.verdict, vipps_proxy::startup_check::Verdict::Ok(_)));
    if all_ok {
        0
    } else {
        1
    }
}

async fn run(config: Config) -> Result<(), String> {
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("--listen {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let url = public_url(&config, addr);
    let app = AppInner::build(config, url.clone()).await?;
    let c = &app.config;
    println!("vipps-proxy listening on http://{addr} (public URL {url})");
    println!("  Vipps: {}  msn={}  db={}", c.vipps_url, c.msn, c.db);
    println!(
        "  shop files: {}  widget pkg: {}  staff API: {}",
        c.www.as_ref().map_or("-".into(), |p| p.display().to_string()),
        c.pkg.as_ref().map_or("-".into(), |p| p.display().to_string()),
        if c.admin_token.is_some() { "on" } else { "off" }
    );
    serve(listener, app, shutdown()).await.map_err(|e| e.to_string())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
