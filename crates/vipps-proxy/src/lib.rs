//! vipps-proxy: the reference merchant backend for the Vipps checkout widget.
//!
//! Start reading at [`routes::router`]; the widget's API is in `routes/widget.rs`, what
//! Vipps calls in `routes/vipps_callbacks.rs`, the truth from `/details` in [`refresh`] and
//! [`status`].

pub mod app;
pub mod catalogue;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod extract;
pub mod gateway;
pub mod hook_paths;
pub mod idempotency;
pub mod limits;
pub mod links;
pub mod money;
pub mod payment_start;
pub mod pricing;
pub mod receipts;
pub mod refresh;
pub mod rejected;
pub mod routes;
pub mod shipping;
pub mod startup_check;
pub mod status;
pub mod stores;
pub mod token;

use std::net::SocketAddr;
use std::time::Duration;

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
    let reconciler = tokio::spawn(reconcile(app.clone()));
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

/// Each sales unit's news of payments kept coming (ePayment's webhook registration,
/// made or checked), once per unit: stores may share one.
async fn keep_news(app: &App) {
    let mut done = std::collections::HashSet::new();
    for store in app.stores.all() {
        if !done.insert(store.msn.clone()) {
            continue;
        }
        if let Err(e) = store.vipps.keep_news(&app.db, &app.public_url).await {
            tracing::error!(msn = %store.msn, error = %e, "no ePayment webhook registration yet; will try again");
        }
    }
}

/// How long Vipps keeps the Userinfo a shopper shared with a payment.
const USERINFO_HOURS: i64 = 168;

/// How long the reconciler's lease lasts unrenewed: after this, an instance that died
/// holding it is replaced.
pub fn reconciler_lease(reconcile_every: u64) -> Duration {
    Duration::from_secs(reconcile_every.max(1) * 3)
}

/// Asks Vipps about orders still pending after `--reconcile-after`, as if their callback
/// never came (Vipps gives no guarantee it does), and prunes what is past
/// `--retention-days`. With several instances on one store, only the holder of the
/// reconciler lease does this; each instance forgets its own idle in-memory state.
async fn reconcile(app: App) {
    let mut tick = tokio::time::interval(Duration::from_secs(app.config.reconcile_every.max(1)));
    let lease = reconciler_lease(app.config.reconcile_every);
    loop {
        tick.tick().await;
        app.refresher.prune();
        app.limits.payments.forget_idle();
        app.limits.polls.forget_idle();
        app.limits.pushes.forget_idle();
        app.limits.consents.forget_idle();
        app.limits.sign_ins.forget_idle();
        app.limits.token_tries.forget_idle();
        app.limits.hooks.forget_idle();
        match app.db.claim_lease(db::RECONCILER, &app.instance, lease).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::error!(error = %e, "reconciler could not reach the store");
                continue;
            }
        }
        keep_news(&app).await;
        let cutoff = chrono::Utc::now() - chrono::Duration::seconds(app.config.reconcile_after as i64);
        let stale = match app.db.stale_pending(cutoff).await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::error!(error = %e, "reconciler could not read the store");
                continue;
            }
        };
        let mut renewed = std::time::Instant::now();
        for order_id in stale {
            // A long run keeps its lease, so no second instance starts the same work.
            if renewed.elapsed() > lease / 3 {
                if !matches!(app.db.claim_lease(db::RECONCILER, &app.instance, lease).await, Ok(true)) {
                    break;
                }
                renewed = std::time::Instant::now();
            }
            let _ = app
                .db
                .add_event(
                    &order_id,
                    "reconcile",
                    &serde_json::json!({"why": "still pending; callback delayed or never came", "by": app.instance}),
                )
                .await;
            if let Err(e) = app.refresher.refresh(&order_id, true).await {
                tracing::warn!(%order_id, error = %e, "reconciliation failed; will try again");
            }
        }
        app.receipts.send_due().await;
        let userinfo_since = chrono::Utc::now() - chrono::Duration::hours(USERINFO_HOURS);
        for order_id in app.db.awaiting_userinfo(userinfo_since).await.unwrap_or_default() {
            if let Err(e) = app.refresher.refresh(&order_id, true).await {
                tracing::warn!(%order_id, error = %e, "Userinfo retry failed");
            }
        }
        let kept_from = chrono::Utc::now() - chrono::Duration::days(app.config.retention_days.into());
        match app.db.prune(kept_from).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                rows = n,
                days = app.config.retention_days,
                "pruned records past retention"
            ),
            Err(e) => tracing::error!(error = %e, "could not prune old records"),
        }
        let books_from = money::books_kept_from(chrono::Utc::now(), app.config.bookkeeping_years);
        match app.db.prune_books(books_from).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                rows = n,
                years = app.config.bookkeeping_years,
                "pruned orders past the bookkeeping period"
            ),
            Err(e) => tracing::error!(error = %e, "could not prune orders past the bookkeeping period"),
        }
    }
}
