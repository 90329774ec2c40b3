//! The write side: typed methods that change base rows and then refresh what derives from
//! them (`store::derive`) in the same transaction. The single-record methods (a sensor's
//! check-in, a scan report, a container event) and the bulk loader (`store::bulk`, the demo
//! seeder) share the column lists, the insert statements and the derive code below.

use super::db::{Bind, Exec, Sql, Tx};
use super::derive::{self, Scope};
use super::listing::id_list;
use super::records::{
    ContainerRecord, FindingRecord, ImageRecord, SensorRecord, VulnDefRecord, WriteError,
};
use super::{Entity, Store};
use shipshape_model::{Cluster, ContainerState, SensorStatus};

/// Values bound per multi-row statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 30_000;

pub(crate) const SENSOR_COLUMNS: &[&str] = &[
    "uuid",
    "sensor_id",
    "name",
    "hostname",
    "host_uuid",
    "ipv4",
    "ipv6",
    "mac_address",
    "sensor_version",
    "version_key",
    "vuln_sig_version",
    "docker_version",
    "os",
    "platform",
    "sensor_type",
    "status",
    "deployment",
    "configuration_profile",
    "privileged",
    "created",
    "last_checked_in",
    "labels",
    "cluster",
    "cluster_name",
    "cluster_namespace",
];

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub(crate) fn cluster_parts(
    c: Option<&Cluster>,
) -> (Option<String>, Option<String>, Option<String>) {
    match c {
        Some(c) => {
            let k8s = c.k8s.as_ref();
            (
                Some(json(c)),
                k8s.and_then(|k| k.cluster_name.clone()),
                k8s.and_then(|k| k.namespace.clone()),
            )
        }
        None => (None, None, None),
    }
}

pub(crate) fn sensor_values(s: &SensorRecord) -> Vec<Bind> {
    let (cluster, cluster_name, namespace) = cluster_parts(s.cluster.as_ref());
    vec![
        s.uuid.as_str().into(),
        s.sensor_id.as_str().into(),
        s.name.as_str().into(),
        (&s.hostname).into(),
        (&s.host_uuid).into(),
        (&s.ipv4).into(),
        (&s.ipv6).into(),
        (&s.mac_address).into(),
        (&s.sensor_version).into(),
        s.sensor_version
            .as_deref()
            .and_then(super::sensors::version_key)
            .into(),
        (&s.vuln_sig_version).into(),
        (&s.docker_version).into(),
        (&s.os).into(),
        (&s.platform).into(),
        s.sensor_type.as_str().into(),
        s.status.as_str().into(),
        s.deployment.map(|d| d.as_str()).into(),
        (&s.configuration_profile).into(),
        s.privileged.into(),
        s.created.into(),
        s.last_checked_in.into(),
        json(&s.labels).into(),
        cluster.into(),
        cluster_name.into(),
        namespace.into(),
    ]
}

pub(crate) const VULN_DEF_COLUMNS: &[&str] = &[
    "qid",
    "title",
    "severity",
    "cveids",
    "cvss_base",
    "cvss3_base",
    "category",
    "published",
    "patch_available",
    "threat_intel",
];

pub(crate) fn vuln_def_values(d: &VulnDefRecord) -> Vec<Bind> {
    vec![
        d.qid.into(),
        d.title.as_str().into(),
        i64::from(d.severity).into(),
        json(&d.cveids).into(),
        d.cvss_base.into(),
        d.cvss3_base.into(),
        (&d.category).into(),
        d.published.into(),
        d.patch_available.into(),
        json(&d.threat_intel).into(),
    ]
}

/// Writes `vuln_cves` for these definitions (each distinct CVE id once per QID), replacing what
/// their QIDs had: the table CVE filters and groupings read (migration 0012/0010).
pub(crate) async fn write_vuln_cves(tx: &mut Tx, defs: &[VulnDefRecord]) -> sqlx::Result<()> {
    for chunk in defs.chunks(MAX_PARAMS) {
        let mut del = Sql::new("DELETE FROM vuln_cves WHERE qid IN (");
        del.push_list(chunk.iter().map(|d| d.qid)).push(")");
        del.execute(Exec::from(&mut *tx)).await?;
    }
    let rows: Vec<Vec<Bind>> = defs
        .iter()
        .flat_map(|d| {
            let mut cves: Vec<&String> = d.cveids.iter().collect();
            cves.sort();
            cves.dedup();
            cves.into_iter()
                .map(move |c| vec![c.as_str().into(), d.qid.into()])
        })
        .collect();
    insert_many(tx, "vuln_cves", &["cve", "qid"], rows).await
}

