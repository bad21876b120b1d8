//! vipps-proxy: the reference merchant backend for the Vipps checkout widget.
//!
//! Start reading at [`routes::router`]; the widget's API is in `routes/widget.rs`, a
//! payment's start in [`payment_start`], Vipps behind the [`gateway::Gateway`] trait,
//! what Vipps calls in `routes/vipps_callbacks.rs` and `routes/vipps_webhooks.rs`, the
//! truth stored by [`refresh`], and the work nobody asks for in [`background`].

pub mod app;
pub mod background;
pub mod catalogue;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod export;
pub mod extract;
pub mod gateway;
pub mod hook_paths;
pub mod idempotency;
pub mod limits;
pub mod links;
pub mod money;
pub mod news;
pub mod payment_start;
pub mod pricing;
pub mod receipts;
pub mod refresh;
pub mod rejected;
pub mod routes;
pub mod shipping;
pub mod staff_ops;
pub mod staff_status;
pub mod staff_view;
pub mod startup_check;
pub mod status;
pub mod stores;
pub mod token;

use std::net::SocketAddr;
use tokio::net::TcpListener;

pub use app::{App, AppInner};
pub use config::Config;

pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub app: App,
}

pub fn public_url(config: &Config, addr: SocketAddr) -> String {
    config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"))
}

/// Binds, builds and serves in the background (tests, embedding).
pub async fn spawn(config: Config) -> Result<Running, String> {
    let listener = TcpListener::bind(config.listen).await.map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = AppInner::build(config.clone(), public_url(&config, addr)).await?;
    tokio::spawn(serve(listener, app.clone(), std::future::pending()));
    Ok(Running {
        addr,
        base_url: format!("http://{addr}"),
        app,
    })
}

pub async fn serve(
    listener: TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let reconciler = tokio::spawn(background::run(app.clone()));
    let result = axum::serve(
        listener,
        routes::router(app.clone()).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    reconciler.abort();
    // Another instance takes the background work over at once rather than after the lease.
    let _ = app.db.release_lease(db::RECONCILER, &app.instance).await;
    result
}
