//! Orders: made by a payment start, changed only by what Vipps says ([`Db::apply`]),
//! listed for staff.

use std::time::Duration;

use chrono::{DateTime, Utc};
use contract::PaymentStatus;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use crate::staff_status::{StaffFilter, StaffStatus};

use super::{ageing_cutoff, insert_event, money, now_text, parse_time, storable, time_text, Db, Kind, MISMATCH};

#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub order_id: String,
    /// The status Vipps' `/details` gave (only `refresh.rs` and a refused initiate write it).
    pub status: PaymentStatus,
    pub express: bool,
    pub goods_amount: i64,
    pub total_amount: i64,
    pub captured_amount: i64,
    pub refunded_amount: i64,
    pub cart: String,
    pub transaction_text: String,
    pub vipps_url: Option<String>,
    pub auth_token: String,
    pub mobile_number: Option<String>,
    pub shipping_method: Option<String>,
    pub shipping_method_id: Option<String>,
    pub shipping_cost: Option<i64>,
    pub address: Option<String>,
    pub user_details: Option<String>,
    pub user_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub expires_at: String,
    pub checked_at: Option<String>,
    /// `{"expected", "reserved"}` when Vipps reserved another amount than the shop priced.
    pub mismatch: Option<String>,
    /// The Userinfo scope asked for (regular payments with `--scope`).
    pub scope: Option<String>,
    /// The Userinfo claims the shopper consented to share (personal data).
    pub userinfo: Option<String>,
    /// The store it belongs to (`stores::DEFAULT`, empty, for the default store).
    pub store: String,
    /// Its store's currency (`NOK`, `DKK`, `EUR`): every amount of the order is in it.
    pub currency: String,
}

impl FromRow<'_, AnyRow> for Order {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let status: String = row.try_get("status")?;
        Ok(Order {
            status: PaymentStatus::try_from(status).map_err(|e| sqlx::Error::ColumnDecode {
                index: "status".into(),
                source: e.into(),
            })?,
            // A 0/1 integer in both databases (the `Any` driver reads no SQLite booleans).
            express: row.try_get::<i64, _>("express")? != 0,
            order_id: row.try_get("order_id")?,
            goods_amount: row.try_get("goods_amount")?,
            total_amount: row.try_get("total_amount")?,
            captured_amount: row.try_get("captured_amount")?,
            refunded_amount: row.try_get("refunded_amount")?,
            cart: row.try_get("cart")?,
            transaction_text: row.try_get("transaction_text")?,
            vipps_url: row.try_get("vipps_url")?,
            auth_token: row.try_get("auth_token")?,
            mobile_number: row.try_get("mobile_number")?,
            shipping_method: row.try_get("shipping_method")?,
            shipping_method_id: row.try_get("shipping_method_id")?,
            shipping_cost: row.try_get("shipping_cost")?,
            address: row.try_get("address")?,
            user_details: row.try_get("user_details")?,
            user_id: row.try_get("user_id")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            expires_at: row.try_get("expires_at")?,
            checked_at: row.try_get("checked_at")?,
            mismatch: row.try_get("mismatch")?,
            scope: row.try_get("scope")?,
            userinfo: row.try_get("userinfo")?,
            store: row.try_get("store")?,
            currency: row.try_get("currency")?,
        })
    }
}

impl Order {
    pub fn cart_json(&self) -> Value {
        serde_json::from_str(&self.cart).unwrap_or(Value::Null)
    }
    /// What staff see as the order's status.
    pub fn staff_status(&self) -> StaffStatus {
        StaffStatus::of(self.status, self.mismatch.is_some())
    }

