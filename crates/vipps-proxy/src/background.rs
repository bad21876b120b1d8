//! The work nobody asks for, done by one instance at a time (the holder of the
//! reconciler lease): payments whose news never came asked about, news channels kept
//! (ePayment's webhook registrations), receipts sent, Userinfo fetched again, and what is
//! past its time pruned. Every instance forgets its own idle in-memory state.

use std::time::Duration;

use crate::App;

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
pub async fn run(app: App) {
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
        match app.db.claim_lease(crate::db::RECONCILER, &app.instance, lease).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::error!(error = %e, "reconciler could not reach the database");
                continue;
            }
        }
        keep_news(&app).await;
        let cutoff = chrono::Utc::now() - chrono::Duration::seconds(app.config.reconcile_after as i64);
        let stale = match app.db.stale_pending(cutoff).await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::error!(error = %e, "reconciler could not read the database");
                continue;
            }
        };
        let mut renewed = std::time::Instant::now();
        for order_id in stale {
            // A long run keeps its lease, so no second instance starts the same work.
            if renewed.elapsed() > lease / 3 {
                if !matches!(
                    app.db.claim_lease(crate::db::RECONCILER, &app.instance, lease).await,
                    Ok(true)
                ) {
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
        let books_from = crate::money::books_kept_from(chrono::Utc::now(), app.config.bookkeeping_years);
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
