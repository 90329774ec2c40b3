//! Data retention: the policy (a versioned setting), what it selects, the preview, and the
//! purge's batches.
//!
//! One function, [`selection`], says which rows a rule purges; the preview counts it and the
//! purge deletes it, so a preview's counts are what the following run deletes (unless the
//! data changes in between). Kinds are purged in [`KINDS`] order: images before containers,
//! so the containers a run removes cannot free images the preview did not count.

use super::db::{Exec, Sql, Tx};
use super::settings::{change, PutRefused};
use super::write::delete;
use super::{now_ms, Store};
use shipshape_model::retention::{Kind, RetentionCounts, RetentionPolicy, RetentionRun, KINDS};

/// The settings key of the policy.
pub const SETTING: &str = "dataRetention";
/// The job kind of a purge run.
pub const JOB_KIND: &str = "RETENTION";
/// The audit action of a purge run (and of a policy change).
pub const AUDIT_RUN: &str = "RETENTION_PURGE";
pub const AUDIT_POLICY: &str = "SETTINGS_DATA_RETENTION";
/// Rows per batch: each batch is one short transaction.
pub const BATCH: i64 = 500;
const DAY_MS: i64 = 86_400_000;

/// A purge run's state, kept in its job row (`selection`) and moved forward with each batch.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunState {
    pub policy: RetentionPolicy,
    /// The instant the periods count back from: the run's start, kept across a take-over.
    pub now_ms: i64,
    /// Index into [`KINDS`] of the kind being purged.
    pub phase: usize,
    pub deleted: RetentionCounts,
}

/// The rows of `kind` the policy purges at `now`, as a condition on the kind's table (no
/// alias); `None` when nothing of the kind goes (policy or rule off, or a kind not stored yet).
pub fn selection(policy: &RetentionPolicy, kind: Kind, now: i64) -> Option<Sql> {
    if !policy.enabled {
        return None;
    }
    let cutoff = |days: u32| now - days as i64 * DAY_MS;
    let r = &policy.rules;
    match kind {
        Kind::Sensors if r.sensors.enabled => {
            let c = cutoff(r.sensors.days);
            Some(
                Sql::new("status = 'UNKNOWN' AND (last_checked_in < ? OR (last_checked_in IS NULL AND created < ?))")
                    .bind(c)
                    .bind(c),
            )
        }
        Kind::Containers if r.containers.enabled && !r.containers.states.is_empty() => {
            let c = cutoff(r.containers.days);
            let mut sql = Sql::new("state IN (");
            sql.push_list(r.containers.states.iter().map(String::as_str));
            sql.push(") AND (state_changed < ")
                .push_bind(c)
                .push(" OR (state_changed IS NULL AND created < ")
                .push_bind(c)
                .push("))");
            Some(sql)
        }
        // An image goes when no container (in any state) uses it and it was not scanned within
        // the period. An image never scanned counts from when it was first seen, so one that
        // just arrived is not purged before its first scan.
        Kind::Images if r.images.enabled => {
            let c = cutoff(r.images.days);
            Some(
                Sql::new("containers_count = 0 AND (last_scanned < ? OR (last_scanned IS NULL AND created < ?))")
                    .bind(c)
                    .bind(c),
            )
        }
        // Report files go at their report's expiry (`expireAfter`), whatever their age.
        Kind::Reports if r.reports.enabled => Some(super::reports::expired(now)),
        _ => None,
    }
}

fn table(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Sensors => Some("sensors"),
        Kind::Images => Some("images"),
        Kind::Containers => Some("containers"),
        Kind::Reports => Some("reports"),
    }
}

impl Store {
    /// The policy and its version (0 while it was never saved: the default, switched off).
    pub async fn retention_policy(&self) -> sqlx::Result<(RetentionPolicy, i64)> {
        Ok(match self.setting(SETTING).await? {
            Some((v, version)) => (RetentionPolicy::from_json(&v).unwrap_or_default(), version),
            None => (RetentionPolicy::default(), 0),
        })
    }

    /// When the policy was last saved (epoch ms), if ever.
    pub async fn retention_policy_saved(&self) -> sqlx::Result<Option<i64>> {
        Sql::new("SELECT updated FROM settings WHERE key = ?")
            .bind(SETTING)
            .scalar_optional(self.db())
            .await
    }