    /// The delivery address, stored as the contract's [`contract::Address`] by
    /// [`Db::apply`] (one type both ways).
    pub fn shipping_address(&self) -> Option<contract::Address> {
        self.address.as_deref().and_then(|a| serde_json::from_str(a).ok())
    }
    pub fn mismatch_json(&self) -> Option<Value> {
        self.mismatch.as_deref().and_then(|m| serde_json::from_str(m).ok())
    }
    /// Whole days this reservation, nothing of it captured, has been held (from the
    /// order: at most Vipps' 10-minute window later); `None` for any other order.
    pub fn reserved_for_days(&self) -> Option<i64> {
        crate::money::reserved_for_days(
            self.status,
            self.captured_amount,
            parse_time(&self.created_at)?,
            Utc::now(),
        )
    }

    pub fn age(&self) -> Duration {
        parse_time(&self.created_at)
            .and_then(|t| (Utc::now() - t).to_std().ok())
            .unwrap_or_default()
    }
}

/// A new order as the payment endpoint creates it.
pub struct NewOrder<'a> {
    pub order_id: &'a str,
    pub store: &'a str,
    pub express: bool,
    pub goods_amount: i64,
    /// Goods plus `shipping`'s cost: what Vipps is asked to reserve.
    pub total_amount: i64,
    /// A regular payment of goods that ship: the method included (name, id, cost).
    pub shipping: Option<(&'a str, &'a str, i64)>,
    /// The Userinfo scope asked for.
    pub scope: Option<&'a str>,
    pub cart: &'a Value,
    pub transaction_text: &'a str,
    pub auth_token: &'a str,
    pub mobile_number: Option<&'a str>,
    pub expires_at: &'a str,
    pub currency: &'a str,
}

