//! Background jobs: one runner per process, any number of processes per database.
//!
//! A job is a row (`store::jobs`). The process that accepts a request creates the job and
//! claims it at once; the claim is a compare-and-set in the database, so a job runs in exactly
//! one process. While it runs, the owner's heartbeat moves every fraction of `stale_after`.
//! Every process also sweeps: a running job whose heartbeat is older than `stale_after` (its
//! owner was killed, or lost the database) and a queued job nobody claimed are taken over, again
//! by a compare-and-set, and resume from their last committed chunk. A restarted process
//! sweeps at start, so on a single SQLite server a job interrupted by a crash finishes after
//! the restart.

pub mod deletion;
pub mod reports;
pub mod retention;
pub mod trends;

use crate::store::jobs::JobRow;
use crate::store::{now_ms, Store};
use shipshape_model::JobStatus;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How jobs are supervised.
#[derive(Clone, Debug)]
pub struct JobOptions {
    /// A running job whose heartbeat is older than this is taken over.
    pub stale_after: Duration,
    /// How often each process looks for jobs to take over.
    pub sweep_every: Duration,
    /// A sensor registered through the sensor API that has not checked in for this long
    /// becomes UNKNOWN (checked at each sweep).
    pub sensor_silence: Duration,
}

impl Default for JobOptions {
    fn default() -> Self {
        Self {
            stale_after: Duration::from_secs(30),
            sweep_every: Duration::from_secs(5),
            sensor_silence: Duration::from_secs(3600),
        }
    }
}

/// Runs this process's jobs; cheap to clone.
#[derive(Clone)]
pub struct JobRunner {
    store: Store,
    opts: JobOptions,
    /// This process, as the owner of a claimed trend day.
    me: Arc<str>,
    /// The last UTC day whose trend snapshot this process saw done (no need to ask again).
    trend_day: Arc<AtomicI64>,
    /// The last UTC hour whose scheduled retention purge this process saw queued.
    retention_hour: Arc<AtomicI64>,
}

impl JobRunner {
    pub fn new(store: Store, opts: JobOptions) -> Self {
        Self {
            store,
            opts,
            me: uuid::Uuid::new_v4().to_string().into(),
            trend_day: Arc::new(AtomicI64::new(i64::MIN)),
            retention_hour: Arc::new(AtomicI64::new(i64::MIN)),
        }
    }

    /// Claims a job just created here and runs it in the background.
    pub fn spawn(&self, job_id: String) {
        let me = self.clone();
        tokio::spawn(async move {
            match me.store.claim_job(&job_id).await {
                Ok(true) => match me.store.job_row(&job_id).await {
                    Ok(Some(job)) => me.run(job).await,
                    Ok(None) => {}
                    Err(e) => tracing::error!(job = %job_id, error = ?e, "reading a claimed job"),
                },
                Ok(false) => {}
                Err(e) => tracing::error!(job = %job_id, error = ?e, "claiming a job"),
            }
        });
    }

