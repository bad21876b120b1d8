//! Leases that make several instances on one store act as one: an order's `/details`
//! lease (one upstream call per order per window, whichever instance is asked) and named
//! leases for work that must run in one place at a time (the reconciler). Each is a
//! conditional write, atomic in both databases: SQLite has one writer, and PostgreSQL
//! re-checks the `WHERE` on the row a concurrent writer just changed.

use std::time::Duration;

use chrono::Utc;

use super::{now_text, time_text, Db, Kind};

/// The name of the lease the background work (reconciler, pruning) runs under.
pub const RECONCILER: &str = "reconciler";

fn after(d: Duration) -> String {
    time_text(Utc::now() + chrono::Duration::from_std(d).unwrap_or_default())
}

impl Db {
    /// Claims the right to ask Vipps about `order_id` for the next `window`: true for the
    /// one caller (of any instance) that may call `/details` now, false while another
    /// claim is younger than its window. `force` (news from Vipps: a callback) claims
    /// regardless and starts a new window. False for an unknown order.
    ///
    /// On PostgreSQL the claim is committed without waiting for its flush to disk
    /// (`synchronous_commit` off for this one transaction): a claim lost in a database
    /// crash costs one extra `/details` call, while waiting for the disk on every claim
    /// made pollers wait (measured by `make load-proxy`).
    pub async fn claim_refresh(&self, order_id: &str, window: Duration, force: bool) -> Result<bool, sqlx::Error> {
        let claim = sqlx::query(
            "UPDATE orders SET refresh_until = $1
             WHERE order_id = $2 AND ($3 OR refresh_until IS NULL OR refresh_until <= $4)",
        )
        .bind(after(window))
        .bind(order_id)
        .bind(force)
        .bind(now_text());
        let claimed = match self.kind {
            Kind::Sqlite => claim.execute(&self.pool).await?.rows_affected(),
            Kind::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SET LOCAL synchronous_commit TO OFF")
                    .execute(&mut *tx)
                    .await?;
                let claimed = claim.execute(&mut *tx).await?.rows_affected();
                tx.commit().await?;
                claimed
            }
        };
        Ok(claimed == 1)
    }

    /// Takes or renews the lease `name` for `holder` until `ttl` from now: true when
    /// `holder` has it (it was free, expired, or already its own).
    pub async fn claim_lease(&self, name: &str, holder: &str, ttl: Duration) -> Result<bool, sqlx::Error> {
        let claimed = sqlx::query(
            "INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
             WHERE leases.holder = excluded.holder OR leases.until <= $4",
        )
        .bind(name)
        .bind(holder)
        .bind(after(ttl))
        .bind(now_text())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }

    /// Gives the lease up (a clean shutdown), so another instance need not wait it out.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Who holds `name`, and until when (for staff and tests).
    pub async fn lease(&self, name: &str) -> Result<Option<(String, String)>, sqlx::Error> {
        sqlx::query_as("SELECT holder, until FROM leases WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Location;

    async fn db() -> Db {
        let path = std::env::temp_dir().join(format!(
            "vipps-proxy-lease-{}-{}.db",
            std::process::id(),
            rand::random::<u32>()
        ));
        Db::open(&Location::Sqlite(path)).await.unwrap()
    }

    #[tokio::test]
    async fn a_lease_is_one_holders_until_it_lapses_or_is_released() {
        let db = db().await;
        let ttl = Duration::from_millis(300);
        assert!(db.claim_lease(RECONCILER, "a", ttl).await.unwrap());
        assert!(!db.claim_lease(RECONCILER, "b", ttl).await.unwrap(), "held by a");
        assert!(db.claim_lease(RECONCILER, "a", ttl).await.unwrap(), "a renews");
        assert_eq!(db.lease(RECONCILER).await.unwrap().unwrap().0, "a");
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(
            db.claim_lease(RECONCILER, "b", ttl).await.unwrap(),
            "a stopped renewing"
        );
        assert!(!db.claim_lease(RECONCILER, "a", ttl).await.unwrap());
        db.release_lease(RECONCILER, "a").await.unwrap();
        assert_eq!(
            db.lease(RECONCILER).await.unwrap().unwrap().0,
            "b",
            "only the holder releases"
        );
        db.release_lease(RECONCILER, "b").await.unwrap();
        assert!(
            db.claim_lease(RECONCILER, "a", ttl).await.unwrap(),
            "released: free at once"
        );
        assert!(db.claim_lease("other", "b", ttl).await.unwrap(), "leases are by name");
    }
}
