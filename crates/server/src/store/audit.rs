//! The audit log: who did what, when. Long actions (deletion jobs) write their entry when they
//! start and complete it when they end (`store::jobs`).

use super::db::Sql;
use super::{now_ms, Store};

/// An audit entry as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub details: String,
    pub status: Option<String>,
    pub completed: Option<i64>,
}

impl Store {
    /// Records an action that is done when it is recorded.
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        details: serde_json::Value,
    ) -> sqlx::Result<()> {
        Sql::new("INSERT INTO audit_log (at, actor, action, details) VALUES (?, ?, ?, ?)")
            .bind(now_ms())
            .bind(actor)
            .bind(action)
            .bind(details.to_string())
            .execute(self.jobs_db())
            .await?;
        Ok(())
    }

    /// The newest entries first.
    pub async fn audit_entries(&self, limit: i64) -> sqlx::Result<Vec<AuditEntry>> {
        Sql::new(
            "SELECT id, at, actor, action, details, status, completed FROM audit_log \
             ORDER BY id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(self.db())
        .await
    }
}
