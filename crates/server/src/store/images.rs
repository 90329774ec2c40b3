//! Images: rows, details, findings, software and associations.

use super::db::Sql;
use super::listing::{id_list, in_id_order};
use super::{json_col, Store};
use shipshape_model::{
    AssociatedContainer, CvssInfo, EpochMillis, HostRef, Image, ImageDetails, Label, Layer,
    RepoDigest, RepoTag, SeverityCounts, Software, ThreatIntel, VulnSoftware, Vulnerability,
};
use std::collections::{BTreeMap, HashMap};

/// The columns a list row shows (a macro, so both column lists below are built from it).
macro_rules! list_columns {
    () => {
        "id, uuid, image_id, sha, created, updated, last_scanned, last_used_date, size, \
         operating_system, source, scan_status, repo_digests, sev1, sev2, sev3, sev4, sev5, \
         containers_count, hosts_count, secrets_count, malware_count"
    };
}
/// A list page's columns: the details' own are NULL placeholders, so a page reads none of
/// their text and every column is still decoded strictly.
const LIST_COLUMNS: &str = concat!(
    list_columns!(),
    ", NULL AS architecture, NULL AS author, NULL AS labels, NULL AS layers"
);
/// Every column: a list row's and the details' own.
const COLUMNS: &str = concat!(list_columns!(), ", architecture, author, labels, layers");

/// An image row as stored.
#[derive(sqlx::FromRow)]
struct ImageRow {
    id: i64,
    uuid: String,
    image_id: String,
    sha: String,
    created: i64,
    updated: i64,
    last_scanned: Option<i64>,
    last_used_date: Option<i64>,
    size: i64,
    operating_system: Option<String>,
    source: String,
    scan_status: Option<String>,
    repo_digests: String,
    architecture: Option<String>,
    author: Option<String>,
    /// NULL on a list page (`LIST_COLUMNS`).
    labels: Option<String>,
    layers: Option<String>,
    #[sqlx(flatten)]
    sev: SeverityColumns,
    containers_count: i64,
    hosts_count: i64,
    secrets_count: i64,
    malware_count: i64,
    /// Read beside a page's rows (`Store::page`).
    #[sqlx(default)]
    page_version: Option<i64>,
    #[sqlx(default)]
    page_total: Option<i64>,
}

impl super::listing::PageRow for ImageRow {
    fn page_version(&self) -> Option<i64> {
        self.page_version
    }

    fn page_total(&self) -> Option<i64> {
        self.page_total
    }
}

/// The `sev1`…`sev5` columns of a row.
#[derive(Clone, Copy, Debug, Default, sqlx::FromRow)]
pub struct SeverityColumns {
    pub sev1: i64,
    pub sev2: i64,
    pub sev3: i64,
    pub sev4: i64,
    pub sev5: i64,
}

impl From<SeverityColumns> for SeverityCounts {
    fn from(s: SeverityColumns) -> Self {
        let n = |v: i64| v.max(0) as u64;
        SeverityCounts::from_array([n(s.sev1), n(s.sev2), n(s.sev3), n(s.sev4), n(s.sev5)])
    }
}

/// An image row with the parts only the details show.
struct ImageParts {
    id: i64,
    image: Image,
    architecture: Option<String>,
    author: Option<String>,
    labels: Vec<Label>,
    layers: Vec<Layer>,
}

