//! Generating a report: the records its filter selects, read in id order a batch at a time,
//! written row by row into the file, which is stored a chunk (about 1 MiB) at a time while the
//! job is still this process's. The report turns GENERATED with its last chunk, so a half file
//! is never downloadable. A run taken over from a stopped process starts the file again; a
//! failure is retried once, and its reason kept on the report.

use super::deletion::{JobError, Outcome};
use crate::reports::file::ReportFile;
use crate::reports::rows;
use crate::store::jobs::JobRow;
use crate::store::reports::ReportRow;
use crate::store::{Filter, Store};
use shipshape_model::report::{file_name, Compression, Template};
use shipshape_model::{Image, Vulnerability};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// Records read per batch.
const BATCH: u32 = 200;
/// File bytes stored per chunk (at least).
const CHUNK_BYTES: usize = 1 << 20;
/// Attempts before a report is FAILED.
const ATTEMPTS: i64 = 2;

/// Runs (or restarts) a report's generation this process owns.
pub async fn run(store: &Store, job: &JobRow, lost: &AtomicBool) -> Result<Outcome, JobError> {
    let uuid = job
        .selection
        .as_deref()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .and_then(|v| v["reportUuid"].as_str().map(str::to_string))
        .ok_or_else(|| JobError::Unresumable("The job does not name its report.".into()))?;
    loop {
        // Deleted meanwhile: nothing to do.
        let Some(report) = store.report(&uuid).await? else {
            return Ok(Outcome::Done);
        };
        if !store.report_started(&uuid, &job.id).await? {
            return Ok(Outcome::Lost);
        }
        match generate(store, &report, &job.id, lost).await {
            Ok(true) => return Ok(Outcome::Done),
            Ok(false) => return Ok(Outcome::Lost),
            Err(e) => {
                let last = report.attempts + 1 >= ATTEMPTS;
                let reason = format!("The report could not be generated: {e}");
                tracing::warn!(report = %uuid, error = %e, last, "report generation failed");
                if !store.report_failed(&uuid, &job.id, &reason, last).await? {
                    return Ok(Outcome::Lost);
                }
                if last {
                    return Err(JobError::Unresumable(reason));
                }
            }
        }
    }
}

/// Writes the whole file; false when the job stopped being this process's.
async fn generate(
    store: &Store,
    report: &ReportRow,
    job_id: &str,
    lost: &AtomicBool,
) -> anyhow::Result<bool> {
    let template = report
        .template()
        .ok_or_else(|| anyhow::anyhow!("unknown template {}", report.template))?;
    let columns: Vec<&'static str> = report
        .columns()
        .iter()
        .filter_map(|c| {
            template
                .columns()
                .iter()
                .find(|k| **k == c.as_str())
                .copied()
        })
        .collect();
    // Relative dates (`now-7d`) mean what they meant when the report was asked for.
    let filter = Filter::parse(
        crate::reports::filter_entity(template),
        crate::reports::filter_text(Some(&report.filter)),
        report.created,
    )
    .map_err(|e| anyhow::anyhow!("the filter does not parse: {e}"))?;
    let inner = match report.compression() {
        Compression::Zip => file_name(&report.name, report.format(), Compression::None),
        _ => String::new(),
    };
    let mut file = ReportFile::new(report.format(), report.compression(), columns, &inner);
    let mut out = Output {
        store,
        uuid: &report.uuid,
        job_id,
        seq: 0,
        size: 0,
    };
    let mut images: HashMap<String, (Image, Vec<Vulnerability>)> = HashMap::new();
    let mut after = 0;
    loop {
        if lost.load(Ordering::Acquire) {
            return Ok(false);
        }
        let ids = store
            .ids_in_order(store.jobs_db(), &filter, after, None, BATCH)
            .await?;
        let Some(&last) = ids.last() else { break };
        after = last;
        let cols: Vec<&'static str> = file.columns().to_vec();
        match template {
            Template::Images => {
                for image in store.images_by_ids(&ids).await? {
                    file.row(&rows::image(&cols, &image));
                }
            }
            Template::Containers => {
                for c in store.containers_by_ids(&ids).await? {
                    file.row(&rows::container(&cols, &c));
                }
            }
            Template::ImageVulnerability => {
                for (id, image) in store.images_with_ids(&ids).await? {
                    for v in store.image_vulns(id).await? {
                        file.row(&rows::vulnerability(&cols, &image, None, &v));
                    }
                }
            }
            Template::ImageSecrets => {
                for (id, image) in store.images_with_ids(&ids).await? {
                    for s in store.image_secrets(id).await? {
                        file.row(&rows::secret(&cols, &image, &s));
                    }
                }
            }
            Template::ImageMalware => {
                for (id, image) in store.images_with_ids(&ids).await? {
                    for m in store.image_malware(id).await? {
                        file.row(&rows::malware(&cols, &image, &m));
                    }
                }
            }
            Template::ContainerVulnerability => {
                for c in store.containers_by_ids(&ids).await? {
                    if !images.contains_key(&c.image_sha) {
                        // Containers share images: each image's findings are read once per
                        // few hundred images (the map is emptied when it grows).
                        if images.len() >= 1000 {
                            images.clear();
                        }
                        if let Some(id) = store.image_ref(&c.image_sha).await? {
                            if let Some((_, image)) =
                                store.images_with_ids(&[id]).await?.into_iter().next()
                            {
                                let vulns = store.image_vulns(id).await?;
                                images.insert(c.image_sha.clone(), (image, vulns));
                            }
                        }
                    }
                    if let Some((image, vulns)) = images.get(&c.image_sha) {
                        for v in vulns {
                            file.row(&rows::vulnerability(&cols, image, Some(&c), v));
                        }
                    }
                }
            }
        }
        if file.ready() >= CHUNK_BYTES && !out.store(file.take()).await? {
            return Ok(false);
        }
    }
    let rows = file.rows();
    let mut last = file.take();
    last.extend(file.finish());
    out.size += last.len() as u64;
    Ok(store
        .report_generated(&report.uuid, job_id, out.seq, last, rows, out.size)
        .await?)
}

/// Where the file's chunks go.
struct Output<'a> {
    store: &'a Store,
    uuid: &'a str,
    job_id: &'a str,
    seq: i64,
    size: u64,
}

impl Output<'_> {
    async fn store(&mut self, bytes: Vec<u8>) -> sqlx::Result<bool> {
        self.size += bytes.len() as u64;
        let seq = self.seq;
        self.seq += 1;
        self.store
            .report_chunk(self.uuid, self.job_id, seq, bytes)
            .await
    }
}
