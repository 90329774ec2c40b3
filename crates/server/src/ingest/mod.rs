//! Scanner reports in: Trivy JSON (schema 2), CycloneDX 1.4–1.6 JSON and Grype JSON, parsed
//! whole into one [`ScanReport`] before anything is stored (a report that does not parse, or
//! names no image, stores nothing), then written through the store ([`Store::ingest`]). The
//! sensor API's scan results, `POST /csapi/v1.3/images/import` and `shipshape import` all come
//! through here.
//!
//! Mapping (documented in the README): severities CRITICAL 5, HIGH 4, MEDIUM 3, LOW 2,
//! UNKNOWN/NEGLIGIBLE 1. A finding's `qid` is a stable number in the reserved range
//! [`QID_BASE`]..[`QID_BASE`]+[`QID_SPAN`] computed from the source's vulnerability id, so
//! clients that require a number get one and the same CVE has the same qid in every report.

pub mod cyclonedx;
pub mod grype;
pub mod malware;
pub mod trivy;

use crate::store::records::{FindingRecord, ImageRecord, SoftwareRecord, VulnDefRecord};
use crate::store::Store;
use serde::de::DeserializeOwned;
pub use shipshape_model::scan::{Ingested, MalwareRecord, SecretRecord};
use shipshape_model::{Label, Layer, RepoDigest, RepoTag, ThreatIntel};

/// The first QID of the range reserved for findings whose source has no QID.
pub const QID_BASE: i64 = 1_000_000_000;
/// The size of that range (it ends below 2^31, so 32-bit clients can hold every qid).
pub const QID_SPAN: i64 = 1_000_000_000;

/// A report's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Trivy,
    CycloneDx,
    Grype,
    /// Shipshape's malware findings ([`malware`]).
    Malware,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Trivy => "trivy",
            Format::CycloneDx => "cyclonedx",
            Format::Grype => "grype",
            Format::Malware => "malware",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "trivy" => Ok(Format::Trivy),
            "cyclonedx" => Ok(Format::CycloneDx),
            "grype" => Ok(Format::Grype),
            "malware" => Ok(Format::Malware),
            other => Err(format!(
                "'{other}' is not a report format: trivy, cyclonedx, grype or malware"
            )),
        }
    }
}

/// Why a report was refused. `path` is the JSON path of the problem (`$.Results[0].Severity`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ReportError {
    pub path: String,
    pub message: String,
}

impl ReportError {
    pub fn at(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

/// One report, parsed: the image it describes, what is installed, what was found.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanReport {
    pub format: Format,
    /// The image id (the config digest), 64 hex.
    pub sha: String,
    pub repos: Vec<RepoTag>,
    pub repo_digests: Vec<RepoDigest>,
    pub created: Option<i64>,
    pub size: Option<i64>,
    pub operating_system: Option<String>,
    pub architecture: Option<String>,
    pub author: Option<String>,
    pub labels: Vec<Label>,
    pub layers: Vec<Layer>,
    pub software: Vec<SoftwareRecord>,
    pub definitions: Vec<VulnDefRecord>,
    /// `first_found` and `last_found` are left empty: the store keeps the first and sets the
    /// last to the time of ingestion.
    pub findings: Vec<FindingRecord>,
    /// `None` when the format cannot carry secrets (their stored list is then kept).
    pub secrets: Option<Vec<SecretRecord>>,
    /// `None` when the format cannot carry malware (the stored list is then kept).
    pub malware: Option<Vec<MalwareRecord>>,
    /// Whether the report lists vulnerabilities (CycloneDX does not: findings are then kept).
    pub has_findings: bool,
}

/// What a report's format is, from its top-level keys.
pub fn detect(v: &serde_json::Value) -> Option<Format> {
    let o = v.as_object()?;
    if o.contains_key("SchemaVersion") && o.contains_key("Results")
        || o.contains_key("ArtifactName")
    {
        Some(Format::Trivy)
    } else if o.get("bomFormat").and_then(|f| f.as_str()) == Some("CycloneDX") {
        Some(Format::CycloneDx)
    } else if o.contains_key("matches") && o.contains_key("source") {
        Some(Format::Grype)
    } else if o
        .get("schema")
        .and_then(|s| s.as_str())
        .is_some_and(|s| s.starts_with("shipshape-malware/"))
    {
        Some(Format::Malware)
    } else {
        None
    }
}

/// Parses a report of the given format (or the detected one).
pub fn parse(bytes: &[u8], format: Option<Format>) -> Result<ScanReport, ReportError> {
    let format = match format {
        Some(f) => f,
        None => {
            let v: serde_json::Value =
                serde_json::from_slice(bytes).map_err(|e| json_error("$", &e))?;
            detect(&v).ok_or_else(|| {
                ReportError::at(
                    "$",
                    "not a Trivy (SchemaVersion, Results), CycloneDX (bomFormat), Grype \
                     (matches, source) or malware (schema) report; name the format to be told \
                     what is missing",
                )
            })?
        }
    };
    match format {
        Format::Trivy => trivy::parse(bytes),
        Format::CycloneDx => cyclonedx::parse(bytes),
        Format::Grype => grype::parse(bytes),
        Format::Malware => malware::parse(bytes),
    }
}

/// Deserializes `bytes`, naming the JSON path of the first problem.
pub(crate) fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ReportError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." {
            "$".to_string()
        } else {
            format!("$.{path}")
        };
        json_error(&path, e.inner())
    })
}

