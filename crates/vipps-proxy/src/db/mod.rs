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

mod calls;
mod keys;
mod lease;
mod location;
mod money;
mod orders;
mod privacy;
mod receipts;
pub mod registrations;
mod sessions;

pub use calls::{Refusal, REJECTED_KEPT};
pub use keys::{KeyState, STALE_KEY_SECS};
pub use money::Export;
pub use orders::{NewOrder, Order, Refreshed};
pub use receipts::ReceiptOutcome;

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use sqlx::Executor;

pub use lease::RECONCILER;
pub use location::Location;

/// The history event of a reservation of another amount than the shop priced.
pub const MISMATCH: &str = "mismatch";

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