    /// Sweeps now and then every `sweep_every`, until the process ends.
    pub fn start_sweeper(&self) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                me.sweep().await;
                tokio::time::sleep(me.opts.sweep_every).await;
            }
        })
    }

    /// Takes over the jobs nobody is running and runs each in the background.
    pub async fn sweep(&self) {
        let stale_before = now_ms() - self.opts.stale_after.as_millis() as i64;
        match self.store.take_over_jobs(stale_before).await {
            Ok(jobs) => {
                for job in jobs {
                    tracing::info!(job = %job.id, kind = %job.kind, deleted = job.deleted,
                        "taking over a job whose process stopped");
                    let me = self.clone();
                    tokio::spawn(async move { me.run(job).await });
                }
            }
            Err(e) => tracing::warn!(error = %e, "looking for jobs to take over"),
        }
        self.trend_snapshot().await;
        self.retention_schedule().await;
        match self
            .store
            .run_due_schedules(now_ms(), crate::reports::schedule::next_run)
            .await
        {
            Ok(jobs) => {
                for job in jobs {
                    tracing::info!(job = %job, "a scheduled report is due");
                    self.spawn(job);
                }
            }
            Err(e) => tracing::warn!(error = %e, "making scheduled reports"),
        }
        match self.store.expire_reports(now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(reports = n, "reports expired: files deleted"),
            Err(e) => tracing::warn!(error = %e, "expiring reports"),
        }
        let before = now_ms() - self.opts.sensor_silence.as_millis() as i64;
        match self.store.mark_silent_sensors(before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sensors = n, "sensors stopped checking in: now UNKNOWN"),
            Err(e) => tracing::warn!(error = %e, "marking silent sensors UNKNOWN"),
        }
    }

    /// Queues and runs this hour's retention purge unless it exists (here or elsewhere).
    async fn retention_schedule(&self) {
        let now = now_ms();
        let hour = now.div_euclid(3_600_000);
        if self.retention_hour.load(Ordering::Acquire) == hour {
            return;
        }
        match retention::schedule(&self.store, now).await {
            Ok(retention::Schedule::Queued(id)) => {
                tracing::info!(job = %id, "queued the hourly retention purge");
                self.retention_hour.store(hour, Ordering::Release);
                self.spawn(id);
            }
            Ok(retention::Schedule::Done) => self.retention_hour.store(hour, Ordering::Release),
            Ok(retention::Schedule::Later) => {}
            Err(e) => tracing::warn!(error = %e, "queueing the hourly retention purge"),
        }
    }

    /// Takes today's trend snapshot unless it is done or another process is taking it.
    async fn trend_snapshot(&self) {
        let now = now_ms();
        let day = crate::store::trends::day_of(now);
        if self.trend_day.load(Ordering::Acquire) == day {
            return;
        }
        let stale_before = now - self.opts.stale_after.as_millis() as i64;
        match trends::tick(&self.store, &self.me, now, stale_before).await {
            Ok(trends::Tick::Took(n)) => {
                tracing::info!(questions = n, "took the daily trend snapshot");
                self.trend_day.store(day, Ordering::Release);
            }
            Ok(trends::Tick::Elsewhere) => {
                if matches!(self.store.trend_day_finished(day).await, Ok(true)) {
                    self.trend_day.store(day, Ordering::Release);
                }
            }
            Err(e) => tracing::warn!(error = %e, "taking the daily trend snapshot"),
        }
    }

    /// Runs a job this process owns, with a heartbeat beside it, and records the outcome.
    async fn run(&self, job: JobRow) {
        let lost = Arc::new(AtomicBool::new(false));
        let beat = {
            let (store, id, lost) = (self.store.clone(), job.id.clone(), lost.clone());
            let every = (self.opts.stale_after / 4).max(Duration::from_millis(100));
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    match store.job_heartbeat(&id).await {
                        Ok(true) => {}
                        Ok(false) => {
                            lost.store(true, Ordering::Release);
                            break;
                        }
                        Err(e) => tracing::warn!(job = %id, error = %e, "job heartbeat"),
                    }
                }
            })
        };
        let outcome = match job.kind.as_str() {
            "DELETE_SENSORS" | "DELETE_IMAGES" | "DELETE_CONTAINERS" => {
                deletion::run(&self.store, &job, &lost).await
            }
            crate::store::retention::JOB_KIND => retention::run(&self.store, &job, &lost).await,
            crate::store::reports::JOB_KIND => reports::run(&self.store, &job, &lost).await,
            other => Err(deletion::JobError::Unresumable(format!(
                "this server does not know jobs of kind {other}"
            ))),
        };
        beat.abort();
        let recorded = match outcome {
            Ok(deletion::Outcome::Done) => {
                self.store
                    .finish_job(&job.id, JobStatus::Completed, None)
                    .await
            }
            // Another process owns the job now; it records the outcome.
            Ok(deletion::Outcome::Lost) => Ok(()),
            Err(deletion::JobError::Unresumable(reason)) => {
                self.store.fail_job(&job.id, &reason).await
            }
            Err(deletion::JobError::Failed(e)) => {
                tracing::error!(job = %job.id, error = ?e, "job failed");
                self.store
                    .finish_job(
                        &job.id,
                        JobStatus::Failed,
                        Some("The job failed; the error has been logged. What it deleted before failing is counted in 'deleted'."),
                    )
                    .await
            }
        };
        if let Err(e) = recorded {
            tracing::error!(job = %job.id, error = ?e, "could not record the job's outcome");
        }
    }
}
