//! Idempotency keys (one click, one payment; one staff operation, once) and the key
//! that signs the shoppers' status links.

use chrono::Utc;
use serde_json::Value;

use super::{now_text, time_text, Db};
use crate::token::TokenKey;

/// After this long, a key whose request never finished is free again.
pub const STALE_KEY_SECS: i64 = 60;

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

impl Db {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Location;
    use serde_json::json;

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
