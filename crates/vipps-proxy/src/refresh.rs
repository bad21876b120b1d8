//! The truth comes from the store's gateway (eCom's `GET /details`, ePayment's get
//! payment). However many tabs poll one order, on however many
//! instances, at most one upstream call per order per [`FRESH_FOR`] is made: within an
//! instance callers queue on the order's lock and find the answer already fresh; across
//! instances the one that claims the order's window in the database (`Db::claim_refresh`)
//! asks, the others read what it stored. A callback asks for a refresh at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use contract::PaymentStatus;
use serde_json::json;

use crate::db::{Db, Order, Refreshed};
use crate::gateway::truth::ShippingDetails;
use crate::gateway::{Gateway, VippsError};
use crate::shipping::ShippingConfig;
use crate::status;
use crate::stores::Stores;

pub const FRESH_FOR: Duration = Duration::from_secs(2);

type Slot = Arc<tokio::sync::Mutex<Option<Instant>>>;

/// Why a refresh did not happen: Vipps failed, the database did, or the order belongs to a
/// store this backend no longer serves (its sales unit is unknown: never guessed).
#[derive(Debug)]
pub enum RefreshError {
    Vipps(VippsError),
    Db(sqlx::Error),
    UnknownStore(String),
}

impl std::fmt::Display for RefreshError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefreshError::Vipps(e) => write!(f, "Vipps: {e}"),
            RefreshError::Db(e) => write!(f, "database: {e}"),
            RefreshError::UnknownStore(id) => write!(f, "the order's store '{id}' is not configured (--stores)"),
        }
    }
}

impl From<VippsError> for RefreshError {
    fn from(e: VippsError) -> Self {
        RefreshError::Vipps(e)
    }
}

impl From<sqlx::Error> for RefreshError {
    fn from(e: sqlx::Error) -> Self {
        RefreshError::Db(e)
    }
}

/// The one writer of a Vipps status into the database (besides a refused initiate, which
/// Vipps never saw). It owns what it needs: the database, the stores (each order is asked
/// about with its own store's sales unit), and the shop's shipping prices to check what
/// Vipps reserved.
pub struct Refresher {
    db: Db,
    stores: Arc<Stores>,
    shipping: ShippingConfig,
    static_shipping: bool,
    slots: Mutex<HashMap<String, Slot>>,
    receipts: Arc<crate::receipts::Receipts>,
}

impl Refresher {
    pub fn new(
        db: Db,
        stores: Arc<Stores>,
        shipping: ShippingConfig,
        static_shipping: bool,
        receipts: Arc<crate::receipts::Receipts>,
    ) -> Self {
        Refresher {
            db,
            stores,
            shipping,
            static_shipping,
            slots: Mutex::default(),
            receipts,
        }
    }

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

impl Refresher {
    /// Refreshes `order_id` from Vipps unless it was refreshed within [`FRESH_FOR`], here
    /// or by another instance (`force`: refresh anyway, e.g. on a callback). The order's
    /// lock is held across the call to Vipps on purpose: that is the coalescing (later
    /// callers wait, then find the answer fresh).
    ///
    /// `Ok(false)`: nothing was fetched here and nobody in this instance was fetching, so
    /// what the caller read just before is still what this instance knows (a poll need not
    /// read the order again). `Ok(true)`: the stored order may have changed meanwhile.
    pub async fn refresh(&self, order_id: &str, force: bool) -> Result<bool, RefreshError> {
        let slot = self.slot(order_id);
        let (mut last, waited) = match slot.try_lock() {
            Ok(guard) => (guard, false),
            Err(_) => (slot.lock().await, true),
        };
        if !force && last.is_some_and(|t| t.elapsed() < FRESH_FOR) {
            return Ok(waited);
        }
        if !self.db.claim_refresh(order_id, FRESH_FOR, force).await? {
            // Another instance asked within the window (or the order is unknown).
            *last = Some(Instant::now());
            return Ok(true);
        }
        let result = self.fetch_and_store(order_id).await;
        // A failure counts as fresh too: pollers must not hammer a struggling Vipps.
        *last = Some(Instant::now());
        result.map(|()| true)
    }