pub(crate) const IMAGE_COLUMNS: &[&str] = &[
    "uuid",
    "image_id",
    "sha",
    "created",
    "updated",
    "last_scanned",
    "size",
    "operating_system",
    "architecture",
    "author",
    "source",
    "scan_status",
    "labels",
    "layers",
    "repo_digests",
];

pub(crate) fn image_values(i: &ImageRecord) -> Vec<Bind> {
    vec![
        i.uuid.as_str().into(),
        i.image_id.as_str().into(),
        i.sha.as_str().into(),
        i.created.into(),
        i.updated.into(),
        i.last_scanned.into(),
        i.size.into(),
        (&i.operating_system).into(),
        (&i.architecture).into(),
        (&i.author).into(),
        json(&i.source).into(),
        (&i.scan_status).into(),
        json(&i.labels).into(),
        json(&i.layers).into(),
        json(&i.repo_digests).into(),
    ]
}

pub(crate) const CONTAINER_COLUMNS: &[&str] = &[
    "uuid",
    "container_id",
    "sha",
    "name",
    "image_ref",
    "image_id",
    "image_uuid",
    "image_sha",
    "created",
    "updated",
    "state_changed",
    "last_scanned",
    "state",
    "sensor_uuid",
    "host_uuid",
    "host_hostname",
    "host_ip",
    "is_root",
    "privileged",
    "sev1",
    "sev2",
    "sev3",
    "sev4",
    "sev5",
    "cluster_name",
    "cluster_namespace",
    "cluster",
    "command",
    "arguments",
    "environment",
    "ports",
    "labels",
    "operating_system",
];

/// What a container copies from its image (`derive` keeps these equal to the image's).
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct ImageCopy {
    pub id: i64,
    pub image_id: String,
    pub uuid: String,
    pub sha: String,
    #[sqlx(flatten)]
    pub sev: super::images::SeverityColumns,
}

/// The copies of the images `cond` selects (a condition on `images`), read in `tx` after their
/// severity counts are derived.
pub(crate) async fn image_copies(tx: &mut Tx, cond: &Sql) -> sqlx::Result<Vec<ImageCopy>> {
    let mut sql =
        Sql::new("SELECT id, image_id, uuid, sha, sev1, sev2, sev3, sev4, sev5 FROM images WHERE ");
    sql.append(cond);
    sql.fetch_all(Exec::from(&mut *tx)).await
}

/// A container's row, with its copy of its image's ids and counts.
pub(crate) fn container_values(c: &ContainerRecord, image: &ImageCopy) -> Vec<Bind> {
    let (cluster, cluster_name, namespace) = cluster_parts(c.cluster.as_ref());
    let host = c.host.as_ref();
    vec![
        c.uuid.as_str().into(),
        c.container_id.as_str().into(),
        c.sha.as_str().into(),
        (&c.name).into(),
        image.id.into(),
        image.image_id.as_str().into(),
        image.uuid.as_str().into(),
        image.sha.as_str().into(),
        c.created.into(),
        c.updated.into(),
        c.state_changed.into(),
        c.last_scanned.into(),
        c.state.as_str().into(),
        host.map(|h| h.sensor_uuid.as_str()).into(),
        host.and_then(|h| h.uuid.as_deref()).into(),
        host.and_then(|h| h.hostname.as_deref()).into(),
        host.and_then(|h| h.ip_address.as_deref()).into(),
        c.is_root.into(),
        c.privileged.into(),
        image.sev.sev1.into(),
        image.sev.sev2.into(),
        image.sev.sev3.into(),
        image.sev.sev4.into(),
        image.sev.sev5.into(),
        cluster_name.into(),
        namespace.into(),
        cluster.into(),
        (&c.command).into(),
        json(&c.arguments).into(),
        json(&c.environment).into(),
        json(&c.ports).into(),
        json(&c.labels).into(),
        (&c.operating_system).into(),
    ]
}

/// Whether `table` has a row whose `key` is `value`.
async fn exists(tx: &mut Tx, table: &str, key: &str, value: &str) -> sqlx::Result<bool> {
    let found: Option<i64> = Sql::new(format!("SELECT id FROM {table} WHERE {key} = ?"))
        .bind(value)
        .scalar_optional(Exec::from(&mut *tx))
        .await?;
    Ok(found.is_some())
}

