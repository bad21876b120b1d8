use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;
use vipps_sim::{public_url, serve, AppState, Config};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("vipps_sim=info")))
        .init();
    let config = Config::parse();
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let url = public_url(&config, addr);
    println!("vipps-sim listening on http://{addr} (public URL {url})");
    println!(
        "  client_id={}  msn={}  payment timeout={}s  direct capture={}  rate limits={}",
        config.client_id, config.msn, config.payment_timeout, config.direct_capture, !config.no_rate_limits
    );
    println!("  client_secret and subscription key: as given (defaults: sim-client-secret, sim-subscription-key)");
    println!("  control API: {url}/_sim/payments");
    let state = AppState::new(config, url);
    serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
