//! Personal data kept no longer than needed: pruning past `--retention-days`, and a
//! shopper's consent removal (eCom's `DELETE …/consents/{userId}`).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{insert_event, now_text, time_text, Db, Kind};

impl Db {
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

/// The ways one Norwegian number is written (`4791234567`, `+4791234567`, `91234567`).
fn phone_forms(phone: &str) -> Vec<String> {
    let national = contract::validate::normalize_mobile(phone)
        .or_else(|| phone.strip_prefix("47").and_then(contract::validate::normalize_mobile));
    match national {
        Some(n) => vec![n.clone(), format!("47{n}"), format!("+47{n}"), phone.to_string()],
        None => vec![phone.to_string()],
    }
}
