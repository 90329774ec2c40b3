//! Images: rows, details, findings, software, associations and deletes.

use super::listing::{in_id_order, placeholders, severity_counts};
use super::{json_col, Store};
use shipshape_model::{
    AssociatedContainer, CvssInfo, EpochMillis, HostRef, Image, ImageDetails, Label, Layer,
    RepoDigest, RepoTag, SeverityCounts, Software, ThreatIntel, VulnSoftware, Vulnerability,
};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

pub const SORT_COLUMNS: &[(&str, &str)] = &[
    ("uuid", "i.uuid"),
    ("imageId", "i.image_id"),
    ("sha", "i.sha"),
    ("created", "i.created"),
    ("updated", "i.updated"),
    ("lastScanned", "i.last_scanned"),
    ("lastUsedDate", "i.last_used_date"),
    ("size", "i.size"),
    ("operatingSystem", "i.operating_system"),
    ("scanStatus", "i.scan_status"),
    ("associatedContainersCount", "i.containers_count"),
    ("associatedHostsCount", "i.hosts_count"),
    ("architecture", "i.architecture"),
    ("author", "i.author"),
];

const COLUMNS: &str =
    "id, uuid, image_id, sha, created, updated, last_scanned, last_used_date, size, \
    operating_system, architecture, author, source, scan_status, labels, layers, repo_digests, \
    sev1, sev2, sev3, sev4, sev5, containers_count, hosts_count";

/// The columns of an image row, before its repos are attached.
struct ImageRow {
    id: i64,
    image: Image,
    architecture: Option<String>,
    author: Option<String>,
    labels: Vec<Label>,
    layers: Vec<Layer>,
}

fn image_from_row(row: &SqliteRow) -> sqlx::Result<ImageRow> {
    let source: String = row.try_get("source")?;
    let digests: String = row.try_get("repo_digests")?;
    let labels: String = row.try_get("labels")?;
    let layers: String = row.try_get("layers")?;
    Ok(ImageRow {
        id: row.try_get("id")?,
        image: Image {
            uuid: row.try_get("uuid")?,
            image_id: row.try_get("image_id")?,
            sha: row.try_get("sha")?,
            created: EpochMillis(row.try_get("created")?),
            updated: EpochMillis(row.try_get("updated")?),
            last_scanned: row
                .try_get::<Option<i64>, _>("last_scanned")?
                .map(EpochMillis),
            last_used_date: row
                .try_get::<Option<i64>, _>("last_used_date")?
                .map(EpochMillis),
            repo: Vec::new(),
            repo_digests: json_col::<Vec<RepoDigest>>(&digests),
            size: row.try_get("size")?,
            vulnerabilities: severity_counts(row)?,
            associated_containers_count: row.try_get::<i64, _>("containers_count")?.max(0) as u64,
            associated_hosts_count: row.try_get::<i64, _>("hosts_count")?.max(0) as u64,
            source: json_col(&source),
            scan_status: row.try_get("scan_status")?,
            operating_system: row.try_get("operating_system")?,
        },
        architecture: row.try_get("architecture")?,
        author: row.try_get("author")?,
        labels: json_col(&labels),
        layers: json_col(&layers),
    })
}

/// (name, version, fix version, package path) as stored.
type SoftwareDbRow = (String, Option<String>, Option<String>, Option<String>);

/// Normalises an image id given in a path: `sha256:` prefix dropped, lower case.
pub fn normalise_sha(s: &str) -> String {
    s.trim().trim_start_matches("sha256:").to_ascii_lowercase()
}

impl Store {
    async fn image_rows(&self, ids: &[i64]) -> sqlx::Result<Vec<ImageRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM images WHERE id IN ({})",
            placeholders(ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = rows
            .iter()
            .map(image_from_row)
            .collect::<sqlx::Result<Vec<_>>>()?;
        let repos = self.repos_of(ids).await?;
        for r in &mut out {
            r.image.repo = repos.get(&r.id).cloned().unwrap_or_default();
        }
        Ok(out)
    }

