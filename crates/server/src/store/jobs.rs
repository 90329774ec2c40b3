//! Deletion jobs: created when a delete is accepted, finished by a background task.

use super::{now_ms, Store};
use shipshape_model::job::SkippedRecord;
use shipshape_model::{EpochMillis, Job, JobStatus};
use sqlx::Row;

fn status_str(s: JobStatus) -> &'static str {
    match s {
        JobStatus::Queued => "QUEUED",
        JobStatus::Running => "RUNNING",
        JobStatus::Completed => "COMPLETED",
        JobStatus::Failed => "FAILED",
    }
}

impl Store {
    pub async fn create_job(&self, kind: &str, requested_by: &str) -> sqlx::Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO jobs (id, kind, status, requested_by, created) VALUES (?, ?, 'QUEUED', ?, ?)")
            .bind(&id)
            .bind(kind)
            .bind(requested_by)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(id)
    }

    pub async fn set_job_running(&self, id: &str, requested: u64) -> sqlx::Result<()> {
        sqlx::query("UPDATE jobs SET status = 'RUNNING', requested = ? WHERE id = ?")
            .bind(requested as i64)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn finish_job(
        &self,
        id: &str,
        status: JobStatus,
        deleted: u64,
        skipped: &[SkippedRecord],
        error: Option<&str>,
    ) -> sqlx::Result<()> {
        sqlx::query("UPDATE jobs SET status = ?, finished = ?, deleted = ?, skipped = ?, error = ? WHERE id = ?")
            .bind(status_str(status))
            .bind(now_ms())
            .bind(deleted as i64)
            .bind(serde_json::to_string(skipped).unwrap_or_else(|_| "[]".into()))
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn job(&self, id: &str) -> sqlx::Result<Option<Job>> {
        let row = sqlx::query(
            "SELECT id, kind, status, requested_by, created, finished, requested, deleted, skipped, error
             FROM jobs WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let status: String = r.try_get("status")?;
            let skipped: String = r.try_get("skipped")?;
            Ok(Job {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                status: match status.as_str() {
                    "QUEUED" => JobStatus::Queued,
                    "RUNNING" => JobStatus::Running,
                    "COMPLETED" => JobStatus::Completed,
                    _ => JobStatus::Failed,
                },
                requested_by: r.try_get("requested_by")?,
                created: EpochMillis(r.try_get("created")?),
                finished: r.try_get::<Option<i64>, _>("finished")?.map(EpochMillis),
                requested: r.try_get::<i64, _>("requested")?.max(0) as u64,
                deleted: r.try_get::<i64, _>("deleted")?.max(0) as u64,
                skipped: super::json_col(&skipped),
                error: r.try_get("error")?,
            })
        })
        .transpose()
    }
}
