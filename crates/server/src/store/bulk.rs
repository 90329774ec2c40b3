//! Bulk loading (the demo seeder, large imports): the same rows, insert statements and
//! derived-value code as the single-record writes (`store::write`, `store::derive`), batched.
//!
//! What makes it fast: secondary indexes are dropped at the start and built once at the end
//! (far cheaper than updating them row by row), rows go in multi-row statements in large
//! transactions, containers go in with their copy of their image's values (never rewritten),
//! and what depends on every container is derived once at the end.
//!
//! What keeps its memory flat: nothing is held from one batch to the next (containers read
//! their images' copies from the database, batch by batch), and SQLite sorts the keys of the
//! rebuilt indexes in temporary files, not in memory. On
//! PostgreSQL the batches commit without waiting for the disk (`synchronous_commit = off`):
//! a crash mid-load leaves a database to throw away anyway.

use super::db::{Engine, Exec, Pool, Sql, Tx};
use super::derive::{self, Scope};
use super::records::{ContainerRecord, ImageRecord, SensorRecord, VulnDefRecord, WriteError};
use super::write::{
    container_values, image_copies, insert_image_children, insert_images, insert_many,
    sensor_values, vuln_def_values, ImageCopy, CONTAINER_COLUMNS, SENSOR_COLUMNS, VULN_DEF_COLUMNS,
};
use super::Store;
use anyhow::Context;
use std::collections::HashMap;

/// The tables whose secondary indexes a bulk load rebuilds.
const TABLES: &[&str] = &[
    "sensors",
    "images",
    "image_repos",
    "image_software",
    "image_vulns",
    "containers",
];

/// Indexes kept during a bulk load. The children's rows arrive in their image's order (so
/// keeping them is cheap), and the severity counts derived batch by batch look findings up by
/// image through them. Containers look their image's copy up by sha through `images_sha`: an
/// image is a few hundred bytes of index for thousands of bytes of row, and holding the copies
/// in memory instead grew with the images.
const KEPT: &[&str] = &[
    "image_vulns_image",
    "image_repos_image",
    "image_software_image",
    "images_sha",
];

/// Shas per lookup of images' copies: far below both engines' bound-parameter limits.
const SHAS_PER_LOOKUP: usize = 500;

/// A bulk load in progress; [`Bulk::finish`] rebuilds indexes and derived values.
pub struct Bulk<'s> {
    store: &'s Store,
    /// (name, definition) of the indexes dropped for the load.
    dropped: Vec<(String, String)>,
}

/// Images per statement of the containers' counts at the end of a load.
const USAGE_SLICE: i64 = 10_000;

/// The lowest and highest row ids of a table.
#[derive(sqlx::FromRow)]
struct IdSpan {
    first: i64,
    last: i64,
}

#[derive(sqlx::FromRow)]
struct IndexDef {
    name: String,
    def: String,
}

impl Store {
    /// Starts a bulk load: drops the secondary indexes of the asset tables.
    pub async fn bulk(&self) -> anyhow::Result<Bulk<'_>> {
        let list = match self.engine() {
            Engine::Sqlite => Sql::new(format!(
                "SELECT name, sql AS def FROM sqlite_master WHERE type = 'index' \
                 AND sql IS NOT NULL AND tbl_name IN ({})",
                quoted(TABLES)
            )),
            // Primary keys stay: foreign keys need them.
            Engine::Postgres => Sql::new(format!(
                "SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i \
                 WHERE i.schemaname = current_schema() AND i.tablename IN ({}) \
                 AND i.indexname NOT IN (SELECT conname FROM pg_constraint \
                   WHERE contype IN ('p', 'u', 'f'))",
                quoted(TABLES)
            )),
        };
        let mut dropped: Vec<IndexDef> = list.fetch_all(self.jobs_db()).await?;
        dropped.retain(|ix| !KEPT.contains(&ix.name.as_str()));
        for ix in &dropped {
            Sql::new(format!("DROP INDEX \"{}\"", ix.name.replace('"', "")))
                .execute(self.jobs_db())
                .await
                .with_context(|| format!("dropping index {}", ix.name))?;
        }
        Ok(Bulk {
            store: self,
            dropped: dropped.into_iter().map(|i| (i.name, i.def)).collect(),
        })
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Bulk<'_> {
    async fn tx(&self) -> sqlx::Result<Tx> {
        let mut tx = self.store.jobs_db().begin().await?;
        if tx.engine() == Engine::Postgres {
            Sql::new("SET LOCAL synchronous_commit TO OFF")
                .execute(Exec::from(&mut tx))
                .await?;
        }
        Ok(tx)
    }

