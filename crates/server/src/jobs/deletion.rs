//! Deletion jobs: resolve the requested records, skip those that may not go (with the reason),
//! delete the rest, record the outcome on the job and in the audit log.

use crate::store::{Entity, SqlFilter, Store};
use shipshape_model::job::SkippedRecord;
use shipshape_model::JobStatus;
use std::collections::BTreeSet;

/// What a delete request selected.
#[derive(Clone, Debug)]
pub enum Selection {
    Ids(Vec<String>),
    Filter(SqlFilter),
}

pub fn job_kind(entity: Entity) -> &'static str {
    match entity {
        Entity::Sensor => "DELETE_SENSORS",
        Entity::Image => "DELETE_IMAGES",
        Entity::Container => "DELETE_CONTAINERS",
    }
}

/// Runs a deletion job to completion; failures are recorded on the job, never lost.
pub async fn run(
    store: Store,
    job_id: String,
    entity: Entity,
    selection: Selection,
    actor: String,
) {
    let outcome = delete(&store, &job_id, entity, &selection).await;
    let (status, deleted, skipped, error) = match outcome {
        Ok((deleted, skipped)) => (JobStatus::Completed, deleted, skipped, None),
        Err(e) => {
            tracing::error!(job = %job_id, error = ?e, "deletion job failed");
            (
                JobStatus::Failed,
                0,
                Vec::new(),
                Some("The deletion failed; the error has been logged.".to_string()),
            )
        }
    };
    if let Err(e) = store
        .finish_job(&job_id, status, deleted, &skipped, error.as_deref())
        .await
    {
        tracing::error!(job = %job_id, error = ?e, "could not record job outcome");
    }
    let details = serde_json::json!({
        "jobId": job_id, "entity": entity.table(), "deleted": deleted, "skipped": skipped.len(),
        "selection": match &selection { Selection::Ids(ids) => serde_json::json!({"ids": ids}),
                                        Selection::Filter(f) => serde_json::json!({"filterSql": f.sql}) },
    });
    if let Err(e) = store.audit(&actor, job_kind(entity), details).await {
        tracing::error!(error = ?e, "could not write audit log");
    }
}

async fn delete(
    store: &Store,
    job_id: &str,
    entity: Entity,
    selection: &Selection,
) -> anyhow::Result<(u64, Vec<SkippedRecord>)> {
    let mut skipped = Vec::new();
    match entity {
        Entity::Sensor => {
            let refs = match selection {
                Selection::Ids(ids) => {
                    let refs = store.sensor_refs(ids).await?;
                    not_found(
                        ids,
                        refs.iter().flat_map(|r| [r.1.as_str(), r.3.as_str()]),
                        &mut skipped,
                    );
                    refs
                }
                Selection::Filter(f) => {
                    store
                        .sensor_refs_by_ids(&store.all_ids(entity, f).await?)
                        .await?
                }
            };
            store.set_job_running(job_id, refs.len() as u64).await?;
            let mut go = Vec::new();
            for (id, uuid, status, _) in refs {
                if status == "UNKNOWN" {
                    go.push(id);
                } else {
                    skipped.push(SkippedRecord {
                        id: uuid,
                        reason: format!(
                            "sensor is {status}; only sensors in status UNKNOWN can be deleted"
                        ),
                    });
                }
            }
            Ok((store.delete_by_ids(Entity::Sensor, &go).await?, skipped))
        }
        Entity::Image => {
            let refs = match selection {
                Selection::Ids(ids) => {
                    let refs = store.image_refs(ids).await?;
                    let short: Vec<String> = refs
                        .iter()
                        .map(|r| r.1.chars().take(12).collect())
                        .collect();
                    let found = refs
                        .iter()
                        .map(|r| r.1.as_str())
                        .chain(short.iter().map(String::as_str));
                    not_found(ids, found, &mut skipped);
                    refs
                }
                Selection::Filter(f) => {
                    store
                        .image_refs_by_ids(&store.all_ids(entity, f).await?)
                        .await?
                }
            };
            store.set_job_running(job_id, refs.len() as u64).await?;
            let mut go = Vec::new();
            for (id, sha, running) in refs {
                if running > 0 {
                    skipped.push(SkippedRecord {
                        id: sha,
                        reason: format!("image is used by {running} running container(s)"),
                    });
                } else {
                    go.push(id);
                }
            }
            Ok((store.delete_image_rows(&go).await?, skipped))
        }
        Entity::Container => {
            let refs = match selection {
                Selection::Ids(ids) => {
                    let refs = store.container_refs(ids).await?;
                    not_found(
                        ids,
                        refs.iter().flat_map(|r| [r.2.as_str(), r.3.as_str()]),
                        &mut skipped,
                    );
                    refs.into_iter().map(|r| (r.0, r.1)).collect()
                }
                Selection::Filter(f) => {
                    store
                        .container_image_refs(&store.all_ids(entity, f).await?)
                        .await?
                }
            };
            store.set_job_running(job_id, refs.len() as u64).await?;
            let ids: Vec<i64> = refs.iter().map(|r| r.0).collect();
            let images: BTreeSet<i64> = refs.iter().map(|r| r.1).collect();
            let deleted = store.delete_by_ids(Entity::Container, &ids).await?;
            store
                .refresh_image_counts(&images.into_iter().collect::<Vec<_>>())
                .await?;
            Ok((deleted, skipped))
        }
    }
}

fn not_found<'a>(
    asked: &[String],
    found: impl Iterator<Item = &'a str>,
    skipped: &mut Vec<SkippedRecord>,
) {
    let found: BTreeSet<&str> = found.collect();
    for id in asked {
        // Ids are looked up the way the store matches them (`sha256:` prefix dropped, lower case).
        if !found.contains(crate::store::images::normalise_sha(id).as_str()) {
            skipped.push(SkippedRecord {
                id: id.clone(),
                reason: "not found".into(),
            });
        }
    }
}
