//! A receipt in the shopper's Vipps app for every paid order, on either API: once the
//! payment is reserved (or sold), its lines (`build`) go to the Order Management API with
//! an `ORDER_CONFIRMATION` link to the shop's page for the order. Vipps' checklists for
//! eCom and ePayment ask for receipts ("Add information to the payment history":
//! `vippsas/vipps-epayment-api` `checklist.md` at
//! 31a14f71470a00c1bb686b279a2ec6a7efbb88ac, `vippsas/vipps-ecom-api`
//! `vipps-ecom-api-checklist.md` at a2a3ebd44b659e08ceee98a364a0b237db682471).
//!
//! Sent once: an outcome is recorded once (`db::receipts`), and Vipps takes one receipt
//! per order (a second is 409, read as "sent"). A failure that may pass (no answer, 5xx,
//! 429, keys refused) leaves it due: the reconciler tries again. A refund or a partial
//! capture sends nothing more.

pub mod build;

use std::sync::Arc;

use serde_json::json;

use crate::catalogue::PricedCart;
use crate::db::{Db, Order, ReceiptOutcome};
use crate::gateway::order_management::ReceiptSent;
use crate::stores::Stores;
use crate::token::TokenKey;
use build::ShippingPaid;

/// How long the link on a receipt opens the order's page: a year. Its token is of its own
/// kind (`token::Link::Receipt`): it reads the order (status, amount, shipping method)
/// without the delivery address and can change nothing, so it may stay in the app.
pub const LINK_DAYS: i64 = 365;

/// How far back the reconciler looks for receipts still due; older ones are given up on
/// (recorded in the order's history).
pub const DUE_FOR_DAYS: i64 = 7;

/// At most this many receipts a reconciler round, and for at most this long: Vipps
/// being slow must not hold up the rest of its work (pending orders, Userinfo).
const PER_ROUND: i64 = 20;
const ROUND_BUDGET: std::time::Duration = std::time::Duration::from_secs(30);

/// How long one sender holds a receipt (`Db::claim_receipt`): longer than its two calls
/// to Vipps can take with their retries (10 s timeouts), so nobody sends it meanwhile.
const CLAIM_FOR: std::time::Duration = std::time::Duration::from_secs(60);

/// How long a receipt Vipps could not take waits before its next try: the reconciler's
/// interval, doubling with each try, at most an hour.
pub fn backoff(base: std::time::Duration, tries: i64) -> chrono::Duration {
    let factor = 1u32 << tries.clamp(0, 12) as u32;
    let wait = base.saturating_mul(factor).min(std::time::Duration::from_secs(3600));
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
}

/// Sends receipts: owns what it needs (the database, the stores' Vipps clients, the key of
/// the links' tokens, the shop's return page).
pub struct Receipts {
    db: Db,
    stores: Arc<Stores>,
    key: TokenKey,
    /// `{public URL}{--return-path}`.
    page: String,
    enabled: bool,
    /// The first wait after a failure (`--reconcile-every`).
    retry_base: std::time::Duration,
}

impl Receipts {
    pub fn new(
        db: Db,
        stores: Arc<Stores>,
        key: TokenKey,
        page: String,
        enabled: bool,
        retry_base: std::time::Duration,
    ) -> Self {
        Receipts {
            db,
            stores,
            key,
            page,
            enabled,
            retry_base,
        }
    }

    /// A failure that may pass: the receipt waits, backing off, for the reconciler.
    async fn later(&self, order_id: &str, why: &str) {
        let base = self.retry_base;
        match self.db.receipt_later(order_id, |tries| backoff(base, tries)).await {
            Ok(tries) => tracing::warn!(%order_id, tries, %why, "receipt not sent yet; the reconciler tries again"),
            Err(e) => tracing::warn!(%order_id, error = %e, %why, "receipt not sent yet"),
        }
    }

    /// Sends `order_id`'s receipt if it is due and no other sender holds it (a refresh
    /// and the reconciler, or two instances, may ask at once: one sends). Never fails:
    /// what went wrong is logged, and recorded in the order's history when it will not
    /// be tried again.
    pub async fn send_if_due(&self, order_id: &str) {
        if !self.enabled {
            return;
        }
        let now = chrono::Utc::now();
        let until = now + chrono::Duration::from_std(CLAIM_FOR).expect("a short claim");
        let order = match self.db.claim_receipt(order_id, now, until).await {
            Ok(true) => match self.db.order(order_id).await {
                Ok(Some(order)) => order,
                Ok(None) => return,
                Err(e) => return tracing::warn!(%order_id, error = %e, "receipt: the order could not be read"),
            },
            Ok(false) => return,
            Err(e) => return tracing::warn!(%order_id, error = %e, "receipt: the database could not be read"),
        };
        self.send(&order).await;
    }