    pub async fn vuln_defs(&mut self, defs: &[VulnDefRecord]) -> Result<(), WriteError> {
        let mut tx = self.tx().await?;
        insert_many(
            &mut tx,
            "vuln_defs",
            VULN_DEF_COLUMNS,
            defs.iter().map(vuln_def_values),
        )
        .await?;
        super::write::write_vuln_cves(&mut tx, defs).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn sensors(&mut self, sensors: &[SensorRecord]) -> Result<(), WriteError> {
        let mut tx = self.tx().await?;
        insert_many(
            &mut tx,
            "sensors",
            SENSOR_COLUMNS,
            sensors.iter().map(sensor_values),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// New images with their repositories, software, findings and severity counts.
    pub async fn images(&mut self, images: &[ImageRecord]) -> Result<(), WriteError> {
        let mut tx = self.tx().await?;
        let refs: Vec<&ImageRecord> = images.iter().collect();
        let ids = insert_images(&mut tx, &refs).await?;
        let by_sha: HashMap<&str, i64> = ids.iter().map(|r| (r.sha.as_str(), r.id)).collect();
        let with_ids: Vec<(i64, &ImageRecord)> = images
            .iter()
            .filter_map(|i| by_sha.get(i.sha.as_str()).map(|id| (*id, i)))
            .collect();
        insert_image_children(&mut tx, &with_ids).await?;
        // Severity counts now, batch by batch, so that containers copy them as they go in.
        let new: Vec<i64> = ids.iter().map(|r| r.id).collect();
        derive::image_severities(&mut tx, Scope::Ids(&new)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// New containers of stored images (their copies are read by sha, for this batch only).
    pub async fn containers(&mut self, containers: &[ContainerRecord]) -> Result<(), WriteError> {
        let mut tx = self.tx().await?;
        let mut shas: Vec<&str> = containers.iter().map(|c| c.image_sha.as_str()).collect();
        shas.sort_unstable();
        shas.dedup();
        let mut images: HashMap<String, ImageCopy> = HashMap::with_capacity(shas.len());
        for chunk in shas.chunks(SHAS_PER_LOOKUP) {
            let mut cond = Sql::new("sha IN (");
            cond.push_list(chunk.iter().copied()).push(")");
            let copies = image_copies(&mut tx, &cond).await?;
            images.extend(copies.into_iter().map(|c| (c.sha.clone(), c)));
        }
        let mut rows = Vec::with_capacity(containers.len());
        for c in containers {
            let image = images
                .get(&c.image_sha)
                .ok_or_else(|| WriteError::UnknownImage(c.image_sha.clone()))?;
            rows.push(container_values(c, image));
        }
        insert_many(&mut tx, "containers", CONTAINER_COLUMNS, rows).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Rebuilds the indexes, computes every derived value, and refreshes the planner's
    /// statistics.
    pub async fn finish(self) -> anyhow::Result<()> {
        let t = std::time::Instant::now();
        self.rebuild_indexes().await?;
        tracing::debug!(elapsed = ?t.elapsed(), "bulk load: indexes rebuilt");
        let db = self.store.jobs_db();
        if self.store.engine() == Engine::Postgres {
            // Statistics first: the derived-value statements join the freshly loaded tables,
            // and without them PostgreSQL's estimates can pick plans that scale badly.
            Sql::new(format!("ANALYZE {}", TABLES.join(", ")))
                .execute(db)
                .await?;
        }
        // Severity counts were derived per batch of images, and containers copied them as they
        // went in; what depends on all the containers is derived now.
        let mut tx = self.tx().await?;
        // In slices of images: SQLite keeps the old version of each page a statement changes
        // (to undo the statement alone), in memory (`temp_store = memory`), so one statement
        // over every image held a copy of the whole table.
        let span: IdSpan = Sql::new(
            "SELECT coalesce(min(id), 1) AS first, coalesce(max(id), 0) AS last FROM images",
        )
        .fetch_one(Exec::from(&mut tx))
        .await?;
        let mut first = span.first;
        while first <= span.last {
            let last = first + USAGE_SLICE - 1;
            derive::image_usage(&mut tx, Scope::Range(first, last))
                .await
                .context("counting containers per image")?;
            first = last + 1;
        }
        derive::recount_rows(&mut tx).await?;
        derive::all_blocks_changed(&mut tx).await?;
        tx.commit().await?;
        tracing::debug!(elapsed = ?t.elapsed(), "bulk load: derived values computed");
        match self.store.engine() {
            Engine::Sqlite => {
                // A sampled ANALYZE: enough for the planner, seconds instead of minutes.
                Sql::new("PRAGMA analysis_limit = 1000").execute(db).await?;
                Sql::new("ANALYZE").execute(db).await?;
            }
            Engine::Postgres => {
                // VACUUM also sets the visibility map, so index-only scans skip the heap.
                Sql::new(format!("VACUUM (ANALYZE) {}", TABLES.join(", ")))
                    .execute(db)
                    .await?;
            }
        }
        tracing::debug!(elapsed = ?t.elapsed(), "bulk load: statistics refreshed");
        Ok(())
    }

    async fn rebuild_indexes(&self) -> anyhow::Result<()> {
        let db = self.store.jobs_db();
        let Pool::Sqlite(pool) = &db.pool else {
            // PostgreSQL sorts in `maintenance_work_mem` and spills to disk past it.
            for (name, def) in &self.dropped {
                Sql::new(def.as_str())
                    .execute(db)
                    .await
                    .with_context(|| format!("rebuilding index {name}"))?;
            }
            return Ok(());
        };
        // SQLite sorts an index's keys in memory up to its cache size and then in temporary
        // files; the connections keep those in memory (`temp_store = memory`, right for the
        // small sorts of requests), which for millions of rows is gigabytes. The rebuild runs
        // on one connection whose temporary files are files (the setting cannot change inside
        // a transaction, so not in `tx`).
        let mut conn = pool.acquire().await?;
        Sql::new("PRAGMA temp_store = FILE")
            .execute(Exec::Sqlite(&mut conn))
            .await?;
        let mut built = Ok(());
        for (name, def) in &self.dropped {
            built = Sql::new(def.as_str())
                .execute(Exec::Sqlite(&mut conn))
                .await
                .map(drop)
                .with_context(|| format!("rebuilding index {name}"));
            if built.is_err() {
                break;
            }
        }
        Sql::new("PRAGMA temp_store = MEMORY")
            .execute(Exec::Sqlite(&mut conn))
            .await?;
        built
    }

    /// Puts the dropped indexes back after a failed load, so the database keeps them.
    pub async fn abandon(self) -> anyhow::Result<()> {
        self.rebuild_indexes().await
    }
}
