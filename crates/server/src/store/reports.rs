//! Reports as rows and their files as chunks (`migrations/*/..._reports.sql`): created with the
//! job that generates them, written a chunk at a time while the job is still this process's,
//! turned GENERATED with the last chunk, expired (chunks deleted) when their time is up.

use super::audit::record;
use super::db::{Exec, Sql};
use super::{now_ms, Store};
use shipshape_model::entity::Extensible;
use shipshape_model::report::{
    Compression, FileFormat, Report, ReportRequest, ReportSchedule, ReportStatus, ScheduleRequest,
    ScheduleStatus, Template, DEFAULT_EXPIRE_AFTER_DAYS,
};

/// The job kind that generates a report.
pub const JOB_KIND: &str = "REPORT";

const DAY_MS: i64 = 86_400_000;

/// A report as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportRow {
    pub uuid: String,
    pub name: String,
    pub description: Option<String>,
    pub template: String,
    pub filter: String,
    pub display_columns: Option<String>,
    pub file_format: String,
    pub compression: String,
    pub report_type: String,
    pub status: String,
    pub created: i64,
    pub created_by: String,
    pub expires: Option<i64>,
    pub row_count: Option<i64>,
    pub size: Option<i64>,
    pub attempts: i64,
    pub error: Option<String>,
    pub job_id: Option<String>,
}

const COLUMNS: &str = "uuid, name, description, template, filter, display_columns, file_format, \
    compression, report_type, status, created, created_by, expires, row_count, size, attempts, \
    error, job_id";

impl ReportRow {
    pub fn template(&self) -> Option<Template> {
        Template::parse(&self.template)
    }

    pub fn format(&self) -> FileFormat {
        if self.file_format == "json" {
            FileFormat::Json
        } else {
            FileFormat::Csv
        }
    }

    pub fn compression(&self) -> Compression {
        Compression::parse(&self.compression)
    }

    pub fn status(&self) -> ReportStatus {
        ReportStatus::parse(&self.status).unwrap_or(ReportStatus::Failed)
    }

    /// The columns it was asked for, resolved when it was created.
    pub fn columns(&self) -> Vec<String> {
        self.display_columns
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default()
    }

    pub fn to_report(&self, extensions: bool) -> Report {
        let iso = |ms: i64| crate::reports::rows::iso(shipshape_model::EpochMillis(ms));
        Report {
            report_uuid: self.uuid.clone(),
            report_name: self.name.clone(),
            description: self.description.clone(),
            created_at: iso(self.created),
            file_format: self.format(),
            template_name: self.template.clone(),
            report_type: self.report_type.clone(),
            status: self.status(),
            filter: self.filter.clone(),
            display_columns: self.columns(),
            created_by: Some(self.created_by.clone()),
            compression: Some(self.compression()),
            rows: self.row_count.map(|n| n.max(0) as u64),
            size: self.size.map(|n| n.max(0) as u64),
            expires_at: self.expires.map(iso),
            error: self.error.clone(),
        }
        .with_extensions(extensions)
    }
}

/// The sort of a reports list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportSort {
    CreatedDesc,
    CreatedAsc,
    StatusDesc,
    StatusAsc,
    NameAsc,
    NameDesc,
}

impl ReportSort {
    pub fn parse(s: &str) -> Option<ReportSort> {
        Some(match s {
            "createdAt:desc" | "createdAt" => ReportSort::CreatedDesc,
            "createdAt:asc" => ReportSort::CreatedAsc,
            "status:desc" | "status" => ReportSort::StatusDesc,
            "status:asc" => ReportSort::StatusAsc,
            "reportName:asc" | "reportName" | "report.name:asc" | "report.name" => {
                ReportSort::NameAsc
            }
            "reportName:desc" | "report.name:desc" => ReportSort::NameDesc,
            _ => return None,
        })
    }

    fn order_by(self) -> &'static str {
        match self {
            ReportSort::CreatedDesc => "created DESC, uuid",
            ReportSort::CreatedAsc => "created ASC, uuid",
            ReportSort::StatusDesc => "status DESC, created DESC, uuid",
            ReportSort::StatusAsc => "status ASC, created DESC, uuid",
            ReportSort::NameAsc => "name ASC, created DESC, uuid",
            ReportSort::NameDesc => "name DESC, created DESC, uuid",
        }
    }
}

