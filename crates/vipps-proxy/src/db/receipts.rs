//! What became of each paid order's receipt at Vipps (`orders.receipt_status`): due
//! (NULL), `sent`, `refused`, or `none` (finished before receipts were sent). An outcome
//! is written once, with its event in the order's history.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{insert_event, time_text, Db};

/// What became of a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptOutcome {
    /// Vipps has it (it took it now, or had it already).
    Sent,
    /// Vipps refused it, or it did not add up: it is not tried again.
    Refused,
}

impl ReceiptOutcome {
    fn as_str(self) -> &'static str {
        match self {
            ReceiptOutcome::Sent => "sent",
            ReceiptOutcome::Refused => "refused",
        }
    }
}

impl Db {
    /// Records the receipt's outcome and its event (`receipt_sent` or
    /// `receipt_refused`), unless one was recorded already (another instance, a retry):
    /// `false` then, and nothing is written.
    pub async fn record_receipt(
        &self,
        order_id: &str,
        outcome: ReceiptOutcome,
        detail: &Value,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let updated =
            sqlx::query("UPDATE orders SET receipt_status = $1 WHERE order_id = $2 AND receipt_status IS NULL")
                .bind(outcome.as_str())
                .bind(order_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        let kind = match outcome {
            ReceiptOutcome::Sent => "receipt_sent",
            ReceiptOutcome::Refused => "receipt_refused",
        };
        insert_event(&mut tx, order_id, kind, detail).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Claims the order's receipt for one sender until `until`, if it is due: paid, no
    /// outcome recorded, and not waiting out a failure or another sender's claim. So a
    /// refresh and the reconciler (or two instances) never both send it; a sender that
    /// dies holding the claim is replaced by the reconciler once the claim runs out.
    pub async fn claim_receipt(
        &self,
        order_id: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, sqlx::Error> {
        let claimed = sqlx::query(
            "UPDATE orders SET receipt_next_try = $1 WHERE order_id = $2 AND status IN ('reserved', 'captured') \
             AND receipt_status IS NULL AND (receipt_next_try IS NULL OR receipt_next_try <= $3)",
        )
        .bind(time_text(until))
        .bind(order_id)
        .bind(time_text(now))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }

    /// Paid orders made since `since` whose receipt is due and not waiting out a
    /// failure (`now`), oldest first, at most `limit`.
    pub async fn receipts_due(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT order_id FROM orders WHERE status IN ('reserved', 'captured') AND receipt_status IS NULL \
             AND created_at >= $1 AND (receipt_next_try IS NULL OR receipt_next_try <= $2) \
             ORDER BY created_at LIMIT $3",
        )
        .bind(time_text(since))
        .bind(time_text(now))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Paid orders made before `since` whose receipt is still due: given up on.
    pub async fn receipts_overdue(&self, since: DateTime<Utc>, limit: i64) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT order_id FROM orders WHERE status IN ('reserved', 'captured') AND receipt_status IS NULL \
             AND created_at < $1 ORDER BY created_at LIMIT $2",
        )
        .bind(time_text(since))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// A receipt Vipps could not take yet: counted, and not tried before `backoff(tries)`
    /// from now has passed. Returns the tries so far.
    pub async fn receipt_later(
        &self,
        order_id: &str,
        backoff: impl Fn(i64) -> chrono::Duration,
    ) -> Result<i64, sqlx::Error> {
        let tries: i64 = sqlx::query_scalar(
            "UPDATE orders SET receipt_tries = receipt_tries + 1 WHERE order_id = $1 RETURNING receipt_tries",
        )
        .bind(order_id)
        .fetch_one(&self.pool)
        .await?;
        sqlx::query("UPDATE orders SET receipt_next_try = $1 WHERE order_id = $2")
            .bind(time_text(Utc::now() + backoff(tries)))
            .bind(order_id)
            .execute(&self.pool)
            .await?;
        Ok(tries)
    }
}