    /// Replaces the policy if its version is still `expected`, with an audit entry holding the
    /// policy before and after, in one transaction. Returns the new version.
    pub async fn put_retention_policy(
        &self,
        policy: &RetentionPolicy,
        expected: i64,
        actor: &str,
    ) -> Result<i64, PutRefused> {
        let before = serde_json::to_value(self.retention_policy().await?.0).unwrap_or_default();
        let value = serde_json::to_value(policy).unwrap_or_default();
        let mut tx = self.write_tx().await?;
        let version = change(
            &mut tx,
            SETTING,
            before,
            &value,
            expected,
            actor,
            AUDIT_POLICY,
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// How many records of each kind `policy` would purge now.
    pub async fn retention_preview(
        &self,
        policy: &RetentionPolicy,
        now: i64,
    ) -> sqlx::Result<RetentionCounts> {
        let mut counts = RetentionCounts::default();
        for kind in KINDS {
            if let (Some(cond), Some(t)) = (selection(policy, kind, now), table(kind)) {
                let mut sql = Sql::new(format!("SELECT count(*) FROM {t} WHERE "));
                sql.append(&cond);
                let n: i64 = sql.scalar(self.db()).await?;
                counts.add(kind, n.max(0) as u64);
            }
        }
        Ok(counts)
    }

    /// Queues a purge run with the saved policy, unless one is already queued or running:
    /// then that run's id is answered (it is the same purge). `id` names the run (the
    /// schedule's runs are named by their hour, so each hour has at most one). The job and
    /// its audit entry are written in one transaction.
    pub async fn start_retention(&self, id: &str, trigger: &str) -> sqlx::Result<RetentionStart> {
        let (policy, _) = self.retention_policy().await?;
        let now = now_ms();
        let state = RunState {
            policy,
            now_ms: now,
            phase: 0,
            deleted: RetentionCounts::default(),
        };
        let details =
            serde_json::json!({ "jobId": id, "trigger": trigger, "policy": state.policy });
        let mut tx = self.jobs_db().begin().await?;
        let audit_id = super::audit::start(&mut tx, now, trigger, AUDIT_RUN, &details).await?;
        // Either the primary key (this hour's scheduled run exists) or the one-active-run
        // index (a run is under way) may refuse the row.
        let inserted = Sql::new(
            "INSERT INTO jobs (id, kind, status, requested_by, created, selection, audit_id) \
             VALUES (?, ?, 'QUEUED', ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(JOB_KIND)
        .bind(trigger)
        .bind(now)
        .bind(serde_json::to_string(&state).unwrap_or_default())
        .bind(audit_id)
        .execute(Exec::from(&mut tx))
        .await?;
        if inserted == 1 {
            tx.commit().await?;
            return Ok(RetentionStart::Queued(id.to_string()));
        }
        // Nothing new: the audit entry goes with the transaction.
        drop(tx);
        let active: Option<String> =
            Sql::new("SELECT id FROM jobs WHERE kind = ? AND status IN ('QUEUED', 'RUNNING')")
                .bind(JOB_KIND)
                .scalar_optional(self.jobs_db())
                .await?;
        Ok(match active {
            Some(a) => RetentionStart::Joined(a),
            None => RetentionStart::AlreadyDone,
        })
    }

    /// Past and current purge runs, newest first.
    pub async fn retention_runs(&self, limit: i64) -> sqlx::Result<Vec<RetentionRun>> {
        let rows: Vec<RunRow> = Sql::new(format!(
            "SELECT {RUN_COLUMNS} FROM jobs WHERE kind = ? ORDER BY created DESC, id DESC LIMIT ?"
        ))
        .bind(JOB_KIND)
        .bind(limit)
        .fetch_all(self.db())
        .await?;
        Ok(rows.into_iter().filter_map(RunRow::into_run).collect())
    }

    /// One purge run (for `GET /jobs/{id}`).
    pub async fn retention_run(&self, id: &str) -> sqlx::Result<Option<RetentionRun>> {
        let row: Option<RunRow> = Sql::new(format!(
            "SELECT {RUN_COLUMNS} FROM jobs WHERE kind = ? AND id = ?"
        ))
        .bind(JOB_KIND)
        .bind(id)
        .fetch_optional(self.db())
        .await?;
        Ok(row.and_then(RunRow::into_run))
    }

    /// The next batch of `kind` the run deletes: up to [`BATCH`] row ids above `after`.
    pub async fn retention_batch(
        &self,
        state: &RunState,
        kind: Kind,
        after: i64,
    ) -> sqlx::Result<Vec<i64>> {
        let (Some(cond), Some(t)) = (selection(&state.policy, kind, state.now_ms), table(kind))
        else {
            return Ok(Vec::new());
        };
        if kind == Kind::Reports {
            // No row ids: see `expire_reports_batch`.
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(format!("SELECT id FROM {t} WHERE id > "));
        sql.push_bind(after).push(" AND ");
        sql.append(&cond);
        sql.push(" ORDER BY id LIMIT ").push_bind(BATCH);
        sql.scalars(self.jobs_db()).await
    }
}

/// Whether `start_retention` queued a run.
#[derive(Debug, PartialEq, Eq)]
pub enum RetentionStart {
    Queued(String),
    /// A run was already queued or running: this is it.
    Joined(String),
    /// The run of that id exists and is over (the schedule's hour was done).
    AlreadyDone,
}

/// Inside a batch's transaction: the next few reports the rule selects made EXPIRED, their
/// files deleted; how many (0: the kind is done). Reports have no row id to walk from, and
/// need none: an expired report leaves the selection, so each batch takes the first ones left.
pub async fn expire_reports_batch(tx: &mut Tx, state: &RunState) -> sqlx::Result<u64> {
    match selection(&state.policy, Kind::Reports, state.now_ms) {
        Some(cond) => super::reports::expire_some(tx, &cond, super::reports::EXPIRE_BATCH).await,
        None => Ok(0),
    }
}

/// Inside a batch's transaction: deletes those of `ids` the rule still selects (a container
/// that started meanwhile, or an image a new container uses, is left alone). How many went.
pub async fn purge_batch(
    tx: &mut Tx,
    state: &RunState,
    kind: Kind,
    ids: &[i64],
) -> sqlx::Result<u64> {
    let (Some(cond), Some(t)) = (selection(&state.policy, kind, state.now_ms), table(kind)) else {
        return Ok(0);
    };
    if ids.is_empty() || kind == Kind::Reports {
        return Ok(0);
    }
    let mut sql = Sql::new(format!("SELECT id FROM {t} WHERE id IN ("));
    sql.push_list(ids.iter().copied());
    sql.push(") AND ");
    sql.append(&cond);
    let still: Vec<i64> = sql.scalars(Exec::from(&mut *tx)).await?;
    Ok(match kind {
        Kind::Sensors => delete::sensors(tx, &still).await?.0,
        Kind::Images => delete::images(tx, &still).await?.0,
        Kind::Containers => delete::containers(tx, &still).await?,
        Kind::Reports => 0,
    })
}

/// Inside a batch's transaction: the run's progress, written only while this process owns
/// the job. False: another process took it over (the caller rolls back and stops).
pub async fn record_batch(
    tx: &mut Tx,
    id: &str,
    owner: &str,
    progress_id: i64,
    deleted: u64,
    state: &RunState,
) -> sqlx::Result<bool> {
    let n = Sql::new(
        "UPDATE jobs SET progress_id = ?, deleted = deleted + ?, requested = requested + ?, \
         selection = ?, heartbeat = ? WHERE id = ? AND owner = ? AND status = 'RUNNING'",
    )
    .bind(progress_id)
    .bind(deleted as i64)
    .bind(deleted as i64)
    .bind(serde_json::to_string(state).unwrap_or_default())
    .bind(now_ms())
    .bind(id)
    .bind(owner)
    .execute(Exec::from(&mut *tx))
    .await?;
    Ok(n == 1)
}

const RUN_COLUMNS: &str = "id, status, requested_by, started, finished, selection, error";

#[derive(sqlx::FromRow)]
struct RunRow {
    id: String,
    status: String,
    requested_by: String,
    started: Option<i64>,
    finished: Option<i64>,
    selection: Option<String>,
    error: Option<String>,
}

impl RunRow {
    fn into_run(self) -> Option<RetentionRun> {
        let state: RunState = serde_json::from_str(self.selection.as_deref()?).ok()?;
        Some(RetentionRun {
            job_id: self.id,
            status: self.status,
            started_at: self.started,
            finished_at: self.finished,
            trigger: self.requested_by,
            policy: state.policy,
            deleted: state.deleted,
            error: self.error,
        })
    }
}
