//! Deletion jobs: any number of records, selected by ids or by QQL, deleted in chunks.
//!
//! The first run plans the job: ids are resolved to rows (those not found are reported), and
//! the job is bounded by the largest row id at that moment, so it deletes what matched when it
//! was asked (rows added later are not swept in) and `requested` is exact. Each chunk is one
//! transaction holding the deletes, the derived values they change, the records kept (with the
//! reason) and the job's progress; killed at any instant, a job has deleted exactly what its
//! row says, and whoever takes it over resumes after the last committed chunk.

use crate::store::filter::Filter;
use crate::store::jobs::{record_progress, JobRow, Selection};
use crate::store::write::delete;
use crate::store::{Entity, Sql, Store};
use shipshape_model::job::SkippedRecord;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};

/// Rows per chunk: each chunk is one short transaction, so requests and other writers never
/// wait long on a large delete.
pub const CHUNK: u32 = 500;

/// How a run ended.
pub enum Outcome {
    Done,
    /// Another process took the job over (this one had stopped showing life in time).
    Lost,
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The job cannot run here (written by an older version, or of an unknown kind).
    #[error("{0}")]
    Unresumable(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<sqlx::Error> for JobError {
    fn from(e: sqlx::Error) -> Self {
        JobError::Failed(e.into())
    }
}

/// Runs (or resumes) a deletion job this process owns.
pub async fn run(store: &Store, job: &JobRow, lost: &AtomicBool) -> Result<Outcome, JobError> {
    let (Some(entity), Some(mut selection)) = (job.entity(), job.selection()) else {
        return Err(JobError::Unresumable(
            "The server stopped while this job ran, and the job was recorded by an older \
             version that cannot resume it; run the delete again."
                .into(),
        ));
    };
    let mut skipped = job.skipped();
    let upto = match job.upto_id {
        Some(u) => u,
        None => {
            let (requested, upto) = plan(store, entity, &mut selection, &mut skipped).await?;
            if !store
                .job_planned(&job.id, requested, upto, &selection, &skipped)
                .await?
            {
                return Ok(Outcome::Lost);
            }
            upto
        }
    };
    let filter = match &selection {
        Selection::Filter { filter, now_ms } => Some(
            Filter::parse(entity, Some(filter), *now_ms)
                .map_err(|e| JobError::Unresumable(format!("The filter no longer parses: {e}")))?,
        ),
        _ => None,
    };
    let mut progress = job.progress_id;
    loop {
        if lost.load(Ordering::Acquire) {
            return Ok(Outcome::Lost);
        }
        let next: Vec<i64> = match (&selection, &filter) {
            (Selection::Rows { row_ids, .. }, _) => row_ids
                .iter()
                .copied()
                .filter(|id| *id > progress)
                .take(CHUNK as usize)
                .collect(),
            (_, Some(f)) => {
                store
                    .ids_in_order(store.jobs_db(), f, progress, Some(upto), CHUNK)
                    .await?
            }
            // `plan` turns ids into rows.
            _ => Vec::new(),
        };
        let Some(&last) = next.last() else {
            return Ok(Outcome::Done);
        };
        let mut tx = store.jobs_db().begin().await?;
        let (deleted, kept) = match entity {
            Entity::Container => (delete::containers(&mut tx, &next).await?, Vec::new()),
            Entity::Image => delete::images(&mut tx, &next).await?,
            Entity::Sensor => delete::sensors(&mut tx, &next).await?,
            Entity::Vulnerability | Entity::Audit => {
                return Err(JobError::Unresumable(
                    "findings and audit entries are not deleted by a job".into(),
                ))
            }
        };
        skipped.extend(kept.into_iter().map(|k| SkippedRecord {
            id: k.id,
            reason: k.reason,
        }));
        if !record_progress(&mut tx, &job.id, store.instance(), last, deleted, &skipped).await? {
            // Dropping the transaction rolls this chunk back: the new owner redoes it.
            return Ok(Outcome::Lost);
        }
        tx.commit().await?;
        progress = last;
    }
}

/// What the job will do: (records requested, largest row id it may touch). Ids become rows;
/// ids that match nothing are reported as skipped.
async fn plan(
    store: &Store,
    entity: Entity,
    selection: &mut Selection,
    skipped: &mut Vec<SkippedRecord>,
) -> Result<(u64, i64), JobError> {
    let upto: i64 = Sql::new(format!(
        "SELECT coalesce(max(id), 0) FROM {}",
        entity.table()
    ))
    .scalar(store.jobs_db())
    .await?;
    match selection {
        Selection::Filter { filter, now_ms } => {
            let f = Filter::parse(entity, Some(filter), *now_ms)
                .map_err(|e| JobError::Unresumable(format!("The filter does not parse: {e}")))?;
            let mut requested = 0u64;
            let mut after = 0;
            // Counted in id order with the same bound the chunks use.
            loop {
                let ids = store
                    .ids_in_order(store.jobs_db(), &f, after, Some(upto), 10_000)
                    .await?;
                let Some(&last) = ids.last() else { break };
                requested += ids.len() as u64;
                after = last;
            }
            Ok((requested, upto))
        }
        Selection::Ids { ids } => {
            let (rows, found): (Vec<i64>, BTreeSet<String>) = match entity {
                Entity::Sensor => {
                    let refs = store.sensor_refs(ids).await?;
                    let found = refs
                        .iter()
                        .flat_map(|r| [r.uuid.clone(), r.sensor_id.clone()])
                        .collect();
                    (refs.into_iter().map(|r| r.id).collect(), found)
                }
                Entity::Image => {
                    let keys = store.image_keys(ids).await?;
                    let found = keys
                        .iter()
                        .flat_map(|k| [k.sha.clone(), k.image_id.clone()])
                        .collect();
                    (keys.into_iter().map(|k| k.id).collect(), found)
                }
                Entity::Container => {
                    let keys = store.container_keys(ids).await?;
                    let found = keys
                        .iter()
                        .flat_map(|k| [k.sha.clone(), k.container_id.clone()])
                        .collect();
                    (keys.into_iter().map(|k| k.id).collect(), found)
                }
                Entity::Vulnerability | Entity::Audit => {
                    return Err(JobError::Unresumable(
                        "findings and audit entries are not deleted by a job".into(),
                    ))
                }
            };
            for id in ids.iter() {
                // Ids are matched the way the store matches them: `sha256:` prefix dropped,
                // lower case (sensor uuids as given, then the same way).
                let normal = crate::store::images::normalise_sha(id);
                if !found.contains(id.trim()) && !found.contains(&normal) {
                    skipped.push(SkippedRecord {
                        id: id.clone(),
                        reason: "not found".into(),
                    });
                }
            }
            let mut rows = rows;
            rows.sort_unstable();
            rows.dedup();
            let requested = rows.len() as u64;
            *selection = Selection::Rows {
                ids: std::mem::take(ids),
                row_ids: rows,
            };
            Ok((requested, upto))
        }
        Selection::Rows { row_ids, .. } => Ok((row_ids.len() as u64, upto)),
    }
}
