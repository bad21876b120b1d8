//! The shop's money over time: each movement Vipps reported (`money::movements`),
//! written in the same transaction as the change it comes from; read back as the
//! bookkeeper's export, page by page so that a year of orders never sits in memory; kept
//! for the bookkeeping period while personal data and technical events go at the
//! retention.

use chrono::{DateTime, Utc};
use futures_util::Stream;

use super::{now_text, time_text, Db};
use crate::money::Movement;

/// What to export: movements from `from` (inclusive) to `to` (exclusive), of one store
/// or all.
#[derive(Debug, Clone)]
pub struct Export {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub store: Option<String>,
}

/// The export's columns.
pub const CSV_HEADER: &str = "date,store,order_id,vipps_reference,movement,amount,currency\n";

/// Rows read per query.
const PAGE: i64 = 500;

pub(super) async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    order_id: &str,
    store: &str,
    currency: &str,
    moved: &[(Movement, i64)],
) -> Result<(), sqlx::Error> {
    let at = now_text();
    for (kind, amount) in moved {
        sqlx::query(
            "INSERT INTO money_movements (order_id, store, at, kind, amount, currency) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(order_id)
        .bind(store)
        .bind(&at)
        .bind(kind.as_str())
        .bind(amount)
        .bind(currency)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A CSV field: quoted when it holds a comma, a quote or a line break; a leading `=`,
/// `+`, `-` or `@` (a formula to a spreadsheet) is kept as text with a `'` before it.
fn field(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        return field(&format!("'{text}"));
    }
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Minor units as a decimal amount: `29800` → `298.00`.
fn decimal(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.abs() / 100, minor.abs() % 100)
}

type Row = (i64, String, String, String, String, i64, String);

fn csv_line((_, at, store, order_id, kind, amount, currency): &Row) -> String {
    // The order id is the payment's id at Vipps: eCom's `orderId`, ePayment's `reference`.
    format!(
        "{},{},{},{},{},{},{}\n",
        field(at),
        field(store),
        field(order_id),
        field(order_id),
        field(kind),
        decimal(*amount),
        field(currency)
    )
}

impl Db {
    /// The movements of `export` as CSV text: the header, then a chunk per page.
    pub fn export_csv(&self, export: Export) -> impl Stream<Item = Result<String, sqlx::Error>> + Send + 'static {
        let db = self.clone();
        // `None`: the header is still to come; then the last row id sent.
        futures_util::stream::unfold(Some(None::<i64>), move |state| {
            let (db, export) = (db.clone(), export.clone());
            async move {
                let after = match state? {
                    None => return Some((Ok(CSV_HEADER.to_string()), Some(Some(0)))),
                    Some(after) => after,
                };
                let rows: Result<Vec<Row>, sqlx::Error> = sqlx::query_as(
                    "SELECT id, at, store, order_id, kind, amount, currency FROM money_movements \
                     WHERE at >= $1 AND at < $2 AND ($3 = '*' OR store = $3) AND id > $4 ORDER BY id LIMIT $5",
                )
                .bind(time_text(export.from))
                .bind(time_text(export.to))
                .bind(export.store.as_deref().unwrap_or("*"))
                .bind(after)
                .bind(PAGE)
                .fetch_all(&db.pool)
                .await;
                match rows {
                    Err(e) => Some((Err(e), None)),
                    Ok(rows) if rows.is_empty() => None,
                    Ok(rows) => {
                        let last = rows.last().map_or(after, |r| r.0);
                        let chunk: String = rows.iter().map(csv_line).collect();
                        Some((Ok(chunk), Some(Some(last))))
                    }
                }
            }
        })
    }

    /// The movements of one order, oldest first: `(at, kind, amount)`.
    pub async fn movements(&self, order_id: &str) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
        sqlx::query_as("SELECT at, kind, amount FROM money_movements WHERE order_id = $1 ORDER BY id")
            .bind(order_id)
            .fetch_all(&self.pool)
            .await
    }

    /// At the retention: the personal data of orders made before `cutoff` goes, pending
    /// ones too (long past the payment window); a Vipps user id gives way to `pruned`, so
    /// a late refresh cannot bring it back. What was bought, paid and moved stays.
    /// Returns the orders changed.
    pub(super) async fn prune_personal_data(&self, cutoff: &str) -> Result<u64, sqlx::Error> {
        sqlx::query(
            "UPDATE orders SET address = NULL, user_details = NULL, userinfo = NULL, mobile_number = NULL, \
             user_id = 'pruned' WHERE created_at < $1 AND (address IS NOT NULL \
             OR user_details IS NOT NULL OR userinfo IS NOT NULL OR mobile_number IS NOT NULL \
             OR user_id IS NULL OR user_id <> 'pruned')",
        )
        .bind(cutoff)
        .execute(&self.pool)
        .await
        .map(|r| r.rows_affected())
    }

    /// After the bookkeeping period (`kept_from`: `money::books_kept_from`): orders made
    /// before it whose money last moved before it go, with their movements and anything
    /// left of their history, in one transaction. Returns the rows deleted.
    pub async fn prune_books(&self, kept_from: DateTime<Utc>) -> Result<u64, sqlx::Error> {
        let cutoff = time_text(kept_from);
        // The table names are this fixed list; only the time is a parameter.
        let old = "SELECT o.order_id FROM orders o WHERE o.created_at < $1 AND NOT EXISTS \
                   (SELECT 1 FROM money_movements m WHERE m.order_id = o.order_id AND m.at >= $1)";
        let mut tx = self.pool.begin().await?;
        let mut pruned = 0;
        for table in ["money_movements", "order_events", "callbacks"] {
            pruned += sqlx::query(&format!("DELETE FROM {table} WHERE order_id IN ({old})"))
                .bind(&cutoff)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        pruned += sqlx::query(&format!("DELETE FROM orders WHERE order_id IN ({old})"))
            .bind(&cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(pruned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_csv_a_spreadsheet_reads() {
        let row: Row = (
            1,
            "2026-12-05T10:00:00.000Z".into(),
            "fjord".into(),
            "fjord-20261205-abc".into(),
            "captured".into(),
            29_805,
            "NOK".into(),
        );
        assert_eq!(
            csv_line(&row),
            "2026-12-05T10:00:00.000Z,fjord,fjord-20261205-abc,fjord-20261205-abc,captured,298.05,NOK\n"
        );
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("-shop,x"), "\"'-shop,x\"");
        assert_eq!(decimal(5), "0.05");
        assert_eq!(decimal(-12_345), "-123.45");
    }
}