fn json_error(path: &str, e: &serde_json::Error) -> ReportError {
    use serde_json::error::Category;
    let message = match e.classify() {
        Category::Eof => format!("the JSON ends early (truncated?) at line {}", e.line()),
        Category::Syntax => format!("not valid JSON: {e}"),
        _ => e.to_string(),
    };
    ReportError::at(path, message)
}

/// A scanner's severity word as a number 1–5.
pub fn severity_of(word: &str) -> Option<u8> {
    match word.to_ascii_uppercase().as_str() {
        "CRITICAL" => Some(5),
        "HIGH" => Some(4),
        "MEDIUM" => Some(3),
        "LOW" => Some(2),
        "UNKNOWN" | "NEGLIGIBLE" => Some(1),
        _ => None,
    }
}

/// The stable qid of a source's vulnerability id (FNV-1a into the reserved range).
pub fn qid_for(vulnerability_id: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in vulnerability_id.trim().to_ascii_uppercase().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    QID_BASE + (h % QID_SPAN as u64) as i64
}

/// 64 hex digits (a sha-256, as container ids are written).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `sha256:<64 hex>` or `<64 hex>` as the 64 hex digits.
pub fn image_sha(s: &str) -> Option<String> {
    let hex = s.strip_prefix("sha256:").unwrap_or(s).to_ascii_lowercase();
    is_sha256_hex(&hex).then_some(hex)
}

/// `registry/repository:tag` split the way Docker reads it (no registry: Docker Hub; one
/// name: `library/`).
pub fn repo_tag(reference: &str) -> RepoTag {
    let (name, tag) = split_tag(reference);
    let (registry, repository) = split_registry(name);
    RepoTag {
        registry: Some(registry),
        repository,
        tag: Some(tag.unwrap_or("latest").to_string()),
    }
}

/// `registry/repository@sha256:…`.
pub fn repo_digest(reference: &str) -> Option<RepoDigest> {
    let (name, digest) = reference.split_once('@')?;
    let (registry, repository) = split_registry(name);
    Some(RepoDigest {
        registry: Some(registry),
        repository,
        digest: digest.to_string(),
    })
}

fn split_tag(reference: &str) -> (&str, Option<&str>) {
    let reference = reference.split('@').next().unwrap_or(reference);
    match reference.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, Some(tag)),
        _ => (reference, None),
    }
}

fn split_registry(name: &str) -> (String, String) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first.to_string(), rest.to_string())
        }
        Some(_) => ("docker.io".to_string(), name.to_string()),
        None => ("docker.io".to_string(), format!("library/{name}")),
    }
}

