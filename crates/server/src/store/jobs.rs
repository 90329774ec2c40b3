//! Jobs as rows: created with what was asked, claimed by exactly one process, kept alive by a
//! heartbeat, moved forward one committed chunk at a time, finished with their outcome. A job
//! whose owner stopped showing life is taken over by another process (or by the same one
//! after a restart) and resumes where its last chunk left it.

use super::db::{Exec, Sql, Tx};
use super::{now_ms, Entity, Store};
use shipshape_model::job::SkippedRecord;
use shipshape_model::{EpochMillis, Job, JobStatus};

/// What a deletion job was asked to delete, as the client wrote it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Selection {
    /// Ids (uuids, shas, short ids) as given.
    #[serde(rename_all = "camelCase")]
    Ids { ids: Vec<String> },
    /// The given ids resolved to row ids when the job first ran.
    #[serde(rename_all = "camelCase")]
    Rows { ids: Vec<String>, row_ids: Vec<i64> },
    /// QQL as written, and the instant its relative dates resolve at (the request's).
    #[serde(rename_all = "camelCase")]
    Filter { filter: String, now_ms: i64 },
}

fn status_str(s: JobStatus) -> &'static str {
    match s {
        JobStatus::Queued => "QUEUED",
        JobStatus::Running => "RUNNING",
        JobStatus::Completed => "COMPLETED",
        JobStatus::Failed => "FAILED",
    }
}

fn status_of(s: &str) -> JobStatus {
    match s {
        "QUEUED" => JobStatus::Queued,
        "RUNNING" => JobStatus::Running,
        "COMPLETED" => JobStatus::Completed,
        _ => JobStatus::Failed,
    }
}

/// A job row as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub requested_by: String,
    pub created: i64,
    pub finished: Option<i64>,
    pub requested: i64,
    pub deleted: i64,
    pub skipped: String,
    pub error: Option<String>,
    pub entity: Option<String>,
    pub selection: Option<String>,
    pub owner: Option<String>,
    pub heartbeat: Option<i64>,
    pub progress_id: i64,
    pub upto_id: Option<i64>,
    pub audit_id: Option<i64>,
}

const COLUMNS: &str = "id, kind, status, requested_by, created, finished, requested, deleted, \
    skipped, error, entity, selection, owner, heartbeat, progress_id, upto_id, audit_id";

impl JobRow {
    pub fn entity(&self) -> Option<Entity> {
        self.entity.as_deref().and_then(Entity::parse)
    }

    pub fn selection(&self) -> Option<Selection> {
        self.selection
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
    }

    pub fn skipped(&self) -> Vec<SkippedRecord> {
        super::json_col(&self.skipped)
    }

    pub fn to_job(&self) -> Job {
        Job {
            id: self.id.clone(),
            kind: self.kind.clone(),
            status: status_of(&self.status),
            requested_by: self.requested_by.clone(),
            created: EpochMillis(self.created),
            finished: self.finished.map(EpochMillis),
            requested: self.requested.max(0) as u64,
            deleted: self.deleted.max(0) as u64,
            skipped: self.skipped(),
            error: self.error.clone(),
            retention: None,
        }
    }
}

/// The job kind of a delete of `entity`.
pub fn deletion_kind(entity: Entity) -> &'static str {
    match entity {
        Entity::Sensor => "DELETE_SENSORS",
        Entity::Image => "DELETE_IMAGES",
        Entity::Container => "DELETE_CONTAINERS",
        Entity::Vulnerability => "DELETE_VULNERABILITIES",
        Entity::Audit => "DELETE_AUDIT",
    }
}

