//! The order store, one interface over two databases chosen by `--db` ([`Location`]):
//! SQLite (the default: nothing to run) or PostgreSQL (several instances sharing one
//! store). Both through sqlx's `Any` driver, so every query below is written once, in the
//! SQL both understand (`$1` parameters, `ON CONFLICT`, `RETURNING`); migrations are
//! embedded, one folder per database, giving the same tables.
//!
//! SQLite runs in WAL with `synchronous=FULL`: an order is on disk before its answer
//! leaves, so a `kill -9` loses nothing that was acknowledged (PostgreSQL commits are
//! durable by default). `secure_delete`: erased personal data is overwritten in the
//! file, not left in free pages.

mod lease;
mod location;
mod money;
mod receipts;
pub mod webhooks;

pub use money::Export;
pub use receipts::ReceiptOutcome;

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::AnyPool;
use sqlx::{Executor, FromRow, Row};

pub use lease::RECONCILER;
pub use location::Location;

use crate::token::TokenKey;
use contract::PaymentStatus;

/// The staff API's name for an order whose reserved amount is not what the shop priced.
pub const MISMATCH: &str = "mismatch";

/// The staff's filter of reservations old enough to lose (`money::AGEING_FROM_DAYS`).
pub const AGEING: &str = "ageing";

/// Orders made before this may be ageing reservations (age counted from the order, at
/// most Vipps' 10-minute window before the shopper approved).
fn ageing_cutoff() -> String {
    time_text(Utc::now() - chrono::Duration::days(crate::money::AGEING_FROM_DAYS))
}

pub fn now_text() -> String {
    time_text(Utc::now())
}

pub fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

/// After this long, a key whose request never finished is free again.
pub const STALE_KEY_SECS: i64 = 60;

/// At most this many rejected calls are kept (the newest): a flood of forgeries cannot
/// fill the disk.
pub const REJECTED_KEPT: i64 = 1000;

/// Each SQLite connection's settings (see the module's comment); the write-ahead log is
/// cut back to 4 MiB after a checkpoint.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
    PRAGMA secure_delete = ON; PRAGMA journal_size_limit = 4194304; PRAGMA busy_timeout = 5000;";

/// Which database a [`Db`] is: the few statements that differ ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub kind: Kind,
}

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
    pub fn address_json(&self) -> Option<Value> {
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

/// What the payment endpoint learns from an idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyState {
    /// First use: the key is now reserved for this request.
    New,
    /// Seen with the same request: answer the same.
    Replay { status: u16, response: Value },
    /// Seen with another request.
    Mismatch,
    /// The first request with this key has not finished yet.
    InProgress,
    /// The request made `order_id` and asked Vipps to start it, and could not learn
    /// whether Vipps did ([`Db::unsettle_key`]): a retry asks Vipps before anything else.
    Unsettled { order_id: String },
}

/// The status code an unsettled key is stored with (never an HTTP status).
const UNSETTLED: i64 = 0;

/// What /details told us, to store on the order.
pub struct Refreshed {
    pub status: PaymentStatus,
    pub total_amount: Option<i64>,
    pub captured: i64,
    pub refunded: i64,
    pub shipping: Option<(String, String, i64)>,
    pub address: Option<Value>,
    pub user_details: Option<Value>,
    pub user_id: Option<String>,
}