/// An RFC 3339 time as epoch milliseconds.
pub fn epoch_ms(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// A definition for a vulnerability id as a report describes it.
pub(crate) fn definition(
    id: &str,
    title: Option<&str>,
    severity: u8,
    cvss2: Option<f64>,
    cvss3: Option<f64>,
    category: Option<&str>,
    published: Option<i64>,
    fixed: bool,
) -> VulnDefRecord {
    let cve = id.to_ascii_uppercase();
    VulnDefRecord {
        qid: qid_for(id),
        title: title
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(id)
            .to_string(),
        severity,
        cveids: if cve.starts_with("CVE-") {
            vec![cve]
        } else {
            vec![]
        },
        cvss_base: cvss2,
        cvss3_base: cvss3,
        category: category.map(str::to_string),
        published,
        patch_available: fixed,
        threat_intel: ThreatIntel::default(),
    }
}

/// Software from findings when the report lists no packages: one row per (name, version),
/// with the highest fix version any finding names.
pub(crate) fn software_from_findings(findings: &[FindingRecord]) -> Vec<SoftwareRecord> {
    let mut out: Vec<SoftwareRecord> = Vec::new();
    for f in findings {
        let Some(name) = &f.software_name else {
            continue;
        };
        match out
            .iter_mut()
            .find(|s| &s.name == name && s.version == f.software_version)
        {
            Some(s) => {
                if s.fix_version.is_none() {
                    s.fix_version = f.fix_version.clone();
                }
            }
            None => out.push(SoftwareRecord {
                name: name.clone(),
                version: f.software_version.clone(),
                fix_version: f.fix_version.clone(),
                package_path: None,
            }),
        }
    }
    out
}

/// Definitions repeated across findings, once each (the first description wins).
pub(crate) fn dedup_definitions(mut defs: Vec<VulnDefRecord>) -> Vec<VulnDefRecord> {
    let mut seen = std::collections::HashSet::new();
    defs.retain(|d| seen.insert(d.qid));
    defs
}

impl Store {
    /// Stores a parsed report: the image (created, or updated keeping its uuid, first-seen time,
    /// tags and sources), its software, its findings (replaced; a finding seen before keeps its
    /// `firstFound`), its secrets. `source` is the kind of sensor that sent it.
    pub async fn ingest(
        &self,
        report: &ScanReport,
        source: &str,
        actor: Option<&str>,
        now: i64,
    ) -> Result<Ingested, crate::store::records::WriteError> {
        let before = self.image_for_ingest(&report.sha, true).await?;
        let mut image = ImageRecord::new(
            &before
                .as_ref()
                .map_or_else(|| uuid::Uuid::new_v4().to_string(), |b| b.uuid.clone()),
            &report.sha,
        );
        image.created = before
            .as_ref()
            .map(|b| b.created)
            .or(report.created)
            .unwrap_or(now);
        image.updated = now;
        // A malware report is not a vulnerability scan: the image's scan stays as it was.
        if report.format == Format::Malware {
            image.last_scanned = before.as_ref().and_then(|b| b.last_scanned);
            image.scan_status = before.as_ref().and_then(|b| b.scan_status.clone());
        } else {
            image.last_scanned = Some(now);
            image.scan_status = Some("SUCCESS".into());
        }
        image.size = report.size.or(before.as_ref().map(|b| b.size)).unwrap_or(0);
        image.operating_system = report
            .operating_system
            .clone()
            .or(before.as_ref().and_then(|b| b.operating_system.clone()));
        image.architecture = report
            .architecture
            .clone()
            .or(before.as_ref().and_then(|b| b.architecture.clone()));
        image.author = report
            .author
            .clone()
            .or(before.as_ref().and_then(|b| b.author.clone()));
        image.labels = report.labels.clone();
        image.layers = report.layers.clone();
        let mut repos = before.as_ref().map(|b| b.repos.clone()).unwrap_or_default();
        for r in &report.repos {
            if !repos.contains(r) {
                repos.push(r.clone());
            }
        }
        image.repos = repos;
        let mut digests = before
            .as_ref()
            .map(|b| b.repo_digests.clone())
            .unwrap_or_default();
        for d in &report.repo_digests {
            if !digests.contains(d) {
                digests.push(d.clone());
            }
        }
        image.repo_digests = digests;
        let mut sources = before
            .as_ref()
            .map(|b| b.source.clone())
            .unwrap_or_default();
        if !sources.iter().any(|s| s == source) {
            sources.push(source.to_string());
        }
        image.source = sources;
        image.software = if report.software.is_empty() && !report.has_findings {
            before
                .as_ref()
                .map(|b| b.software.clone())
                .unwrap_or_default()
        } else {
            report.software.clone()
        };
        image.findings = if report.has_findings {
            let first_seen = before.as_ref().map(|b| &b.first_found);
            report
                .findings
                .iter()
                .map(|f| {
                    let key = (f.qid, f.software_name.clone());
                    let first = first_seen.and_then(|m| m.get(&key).copied()).unwrap_or(now);
                    FindingRecord {
                        first_found: Some(first),
                        last_found: Some(now),
                        ..f.clone()
                    }
                })
                .collect()
        } else {
            before
                .as_ref()
                .map(|b| b.findings.clone())
                .unwrap_or_default()
        };
        self.upsert_vuln_defs(&report.definitions).await?;
        self.upsert_image(&image).await?;
        let secrets = match &report.secrets {
            Some(s) => {
                self.replace_image_secrets(&report.sha, s).await?;
                s.len()
            }
            None => 0,
        };
        let malware = match &report.malware {
            Some(m) => {
                self.replace_image_malware(&report.sha, m).await?;
                m.len()
            }
            None => 0,
        };
        let done = Ingested {
            format: report.format.as_str().to_string(),
            image_sha: report.sha.clone(),
            image_uuid: image.uuid,
            software: image.software.len(),
            vulnerabilities: image.findings.len(),
            secrets,
            malware,
        };
        // A person's import is audited; a sensor's scans are its normal work.
        if let Some(actor) = actor {
            let mut tx = self.write_tx().await?;
            crate::store::audit::record(
                &mut tx,
                actor,
                "REPORT_IMPORT",
                serde_json::to_value(&done).unwrap_or_default(),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(done)
    }
}
