//! The retention purge: the saved policy applied kind by kind, in batches of one short
//! transaction each (the rows deleted, the values derived from them, and the run's progress
//! together). Killed at any instant, a run has deleted exactly what its row says; whoever takes
//! it over resumes with the same policy and the same instant after the last committed batch.
//!
//! Scheduled runs are named by their UTC hour (`retention-<hour>`), so every process may try
//! to queue the hour's run and exactly one row comes of it; a database index allows one queued
//! or running purge at a time, so two requests (or a request and the schedule) share one run.

use super::deletion::{JobError, Outcome};
use crate::store::jobs::JobRow;
use crate::store::retention::{self, RetentionStart, RunState};
use crate::store::Store;
use shipshape_model::retention::{Kind, KINDS};
use std::sync::atomic::{AtomicBool, Ordering};

const HOUR_MS: i64 = 3_600_000;

/// The id of the scheduled run of the hour holding `now`.
pub fn scheduled_id(now: i64) -> String {
    format!("retention-{}", now.div_euclid(HOUR_MS))
}

/// What asking for this hour's scheduled run came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Queued here: this process runs it.
    Queued(String),
    /// Nothing more to do this hour: retention is off, the policy was saved during the hour,
    /// or the hour's run exists (here or in another process).
    Done,
    /// Another purge is under way; the hour's own run is asked for again at the next sweep.
    Later,
}

/// Queues this hour's scheduled run when the policy is on and the hour has none yet.
///
/// A policy saved during the hour waits for the next one: what it purges goes "at the next
/// hourly run", as the console says, not seconds after Save (a purge now is `…/run`).
pub async fn schedule(store: &Store, now: i64) -> sqlx::Result<Schedule> {
    let (policy, _) = store.retention_policy().await?;
    let hour_start = now - now.rem_euclid(HOUR_MS);
    let saved_this_hour = store
        .retention_policy_saved()
        .await?
        .is_some_and(|t| t >= hour_start);
    if !policy.enabled || saved_this_hour {
        return Ok(Schedule::Done);
    }
    let id = scheduled_id(now);
    Ok(match store.start_retention(&id, "schedule").await? {
        RetentionStart::Queued(id) => Schedule::Queued(id),
        RetentionStart::Joined(active) if active != id => Schedule::Later,
        RetentionStart::Joined(_) | RetentionStart::AlreadyDone => Schedule::Done,
    })
}

/// Runs (or resumes) a purge this process owns.
pub async fn run(store: &Store, job: &JobRow, lost: &AtomicBool) -> Result<Outcome, JobError> {
    let Some(mut state) = job
        .selection
        .as_deref()
        .and_then(|s| serde_json::from_str::<RunState>(s).ok())
    else {
        return Err(JobError::Unresumable(
            "The purge's recorded state cannot be read by this version; run it again.".into(),
        ));
    };
    let mut after = job.progress_id;
    while let Some(&kind) = KINDS.get(state.phase) {
        if lost.load(Ordering::Acquire) {
            return Ok(Outcome::Lost);
        }
        let ids = store.retention_batch(&state, kind, after).await?;
        let mut tx = store.jobs_db().begin().await?;
        let (deleted, progress) = match ids.last() {
            Some(&last) => (
                retention::purge_batch(&mut tx, &state, kind, &ids).await?,
                last,
            ),
            None if kind == Kind::Reports => {
                match retention::expire_reports_batch(&mut tx, &state).await? {
                    0 => {
                        state.phase += 1;
                        (0, 0)
                    }
                    n => (n, 0),
                }
            }
            // This kind is done: the next one starts from the first row.
            None => {
                state.phase += 1;
                (0, 0)
            }
        };
        state.deleted.add(kind, deleted);
        if !retention::record_batch(
            &mut tx,
            &job.id,
            store.instance(),
            progress,
            deleted,
            &state,
        )
        .await?
        {
            return Ok(Outcome::Lost);
        }
        tx.commit().await?;
        after = progress;
    }
    Ok(Outcome::Done)
}