/// `INSERT INTO table (columns) VALUES (…), (…) [suffix]` for each batch of rows.
pub(crate) async fn insert_many(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = Vec<Bind>>,
) -> sqlx::Result<()> {
    let per_batch = (MAX_PARAMS / columns.len()).max(1);
    let mut batch: Vec<Vec<Bind>> = Vec::with_capacity(per_batch);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        batch.clear();
        batch.extend(rows.by_ref().take(per_batch));
        values_statement(table, columns, &batch, "")
            .execute(Exec::from(&mut *tx))
            .await?;
    }
    Ok(())
}

fn values_statement(table: &str, columns: &[&str], rows: &[Vec<Bind>], suffix: &str) -> Sql {
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut text = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    text.reserve(rows.len() * (one.len() + 2) + suffix.len());
    for i in 0..rows.len() {
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(&one);
    }
    text.push_str(suffix);
    Sql {
        text,
        binds: rows.iter().flatten().cloned().collect(),
    }
}

/// One row inserted, or updated in place when `key` already exists; its row id (for
/// `vuln_defs`, keyed by `qid`, the QID).
async fn upsert_one(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    values: Vec<Bind>,
    key: &str,
) -> sqlx::Result<i64> {
    let updates: Vec<String> = columns
        .iter()
        .filter(|c| **c != key)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let returning = if table == "vuln_defs" { "qid" } else { "id" };
    let suffix = format!(
        " ON CONFLICT ({key}) DO UPDATE SET {} RETURNING {returning}",
        updates.join(", ")
    );
    values_statement(table, columns, &[values], &suffix)
        .scalar(Exec::from(&mut *tx))
        .await
}

/// Row ids and shas of inserted images.
#[derive(sqlx::FromRow)]
pub(crate) struct IdSha {
    pub id: i64,
    pub sha: String,
}

/// Inserts new image rows (not their repositories, software or findings); their ids by sha.
pub(crate) async fn insert_images(
    tx: &mut Tx,
    images: &[&ImageRecord],
) -> sqlx::Result<Vec<IdSha>> {
    let per_batch = (MAX_PARAMS / IMAGE_COLUMNS.len()).max(1);
    let mut out = Vec::with_capacity(images.len());
    for chunk in images.chunks(per_batch) {
        let rows: Vec<Vec<Bind>> = chunk.iter().map(|i| image_values(i)).collect();
        let sql = values_statement("images", IMAGE_COLUMNS, &rows, " RETURNING id, sha");
        out.extend(sql.fetch_all::<IdSha>(Exec::from(&mut *tx)).await?);
    }
    Ok(out)
}

/// Inserts the repositories, software and findings of images whose rows exist (and hold
/// none).
/// Rows built before a statement's await: a future holding the builders' closures is not seen
/// as `Send` by callers that need it (handlers, spawned tasks).
fn collected(rows: impl Iterator<Item = Vec<Bind>>) -> std::vec::IntoIter<Vec<Bind>> {
    rows.collect::<Vec<_>>().into_iter()
}

pub(crate) async fn insert_image_children(
    tx: &mut Tx,
    images: &[(i64, &ImageRecord)],
) -> sqlx::Result<()> {
    insert_many(
        tx,
        "image_repos",
        &["image_ref", "pos", "registry", "repository", "tag"],
        collected(images.iter().flat_map(|(id, i)| {
            i.repos.iter().enumerate().map(move |(pos, r)| {
                vec![
                    (*id).into(),
                    (pos as i64).into(),
                    (&r.registry).into(),
                    r.repository.as_str().into(),
                    (&r.tag).into(),
                ]
            })
        })),
    )
    .await?;
    insert_many(
        tx,
        "image_software",
        &[
            "image_ref",
            "name",
            "version",
            "fix_version",
            "package_path",
        ],
        collected(images.iter().flat_map(|(id, i)| {
            i.software.iter().map(move |s| {
                vec![
                    (*id).into(),
                    s.name.as_str().into(),
                    (&s.version).into(),
                    (&s.fix_version).into(),
                    (&s.package_path).into(),
                ]
            })
        })),
    )
    .await?;
    insert_many(
        tx,
        "image_vulns",
        &[
            "image_ref",
            "qid",
            "severity",
            "type_detected",
            "first_found",
            "last_found",
            "software_name",
            "software_version",
            "fix_version",
        ],
        collected(images.iter().flat_map(|(id, i)| {
            i.findings.iter().map(move |f: &FindingRecord| {
                vec![
                    (*id).into(),
                    f.qid.into(),
                    i64::from(f.severity).into(),
                    f.type_detected.as_str().into(),
                    f.first_found.into(),
                    f.last_found.into(),
                    (&f.software_name).into(),
                    (&f.software_version).into(),
                    (&f.fix_version).into(),
                ]
            })
        })),
    )
    .await
}