    async fn send(&self, order: &Order) {
        let order_id = order.order_id.as_str();
        let Some(store) = self.stores.get(&order.store) else {
            return tracing::error!(%order_id, store = %order.store, "receipt: the order's store is gone");
        };
        let receipt = match receipt_of(order) {
            Ok(r) => r,
            Err(why) => {
                tracing::error!(%order_id, %why, "receipt not sent");
                let _ = self
                    .db
                    .record_receipt(order_id, ReceiptOutcome::Refused, &json!({"why": why}))
                    .await;
                return;
            }
        };
        let sent = match store.vipps.client().send_receipt(order_id, &receipt).await {
            Ok(sent) => sent,
            Err(e) if e.is_transient() || matches!(e.status(), Some(401 | 403)) => {
                return self.later(order_id, &e.to_string()).await;
            }
            Err(e) => {
                tracing::error!(%order_id, error = %e, "Vipps refused the receipt");
                let (problem_type, trace_id) = e.problem();
                let detail =
                    json!({"status": e.status(), "error": e.to_string(), "type": problem_type, "traceId": trace_id});
                let _ = self.db.record_receipt(order_id, ReceiptOutcome::Refused, &detail).await;
                return;
            }
        };
        let expires = chrono::Utc::now().timestamp() + LINK_DAYS * 86_400;
        let token = self.key.receipt_token(&store.id, order_id, expires);
        let link = store.return_url(&self.page, order_id, &token);
        let category = json!({"category": "ORDER_CONFIRMATION", "orderDetailsUrl": link});
        if let Err(e) = store.vipps.client().set_category(order_id, &category).await {
            // The receipt is there; the link comes with the next try (whose receipt is a 409).
            return self
                .later(order_id, &format!("the receipt is sent, its link not: {e}"))
                .await;
        }
        let lines = receipt["orderLines"].as_array().map_or(0, Vec::len);
        let detail = json!({
            "lines": lines,
            "amount": order.total_amount,
            "currency": order.currency,
            "receiptId": match &sent { ReceiptSent::New(id) => Some(id.as_str()), ReceiptSent::Already => None },
            "link": "ORDER_CONFIRMATION",
        });
        match self.db.record_receipt(order_id, ReceiptOutcome::Sent, &detail).await {
            Ok(true) => tracing::info!(%order_id, lines, "receipt sent to the Vipps app"),
            Ok(false) => {}
            Err(e) => tracing::warn!(%order_id, error = %e, "receipt sent; recording it failed"),
        }
    }

    /// The reconciler's part: paid orders of the last [`DUE_FOR_DAYS`] whose receipt is
    /// due (at most [`PER_ROUND`], for at most [`ROUND_BUDGET`]); older ones are given
    /// up on, with the reason in their history.
    pub async fn send_due(&self) {
        if !self.enabled {
            return;
        }
        let now = chrono::Utc::now();
        let since = now - chrono::Duration::days(DUE_FOR_DAYS);
        for order_id in self.db.receipts_overdue(since, PER_ROUND).await.unwrap_or_default() {
            let why = format!("Vipps did not take it within {DUE_FOR_DAYS} days");
            tracing::error!(%order_id, %why, "receipt given up on");
            let _ = self
                .db
                .record_receipt(&order_id, ReceiptOutcome::Refused, &json!({"why": why}))
                .await;
        }
        let started = std::time::Instant::now();
        match self.db.receipts_due(since, now, PER_ROUND).await {
            Ok(due) => {
                for order_id in due {
                    if started.elapsed() > ROUND_BUDGET {
                        break;
                    }
                    self.send_if_due(&order_id).await;
                }
            }
            Err(e) => tracing::warn!(error = %e, "receipts due could not be read"),
        }
    }
}

/// The receipt of a stored order: its cart's lines, its shipping, adding up to what Vipps
/// reserved.
fn receipt_of(order: &Order) -> Result<serde_json::Value, String> {
    let cart: PricedCart =
        serde_json::from_str(&order.cart).map_err(|e| format!("the stored cart is unreadable: {e}"))?;
    let shipping = match (&order.shipping_method, &order.shipping_method_id, order.shipping_cost) {
        (Some(name), Some(id), Some(cost)) => Some(ShippingPaid { name, id, cost }),
        _ => None,
    };
    build::receipt(&cart, shipping.as_ref(), &order.currency, order.total_amount).map_err(|e| {
        format!(
            "its lines add up to {} but Vipps reserved {} (see the order's mismatch)",
            e.lines, e.reserved
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_waits_longer_after_each_failure_at_most_an_hour() {
        let base = std::time::Duration::from_secs(60);
        assert_eq!(backoff(base, 1), chrono::Duration::seconds(120));
        assert_eq!(backoff(base, 3), chrono::Duration::seconds(480));
        assert_eq!(backoff(base, 40), chrono::Duration::hours(1));
        assert_eq!(
            backoff(std::time::Duration::from_secs(1), 1),
            chrono::Duration::seconds(2)
        );
    }
}
