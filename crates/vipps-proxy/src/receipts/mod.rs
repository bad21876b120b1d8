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
use crate::stores::Stores;
use crate::token::TokenKey;
use crate::vipps::order_management::ReceiptSent;
use build::ShippingPaid;

/// How long the link on a receipt opens the order's page: a year. The page shows the
/// order as the return page does (status, amount, shipping) and can change nothing once
/// the order is paid, so it may stay in the shopper's app.
pub const LINK_DAYS: i64 = 365;

/// How far back the reconciler looks for receipts still due.
pub const DUE_FOR_DAYS: i64 = 7;

/// Sends receipts: owns what it needs (the store, the stores' Vipps clients, the key of
/// the links' tokens, the shop's return page).
pub struct Receipts {
    db: Db,
    stores: Arc<Stores>,
    key: TokenKey,
    /// `{public URL}{--return-path}`.
    page: String,
    enabled: bool,
}

impl Receipts {
    pub fn new(db: Db, stores: Arc<Stores>, key: TokenKey, page: String, enabled: bool) -> Self {
        Receipts {
            db,
            stores,
            key,
            page,
            enabled,
        }
    }

    /// Sends `order_id`'s receipt if it is due. Never fails: what went wrong is logged,
    /// and recorded in the order's history when it will not be tried again.
    pub async fn send_if_due(&self, order_id: &str) {
        if !self.enabled {
            return;
        }
        let order = match self.db.receipt_due(order_id).await {
            Ok(true) => match self.db.order(order_id).await {
                Ok(Some(order)) => order,
                Ok(None) => return,
                Err(e) => return tracing::warn!(%order_id, error = %e, "receipt: the order could not be read"),
            },
            Ok(false) => return,
            Err(e) => return tracing::warn!(%order_id, error = %e, "receipt: the store could not be read"),
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
        let sent = match store.vipps.send_receipt(order_id, &receipt).await {
            Ok(sent) => sent,
            Err(e) if e.is_transient() || matches!(e.status(), Some(401 | 403)) => {
                return tracing::warn!(%order_id, error = %e, "receipt not sent yet; the reconciler tries again");
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
        let token = self.key.status_token(&store.id, order_id, expires);
        let link = store.return_url(&self.page, order_id, &token);
        let category = json!({"category": "ORDER_CONFIRMATION", "orderDetailsUrl": link});
        if let Err(e) = store.vipps.set_category(order_id, &category).await {
            // The receipt is there; the link comes with the next try (whose receipt is a 409).
            return tracing::warn!(%order_id, error = %e, "receipt sent, its link not yet; the reconciler tries again");
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

    /// The reconciler's part: every paid order of the last [`DUE_FOR_DAYS`] whose receipt
    /// is still due.
    pub async fn send_due(&self) {
        if !self.enabled {
            return;
        }
        let since = chrono::Utc::now() - chrono::Duration::days(DUE_FOR_DAYS);
        match self.db.receipts_due(since).await {
            Ok(due) => {
                for order_id in due {
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