impl ImageRow {
    fn into_parts(self) -> ImageParts {
        ImageParts {
            id: self.id,
            image: Image {
                uuid: self.uuid,
                image_id: self.image_id,
                sha: self.sha,
                created: EpochMillis(self.created),
                updated: EpochMillis(self.updated),
                last_scanned: self.last_scanned.map(EpochMillis),
                last_used_date: self.last_used_date.map(EpochMillis),
                repo: Vec::new(),
                repo_digests: json_col::<Vec<RepoDigest>>(&self.repo_digests),
                size: self.size,
                vulnerabilities: self.sev.into(),
                associated_containers_count: self.containers_count.max(0) as u64,
                associated_hosts_count: self.hosts_count.max(0) as u64,
                source: json_col(&self.source),
                scan_status: self.scan_status,
                operating_system: self.operating_system,
                secrets_count: Some(self.secrets_count.max(0) as u64),
                malware_count: Some(self.malware_count.max(0) as u64),
            },
            architecture: self.architecture,
            author: self.author,
            labels: self.labels.as_deref().map(json_col).unwrap_or_default(),
            layers: self.layers.as_deref().map(json_col).unwrap_or_default(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct RepoRow {
    image_ref: i64,
    registry: Option<String>,
    repository: String,
    tag: Option<String>,
}

#[derive(serde::Deserialize)]
struct SoftwareRow {
    image_ref: i64,
    name: String,
    version: Option<String>,
    fix_version: Option<String>,
    package_path: Option<String>,
}

/// A finding with its definition.
#[derive(serde::Deserialize)]
struct FindingRow {
    image_ref: i64,
    qid: i64,
    title: String,
    /// The definition's severity.
    severity: i64,
    /// This finding's severity (what the package counts of software use).
    finding_severity: i64,
    cveids: String,
    #[serde(deserialize_with = "real_text")]
    cvss_base: Option<f64>,
    #[serde(deserialize_with = "real_text")]
    cvss3_base: Option<f64>,
    category: Option<String>,
    published: Option<i64>,
    /// 0 or 1 (a JSON number on both engines).
    patch_available: i64,
    threat_intel: String,
    type_detected: String,
    first_found: Option<i64>,
    last_found: Option<i64>,
    software_name: Option<String>,
    software_version: Option<String>,
    fix_version: Option<String>,
}

#[derive(sqlx::FromRow)]
struct HostRow {
    image_ref: i64,
    sensor_uuid: String,
    host_hostname: Option<String>,
    host_ip: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AssociatedRow {
    uuid: String,
    container_id: String,
    sha: String,
    name: Option<String>,
    state: String,
    #[sqlx(flatten)]
    host: super::containers::HostColumns,
}

/// Normalises an image id given in a path: `sha256:` prefix dropped, lower case.
pub fn normalise_sha(s: &str) -> String {
    s.trim().trim_start_matches("sha256:").to_ascii_lowercase()
}

impl Store {
    async fn image_rows(&self, ids: &[i64]) -> sqlx::Result<Vec<ImageParts>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<ImageRow> = id_list(&format!("SELECT {COLUMNS} FROM images WHERE id"), ids)
            .fetch_all(self.db())
            .await?;
        self.with_repos(rows).await
    }

    /// Image rows with their repositories attached.
    async fn with_repos(&self, rows: Vec<ImageRow>) -> sqlx::Result<Vec<ImageParts>> {
        let mut out: Vec<ImageParts> = rows.into_iter().map(ImageRow::into_parts).collect();
        if out.is_empty() {
            return Ok(out);
        }
        let ids: Vec<i64> = out.iter().map(|r| r.id).collect();
        let repos = self.repos_of(&ids).await?;
        for r in &mut out {
            r.image.repo = repos.get(&r.id).cloned().unwrap_or_default();
        }
        Ok(out)
    }

    /// A page of images and how many match.
    pub async fn list_images(
        &self,
        q: &super::ListQuery,
    ) -> Result<(u64, Vec<Image>), super::listing::ListError> {
        let (count, rows) = self.page::<ImageRow>(q, LIST_COLUMNS).await?;
        let page = self.with_repos(rows).await?;
        Ok((count, page.into_iter().map(|p| p.image).collect()))
    }

    async fn repos_of(&self, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<RepoTag>>> {
        let mut sql = id_list(
            "SELECT image_ref, registry, repository, tag FROM image_repos WHERE image_ref",
            ids,
        );
        sql.push(" ORDER BY image_ref, pos");
        let mut map: HashMap<i64, Vec<RepoTag>> = HashMap::new();
        for r in sql.fetch_all::<RepoRow>(self.db()).await? {
            map.entry(r.image_ref).or_default().push(RepoTag {
                registry: r.registry,
                repository: r.repository,
                tag: r.tag,
            });
        }
        Ok(map)
    }

    /// The images with these row ids, each with its id, in the order of `ids` (gone ones left
    /// out).
    pub async fn images_with_ids(&self, ids: &[i64]) -> sqlx::Result<Vec<(i64, Image)>> {
        let rows = self.image_rows(ids).await?;
        Ok(in_id_order(
            ids,
            rows.into_iter().map(|r| (r.id, (r.id, r.image))).collect(),
        ))
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
        Sql::new("SELECT id FROM images WHERE sha = ? OR image_id = ? ORDER BY id LIMIT 1")
            .bind(key.as_str())
            .bind(key.as_str())
            .scalar_optional(self.db())
            .await
    }

    pub async fn image_details_by_ids(&self, ids: &[i64]) -> sqlx::Result<Vec<ImageDetails>> {
        let rows = self.image_rows(ids).await?;
        let found: Vec<i64> = rows.iter().map(|r| r.id).collect();
        // Three statements for the whole page, not three per image.
        let (mut contents, mut hosts) =
            tokio::try_join!(self.image_contents(&found), self.hosts_of(&found))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let (softwares, vulns) = contents.remove(&r.id).unwrap_or_default();
            let hosts = hosts.remove(&r.id).unwrap_or_default();
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
                    secrets_count: i.secrets_count,
                    malware_count: i.malware_count,
                },
            ));
        }
        Ok(in_id_order(ids, out))
    }

    /// Severity counts of one image.
    pub async fn image_counts(&self, image_ref: i64) -> sqlx::Result<SeverityCounts> {
        let row: SeverityColumns =
            Sql::new("SELECT sev1, sev2, sev3, sev4, sev5 FROM images WHERE id = ?")
                .bind(image_ref)
                .fetch_one(self.db())
                .await?;
        Ok(row.into())
    }

    /// The findings of these images with their definitions, by image, each image's most
    /// severe first. They come as one JSON array (one row instead of hundreds: rows, not
    /// bytes, are what a statement's cost grows with here) and are grouped and ordered here.
    async fn findings_of(&self, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<FindingRow>>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let d = self.engine().dialect();
        let (cvss, cvss3) = (d.real_text("d.cvss_base"), d.real_text("d.cvss3_base"));
        let rows = d.json_rows(&[
            ("image_ref", "v.image_ref"),
            ("qid", "v.qid"),
            ("title", "d.title"),
            ("severity", "d.severity"),
            ("finding_severity", "v.severity"),
            ("cveids", "d.cveids"),
            ("cvss_base", &cvss),
            ("cvss3_base", &cvss3),
            ("category", "d.category"),
            ("published", "d.published"),
            (
                "patch_available",
                "CASE WHEN d.patch_available THEN 1 ELSE 0 END",
            ),
            ("threat_intel", "d.threat_intel"),
            ("type_detected", "v.type_detected"),
            ("first_found", "v.first_found"),
            ("last_found", "v.last_found"),
            ("software_name", "v.software_name"),
            ("software_version", "v.software_version"),
            ("fix_version", "v.fix_version"),
        ]);
        let json: String = id_list(
            &format!(
                "SELECT {rows} FROM image_vulns v JOIN vuln_defs d ON d.qid = v.qid \
                 WHERE v.image_ref"
            ),
            ids,
        )
        .scalar(self.db())
        .await?;
        let all: Vec<FindingRow> =
            serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(e.into()))?;
        let mut out: HashMap<i64, Vec<FindingRow>> = HashMap::new();
        for f in all {
            out.entry(f.image_ref).or_default().push(f);
        }
        for findings in out.values_mut() {
            findings.sort_by(|a, b| {
                (-a.severity, a.qid, &a.software_name, &a.software_version).cmp(&(
                    -b.severity,
                    b.qid,
                    &b.software_name,
                    &b.software_version,
                ))
            });
        }
        Ok(out)
    }