impl Store {
    /// Records a deletion job and its audit entry (status `STARTED`, with the QQL or ids as
    /// the user wrote them) in one transaction.
    pub async fn create_deletion_job(
        &self,
        entity: Entity,
        selection: &Selection,
        actor: &str,
    ) -> sqlx::Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let kind = deletion_kind(entity);
        let now = now_ms();
        let mut details = serde_json::json!({ "jobId": id, "entity": entity.table() });
        match selection {
            Selection::Ids { ids } | Selection::Rows { ids, .. } => {
                details["ids"] = serde_json::json!(ids)
            }
            Selection::Filter { filter, .. } => details["filter"] = serde_json::json!(filter),
        }
        let mut tx = self.jobs_db().begin().await?;
        let audit_id = super::audit::start(&mut tx, now, actor, kind, &details).await?;
        Sql::new(
            "INSERT INTO jobs (id, kind, status, requested_by, created, entity, selection, \
             audit_id) VALUES (?, ?, 'QUEUED', ?, ?, ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(kind)
        .bind(actor)
        .bind(now)
        .bind(entity.table())
        .bind(serde_json::to_string(selection).unwrap_or_default())
        .bind(audit_id)
        .execute(Exec::from(&mut tx))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn job_row(&self, id: &str) -> sqlx::Result<Option<JobRow>> {
        Sql::new(format!("SELECT {COLUMNS} FROM jobs WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.jobs_db())
            .await
    }

    pub async fn job(&self, id: &str) -> sqlx::Result<Option<Job>> {
        Ok(Sql::new(format!("SELECT {COLUMNS} FROM jobs WHERE id = ?"))
            .bind(id)
            .fetch_optional::<JobRow>(self.db())
            .await?
            .map(|r| r.to_job()))
    }

    /// Takes a queued job for this process; false when another took it first.
    pub async fn claim_job(&self, id: &str) -> sqlx::Result<bool> {
        let now = now_ms();
        let n = Sql::new(
            "UPDATE jobs SET status = 'RUNNING', owner = ?, heartbeat = ?, \
             started = coalesce(started, ?) WHERE id = ? AND status = 'QUEUED'",
        )
        .bind(self.instance())
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(self.jobs_db())
        .await?;
        Ok(n == 1)
    }

    /// Takes over jobs nobody is running: running ones whose owner has not shown life since
    /// `stale_before`, and queued ones created before it (their creator stopped before
    /// claiming them). Each is taken by exactly one process.
    pub async fn take_over_jobs(&self, stale_before: i64) -> sqlx::Result<Vec<JobRow>> {
        let candidates: Vec<JobRow> = Sql::new(format!(
            "SELECT {COLUMNS} FROM jobs WHERE (status = 'RUNNING' AND coalesce(heartbeat, 0) < ?) \
             OR (status = 'QUEUED' AND created < ?) ORDER BY created"
        ))
        .bind(stale_before)
        .bind(stale_before)
        .fetch_all(self.jobs_db())
        .await?;
        let mut taken = Vec::new();
        for job in candidates {
            let now = now_ms();
            // Compare-and-set on what was read: a job another process took meanwhile (or whose
            // owner came back to life) is left alone.
            let n = Sql::new(
                "UPDATE jobs SET status = 'RUNNING', owner = ?, heartbeat = ?, \
                 started = coalesce(started, ?) \
                 WHERE id = ? AND status = ? AND coalesce(heartbeat, 0) = ? \
                 AND coalesce(owner, '') = ?",
            )
            .bind(self.instance())
            .bind(now)
            .bind(now)
            .bind(job.id.as_str())
            .bind(job.status.as_str())
            .bind(job.heartbeat.unwrap_or(0))
            .bind(job.owner.clone().unwrap_or_default())
            .execute(self.jobs_db())
            .await?;
            if n == 1 {
                if let Some(row) = self.job_row(&job.id).await? {
                    taken.push(row);
                }
            }
        }
        Ok(taken)
    }

    /// Shows life on a job this process runs; false when it is no longer ours.
    pub async fn job_heartbeat(&self, id: &str) -> sqlx::Result<bool> {
        let n = Sql::new(
            "UPDATE jobs SET heartbeat = ? WHERE id = ? AND owner = ? AND status = 'RUNNING'",
        )
        .bind(now_ms())
        .bind(id)
        .bind(self.instance())
        .execute(self.jobs_db())
        .await?;
        Ok(n == 1)
    }

    /// Records how much a job has to do (once, when it first runs) and its resolved selection.
    pub async fn job_planned(
        &self,
        id: &str,
        requested: u64,
        upto_id: i64,
        selection: &Selection,
        skipped: &[SkippedRecord],
    ) -> sqlx::Result<bool> {
        let n = Sql::new(
            "UPDATE jobs SET requested = ?, upto_id = ?, selection = ?, skipped = ? \
             WHERE id = ? AND owner = ?",
        )
        .bind(requested as i64)
        .bind(upto_id)
        .bind(serde_json::to_string(selection).unwrap_or_default())
        .bind(serde_json::to_string(skipped).unwrap_or_else(|_| "[]".into()))
        .bind(id)
        .bind(self.instance())
        .execute(self.jobs_db())
        .await?;
        Ok(n == 1)
    }

    /// Finishes a job this process runs and completes its audit entry.
    pub async fn finish_job(
        &self,
        id: &str,
        status: JobStatus,
        error: Option<&str>,
    ) -> sqlx::Result<()> {
        let mut tx = self.jobs_db().begin().await?;
        let now = now_ms();
        let n = Sql::new(
            "UPDATE jobs SET status = ?, finished = ?, error = ?, heartbeat = ? \
             WHERE id = ? AND owner = ?",
        )
        .bind(status_str(status))
        .bind(now)
        .bind(error)
        .bind(now)
        .bind(id)
        .bind(self.instance())
        .execute(Exec::from(&mut tx))
        .await?;
        if n == 1 {
            complete_audit(&mut tx, id, status_str(status), now).await?;
        }
        tx.commit().await
    }

    /// Marks a job failed for a reason, whoever owned it (a job that cannot be resumed).
    pub async fn fail_job(&self, id: &str, reason: &str) -> sqlx::Result<()> {
        let mut tx = self.jobs_db().begin().await?;
        let now = now_ms();
        Sql::new(
            "UPDATE jobs SET status = 'FAILED', finished = ?, error = ? \
             WHERE id = ? AND status IN ('QUEUED', 'RUNNING')",
        )
        .bind(now)
        .bind(reason)
        .bind(id)
        .execute(Exec::from(&mut tx))
        .await?;
        complete_audit(&mut tx, id, "FAILED", now).await?;
        tx.commit().await
    }
}

/// Inside a chunk's transaction: the job's progress, written only while this process owns the
/// job. False means another process took it over: the caller rolls back and stops.
pub async fn record_progress(
    tx: &mut Tx,
    id: &str,
    owner: &str,
    progress_id: i64,
    deleted: u64,
    skipped: &[SkippedRecord],
) -> sqlx::Result<bool> {
    let n = Sql::new(
        "UPDATE jobs SET progress_id = ?, deleted = deleted + ?, skipped = ?, heartbeat = ? \
         WHERE id = ? AND owner = ? AND status = 'RUNNING'",
    )
    .bind(progress_id)
    .bind(deleted as i64)
    .bind(serde_json::to_string(skipped).unwrap_or_else(|_| "[]".into()))
    .bind(now_ms())
    .bind(id)
    .bind(owner)
    .execute(Exec::from(&mut *tx))
    .await?;
    Ok(n == 1)
}

/// The job's audit entry: its outcome and counts added to what was recorded at the start.
async fn complete_audit(tx: &mut Tx, job_id: &str, status: &str, at: i64) -> sqlx::Result<()> {
    #[derive(sqlx::FromRow)]
    struct Entry {
        audit_id: Option<i64>,
        kind: String,
        selection: Option<String>,
        deleted: i64,
        requested: i64,
        skipped: String,
        error: Option<String>,
    }
    let entry: Option<Entry> = Sql::new(
        "SELECT audit_id, kind, selection, deleted, requested, skipped, error \
             FROM jobs WHERE id = ?",
    )
    .bind(job_id)
    .fetch_optional(Exec::from(&mut *tx))
    .await?;
    let Some(Entry {
        audit_id: Some(audit_id),
        kind,
        selection,
        deleted,
        requested,
        skipped,
        error,
    }) = entry
    else {
        return Ok(());
    };
    let details: Option<String> = Sql::new("SELECT details FROM audit_log WHERE id = ?")
        .bind(audit_id)
        .scalar_optional(Exec::from(&mut *tx))
        .await?;
    let mut details: serde_json::Value = details
        .and_then(|d| serde_json::from_str(&d).ok())
        .unwrap_or_else(|| serde_json::json!({}));
    let skipped: Vec<SkippedRecord> = super::json_col(&skipped);
    if kind == super::retention::JOB_KIND {
        // A purge's counts are per kind.
        let state = selection
            .as_deref()
            .and_then(|s| serde_json::from_str::<super::retention::RunState>(s).ok());
        details["deleted"] = serde_json::json!(state.map(|s| s.deleted).unwrap_or_default());
    } else {
        details["requested"] = requested.into();
        details["deleted"] = deleted.into();
        details["skipped"] = skipped.len().into();
    }
    if let Some(e) = error {
        details["error"] = e.into();
    }
    Sql::new("UPDATE audit_log SET status = ?, completed = ?, details = ? WHERE id = ?")
        .bind(status)
        .bind(at)
        .bind(details.to_string())
        .bind(audit_id)
        .execute(Exec::from(&mut *tx))
        .await?;
    Ok(())
}
