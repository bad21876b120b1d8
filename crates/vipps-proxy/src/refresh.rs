//! The truth comes from `GET /details`. However many tabs poll one order, at most one
//! upstream call per order per [`FRESH_FOR`] is made: callers queue on the order's lock
//! and find the answer already fresh. A callback asks for a refresh at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use contract::PaymentStatus;
use serde_json::json;

use crate::app::AppInner;
use crate::db::Refreshed;
use crate::status;
use crate::vipps::wire::ShippingDetails;
use crate::vipps::VippsError;

pub const FRESH_FOR: Duration = Duration::from_secs(2);

type Slot = Arc<tokio::sync::Mutex<Option<Instant>>>;

#[derive(Default)]
pub struct Refresher {
    slots: Mutex<HashMap<String, Slot>>,
}

impl Refresher {
    fn slot(&self, order_id: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(order_id.to_string()).or_default().clone()
    }

    /// Forgets orders nobody is refreshing.
    pub fn prune(&self) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.retain(|_, slot| {
            Arc::strong_count(slot) > 1
                || slot
                    .try_lock()
                    .map(|t| t.is_some_and(|t| t.elapsed() < FRESH_FOR))
                    .unwrap_or(true)
        });
    }
}

/// Refreshes `order_id` from Vipps unless it was refreshed within [`FRESH_FOR`]
/// (`force`: refresh anyway, e.g. on a callback).
pub async fn refresh(app: &AppInner, order_id: &str, force: bool) -> Result<(), VippsError> {
    let slot = app.refresher.slot(order_id);
    let mut last = slot.lock().await;
    if !force && last.is_some_and(|t| t.elapsed() < FRESH_FOR) {
        return Ok(());
    }
    let result = fetch_and_store(app, order_id).await;
    // A failure counts as fresh too: pollers must not hammer a struggling Vipps.
    *last = Some(Instant::now());
    result
}

/// [`refresh`] for a spawned task (not forced).
pub async fn refresh_owned(app: crate::app::App, order_id: String) -> Result<(), VippsError> {
    refresh(&app, &order_id, false).await
}

/// What the shop priced: the goods, plus the shipping included in a regular payment or
/// the shop's own price of the method the shopper chose for an express one (`None`: a
/// method the shop does not offer for that cart and address).
fn expected_amount(app: &AppInner, order: &crate::db::Order, shipping: Option<&ShippingDetails>) -> Option<i64> {
    if !order.express {
        return Some(order.goods_amount + order.shipping_cost.unwrap_or(0));
    }
    let Some(chosen) = shipping else {
        return Some(order.goods_amount);
    };
    let weight = order.cart_json().get("weight").and_then(serde_json::Value::as_i64).unwrap_or(0);
    // Static shipping was priced without an address; a shipping callback with one.
    let post_code = (!app.config.static_shipping)
        .then(|| chosen.address.as_ref().map(|a| a.post_code.as_str()))
        .flatten();
    app.shipping
        .cost_of(&chosen.shipping_method_id, order.goods_amount, weight, post_code)
        .map(|cost| order.goods_amount + cost)
}

async fn fetch_and_store(app: &AppInner, order_id: &str) -> Result<(), VippsError> {
    let Ok(Some(order)) = app.db.order(order_id).await else {
        return Ok(());
    };
    let details = match app.vipps.details(order_id).await {
        Ok(d) => d,
        // Vipps does not know the order: the initiate never reached it.
        Err(e @ VippsError::Http { status: 404, .. }) | Err(e @ VippsError::Http { status: 402, .. }) => {
            if order.status == "pending" && order.age() > status::PAYMENT_WINDOW {
                let _ = app.db.fail_order(order_id, &json!({"details": e.to_string()})).await;
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let outcome = status::outcome(&details, order.age());
    let shipping = details.shipping_details.as_ref();
    let address = shipping.and_then(|s| s.address.as_ref()).map(|a| {
        json!({
            "addressLine1": a.address_line1, "addressLine2": a.address_line2,
            "postCode": a.post_code, "city": a.city, "country": a.country,
        })
    });
    let user = details.user_details.as_ref();
    let refreshed = Refreshed {
        status: outcome.status.as_str(),
        total_amount: (outcome.reserved > 0).then_some(outcome.reserved),
        captured: outcome.captured,
        refunded: outcome.refunded,
        shipping: shipping.map(|s| (s.shipping_method.clone(), s.shipping_method_id.clone(), s.shipping_cost)),
        address,
        user_details: user.map(|u| json!({"firstName": u.first_name, "lastName": u.last_name, "email": u.email, "mobileNumber": u.mobile_number})),
        user_id: user.map(|u| u.user_id.clone()).filter(|id| !id.is_empty()),
    };
    // Vipps shows "[Expired]" for data it no longer shares: never store that.
    let refreshed = if user.is_some_and(|u| u.first_name == "[Expired]") {
        Refreshed {
            address: None,
            user_details: None,
            user_id: None,
            ..refreshed
        }
    } else {
        refreshed
    };
    let changed = app
        .db
        .apply(order_id, &refreshed)
        .await
        .map_err(|e| VippsError::Decode(e.to_string()))?;
    if changed {
        tracing::info!(%order_id, status = outcome.status.as_str(), "order status changed");
    }
    let expected = expected_amount(app, &order, shipping);
    if let Some((expected, reserved)) = status::amount_mismatch(expected, &outcome) {
        let flagged = app
            .db
            .flag_mismatch(order_id, expected, reserved)
            .await
            .map_err(|e| VippsError::Decode(e.to_string()))?;
        if flagged {
            tracing::error!(%order_id, ?expected, reserved, "Vipps reserved another amount than the shop priced; flagged for staff");
        }
    }
    if outcome.status == PaymentStatus::Expired && order.status == "pending" {
        tracing::info!(%order_id, "payment expired without the shopper approving it");
    }
    Ok(())
}
