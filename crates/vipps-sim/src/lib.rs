//! vipps-sim: a faithful local sandbox of the Vipps eCom API v2, the ePayment API v1 and
//! the Webhooks API, held to what Vipps publishes (README: every remaining difference).
//!
//! Start reading at [`routes::router`] for the HTTP surface; each API's payments are in
//! its folder: [`ecom`] (`validate`: what initiate accepts, `ledger`: a payment's life,
//! `user_acts`: what the user does) and [`epayment`].

pub mod auth;
pub mod calls;
pub mod choices;
pub mod config;
pub mod delivery;
pub mod ecom;
pub mod epayment;
pub mod error;
pub mod expiry;
pub mod faults;
pub mod in_app;
pub mod order_management;
pub mod pages;
pub mod qr;
pub mod rate_limit;
pub mod routes;
pub mod shipping;
pub mod state;
pub mod testkit;
pub mod userinfo;
pub mod users;
pub mod webhook_signature;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;

pub use config::Config;
pub use state::AppState;

/// A simulator running in this process (for tests and embedding).
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub state: AppState,
}

/// The public URL for a bound address: `--public-url`, else `http://` + the address.
pub fn public_url(config: &Config, addr: SocketAddr) -> String {
    config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"))
}

/// Binds `config.listen` and serves in the background until the process ends.
pub async fn spawn(config: Config) -> std::io::Result<Running> {
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(config.clone(), public_url(&config, addr));
    tokio::spawn(serve(listener, state.clone(), std::future::pending()));
    Ok(Running {
        addr,
        base_url: format!("http://{addr}"),
        state,
    })
}

/// Serves until `shutdown` completes; runs the payment-timeout sweeper alongside.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sweeper = tokio::spawn(sweep(state.clone()));
    let app = routes::router(state).layer(tower_http::trace::TraceLayer::new_for_http());
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    sweeper.abort();
    result
}

/// Times out abandoned payments, starts webhook retries that came due, and forgets stale rate-limit windows and tokens.
async fn sweep(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut last_prune = Instant::now();
    loop {
        tick.tick().await;
        expiry::expire_overdue(&state);
        epayment::deliveries::start_due(&state);
        if last_prune.elapsed() > Duration::from_secs(60) {
            state.limiter().prune(Instant::now());
            auth::prune(&state);
            last_prune = Instant::now();
        }
    }
}