impl Db {
    /// Opens (creating a SQLite file when missing) and brings the tables up to date. Two
    /// instances starting at once on one PostgreSQL are safe: sqlx migrates under an
    /// advisory lock.
    pub async fn open(location: &Location) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let kind = match location {
            Location::Sqlite(_) => Kind::Sqlite,
            Location::Postgres(_) => Kind::Postgres,
        };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let pool = match kind {
            Kind::Sqlite => {
                options
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(SQLITE_PRAGMAS).await?;
                            Ok(())
                        })
                    })
                    .connect(&location.connect_url())
                    .await?
            }
            Kind::Postgres => options.max_connections(16).connect(&location.connect_url()).await?,
        };
        match kind {
            Kind::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Kind::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        Ok(Db { pool, kind })
    }

    /// The status-token key: made once, kept forever.
    pub async fn token_key(&self) -> Result<TokenKey, sqlx::Error> {
        let fresh = TokenKey::random();
        sqlx::query("INSERT INTO settings (key, value) VALUES ('status_token_key', $1) ON CONFLICT DO NOTHING")
            .bind(fresh.to_b64())
            .execute(&self.pool)
            .await?;
        let stored: String = sqlx::query_scalar("SELECT value FROM settings WHERE key = 'status_token_key'")
            .fetch_one(&self.pool)
            .await?;
        TokenKey::from_b64(&stored)
            .ok_or_else(|| sqlx::Error::Protocol("the stored status-token key is damaged".into()))
    }

    pub async fn begin_key(&self, scope: &str, key: &str, request_hash: &str) -> Result<KeyState, sqlx::Error> {
        // A request that never finished (the process died in between) frees its key
        // after a while, or every retry of that click would be refused forever.
        let stale = time_text(Utc::now() - chrono::Duration::seconds(STALE_KEY_SECS));
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status_code IS NULL AND created_at < $3",
        )
        .bind(scope)
        .bind(key)
        .bind(stale)
        .execute(&self.pool)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(scope)
        .bind(key)
        .bind(request_hash)
        .bind(now_text())
        .execute(&self.pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(KeyState::New);
        }
        let (hash, status, response, order_id): (String, Option<i64>, Option<String>, Option<String>) = sqlx::query_as(
            "SELECT request_hash, status_code, response, order_id FROM idempotency_keys WHERE scope = $1 AND key = $2",
        )
        .bind(scope)
        .bind(key)
        .fetch_one(&self.pool)
        .await?;
        Ok(match (hash == request_hash, status, response) {
            (false, _, _) => KeyState::Mismatch,
            (true, Some(UNSETTLED), _) => KeyState::Unsettled {
                order_id: order_id.unwrap_or_default(),
            },
            (true, Some(status), Some(response)) => KeyState::Replay {
                status: status as u16,
                response: serde_json::from_str(&response).unwrap_or(Value::Null),
            },
            (true, _, _) => KeyState::InProgress,
        })
    }

    pub async fn finish_key(
        &self,
        scope: &str,
        key: &str,
        order_id: Option<&str>,
        status: u16,
        response: &Value,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE idempotency_keys SET order_id = $1, status_code = $2, response = $3 WHERE scope = $4 AND key = $5",
        )
        .bind(order_id)
        .bind(status as i64)
        .bind(response.to_string())
        .bind(scope)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a key whose request made `order_id` and asked Vipps to start it, without
    /// learning whether Vipps did: kept (never stale), so that its retry settles that
    /// order rather than starting a second payment.
    pub async fn unsettle_key(&self, scope: &str, key: &str, order_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE idempotency_keys SET order_id = $1, status_code = $2 WHERE scope = $3 AND key = $4")
            .bind(order_id)
            .bind(UNSETTLED)
            .bind(scope)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Frees a key whose request failed in a way a retry may fix.
    pub async fn forget_key(&self, scope: &str, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2")
            .bind(scope)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

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
        status: Option<&str>,
        store: Option<&str>,
        search: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Order>, sqlx::Error> {
        let flagged = status == Some(MISMATCH);
        let ageing = status == Some(AGEING);
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
        .bind(status.filter(|_| !flagged && !ageing))
        .bind(flagged)
        .bind(store)
        .bind(prefix)
        .bind(limit)
        .bind(offset)
        .bind(ageing.then(ageing_cutoff))
        .fetch_all(&self.pool)
        .await
    }

    /// A new dashboard session, known by the hash of its cookie.
    pub async fn create_session(
        &self,
        id_hash: &str,
        store: Option<&str>,
        csrf: &str,
        expires_at: &str,
        token_hash: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM staff_sessions WHERE expires_at < $1")
            .bind(now_text())
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO staff_sessions (id_hash, store, csrf, created_at, expires_at, token_hash) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_hash)
        .bind(store)
        .bind(csrf)
        .bind(now_text())
        .bind(expires_at)
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A live session: (store, csrf, the fingerprint of the token that signed it in);
    /// none once it has expired.
    pub async fn session(&self, id_hash: &str) -> Result<Option<(Option<String>, String, String)>, sqlx::Error> {
        sqlx::query_as("SELECT store, csrf, token_hash FROM staff_sessions WHERE id_hash = $1 AND expires_at > $2")
            .bind(id_hash)
            .bind(now_text())
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn end_session(&self, id_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM staff_sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The newest orders, of one Vipps status or (`mismatch`) flagged ones, of one store
    /// or all.
    pub async fn orders(
        &self,
        status: Option<&str>,
        store: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Order>, sqlx::Error> {
        let flagged = status == Some(MISMATCH);
        let ageing = status == Some(AGEING);
        sqlx::query_as(
            "SELECT * FROM orders WHERE ($1 IS NULL OR status = $1 OR ($2 AND mismatch IS NOT NULL))
             AND ($4 IS NULL OR store = $4) AND ($5 IS NULL OR (status = 'reserved' AND created_at < $5))
             ORDER BY created_at DESC LIMIT $3",
        )
        .bind(status.filter(|_| !flagged && !ageing))
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

    /// Stores what /details said. Returns whether the status changed.
    /// A transaction that reads, then writes. SQLite's is `BEGIN IMMEDIATE`: a deferred
    /// one that read before another connection wrote cannot write any more (`database is
    /// locked` at once, whatever the busy timeout), which a webhook arriving during a
    /// refresh caused.
    async fn write_transaction(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.kind {
            Kind::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Kind::Postgres => self.pool.begin().await,
        }
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
            .bind(r.address.as_ref().map(Value::to_string))
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

    pub async fn add_event(&self, order_id: &str, kind: &str, detail: &Value) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        insert_event(&mut tx, order_id, kind, detail).await?;
        tx.commit().await
    }

    pub async fn events(&self, order_id: &str) -> Result<Vec<Value>, sqlx::Error> {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT at, kind, detail FROM order_events WHERE order_id = $1 ORDER BY id")
                .bind(order_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(at, kind, detail)| json!({"at": at, "kind": kind, "detail": serde_json::from_str::<Value>(&detail).unwrap_or(Value::Null)}))
            .collect())
    }

    /// An authenticated call from Vipps, as a summary without personal data.
    pub async fn record_accepted(&self, order_id: &str, kind: &str, summary: &Value) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO callbacks (order_id, at, kind, accepted, body) VALUES ($1, $2, $3, 1, $4)")
            .bind(order_id)
            .bind(now_text())
            .bind(kind)
            .bind(summary.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether exactly this accepted call (`summary`) is recorded for `order_id` already: a
    /// replayed delivery.
    pub async fn accepted_before(&self, order_id: &str, kind: &str, summary: &Value) -> Result<bool, sqlx::Error> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM callbacks WHERE order_id = $1 AND kind = $2 AND accepted = 1 AND body = $3 LIMIT 1",
        )
        .bind(order_id)
        .bind(kind)
        .bind(summary.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// The status the newest accepted callback of `order_id` gave (`REJECTED`, ...).
    pub async fn last_callback_status(&self, order_id: &str) -> Result<Option<String>, sqlx::Error> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM callbacks WHERE order_id = $1 AND accepted = 1 AND kind = 'callback' ORDER BY id DESC LIMIT 1",
        )
        .bind(order_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(body
            .and_then(|b| serde_json::from_str::<Value>(&b).ok())
            .and_then(|b| b.get("status").and_then(Value::as_str).map(str::to_string)))
    }

    /// Refused calls: when, where and why, never what they said. Only the newest
    /// [`REJECTED_KEPT`] of each kind are kept, so a flood of one kind cannot push out the
    /// record of another.
    pub async fn record_rejected_batch(&self, batch: &[crate::rejected::Refusal]) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let now = now_text();
        let mut kinds: Vec<&str> = Vec::new();
        for r in batch {
            let path: String = storable(&r.path).chars().take(200).collect();
            let order_id = r.order_id.as_deref().map(|id| storable(id).into_owned());
            sqlx::query(
                "INSERT INTO callbacks (order_id, at, kind, accepted, body, path, reason) VALUES ($1, $2, $3, 0, '', $4, $5)",
            )
            .bind(order_id)
            .bind(&now)
            .bind(&r.kind)
            .bind(path)
            .bind(&r.reason)
            .execute(&mut *tx)
            .await?;
            if !kinds.contains(&r.kind.as_str()) {
                kinds.push(&r.kind);
            }
        }
        for kind in kinds {
            sqlx::query(
                "DELETE FROM callbacks WHERE accepted = 0 AND kind = $1 AND id NOT IN
                   (SELECT id FROM callbacks WHERE accepted = 0 AND kind = $1 ORDER BY id DESC LIMIT $2)",
            )
            .bind(kind)
            .bind(REJECTED_KEPT)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// The newest rejected calls of each kind (`limit` of each), newest first, for staff:
    /// a flood of one kind does not hide another.
    pub async fn rejected_calls(&self, limit: i64) -> Result<Vec<Value>, sqlx::Error> {
        let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT at, kind, path, reason FROM callbacks c WHERE accepted = 0 AND id IN
               (SELECT id FROM callbacks WHERE accepted = 0 AND kind = c.kind ORDER BY id DESC LIMIT $1)
             ORDER BY id DESC",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, kind, path, reason)| json!({"at": at, "kind": kind, "path": path, "reason": reason}))
            .collect())
    }

    /// Forgets events, idempotency keys and received calls older than `cutoff`. Orders
    /// themselves are the shop's books and stay.
    pub async fn prune(&self, cutoff: DateTime<Utc>) -> Result<u64, sqlx::Error> {
        let cutoff = time_text(cutoff);
        let mut pruned = 0;
        for sql in [
            "DELETE FROM order_events WHERE at < $1",
            "DELETE FROM callbacks WHERE at < $1",
            "DELETE FROM idempotency_keys WHERE created_at < $1",
        ] {
            pruned += sqlx::query(sql)
                .bind(&cutoff)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        pruned += self.prune_personal_data(&cutoff).await?;
        Ok(pruned)
    }

    pub async fn callbacks(&self, order_id: &str) -> Result<Vec<Value>, sqlx::Error> {
        let rows: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT at, kind, accepted FROM callbacks WHERE order_id = $1 ORDER BY id")
                .bind(order_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(at, kind, accepted)| json!({"at": at, "kind": kind, "accepted": accepted != 0}))
            .collect())
    }

    /// The orders of a Vipps user, erased ones too (a consent removal sent again).
    pub async fn orders_of_user(&self, user_id: &str, erased_id: &str) -> Result<Vec<String>, sqlx::Error> {
        if user_id.contains('\0') {
            return Ok(Vec::new());
        }
        sqlx::query_scalar("SELECT order_id FROM orders WHERE user_id IN ($1, $2) ORDER BY order_id")
            .bind(user_id)
            .bind(erased_id)
            .fetch_all(&self.pool)
            .await
    }

    /// Erases a user's personal data from everywhere it is stored (consent removal):
    /// their orders' address, name, e-mail and phone, the same phone on orders that
    /// carry no user id (a number typed before paying), and what their orders' calls
    /// recorded. Keeps what the shop needs for its books: amounts, items, the shipping
    /// method. SQLite's write-ahead log is checkpointed, so the file keeps no copy either
    /// (PostgreSQL's old row versions go at its next vacuum).
    pub async fn erase_user(&self, user_id: &str, erased_id: &str) -> Result<u64, sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        let rows: Vec<(String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT order_id, mobile_number, user_details FROM orders WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(&mut *tx)
                .await?;
        let mut phones: Vec<String> = Vec::new();
        for (_, mobile, details) in &rows {
            let from_details = details
                .as_deref()
                .and_then(|d| serde_json::from_str::<Value>(d).ok())
                .and_then(|d| d.get("mobileNumber").and_then(Value::as_str).map(str::to_string));
            phones.extend(mobile.iter().cloned().chain(from_details).flat_map(|p| phone_forms(&p)));
        }
        phones.sort();
        phones.dedup();
        let now = now_text();
        for (id, _, _) in &rows {
            insert_event(&mut tx, id, "consent_removed", &json!({})).await?;
            sqlx::query("UPDATE callbacks SET body = '{}' WHERE order_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let erased = sqlx::query(
            "UPDATE orders SET address = NULL, user_details = NULL, userinfo = NULL, mobile_number = NULL, user_id = $1, updated_at = $2
             WHERE user_id = $3",
        )
        .bind(erased_id)
        .bind(&now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        for phone in &phones {
            sqlx::query("UPDATE orders SET mobile_number = NULL, updated_at = $1 WHERE mobile_number = $2")
                .bind(&now)
                .bind(phone)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        if self.kind == Kind::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(erased)
    }
}

/// Text from outside as both databases store it: PostgreSQL refuses NUL characters in
/// text, so they become U+FFFD (never silently an error).
fn storable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\0') {
        text.replace('\0', "\u{FFFD}").into()
    } else {
        text.into()
    }
}

/// The ways one Norwegian number is written (`4791234567`, `+4791234567`, `91234567`).
fn phone_forms(phone: &str) -> Vec<String> {
    let national = contract::validate::normalize_mobile(phone)
        .or_else(|| phone.strip_prefix("47").and_then(contract::validate::normalize_mobile));
    match national {
        Some(n) => vec![n.clone(), format!("47{n}"), format!("+47{n}"), phone.to_string()],
        None => vec![phone.to_string()],
    }
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    order_id: &str,
    kind: &str,
    detail: &Value,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO order_events (order_id, at, kind, detail) VALUES ($1, $2, $3, $4)")
        .bind(order_id)
        .bind(now_text())
        .bind(kind)
        .bind(detail.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> Db {
        let path = std::env::temp_dir().join(format!(
            "vipps-proxy-db-{}-{}.db",
            std::process::id(),
            rand::random::<u32>()
        ));
        Db::open(&Location::Sqlite(path)).await.unwrap()
    }

    #[tokio::test]
    async fn keys_replay_refuse_and_wait() {
        let db = db().await;
        assert_eq!(db.begin_key("p", "k", "h1").await.unwrap(), KeyState::New);
        assert_eq!(db.begin_key("p", "k", "h1").await.unwrap(), KeyState::InProgress);
        assert_eq!(db.begin_key("p", "k", "h2").await.unwrap(), KeyState::Mismatch);
        db.finish_key("p", "k", None, 201, &json!({"ok": 1})).await.unwrap();
        assert_eq!(
            db.begin_key("p", "k", "h1").await.unwrap(),
            KeyState::Replay {
                status: 201,
                response: json!({"ok": 1})
            }
        );
        assert_eq!(
            db.begin_key("other", "k", "h1").await.unwrap(),
            KeyState::New,
            "keys are scoped"
        );
        db.unsettle_key("other", "k", "o-1").await.unwrap();
        assert_eq!(
            db.begin_key("other", "k", "h1").await.unwrap(),
            KeyState::Unsettled { order_id: "o-1".into() }
        );
        assert_eq!(db.begin_key("other", "k", "h2").await.unwrap(), KeyState::Mismatch);
    }

    #[tokio::test]
    async fn a_key_whose_request_died_is_free_again_after_a_while() {
        let db = db().await;
        assert_eq!(db.begin_key("p", "k", "h1").await.unwrap(), KeyState::New);
        let long_ago = time_text(Utc::now() - chrono::Duration::seconds(STALE_KEY_SECS + 5));
        sqlx::query("UPDATE idempotency_keys SET created_at = $1")
            .bind(long_ago)
            .execute(&db.pool)
            .await
            .unwrap();
        assert_eq!(db.begin_key("p", "k", "h1").await.unwrap(), KeyState::New);
        // A finished key is never taken over, however old.
        db.finish_key("p", "k", None, 201, &json!({})).await.unwrap();
        let long_ago = time_text(Utc::now() - chrono::Duration::seconds(STALE_KEY_SECS + 5));
        sqlx::query("UPDATE idempotency_keys SET created_at = $1")
            .bind(long_ago)
            .execute(&db.pool)
            .await
            .unwrap();
        assert!(matches!(
            db.begin_key("p", "k", "h1").await.unwrap(),
            KeyState::Replay { .. }
        ));
    }
}
