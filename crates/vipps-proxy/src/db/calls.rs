//! What happened to an order and who called about it: its history (events), the calls
//! Vipps made that were accepted, and the refused calls of every kind (never their
//! bodies).

use serde_json::{json, Value};

use super::{insert_event, now_text, storable, Db};

/// At most this many rejected calls are kept (the newest): a flood of forgeries cannot
/// fill the disk.
pub const REJECTED_KEPT: i64 = 1000;

/// One refused call: what, on which order, where, why (never its body).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Refusal {
    pub kind: String,
    pub order_id: Option<String>,
    pub path: String,
    pub reason: String,
}

impl Db {
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
    pub async fn record_rejected_batch(&self, batch: &[crate::db::Refusal]) -> Result<(), sqlx::Error> {
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
}