/// Which reports a list shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportFilter {
    pub name_contains: Option<String>,
    pub status: Option<ReportStatus>,
    pub template: Option<Template>,
    /// Created at or after (epoch ms).
    pub created_from: Option<i64>,
    /// Created at or before (epoch ms).
    pub created_to: Option<i64>,
}

impl ReportFilter {
    fn push_where(&self, sql: &mut Sql) {
        sql.push(" WHERE 1 = 1");
        if let Some(n) = &self.name_contains {
            let pattern = format!("%{}%", n.to_lowercase().replace(['%', '_'], ""));
            sql.push(" AND lower(name) LIKE ").push_bind(pattern);
        }
        if let Some(s) = self.status {
            sql.push(" AND status = ").push_bind(s.as_str());
        }
        if let Some(t) = self.template {
            sql.push(" AND template = ").push_bind(t.as_str());
        }
        if let Some(from) = self.created_from {
            sql.push(" AND created >= ").push_bind(from);
        }
        if let Some(to) = self.created_to {
            sql.push(" AND created <= ").push_bind(to);
        }
    }
}

impl Store {
    /// Records an on-demand report (columns resolved) and the job that generates it, with its
    /// audit entry, in one transaction: (the report's uuid, the job's id).
    pub async fn create_report(
        &self,
        req: &ReportRequest,
        columns: &[&str],
        actor: &str,
    ) -> sqlx::Result<(String, String)> {
        let mut tx = self.write_tx().await?;
        let made = insert_report(&mut tx, req, columns, actor, None).await?;
        record(
            &mut tx,
            actor,
            "REPORT_CREATE",
            serde_json::json!({"reportUuid": made.0, "name": req.name.trim(),
                               "templateName": req.template_name, "filter": req.filter,
                               "displayColumns": columns}),
        )
        .await?;
        tx.commit().await?;
        Ok(made)
    }

    pub async fn report(&self, uuid: &str) -> sqlx::Result<Option<ReportRow>> {
        Sql::new(format!("SELECT {COLUMNS} FROM reports WHERE uuid = ?"))
            .bind(uuid)
            .fetch_optional(self.db())
            .await
    }

    /// A page of reports and how many the filter selects.
    pub async fn reports(
        &self,
        filter: &ReportFilter,
        sort: ReportSort,
        page: u32,
        size: u32,
    ) -> sqlx::Result<(u64, Vec<ReportRow>)> {
        let mut count = Sql::new("SELECT count(*) FROM reports");
        filter.push_where(&mut count);
        let n: i64 = count.scalar(self.db()).await?;
        let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM reports"));
        filter.push_where(&mut sql);
        sql.push(&format!(" ORDER BY {} LIMIT ", sort.order_by()))
            .push_bind(i64::from(size))
            .push(" OFFSET ")
            .push_bind(i64::from(page.saturating_sub(1)) * i64::from(size));
        Ok((n.max(0) as u64, sql.fetch_all(self.db()).await?))
    }

