//! The ePayment webhook registration of each sales unit: its id at Vipps and the secret
//! its deliveries are signed with, kept in `settings` so every instance on the database
//! verifies with the same secret and only one registration exists per unit and URL.

use serde::{Deserialize, Serialize};

use super::Db;

/// A registration as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: String,
    pub secret: String,
}

fn setting_key(msn: &str, url: &str) -> String {
    format!("webhook:{msn}:{url}")
}

impl Db {
    /// The registration for `msn`'s deliveries to `url`, if one is stored.
    pub async fn webhook(&self, msn: &str, url: &str) -> Result<Option<Webhook>, sqlx::Error> {
        // A sales unit from a URL may hold a NUL, which PostgreSQL refuses in text; no
        // registration is stored under one: unknown, not an error.
        if msn.contains('\0') || url.contains('\0') {
            return Ok(None);
        }
        let stored: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(setting_key(msn, url))
            .fetch_optional(&self.pool)
            .await?;
        Ok(stored.and_then(|v| serde_json::from_str(&v).ok()))
    }

    /// Stores `fresh` unless a registration is stored already (another instance was
    /// quicker), or replaces the stored one if its id is `replacing` (Vipps no longer
    /// knows it). Answers the registration that is stored afterwards: the caller
    /// deletes `fresh` at Vipps if it is not that one.
    pub async fn keep_webhook(
        &self,
        msn: &str,
        url: &str,
        fresh: &Webhook,
        replacing: Option<&str>,
    ) -> Result<Webhook, sqlx::Error> {
        let key = setting_key(msn, url);
        let value = serde_json::to_string(fresh).expect("serialisable");
        match replacing {
            None => {
                sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(&key)
                    .bind(&value)
                    .execute(&self.pool)
                    .await?;
            }
            Some(old) => {
                let old_value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(&key)
                    .fetch_optional(&self.pool)
                    .await?;
                let is_old = old_value
                    .as_deref()
                    .and_then(|v| serde_json::from_str::<Webhook>(v).ok())
                    .is_some_and(|w| w.id == old);
                if let (true, Some(old_value)) = (is_old, old_value) {
                    sqlx::query("UPDATE settings SET value = $1 WHERE key = $2 AND value = $3")
                        .bind(&value)
                        .bind(&key)
                        .bind(old_value)
                        .execute(&self.pool)
                        .await?;
                }
            }
        }
        Ok(self.webhook(msn, url).await?.unwrap_or_else(|| fresh.clone()))
    }
}