/// What /details told us, to store on the order.
pub struct Refreshed {
    pub status: PaymentStatus,
    pub total_amount: Option<i64>,
    pub captured: i64,
    pub refunded: i64,
    pub shipping: Option<(String, String, i64)>,
    pub address: Option<contract::Address>,
    pub user_details: Option<Value>,
    pub user_id: Option<String>,
}
impl Db {
    pub async fn insert_order(&self, o: &NewOrder<'_>) -> Result<(), sqlx::Error> {
        let now = now_text();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO orders (order_id, status, express, goods_amount, total_amount, cart, transaction_text,
                                 auth_token, mobile_number, created_at, updated_at, expires_at,
                                 shipping_method, shipping_method_id, shipping_cost, scope, store, currency)
             VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(o.order_id)
        .bind(i64::from(o.express))
        .bind(o.goods_amount)
        .bind(o.total_amount)
        .bind(o.cart.to_string())
        .bind(o.transaction_text)
        .bind(o.auth_token)
        .bind(o.mobile_number)
        .bind(&now)
        .bind(&now)
        .bind(o.expires_at)
        .bind(o.shipping.map(|s| s.0))
        .bind(o.shipping.map(|s| s.1))
        .bind(o.shipping.map(|s| s.2))
        .bind(o.scope)
        .bind(o.store)
        .bind(o.currency)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            o.order_id,
            "created",
            &json!({"amount": o.total_amount, "goods": o.goods_amount, "express": o.express}),
        )
        .await?;
        tx.commit().await
    }

    pub async fn set_vipps_url(&self, order_id: &str, url: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE orders SET vipps_url = $1, updated_at = $2 WHERE order_id = $3")
            .bind(url)
            .bind(now_text())
            .bind(order_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn order(&self, order_id: &str) -> Result<Option<Order>, sqlx::Error> {
        // No stored id holds a NUL, and PostgreSQL refuses one in text: unknown, not an error.
        if order_id.contains('\0') {
            return Ok(None);
        }
        sqlx::query_as("SELECT * FROM orders WHERE order_id = $1")
            .bind(order_id)
            .fetch_optional(&self.pool)
            .await
    }

    /// A page of orders for the dashboard: newest first, of one status (or flagged), one
    /// store, and an orderId starting with `search`; `limit + 1` rows tell whether more follow.
    pub async fn staff_orders(
        &self,
        filter: Option<StaffFilter>,
        store: Option<&str>,
        search: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Order>, sqlx::Error> {
        let flagged = filter.is_some_and(StaffFilter::is_mismatch);
        let ageing = filter.is_some_and(StaffFilter::is_ageing);
        let prefix = search.map(|s| {
            let escaped = storable(s)
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("{escaped}%")
        });
        sqlx::query_as(
            "SELECT * FROM orders WHERE ($1 IS NULL OR status = $1) AND (NOT $2 OR mismatch IS NOT NULL)
             AND ($3 IS NULL OR store = $3) AND ($4 IS NULL OR order_id LIKE $4 ESCAPE '\\')
             AND ($7 IS NULL OR (status = 'reserved' AND created_at < $7))
             ORDER BY created_at DESC, order_id DESC LIMIT $5 OFFSET $6",
        )
        .bind(filter.and_then(StaffFilter::vipps_status).map(PaymentStatus::as_str))
        .bind(flagged)
        .bind(store)
        .bind(prefix)
        .bind(limit)
        .bind(offset)
        .bind(ageing.then(ageing_cutoff))
        .fetch_all(&self.pool)
        .await
    }

    /// The newest orders, of one Vipps status or (`mismatch`) flagged ones, of one store
    /// or all.
    pub async fn orders(
        &self,
        filter: Option<StaffFilter>,
        store: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Order>, sqlx::Error> {
        let flagged = filter.is_some_and(StaffFilter::is_mismatch);
        let ageing = filter.is_some_and(StaffFilter::is_ageing);
        sqlx::query_as(
            "SELECT * FROM orders WHERE ($1 IS NULL OR status = $1 OR ($2 AND mismatch IS NOT NULL))
             AND ($4 IS NULL OR store = $4) AND ($5 IS NULL OR (status = 'reserved' AND created_at < $5))
             ORDER BY created_at DESC LIMIT $3",
        )
        .bind(filter.and_then(StaffFilter::vipps_status).map(PaymentStatus::as_str))
        .bind(flagged)
        .bind(limit)
        .bind(store)
        .bind(ageing.then(ageing_cutoff))
        .fetch_all(&self.pool)
        .await
        .map(|orders: Vec<Order>| {
            orders
                .into_iter()
                .filter(|o| !flagged || o.mismatch.is_some())
                .collect()
        })
    }

    /// Stores the Userinfo claims, once, and never for an order whose user has removed
    /// their consent.
    pub async fn set_userinfo(&self, order_id: &str, claims: &Value) -> Result<bool, sqlx::Error> {
        let stored = sqlx::query(
            "UPDATE orders SET userinfo = $1 WHERE order_id = $2 AND userinfo IS NULL
                AND (user_id IS NULL OR (user_id NOT LIKE 'erased:%' AND user_id <> 'pruned'))",
        )
        .bind(claims.to_string())
        .bind(order_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(stored == 1)
    }

    /// Confirmed orders that asked for Userinfo and do not have it yet (Vipps keeps it
    /// for 168 hours), created after `since`.
    pub async fn awaiting_userinfo(&self, since: DateTime<Utc>) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT order_id FROM orders WHERE scope IS NOT NULL AND userinfo IS NULL
                AND status IN ('reserved', 'captured') AND created_at > $1
                AND (user_id IS NULL OR user_id NOT LIKE 'erased:%') ORDER BY created_at LIMIT 100",
        )
        .bind(time_text(since))
        .fetch_all(&self.pool)
        .await
    }

    /// Flags a reservation of another amount than the shop priced (once).
    pub async fn flag_mismatch(
        &self,
        order_id: &str,
        expected: Option<i64>,
        reserved: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let detail = json!({"expected": expected, "reserved": reserved});
        let flagged = sqlx::query("UPDATE orders SET mismatch = $1 WHERE order_id = $2 AND mismatch IS NULL")
            .bind(detail.to_string())
            .bind(order_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if flagged {
            insert_event(&mut tx, order_id, MISMATCH, &detail).await?;
        }
        tx.commit().await?;
        Ok(flagged)
    }

    /// Orders still pending that were created before `cutoff`.
    pub async fn stale_pending(&self, cutoff: DateTime<Utc>) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT order_id FROM orders WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT 500",
        )
        .bind(time_text(cutoff))
        .fetch_all(&self.pool)
        .await
    }

    /// Marks an order failed without asking Vipps (initiate was refused).
    pub async fn fail_order(&self, order_id: &str, why: &Value) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE orders SET status = 'failed', updated_at = $1 WHERE order_id = $2")
            .bind(now_text())
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        insert_event(&mut tx, order_id, "status", &json!({"status": "failed", "why": why})).await?;
        tx.commit().await
    }

    pub async fn apply(&self, order_id: &str, r: &Refreshed) -> Result<bool, sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        // The row is held until the commit (SQLite's `BEGIN IMMEDIATE` holds the whole
        // store): two refreshes of one order never both see the same `before`, so no
        // money movement is written twice.
        let lock = match self.kind {
            Kind::Postgres => " FOR UPDATE",
            Kind::Sqlite => "",
        };
        let before: Option<(String, i64, i64, i64, String, String)> = sqlx::query_as(&format!(
            "SELECT status, total_amount, captured_amount, refunded_amount, store, currency FROM orders WHERE order_id = $1{lock}"
        ))
        .bind(order_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((before, total, captured, refunded, store, currency)) = before else {
            return Ok(false);
        };
        // What Vipps captured and refunded only grows: an older answer applied after a
        // newer one (another instance's slow call) lowers nothing, so the growth is not
        // counted again later.
        let (now_captured, now_refunded) = (r.captured.max(captured), r.refunded.max(refunded));
        let status = r.status.as_str();
        // The money this change moved, written with it (`db::money`).
        let moved = crate::money::movements(
            crate::money::Money {
                status: PaymentStatus::parse(&before).unwrap_or(PaymentStatus::Pending),
                total,
                captured,
                refunded,
            },
            crate::money::Money {
                status: r.status,
                total: r.total_amount.unwrap_or(total),
                captured: now_captured,
                refunded: now_refunded,
            },
        );
        money::record(&mut tx, order_id, &store, &currency, &moved).await?;
        let now = now_text();
        sqlx::query(
            "UPDATE orders SET status = $1, total_amount = COALESCE($2, total_amount), captured_amount = $3,
                    refunded_amount = $4, checked_at = $5, updated_at = CASE WHEN status = $6 THEN updated_at ELSE $7 END
             WHERE order_id = $8",
        )
        .bind(status)
        .bind(r.total_amount)
        .bind(now_captured)
        .bind(now_refunded)
        .bind(&now)
        .bind(status)
        .bind(&now)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
        if let Some((method, method_id, cost)) = &r.shipping {
            sqlx::query(
                "UPDATE orders SET shipping_method = $1, shipping_method_id = $2, shipping_cost = $3 WHERE order_id = $4",
            )
            .bind(method)
            .bind(method_id)
            .bind(cost)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        }
        // Personal data is stored once; after a consent removal it is not brought back.
        if r.user_id.is_some() {
            sqlx::query(
                "UPDATE orders SET address = $1, user_details = $2, user_id = $3
                 WHERE order_id = $4 AND user_id IS NULL",
            )
            .bind(
                r.address
                    .as_ref()
                    .map(|a| serde_json::to_string(a).expect("serialisable")),
            )
            .bind(r.user_details.as_ref().map(Value::to_string))
            .bind(&r.user_id)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        }
        let changed = before != status;
        if changed {
            insert_event(&mut tx, order_id, "status", &json!({"from": before, "status": status})).await?;
        } else if self.kind == Kind::Postgres {
            // The status did not change: what this writes (amounts, `checked_at`) is a copy
            // of `/details`, asked again if a database crash loses it; not worth a wait for
            // the disk on every poll's refresh (`make load-proxy`).
            sqlx::query("SET LOCAL synchronous_commit TO OFF")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }
}