    /// The software of these images by image, each by name and version, as one JSON array
    /// (see `findings_of`).
    async fn software_of(&self, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<SoftwareRow>>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let d = self.engine().dialect();
        let rows = d.json_rows(&[
            ("image_ref", "image_ref"),
            ("name", "name"),
            ("version", "version"),
            ("fix_version", "fix_version"),
            ("package_path", "package_path"),
        ]);
        let json: String = id_list(
            &format!("SELECT {rows} FROM image_software WHERE image_ref"),
            ids,
        )
        .scalar(self.db())
        .await?;
        let all: Vec<SoftwareRow> =
            serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(e.into()))?;
        let mut out: HashMap<i64, Vec<SoftwareRow>> = HashMap::new();
        for r in all {
            out.entry(r.image_ref).or_default().push(r);
        }
        for rows in out.values_mut() {
            rows.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
        }
        Ok(out)
    }

    /// The findings of one image, most severe first, one per QID with every package it was
    /// found in.
    pub async fn image_vulns(&self, image_ref: i64) -> sqlx::Result<Vec<Vulnerability>> {
        let findings = self.findings_of(&[image_ref]).await?.remove(&image_ref);
        Ok(vulnerabilities(&findings.unwrap_or_default()))
    }

    /// The software of one image, with each package's finding counts.
    pub async fn image_software(&self, image_ref: i64) -> sqlx::Result<Vec<Software>> {
        Ok(self
            .image_contents(&[image_ref])
            .await?
            .remove(&image_ref)
            .unwrap_or_default()
            .0)
    }

    /// The software and the findings of each of these images, by image row id: two
    /// statements (run side by side) for any number of images.
    pub async fn image_contents(
        &self,
        ids: &[i64],
    ) -> sqlx::Result<HashMap<i64, (Vec<Software>, Vec<Vulnerability>)>> {
        let (mut software_rows, mut findings) =
            tokio::try_join!(self.software_of(ids), self.findings_of(ids))?;
        Ok(ids
            .iter()
            .map(|id| {
                let rows = software_rows.remove(id).unwrap_or_default();
                let findings = findings.remove(id).unwrap_or_default();
                (*id, (software(rows, &findings), vulnerabilities(&findings)))
            })
            .collect())
    }

    /// Distinct hosts running containers of one image.
    pub async fn image_hosts(&self, image_ref: i64) -> sqlx::Result<Vec<HostRef>> {
        Ok(self
            .hosts_of(&[image_ref])
            .await?
            .remove(&image_ref)
            .unwrap_or_default())
    }

    /// Distinct hosts running containers of each of these images, by image row id.
    async fn hosts_of(&self, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<HostRef>>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut sql = id_list(
            "SELECT DISTINCT image_ref, sensor_uuid, host_hostname, host_ip FROM containers \
             WHERE sensor_uuid IS NOT NULL AND image_ref",
            ids,
        );
        sql.push(" ORDER BY image_ref, host_hostname, sensor_uuid, host_ip");
        let mut out: HashMap<i64, Vec<HostRef>> = HashMap::new();
        for h in sql.fetch_all::<HostRow>(self.db()).await? {
            out.entry(h.image_ref).or_default().push(HostRef {
                sensor_uuid: h.sensor_uuid,
                hostname: h.host_hostname,
                ip_address: h.host_ip,
                uuid: None,
            });
        }
        Ok(out)
    }

    pub async fn image_containers(&self, image_ref: i64) -> sqlx::Result<Vec<AssociatedContainer>> {
        let rows: Vec<AssociatedRow> = Sql::new(
            "SELECT uuid, container_id, sha, name, state, sensor_uuid, host_uuid, host_hostname, \
               host_ip FROM containers WHERE image_ref = ? ORDER BY created DESC, id DESC",
        )
        .bind(image_ref)
        .fetch_all(self.db())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AssociatedContainer {
                    uuid: r.uuid,
                    container_id: r.container_id,
                    sha: r.sha,
                    name: r.name,
                    state: r
                        .state
                        .parse()
                        .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
                    host: r.host.into_host(),
                })
            })
            .collect()
    }

    /// Row ids and shas of the images with these shas or image ids.
    pub async fn image_keys(&self, keys: &[String]) -> sqlx::Result<Vec<ImageKey>> {
        let keys: Vec<String> = keys.iter().map(|k| normalise_sha(k)).collect();
        let mut out = Vec::new();
        for chunk in keys.chunks(500) {
            let mut sql = Sql::new("SELECT id, sha, image_id FROM images WHERE sha IN (");
            sql.push_list(chunk.iter().map(String::as_str))
                .push(") OR image_id IN (")
                .push_list(chunk.iter().map(String::as_str))
                .push(")");
            out.extend(sql.fetch_all::<ImageKey>(self.db()).await?);
        }
        Ok(out)
    }
}