    async fn repos_of(&self, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<RepoTag>>> {
        let sql = format!(
            "SELECT image_ref, registry, repository, tag FROM image_repos WHERE image_ref IN ({}) ORDER BY rowid",
            placeholders(ids.len())
        );
        let mut q = sqlx::query_as::<_, (i64, Option<String>, String, Option<String>)>(&sql);
        for id in ids {
            q = q.bind(id);
        }
        let mut map: HashMap<i64, Vec<RepoTag>> = HashMap::new();
        for (id, registry, repository, tag) in q.fetch_all(&self.pool).await? {
            map.entry(id).or_default().push(RepoTag {
                registry,
                repository,
                tag,
            });
        }
        Ok(map)
    }

    pub async fn images_by_ids(&self, ids: &[i64]) -> sqlx::Result<Vec<Image>> {
        let rows = self.image_rows(ids).await?;
        Ok(in_id_order(
            ids,
            rows.into_iter().map(|r| (r.id, r.image)).collect(),
        ))
    }

    /// Row id of the image with this sha (full) or image id (12 hex).
    pub async fn image_ref(&self, sha_or_id: &str) -> sqlx::Result<Option<i64>> {
        let key = normalise_sha(sha_or_id);
        sqlx::query_scalar(
            "SELECT id FROM images WHERE sha = ? OR image_id = ? ORDER BY id LIMIT 1",
        )
        .bind(&key)
        .bind(&key)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn image_details_by_ids(&self, ids: &[i64]) -> sqlx::Result<Vec<ImageDetails>> {
        let rows = self.image_rows(ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let vulns = self.image_vulns(r.id).await?;
            let softwares = self.image_software(r.id).await?;
            let hosts = self.image_hosts(r.id).await?;
            let summary = r.image.vulnerabilities;
            let i = r.image;
            out.push((
                r.id,
                ImageDetails {
                    uuid: i.uuid,
                    image_id: i.image_id,
                    sha: i.sha,
                    created: i.created,
                    updated: i.updated,
                    last_scanned: i.last_scanned,
                    last_used_date: i.last_used_date,
                    repo: i.repo,
                    repo_digests: i.repo_digests,
                    size: i.size,
                    associated_containers_count: i.associated_containers_count,
                    associated_hosts_count: i.associated_hosts_count,
                    source: i.source,
                    scan_status: i.scan_status,
                    operating_system: i.operating_system,
                    architecture: r.architecture,
                    author: r.author,
                    label: r.labels,
                    layers: r.layers,
                    host: hosts,
                    softwares,
                    vulnerabilities: vulns,
                    vuln_summary: Some(summary),
                },
            ));
        }
        Ok(in_id_order(ids, out))
    }

    /// Severity counts of one image.
    pub async fn image_counts(&self, image_ref: i64) -> sqlx::Result<SeverityCounts> {
        let row = sqlx::query("SELECT sev1, sev2, sev3, sev4, sev5 FROM images WHERE id = ?")
            .bind(image_ref)
            .fetch_one(&self.pool)
            .await?;
        severity_counts(&row)
    }

    /// The findings of one image, most severe first.
    pub async fn image_vulns(&self, image_ref: i64) -> sqlx::Result<Vec<Vulnerability>> {
        let rows = sqlx::query(
            "SELECT v.qid, d.title, d.severity, d.cveids, d.cvss_base, d.cvss3_base, d.category, d.published,
                    d.patch_available, d.threat_intel, v.type_detected, v.first_found, v.last_found,
                    v.software_name, v.software_version, v.fix_version
             FROM image_vulns v JOIN vuln_defs d ON d.qid = v.qid
             WHERE v.image_ref = ? ORDER BY d.severity DESC, v.qid, v.rowid",
        )
        .bind(image_ref)
        .fetch_all(&self.pool)
        .await?;
        let mut by_qid: BTreeMap<(i64, i64), Vulnerability> = BTreeMap::new();
        let mut order = Vec::new();
        for r in &rows {
            let qid: i64 = r.try_get("qid")?;
            let sev: i64 = r.try_get("severity")?;
            let software = r
                .try_get::<Option<String>, _>("software_name")?
                .map(|name| VulnSoftware {
                    name,
                    version: r.try_get("software_version").ok().flatten(),
                    fix_version: r.try_get("fix_version").ok().flatten(),
                });
            let key = (-sev, qid);
            if let Some(v) = by_qid.get_mut(&key) {
                v.software.extend(software);
                continue;
            }
            order.push(key);
            let cveids: String = r.try_get("cveids")?;
            let intel: String = r.try_get("threat_intel")?;
            let fix_known = software.as_ref().is_some_and(|s| s.fix_version.is_some());
            by_qid.insert(
                key,
                Vulnerability {
                    qid,
                    title: r.try_get("title")?,
                    severity: sev.clamp(1, 5) as u8,
                    cveids: json_col(&cveids),
                    cvss_info: CvssInfo {
                        base_score: r.try_get("cvss_base")?,
                    },
                    cvss3_info: CvssInfo {
                        base_score: r.try_get("cvss3_base")?,
                    },
                    category: r.try_get("category")?,
                    type_detected: r.try_get("type_detected")?,
                    first_found: r.try_get::<Option<i64>, _>("first_found")?.map(EpochMillis),
                    last_found: r.try_get::<Option<i64>, _>("last_found")?.map(EpochMillis),
                    published: r.try_get::<Option<i64>, _>("published")?.map(EpochMillis),
                    patch_available: r.try_get::<i64, _>("patch_available")? != 0 || fix_known,
                    software: software.into_iter().collect(),
                    threat_intel: json_col::<ThreatIntel>(&intel),
                },
            );
        }
        Ok(by_qid.into_values().collect())
    }

    /// The software of one image, with each package's finding counts.
    pub async fn image_software(&self, image_ref: i64) -> sqlx::Result<Vec<Software>> {
        let rows: Vec<SoftwareDbRow> = sqlx::query_as(
            "SELECT name, version, fix_version, package_path FROM image_software WHERE image_ref = ?
             ORDER BY name, version",
        )
        .bind(image_ref)
        .fetch_all(&self.pool)
        .await?;
        let sev: Vec<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT software_name, software_version, severity FROM image_vulns
             WHERE image_ref = ? AND software_name IS NOT NULL",
        )
        .bind(image_ref)
        .fetch_all(&self.pool)
        .await?;
        let mut by_pkg: HashMap<(String, Option<String>), SeverityCounts> = HashMap::new();
        for (name, version, s) in sev {
            by_pkg
                .entry((name, version))
                .or_default()
                .add(s.clamp(0, 5) as u8);
        }
        Ok(rows
            .into_iter()
            .map(|(name, version, fix_version, package_path)| {
                let vulnerabilities = by_pkg
                    .get(&(name.clone(), version.clone()))
                    .copied()
                    .unwrap_or_default();
                Software {
                    name,
                    version,
                    fix_version,
                    package_path,
                    vulnerabilities,
                }
            })
            .collect())
    }

    /// Distinct hosts running containers of one image.
    pub async fn image_hosts(&self, image_ref: i64) -> sqlx::Result<Vec<HostRef>> {
        let rows: Vec<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT DISTINCT sensor_uuid, host_hostname, host_ip FROM containers
             WHERE image_ref = ? AND sensor_uuid IS NOT NULL ORDER BY host_hostname",
        )
        .bind(image_ref)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(s, h, ip)| {
                Some(HostRef {
                    sensor_uuid: s?,
                    hostname: h,
                    ip_address: ip,
                    uuid: None,
                })
            })
            .collect())
    }

    pub async fn image_containers(&self, image_ref: i64) -> sqlx::Result<Vec<AssociatedContainer>> {
        let rows = sqlx::query(
            "SELECT uuid, container_id, sha, name, state, sensor_uuid, host_uuid, host_hostname, host_ip
             FROM containers WHERE image_ref = ? ORDER BY created DESC, id DESC",
        )
        .bind(image_ref)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get("state")?;
                Ok(AssociatedContainer {
                    uuid: r.try_get("uuid")?,
                    container_id: r.try_get("container_id")?,
                    sha: r.try_get("sha")?,
                    name: r.try_get("name")?,
                    state: state
                        .parse()
                        .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
                    host: super::containers::host_from_row(r)?,
                })
            })
            .collect()
    }

    /// (row id, sha, containers running it) for the images with these shas or image ids.
    pub async fn image_refs(&self, keys: &[String]) -> sqlx::Result<Vec<(i64, String, i64)>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = keys.iter().map(|k| normalise_sha(k)).collect();
        let p = placeholders(keys.len());
        let sql = format!(
            "SELECT i.id, i.sha, (SELECT count(*) FROM containers c WHERE c.image_ref = i.id AND c.state = 'RUNNING')
             FROM images i WHERE i.sha IN ({p}) OR i.image_id IN ({p})"
        );
        let mut q = sqlx::query_as(&sql);
        for k in keys.iter().chain(keys.iter()) {
            q = q.bind(k);
        }
        q.fetch_all(&self.pool).await
    }

    pub async fn image_refs_by_ids(&self, ids: &[i64]) -> sqlx::Result<Vec<(i64, String, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT i.id, i.sha, (SELECT count(*) FROM containers c WHERE c.image_ref = i.id AND c.state = 'RUNNING')
             FROM images i WHERE i.id IN ({})",
            placeholders(ids.len())
        );
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(&self.pool).await
    }

    /// Deletes images and what belongs only to them (repos, software, findings, their
    /// non-running containers).
    pub async fn delete_image_rows(&self, ids: &[i64]) -> sqlx::Result<u64> {
        let mut deleted = 0;
        for chunk in ids.chunks(200) {
            let p = placeholders(chunk.len());
            let mut tx = self.pool.begin().await?;
            for table in ["image_repos", "image_software", "image_vulns", "containers"] {
                let sql = format!("DELETE FROM {table} WHERE image_ref IN ({p})");
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await?;
            }
            let sql = format!("DELETE FROM images WHERE id IN ({p})");
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            deleted += q.execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
        }
        self.rows_changed();
        Ok(deleted)
    }

    /// Recomputes the denormalised container and host counts of these images.
    pub async fn refresh_image_counts(&self, image_refs: &[i64]) -> sqlx::Result<()> {
        for chunk in image_refs.chunks(500) {
            let sql = format!(
                "UPDATE images SET
                   containers_count = (SELECT count(*) FROM containers c WHERE c.image_ref = images.id),
                   hosts_count = (SELECT count(DISTINCT c.sensor_uuid) FROM containers c WHERE c.image_ref = images.id)
                 WHERE id IN ({})",
                placeholders(chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            q.execute(&self.pool).await?;
        }
        Ok(())
    }
}
