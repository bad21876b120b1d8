//! Staff sessions of the dashboard, stored by the hash of their id.

use super::{now_text, Db};

impl Db {
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
}
