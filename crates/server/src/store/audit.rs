//! The audit log: who did what, when.

use super::{now_ms, Store};

impl Store {
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        details: serde_json::Value,
    ) -> sqlx::Result<()> {
        sqlx::query("INSERT INTO audit_log (at, actor, action, details) VALUES (?, ?, ?, ?)")
            .bind(now_ms())
            .bind(actor)
            .bind(action)
            .bind(details.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