fn check_image(i: &ImageRecord) -> Result<(), WriteError> {
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex(&i.sha, 64) {
        return Err(WriteError::Invalid(format!(
            "an image sha is 64 hex digits, not '{}'",
            i.sha
        )));
    }
    if let Some(f) = i.findings.iter().find(|f| !(1..=5).contains(&f.severity)) {
        return Err(WriteError::Invalid(format!(
            "finding QID {} has severity {}; severities run 1 to 5",
            f.qid, f.severity
        )));
    }
    Ok(())
}

/// [`Store::upsert_sensor`] inside a caller's transaction.
pub(crate) async fn upsert_sensor_in(tx: &mut Tx, s: &SensorRecord) -> Result<i64, WriteError> {
    let new = !exists(tx, "sensors", "uuid", &s.uuid).await?;
    let id = upsert_one(tx, "sensors", SENSOR_COLUMNS, sensor_values(s), "uuid").await?;
    derive::adjust_rows(tx, Entity::Sensor, i64::from(new)).await?;
    derive::bump_version(tx).await?;
    Ok(id)
}

impl Store {
    /// Starts a write transaction on the job pool (writes are not cut off by the request
    /// time limit: a half-done write is worse than a slow one).
    pub(crate) async fn write_tx(&self) -> sqlx::Result<Tx> {
        self.jobs_db().begin().await
    }