    /// Fetches and stores what the shopper consented to share. A failure is logged and
    /// tried again by the reconciler (Vipps keeps the data for 168 hours).
    async fn fetch_userinfo(&self, vipps: &dyn Gateway, order_id: &str, sub: &str) {
        match vipps.client().userinfo(sub).await {
            Ok(claims) => match self.db.set_userinfo(order_id, &claims).await {
                Ok(true) => tracing::info!(%order_id, "stored the Userinfo the shopper shared"),
                Ok(false) => {}
                Err(e) => tracing::error!(%order_id, error = %e, "could not store Userinfo"),
            },
            Err(e) => tracing::warn!(%order_id, error = %e, "Userinfo not fetched; will try again"),
        }
    }

    /// What the shop priced: the goods, plus the shipping included in a regular payment or
    /// the shop's own price of the method the shopper chose for an express one (`None`: a
    /// method the shop does not offer for that cart and address).
    fn expected_amount(&self, order: &Order, shipping: Option<&ShippingDetails>) -> Option<i64> {
        if !order.express {
            return Some(order.goods_amount + order.shipping_cost.unwrap_or(0));
        }
        let Some(chosen) = shipping else {
            return Some(order.goods_amount);
        };
        let weight = order
            .cart_json()
            .get("weight")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0);
        // Static shipping was priced without an address; a shipping callback with one.
        let post_code = (!self.static_shipping)
            .then(|| chosen.address.as_ref().map(|a| a.post_code.as_str()))
            .flatten();
        self.shipping
            .cost_of(&chosen.shipping_method_id, order.goods_amount, weight, post_code)
            .map(|cost| order.goods_amount + cost)
    }

    async fn fetch_and_store(&self, order_id: &str) -> Result<(), RefreshError> {
        let Some(order) = self.db.order(order_id).await? else {
            return Ok(());
        };
        let Some(store) = self.stores.get(&order.store) else {
            tracing::error!(%order_id, store = %order.store, "order of a store that is not configured; not refreshed");
            return Err(RefreshError::UnknownStore(order.store.clone()));
        };
        let vipps = store.vipps.clone();
        let details = match vipps
            .truth(order_id, order.age(), order.goods_amount, &self.shipping)
            .await
        {
            Ok(d) => d,
            // Vipps does not know the order: the initiate never reached it.
            Err(e @ VippsError::Http { status: 404, .. }) | Err(e @ VippsError::Http { status: 402, .. }) => {
                if order.status == PaymentStatus::Pending && order.age() > status::PAYMENT_WINDOW {
                    let _ = self.db.fail_order(order_id, &json!({"details": e.to_string()})).await;
                }
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        };
        let mut standing = details.standing;
        if standing.status == PaymentStatus::Pending {
            let said = self.db.last_callback_status(order_id).await?;
            standing = status::with_callback(standing, said.as_deref(), order.age());
        }
        let shipping = details.shipping.as_ref();
        let address = shipping.and_then(|s| s.address.as_ref()).map(|a| a.to_contract());
        let user = details.user.as_ref();
        let refreshed = Refreshed {
        status: standing.status,
        total_amount: (standing.reserved > 0).then_some(standing.reserved),
        captured: standing.captured,
        refunded: standing.refunded,
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
        // Flagged before the status is stored: nobody reads the new status without it.
        let expected = self.expected_amount(&order, shipping);
        if let Some((expected, reserved)) = status::amount_mismatch(expected, &standing) {
            let flagged = self.db.flag_mismatch(order_id, expected, reserved).await?;
            if flagged {
                tracing::error!(%order_id, ?expected, reserved, "Vipps reserved another amount than the shop priced; flagged for staff");
            }
        }
        let changed = self.db.apply(order_id, &refreshed).await?;
        if changed {
            tracing::info!(%order_id, status = standing.status.as_str(), "order status changed");
        }
        if let (Some(_), None, Some(sub)) = (&order.scope, &order.userinfo, &details.sub) {
            if standing.status.is_confirmed() {
                self.fetch_userinfo(vipps.as_ref(), order_id, sub).await;
            }
        }
        if standing.status == PaymentStatus::Expired && order.status == PaymentStatus::Pending {
            tracing::info!(%order_id, "payment expired without the shopper approving it");
        }
        // Paid: its receipt goes to the app, off the path of whoever asked (a poll, a
        // callback). Sent once, whoever gets here first.
        if changed && standing.status.is_confirmed() {
            let (receipts, order_id) = (self.receipts.clone(), order_id.to_string());
            tokio::spawn(async move { receipts.send_if_due(&order_id).await });
        }
        Ok(())
    }
}
