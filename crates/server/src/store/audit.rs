//! The audit log: who did what, when. Long actions (deletion jobs) write their entry when they
//! start and complete it when they end (`store::jobs`).

use super::db::{Exec, Sql, Tx};
use super::{now_ms, Store};

/// An audit entry as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub details: String,
    pub status: Option<String>,
    pub completed: Option<i64>,
}

/// An entry for an action done inside `tx`, written in the same transaction, so that a change
/// and its record are never one without the other.
pub async fn record(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    details: serde_json::Value,
) -> sqlx::Result<()> {
    Sql::new("INSERT INTO audit_log (at, actor, action, details) VALUES (?, ?, ?, ?)")
        .bind(now_ms())
        .bind(actor)
        .bind(action)
        .bind(details.to_string())
        .execute(Exec::from(&mut *tx))
        .await?;
    Ok(())
}

/// The entry of a long action (a deletion, a purge) as it starts (status `STARTED`); the job
/// completes it when it ends (`store::jobs`). Its id, for the job's row.
pub async fn start(
    tx: &mut Tx,
    at: i64,
    actor: &str,
    action: &str,
    details: &serde_json::Value,
) -> sqlx::Result<i64> {
    Sql::new(
        "INSERT INTO audit_log (at, actor, action, details, status) \
         VALUES (?, ?, ?, ?, 'STARTED') RETURNING id",
    )
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(details.to_string())
    .scalar(Exec::from(&mut *tx))
    .await
}

impl Store {
    /// A page of the audit log: the entries `q.filter` selects, in `q.sort` order, and how many
    /// there are. Counted each time (the log is not an asset table, so no cached count follows it).
    pub async fn audit_page(
        &self,
        q: &super::listing::ListQuery,
    ) -> sqlx::Result<(u64, Vec<shipshape_model::audit::AuditRecord>)> {
        let d = self.engine().dialect();
        let cond = super::filter::compile(d, &q.filter);
        let mut count = Sql::new("SELECT count(*) FROM audit_log a");
        let mut page = Sql::new(
            "SELECT a.id, a.at, a.actor, a.action, a.details, a.status, a.completed \
             FROM audit_log a",
        );
        if !cond.text.is_empty() {
            for s in [&mut count, &mut page] {
                s.push(" WHERE ");
                s.append(&cond);
            }
        }
        let size = i64::from(q.size.get());
        let offset = (i64::from(q.page.get()).max(1) - 1) * size;
        page.push(&format!(" ORDER BY {} LIMIT ", q.sort.order_by(d)))
            .push_bind(size)
            .push(" OFFSET ")
            .push_bind(offset);
        let n: i64 = count.scalar(self.db()).await?;
        let rows: Vec<AuditEntry> = page.fetch_all(self.db()).await?;
        Ok((
            n.max(0) as u64,
            rows.into_iter()
                .map(|r| shipshape_model::audit::AuditRecord {
                    id: r.id,
                    at: r.at,
                    actor: r.actor,
                    action: r.action,
                    status: r.status,
                    completed: r.completed,
                    details: serde_json::from_str(&r.details)
                        .unwrap_or(serde_json::Value::String(r.details)),
                })
                .collect(),
        ))
    }
}