/// An image's row id and the ids it is known by.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ImageKey {
    pub id: i64,
    pub sha: String,
    pub image_id: String,
}

/// Findings grouped by QID, most severe first.
fn vulnerabilities(rows: &[FindingRow]) -> Vec<Vulnerability> {
    let mut by_qid: BTreeMap<(i64, i64), Vulnerability> = BTreeMap::new();
    for r in rows {
        let software = r.software_name.as_ref().map(|name| VulnSoftware {
            name: name.clone(),
            version: r.software_version.clone(),
            fix_version: r.fix_version.clone(),
        });
        let key = (-r.severity, r.qid);
        if let Some(v) = by_qid.get_mut(&key) {
            v.software.extend(software);
            continue;
        }
        let fix_known = software.as_ref().is_some_and(|s| s.fix_version.is_some());
        by_qid.insert(
            key,
            Vulnerability {
                qid: r.qid,
                title: r.title.clone(),
                severity: r.severity.clamp(1, 5) as u8,
                cveids: json_col(&r.cveids),
                cvss_info: CvssInfo {
                    base_score: r.cvss_base,
                },
                cvss3_info: CvssInfo {
                    base_score: r.cvss3_base,
                },
                category: r.category.clone(),
                type_detected: r.type_detected.clone(),
                first_found: r.first_found.map(EpochMillis),
                last_found: r.last_found.map(EpochMillis),
                published: r.published.map(EpochMillis),
                patch_available: r.patch_available != 0 || fix_known,
                software: software.into_iter().collect(),
                threat_intel: json_col::<ThreatIntel>(&r.threat_intel),
            },
        );
    }
    by_qid.into_values().collect()
}

/// Software rows with each package's counts of the findings in it.
fn software(rows: Vec<SoftwareRow>, findings: &[FindingRow]) -> Vec<Software> {
    let mut by_pkg: HashMap<(&str, Option<&str>), SeverityCounts> = HashMap::new();
    for f in findings {
        if let Some(name) = &f.software_name {
            by_pkg
                .entry((name.as_str(), f.software_version.as_deref()))
                .or_default()
                .add(f.finding_severity.clamp(0, 5) as u8);
        }
    }
    rows.into_iter()
        .map(|r| {
            let vulnerabilities = by_pkg
                .get(&(r.name.as_str(), r.version.as_deref()))
                .copied()
                .unwrap_or_default();
            Software {
                name: r.name,
                version: r.version,
                fix_version: r.fix_version,
                package_path: r.package_path,
                vulnerabilities,
            }
        })
        .collect()
}

/// A number written as text (`Dialect::real_text`), or null.
fn real_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    use serde::Deserialize;
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => s.trim().parse().map(Some).map_err(serde::de::Error::custom),
    }
}