    /// Deletes these reports and their files; the uuids that existed.
    pub async fn delete_reports(&self, uuids: &[String], actor: &str) -> sqlx::Result<Vec<String>> {
        let mut tx = self.write_tx().await?;
        let mut gone = Vec::new();
        for u in uuids {
            let n = Sql::new("DELETE FROM reports WHERE uuid = ?")
                .bind(u.as_str())
                .execute(Exec::from(&mut tx))
                .await?;
            if n == 1 {
                gone.push(u.clone());
            }
        }
        if !gone.is_empty() {
            record(
                &mut tx,
                actor,
                "REPORT_DELETE",
                serde_json::json!({ "reportUuids": gone }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(gone)
    }

    /// A generation (re)starts: RUNNING, one more attempt, no chunk left from an earlier one.
    /// False when the job is no longer this process's.
    pub async fn report_started(&self, uuid: &str, job_id: &str) -> sqlx::Result<bool> {
        let mut tx = self.write_tx().await?;
        if !self.still_ours(&mut tx, job_id).await? {
            return Ok(false);
        }
        Sql::new("DELETE FROM report_chunks WHERE report_uuid = ?")
            .bind(uuid)
            .execute(Exec::from(&mut tx))
            .await?;
        Sql::new(
            "UPDATE reports SET status = 'RUNNING', attempts = attempts + 1, row_count = NULL, \
             size = NULL WHERE uuid = ?",
        )
        .bind(uuid)
        .execute(Exec::from(&mut tx))
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Stores the next chunk of a report's file; false (nothing stored) when the job is no
    /// longer this process's.
    pub async fn report_chunk(
        &self,
        uuid: &str,
        job_id: &str,
        seq: i64,
        bytes: Vec<u8>,
    ) -> sqlx::Result<bool> {
        let mut tx = self.write_tx().await?;
        if !self.still_ours(&mut tx, job_id).await? {
            return Ok(false);
        }
        insert_chunk(&mut tx, uuid, seq, bytes).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The last chunk and the report GENERATED, together.
    pub async fn report_generated(
        &self,
        uuid: &str,
        job_id: &str,
        seq: i64,
        last: Vec<u8>,
        rows: u64,
        size: u64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.write_tx().await?;
        if !self.still_ours(&mut tx, job_id).await? {
            return Ok(false);
        }
        insert_chunk(&mut tx, uuid, seq, last).await?;
        Sql::new(
            "UPDATE reports SET status = 'GENERATED', generated = ?, row_count = ?, size = ?, \
             error = NULL WHERE uuid = ?",
        )
        .bind(now_ms())
        .bind(rows as i64)
        .bind(size as i64)
        .bind(uuid)
        .execute(Exec::from(&mut tx))
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A failed attempt: its chunks deleted, the reason kept; FAILED when `last`, else QUEUED
    /// for the retry. False (nothing changed) when the job is no longer this process's: the
    /// chunks are then another run's, which must not lose them.
    pub async fn report_failed(
        &self,
        uuid: &str,
        job_id: &str,
        reason: &str,
        last: bool,
    ) -> sqlx::Result<bool> {
        let mut tx = self.write_tx().await?;
        if !self.still_ours(&mut tx, job_id).await? {
            return Ok(false);
        }
        Sql::new("DELETE FROM report_chunks WHERE report_uuid = ?")
            .bind(uuid)
            .execute(Exec::from(&mut tx))
            .await?;
        Sql::new("UPDATE reports SET status = ?, error = ? WHERE uuid = ?")
            .bind(if last { "FAILED" } else { "QUEUED" })
            .bind(reason)
            .bind(uuid)
            .execute(Exec::from(&mut tx))
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The chunk `seq` of a generated report's file (downloads read one at a time).
    pub async fn report_file_chunk(&self, uuid: &str, seq: i64) -> sqlx::Result<Option<Vec<u8>>> {
        #[derive(sqlx::FromRow)]
        struct Chunk {
            bytes: Vec<u8>,
        }
        Ok(
            Sql::new("SELECT bytes FROM report_chunks WHERE report_uuid = ? AND seq = ?")
                .bind(uuid)
                .bind(seq)
                .fetch_optional::<Chunk>(self.jobs_db())
                .await?
                .map(|c| c.bytes),
        )
    }

    /// Reports whose time is up: EXPIRED, their files deleted, a few reports per transaction
    /// (a file may be many chunks). How many. The sweep calls this every few seconds, so a
    /// report expires when its `expireAfter` says whatever the retention policy; the retention
    /// run does the same for its `reports` rule (`store::retention`), counted in its history.
    pub async fn expire_reports(&self, now: i64) -> sqlx::Result<u64> {
        let mut total = 0;
        loop {
            let mut tx = self.write_tx().await?;
            let n = expire_some(&mut tx, &expired(now), EXPIRE_BATCH).await?;
            tx.commit().await?;
            total += n;
            if n < EXPIRE_BATCH as u64 {
                return Ok(total);
            }
        }
    }

    /// Inside `tx`: shows life on the job and says whether it is still this process's.
    async fn still_ours(&self, tx: &mut super::db::Tx, job_id: &str) -> sqlx::Result<bool> {
        let n = Sql::new(
            "UPDATE jobs SET heartbeat = ? WHERE id = ? AND owner = ? AND status = 'RUNNING'",
        )
        .bind(now_ms())
        .bind(job_id)
        .bind(self.instance())
        .execute(Exec::from(&mut *tx))
        .await?;
        Ok(n == 1)
    }
}

/// Reports expired per transaction.
pub(super) const EXPIRE_BATCH: i64 = 20;

/// The reports whose time is up at `now` and whose file is still kept (on `reports`, no alias).
pub(super) fn expired(now: i64) -> Sql {
    Sql::new("expires <= ? AND status <> 'EXPIRED'").bind(now)
}

/// Inside `tx`: up to `limit` of the reports `cond` selects made EXPIRED and their files
/// deleted. How many.
pub(super) async fn expire_some(
    tx: &mut super::db::Tx,
    cond: &Sql,
    limit: i64,
) -> sqlx::Result<u64> {
    let mut sql = Sql::new("SELECT uuid FROM reports WHERE ");
    sql.append(cond);
    sql.push(" ORDER BY expires, uuid LIMIT ").push_bind(limit);
    let uuids: Vec<String> = sql.scalars(Exec::from(&mut *tx)).await?;
    if uuids.is_empty() {
        return Ok(0);
    }
    let mut chunks = Sql::new("DELETE FROM report_chunks WHERE report_uuid IN (");
    chunks.push_list(uuids.iter().map(String::as_str)).push(")");
    chunks.execute(Exec::from(&mut *tx)).await?;
    let mut status = Sql::new("UPDATE reports SET status = 'EXPIRED' WHERE uuid IN (");
    status.push_list(uuids.iter().map(String::as_str)).push(")");
    status.execute(Exec::from(&mut *tx)).await
}

/// Inside `tx`: chunk `seq` of a report's file.
async fn insert_chunk(
    tx: &mut super::db::Tx,
    uuid: &str,
    seq: i64,
    bytes: Vec<u8>,
) -> sqlx::Result<()> {
    Sql::new("INSERT INTO report_chunks (report_uuid, seq, bytes) VALUES (?, ?, ?)")
        .bind(uuid)
        .bind(seq)
        .bind(bytes)
        .execute(Exec::from(&mut *tx))
        .await?;
    Ok(())
}

/// Inside `tx`: a report (on demand, or made by `schedule`) and its queued job.
async fn insert_report(
    tx: &mut super::db::Tx,
    req: &ReportRequest,
    columns: &[&str],
    actor: &str,
    schedule: Option<&str>,
) -> sqlx::Result<(String, String)> {
    let now = now_ms();
    let uuid = uuid::Uuid::new_v4().to_string();
    let job = uuid::Uuid::new_v4().to_string();
    let days = req.expire_after.unwrap_or(DEFAULT_EXPIRE_AFTER_DAYS);
    let format = req.file_format.unwrap_or(FileFormat::Csv);
    let compression = req.compression.unwrap_or_default();
    Sql::new(
        "INSERT INTO reports (uuid, name, description, template, filter, display_columns, \
         file_format, compression, report_type, schedule_id, status, created, created_by, \
         expires, job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?)",
    )
    .bind(uuid.as_str())
    .bind(req.name.trim())
    .bind(req.description.clone())
    .bind(req.template_name.as_str())
    .bind(req.filter.clone().unwrap_or_default())
    .bind(serde_json::to_string(columns).unwrap_or_default())
    .bind(format.as_str())
    .bind(compression.as_str())
    .bind(if schedule.is_some() {
        "SCHEDULED"
    } else {
        "ON_DEMAND"
    })
    .bind(schedule)
    .bind(now)
    .bind(actor)
    .bind(now + i64::from(days) * DAY_MS)
    .bind(job.as_str())
    .execute(Exec::from(&mut *tx))
    .await?;
    Sql::new(
        "INSERT INTO jobs (id, kind, status, requested_by, created, selection) \
         VALUES (?, ?, 'QUEUED', ?, ?, ?)",
    )
    .bind(job.as_str())
    .bind(JOB_KIND)
    .bind(actor)
    .bind(now)
    .bind(serde_json::json!({ "reportUuid": uuid }).to_string())
    .execute(Exec::from(&mut *tx))
    .await?;
    Ok((uuid, job))
}

/// A schedule as stored: its request as sent (`body`), its resolved columns, its state.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ScheduleRow {
    pub id: String,
    pub name: String,
    pub body: String,
    pub display_columns: String,
    pub paused: i64,
    pub next_run: Option<i64>,
    pub last_run: Option<i64>,
    pub created: i64,
    pub created_by: String,
}

const SCHEDULE_COLUMNS: &str =
    "id, name, body, display_columns, paused, next_run, last_run, created, created_by";

impl ScheduleRow {
    pub fn request(&self) -> Option<ScheduleRequest> {
        serde_json::from_str(&self.body).ok()
    }

    pub fn columns(&self) -> Vec<String> {
        serde_json::from_str(&self.display_columns).unwrap_or_default()
    }

    pub fn to_schedule(&self) -> Option<ReportSchedule> {
        let r = self.request()?;
        let iso = |ms: i64| crate::reports::rows::iso(shipshape_model::EpochMillis(ms));
        Some(ReportSchedule {
            reporting_schedule_id: self.id.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            template_name: r.template_name.clone(),
            filter: r.filter.clone().unwrap_or_default(),
            display_columns: self.columns(),
            expire_after: r.expire_after,
            event_time: r.event_time.clone(),
            event_end_time: r.event_end_time.clone(),
            report_schedule_details: r.report_schedule_details.clone(),
            zip: r.zip == Some(true),
            time_zone: r.time_zone.clone().unwrap_or_else(|| "UTC".into()),
            file_format: r.file_format.unwrap_or(FileFormat::Csv),
            status: if self.paused != 0 {
                ScheduleStatus::Paused
            } else if self.next_run.is_none() {
                ScheduleStatus::Ended
            } else {
                ScheduleStatus::Active
            },
            next_run: (self.paused == 0)
                .then_some(self.next_run)
                .flatten()
                .map(iso),
            last_run: self.last_run.map(iso),
            created_by: self.created_by.clone(),
            created_at: iso(self.created),
        })
    }
}

impl Store {
    /// Records a schedule (its first run at `next_run`); its id.
    pub async fn create_schedule(
        &self,
        req: &ScheduleRequest,
        columns: &[&str],
        next_run: Option<i64>,
        actor: &str,
    ) -> sqlx::Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = now_ms();
        let mut tx = self.write_tx().await?;
        Sql::new(
            "INSERT INTO report_schedules (id, name, body, display_columns, next_run, created, \
             created_by, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(req.name.trim())
        .bind(serde_json::to_string(req).unwrap_or_default())
        .bind(serde_json::to_string(columns).unwrap_or_default())
        .bind(next_run)
        .bind(now)
        .bind(actor)
        .bind(now)
        .execute(Exec::from(&mut tx))
        .await?;
        record(
            &mut tx,
            actor,
            "REPORT_SCHEDULE_CREATE",
            serde_json::json!({"id": id, "schedule": req}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces a schedule (its next run recomputed); false when there is none.
    pub async fn update_schedule(
        &self,
        id: &str,
        req: &ScheduleRequest,
        columns: &[&str],
        next_run: Option<i64>,
        actor: &str,
    ) -> sqlx::Result<bool> {
        let mut tx = self.write_tx().await?;
        let n = Sql::new(
            "UPDATE report_schedules SET name = ?, body = ?, display_columns = ?, next_run = ?, \
             updated = ? WHERE id = ?",
        )
        .bind(req.name.trim())
        .bind(serde_json::to_string(req).unwrap_or_default())
        .bind(serde_json::to_string(columns).unwrap_or_default())
        .bind(next_run)
        .bind(now_ms())
        .bind(id)
        .execute(Exec::from(&mut tx))
        .await?;
        if n == 1 {
            record(
                &mut tx,
                actor,
                "REPORT_SCHEDULE_UPDATE",
                serde_json::json!({"id": id, "schedule": req}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n == 1)
    }

    pub async fn schedules(&self) -> sqlx::Result<Vec<ScheduleRow>> {
        Sql::new(format!(
            "SELECT {SCHEDULE_COLUMNS} FROM report_schedules ORDER BY created DESC, id"
        ))
        .fetch_all(self.db())
        .await
    }

    pub async fn schedule(&self, id: &str) -> sqlx::Result<Option<ScheduleRow>> {
        Sql::new(format!(
            "SELECT {SCHEDULE_COLUMNS} FROM report_schedules WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(self.db())
        .await
    }

    /// Pauses or resumes a schedule (resuming sets its next run); false when there is none.
    pub async fn set_schedule_paused(
        &self,
        id: &str,
        paused: bool,
        next_run: Option<i64>,
        actor: &str,
    ) -> sqlx::Result<bool> {
        let mut tx = self.write_tx().await?;
        let mut sql = Sql::new("UPDATE report_schedules SET paused = ");
        sql.push_bind(i64::from(paused));
        if !paused {
            sql.push(", next_run = ").push_bind(next_run);
        }
        sql.push(", updated = ").push_bind(now_ms());
        sql.push(" WHERE id = ").push_bind(id);
        let n = sql.execute(Exec::from(&mut tx)).await?;
        if n == 1 {
            record(
                &mut tx,
                actor,
                if paused {
                    "REPORT_SCHEDULE_PAUSE"
                } else {
                    "REPORT_SCHEDULE_RESUME"
                },
                serde_json::json!({ "id": id }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n == 1)
    }

    pub async fn delete_schedule(&self, id: &str, actor: &str) -> sqlx::Result<bool> {
        let mut tx = self.write_tx().await?;
        let n = Sql::new("DELETE FROM report_schedules WHERE id = ?")
            .bind(id)
            .execute(Exec::from(&mut tx))
            .await?;
        if n == 1 {
            record(
                &mut tx,
                actor,
                "REPORT_SCHEDULE_DELETE",
                serde_json::json!({ "id": id }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Makes the report of every schedule whose run is due at `now`, moving each schedule to
    /// its following run (`next` of the run just made) with a compare-and-set, so one process
    /// makes each run's report. The jobs to start.
    /// Makes one report from a schedule now (a `SCHEDULED` report, as its runs are), leaving
    /// its next run where it was: (the report's uuid, the job's id), `None` for no schedule.
    pub async fn run_schedule_now(
        &self,
        id: &str,
        actor: &str,
    ) -> sqlx::Result<Option<(String, String)>> {
        let Some(s) = self.schedule(id).await? else {
            return Ok(None);
        };
        let Some(req) = s.request() else {
            return Ok(None);
        };
        let columns = s.columns();
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        let mut tx = self.write_tx().await?;
        let made = insert_report(&mut tx, &req.report(), &columns, actor, Some(&s.id)).await?;
        Sql::new("UPDATE report_schedules SET last_run = ? WHERE id = ?")
            .bind(now_ms())
            .bind(s.id.as_str())
            .execute(Exec::from(&mut tx))
            .await?;
        record(
            &mut tx,
            actor,
            "REPORT_SCHEDULE_RUN",
            serde_json::json!({"reportingScheduleId": s.id, "reportUuid": made.0}),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(made))
    }

    pub async fn run_due_schedules(
        &self,
        now: i64,
        next: impl Fn(&ScheduleRequest, i64) -> Option<i64>,
    ) -> sqlx::Result<Vec<String>> {
        let due: Vec<ScheduleRow> = Sql::new(format!(
            "SELECT {SCHEDULE_COLUMNS} FROM report_schedules \
             WHERE paused = 0 AND next_run IS NOT NULL AND next_run <= ? ORDER BY next_run"
        ))
        .bind(now)
        .fetch_all(self.jobs_db())
        .await?;
        let mut jobs = Vec::new();
        for s in due {
            let (Some(req), Some(run)) = (s.request(), s.next_run) else {
                continue;
            };
            // Runs missed while no server ran are not made up: one report now, then on.
            let following = next(&req, run.max(now));
            let mut tx = self.write_tx().await?;
            let n = Sql::new(
                "UPDATE report_schedules SET next_run = ?, last_run = ? \
                 WHERE id = ? AND next_run = ? AND paused = 0",
            )
            .bind(following)
            .bind(now)
            .bind(s.id.as_str())
            .bind(run)
            .execute(Exec::from(&mut tx))
            .await?;
            if n != 1 {
                continue;
            }
            let columns = s.columns();
            let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
            let (_, job) =
                insert_report(&mut tx, &req.report(), &columns, &s.created_by, Some(&s.id)).await?;
            tx.commit().await?;
            jobs.push(job);
        }
        Ok(jobs)
    }
}