    /// Creates or replaces vulnerability definitions (by QID).
    pub async fn upsert_vuln_defs(&self, defs: &[VulnDefRecord]) -> Result<(), WriteError> {
        if let Some(d) = defs.iter().find(|d| !(1..=5).contains(&d.severity)) {
            return Err(WriteError::Invalid(format!(
                "QID {} has severity {}; severities run 1 to 5",
                d.qid, d.severity
            )));
        }
        let mut tx = self.write_tx().await?;
        for d in defs {
            upsert_one(
                &mut tx,
                "vuln_defs",
                VULN_DEF_COLUMNS,
                vuln_def_values(d),
                "qid",
            )
            .await?;
        }
        write_vuln_cves(&mut tx, defs).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a sensor or replaces what is stored of it (by uuid); its row id.
    pub async fn upsert_sensor(&self, s: &SensorRecord) -> Result<i64, WriteError> {
        let mut tx = self.write_tx().await?;
        let id = upsert_sensor_in(&mut tx, s).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates an image or replaces what is stored of it (by sha) with its repositories,
    /// software and findings; the image's severity counts and its containers' copies follow.
    pub async fn upsert_image(&self, image: &ImageRecord) -> Result<i64, WriteError> {
        check_image(image)?;
        let mut tx = self.write_tx().await?;
        let mut qids: Vec<i64> = image.findings.iter().map(|f| f.qid).collect();
        qids.sort_unstable();
        qids.dedup();
        for chunk in qids.chunks(500) {
            let known: Vec<i64> = id_list("SELECT qid FROM vuln_defs WHERE qid", chunk)
                .scalars(Exec::from(&mut tx))
                .await?;
            if let Some(q) = chunk.iter().find(|q| !known.contains(q)) {
                return Err(WriteError::UnknownQid(*q));
            }
        }
        let new = !exists(&mut tx, "images", "sha", &image.sha).await?;
        let id = upsert_one(&mut tx, "images", IMAGE_COLUMNS, image_values(image), "sha").await?;
        derive::adjust_rows(&mut tx, Entity::Image, i64::from(new)).await?;
        for table in ["image_repos", "image_software", "image_vulns"] {
            Sql::new(format!("DELETE FROM {table} WHERE image_ref = ?"))
                .bind(id)
                .execute(Exec::from(&mut tx))
                .await?;
        }
        insert_image_children(&mut tx, &[(id, image)]).await?;
        derive::image_severities(&mut tx, Scope::Ids(&[id])).await?;
        derive::container_copies(&mut tx, Scope::Ids(&[id])).await?;
        derive::bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a container or replaces what is stored of it (by sha). Its image must be stored;
    /// the counts and dates of the image it ran before and of the one it runs now follow.
    pub async fn upsert_container(&self, c: &ContainerRecord) -> Result<i64, WriteError> {
        let mut tx = self.write_tx().await?;
        let image = image_copies(&mut tx, &Sql::new("sha = ?").bind(c.image_sha.as_str()))
            .await?
            .pop()
            .ok_or_else(|| WriteError::UnknownImage(c.image_sha.clone()))?;
        let before: Option<i64> = Sql::new("SELECT image_ref FROM containers WHERE sha = ?")
            .bind(c.sha.as_str())
            .scalar_optional(Exec::from(&mut tx))
            .await?;
        let id = upsert_one(
            &mut tx,
            "containers",
            CONTAINER_COLUMNS,
            container_values(c, &image),
            "sha",
        )
        .await?;
        match before {
            // A new container: its image's usage moves by arithmetic (a sensor's usual write).
            None => {
                let sensor = c.host.as_ref().map(|h| h.sensor_uuid.as_str());
                derive::image_usage_after_insert(&mut tx, image.id, id, sensor, c.updated).await?
            }
            Some(old) => derive::image_usage(&mut tx, Scope::Ids(&[image.id, old])).await?,
        }
        // The table's row count after the image, as every write takes them (images, then
        // `row_counts`, then `store_version`): two writers taking them in opposite orders would
        // each wait for the other (PostgreSQL ends one with a deadlock error).
        derive::adjust_rows(&mut tx, Entity::Container, i64::from(before.is_none())).await?;
        derive::bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A container's new state, seen at `at`; false when no container has this sha.
    pub async fn set_container_state(
        &self,
        sha: &str,
        state: ContainerState,
        at: i64,
    ) -> Result<bool, WriteError> {
        let mut tx = self.write_tx().await?;
        let image: Option<i64> = Sql::new(
            "UPDATE containers SET state_changed = CASE WHEN state = ? THEN state_changed ELSE ? END, \
             state = ?, updated = CASE WHEN updated > ? THEN updated ELSE ? END \
             WHERE sha = ? RETURNING image_ref",
        )
        .bind(state.as_str())
        .bind(at)
        .bind(state.as_str())
        .bind(at)
        .bind(at)
        .bind(sha)
        .scalar_optional(Exec::from(&mut tx))
        .await?;
        let Some(image) = image else {
            return Ok(false);
        };
        // Only `updated` can have moved, and only forward.
        derive::image_used_at(&mut tx, image, at).await?;
        derive::bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A sensor's new status; false when no sensor has this uuid.
    pub async fn set_sensor_status(
        &self,
        uuid: &str,
        status: SensorStatus,
        at: i64,
    ) -> Result<bool, WriteError> {
        let mut tx = self.write_tx().await?;
        let n = Sql::new("UPDATE sensors SET status = ?, last_checked_in = ? WHERE uuid = ?")
            .bind(status.as_str())
            .bind(at)
            .bind(uuid)
            .execute(Exec::from(&mut tx))
            .await?;
        if n > 0 {
            derive::bump_version(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }
}

impl Store {
    /// Deletes containers by row id, in one transaction; how many went.
    pub async fn delete_containers(&self, ids: &[i64]) -> sqlx::Result<u64> {
        let mut tx = self.write_tx().await?;
        let n = delete::containers(&mut tx, ids).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Deletes images by row id unless running containers use them, in one transaction.
    pub async fn delete_images(&self, ids: &[i64]) -> sqlx::Result<(u64, Vec<delete::Kept>)> {
        let mut tx = self.write_tx().await?;
        let out = delete::images(&mut tx, ids).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Deletes sensors by row id if their status is `UNKNOWN`, in one transaction.
    pub async fn delete_sensors(&self, ids: &[i64]) -> sqlx::Result<(u64, Vec<delete::Kept>)> {
        let mut tx = self.write_tx().await?;
        let out = delete::sensors(&mut tx, ids).await?;
        tx.commit().await?;
        Ok(out)
    }
}

/// Deletes of assets, one transaction each (a deletion job runs one per chunk, with its
/// progress). They return what went and what stayed, with the reason.
pub mod delete {
    use super::*;

    /// A record a delete left in place, and why.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Kept {
        pub id: String,
        pub reason: String,
    }

    #[derive(sqlx::FromRow)]
    struct ContainerImage {
        image_ref: i64,
    }

    /// Deletes containers; their images' counts and dates follow.
    pub async fn containers(tx: &mut Tx, ids: &[i64]) -> sqlx::Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let images: Vec<ContainerImage> =
            id_list("SELECT DISTINCT image_ref FROM containers WHERE id", ids)
                .fetch_all(Exec::from(&mut *tx))
                .await?;
        let deleted = id_list("DELETE FROM containers WHERE id", ids)
            .execute(Exec::from(&mut *tx))
            .await?;
        let images: Vec<i64> = images.into_iter().map(|r| r.image_ref).collect();
        derive::image_usage(tx, Scope::Ids(&images)).await?;
        derive::adjust_rows(tx, Entity::Container, -(deleted as i64)).await?;
        derive::bump_version(tx).await?;
        Ok(deleted)
    }

    #[derive(sqlx::FromRow)]
    struct ImageUse {
        id: i64,
        sha: String,
        running: i64,
    }

    /// Deletes images that no running container uses, with their repositories, software,
    /// findings and (not running) containers. The check and the delete are one transaction,
    /// so a container that starts meanwhile cannot lose its image.
    pub async fn images(tx: &mut Tx, ids: &[i64]) -> sqlx::Result<(u64, Vec<Kept>)> {
        if ids.is_empty() {
            return Ok((0, Vec::new()));
        }
        let mut sql = Sql::new(
            "SELECT i.id, i.sha, (SELECT count(*) FROM containers c \
               WHERE c.image_ref = i.id AND c.state = 'RUNNING') AS running \
             FROM images i WHERE ",
        );
        sql.append(&id_list("i.id", ids));
        let uses: Vec<ImageUse> = sql.fetch_all(Exec::from(&mut *tx)).await?;
        let mut kept = Vec::new();
        let mut go = Vec::new();
        for u in uses {
            if u.running > 0 {
                kept.push(Kept {
                    id: u.sha,
                    reason: format!("image is used by {} running container(s)", u.running),
                });
            } else {
                go.push(u.id);
            }
        }
        if go.is_empty() {
            return Ok((0, kept));
        }
        for table in [
            "image_repos",
            "image_software",
            "image_vulns",
            "image_secrets",
        ] {
            id_list(&format!("DELETE FROM {table} WHERE image_ref"), &go)
                .execute(Exec::from(&mut *tx))
                .await?;
        }
        let containers = id_list("DELETE FROM containers WHERE image_ref", &go)
            .execute(Exec::from(&mut *tx))
            .await?;
        let deleted = id_list("DELETE FROM images WHERE id", &go)
            .execute(Exec::from(&mut *tx))
            .await?;
        derive::adjust_rows(tx, Entity::Container, -(containers as i64)).await?;
        derive::adjust_rows(tx, Entity::Image, -(deleted as i64)).await?;
        derive::bump_version(tx).await?;
        Ok((deleted, kept))
    }

    #[derive(sqlx::FromRow)]
    struct SensorState {
        id: i64,
        uuid: String,
        status: String,
    }

    /// Deletes sensors in status `UNKNOWN`; others are kept with the reason.
    pub async fn sensors(tx: &mut Tx, ids: &[i64]) -> sqlx::Result<(u64, Vec<Kept>)> {
        if ids.is_empty() {
            return Ok((0, Vec::new()));
        }
        let states: Vec<SensorState> =
            id_list("SELECT id, uuid, status FROM sensors WHERE id", ids)
                .fetch_all(Exec::from(&mut *tx))
                .await?;
        let mut kept = Vec::new();
        let mut go = Vec::new();
        for s in states {
            if s.status == SensorStatus::Unknown.as_str() {
                go.push(s.id);
            } else {
                kept.push(Kept {
                    id: s.uuid,
                    reason: format!(
                        "sensor is {}; only sensors in status UNKNOWN can be deleted",
                        s.status
                    ),
                });
            }
        }
        if go.is_empty() {
            return Ok((0, kept));
        }
        // What the sensor API kept of them: credentials, reported images, recent events.
        for table in ["sensor_credentials", "sensor_images", "sensor_events"] {
            id_list(
                &format!(
                    "DELETE FROM {table} WHERE sensor_uuid IN (SELECT uuid FROM sensors WHERE id"
                ),
                &go,
            )
            .push(")")
            .execute(Exec::from(&mut *tx))
            .await?;
        }
        let deleted = id_list("DELETE FROM sensors WHERE id", &go)
            .execute(Exec::from(&mut *tx))
            .await?;
        derive::adjust_rows(tx, Entity::Sensor, -(deleted as i64)).await?;
        derive::bump_version(tx).await?;
        Ok((deleted, kept))
    }
}
