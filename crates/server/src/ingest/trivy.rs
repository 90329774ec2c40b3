//! Trivy JSON, schema version 2 (`trivy image --format json`): image metadata, OS, layers,
//! packages (with `--list-all-pkgs`), vulnerabilities, and secrets from `Class: secret` results
//! (their matched text is never read into the report).

use super::{
    dedup_definitions, definition, epoch_ms, from_json, image_sha, repo_digest, repo_tag,
    severity_of, software_from_findings, Format, ReportError, ScanReport, SecretRecord,
};
use crate::store::records::{FindingRecord, SoftwareRecord};
use serde::Deserialize;
use shipshape_model::{Label, Layer};
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Report {
    schema_version: i64,
    #[serde(default)]
    artifact_name: Option<String>,
    #[serde(default)]
    artifact_type: Option<String>,
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    results: Vec<TrivyResult>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Metadata {
    #[serde(default, rename = "OS")]
    os: Option<Os>,
    #[serde(default, rename = "ImageID")]
    image_id: Option<String>,
    #[serde(default)]
    repo_tags: Vec<String>,
    #[serde(default)]
    repo_digests: Vec<String>,
    #[serde(default)]
    size: Option<i64>,
    #[serde(default)]
    image_config: Option<ImageConfig>,
    #[serde(default)]
    layers: Vec<TrivyLayer>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Os {
    family: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct ImageConfig {
    #[serde(default)]
    architecture: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    history: Vec<History>,
    #[serde(default)]
    config: Option<ContainerConfig>,
}

#[derive(Deserialize)]
struct History {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    empty_layer: bool,
}

#[derive(Deserialize)]
struct ContainerConfig {
    #[serde(default, rename = "Labels")]
    labels: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivyLayer {
    #[serde(default)]
    size: Option<i64>,
    #[serde(default)]
    digest: Option<String>,
    #[serde(default, rename = "DiffID")]
    diff_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivyResult {
    target: String,
    #[serde(default, rename = "Type")]
    kind: Option<String>,
    #[serde(default)]
    packages: Vec<Package>,
    #[serde(default)]
    vulnerabilities: Vec<Vulnerability>,
    #[serde(default)]
    secrets: Vec<Secret>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Package {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    file_path: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vulnerability {
    #[serde(rename = "VulnerabilityID")]
    vulnerability_id: String,
    pkg_name: String,
    #[serde(default)]
    pkg_path: Option<String>,
    #[serde(default)]
    installed_version: Option<String>,
    #[serde(default)]
    fixed_version: Option<String>,
    #[serde(default)]
    title: Option<String>,
    severity: String,
    #[serde(default, rename = "CVSS")]
    cvss: BTreeMap<String, Cvss>,
    #[serde(default)]
    published_date: Option<String>,
}

#[derive(Deserialize)]
struct Cvss {
    #[serde(default, rename = "V2Score")]
    v2: Option<f64>,
    #[serde(default, rename = "V3Score")]
    v3: Option<f64>,
}

/// A secret finding. Its `Match` (the line with the secret, partly masked) and `Code` are not
/// fields here, so they are never read into memory that outlives parsing.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Secret {
    #[serde(rename = "RuleID")]
    rule_id: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    title: Option<String>,
    severity: String,
    #[serde(default)]
    start_line: Option<i64>,
}

/// The score NVD gives, else the first vendor's.
fn score(cvss: &BTreeMap<String, Cvss>, pick: impl Fn(&Cvss) -> Option<f64>) -> Option<f64> {
    cvss.get("nvd")
        .and_then(&pick)
        .or_else(|| cvss.values().find_map(pick))
}

pub fn parse(bytes: &[u8]) -> Result<ScanReport, ReportError> {
    let r: Report = from_json(bytes)?;
    if r.schema_version != 2 {
        return Err(ReportError::at(
            "$.SchemaVersion",
            format!(
                "schema version {} is not supported (2 is)",
                r.schema_version
            ),
        ));
    }
    if let Some(t) = r
        .artifact_type
        .as_deref()
        .filter(|t| *t != "container_image")
    {
        return Err(ReportError::at(
            "$.ArtifactType",
            format!("'{t}' is not an image scan (container_image)"),
        ));
    }
    let m = &r.metadata;
    let sha = m.image_id.as_deref().and_then(image_sha).ok_or_else(|| {
        ReportError::at(
            "$.Metadata.ImageID",
            "the image id (sha256:<64 hex>) is missing or not a sha-256",
        )
    })?;
    let mut definitions = Vec::new();
    let mut findings = Vec::new();
    let mut software: Vec<SoftwareRecord> = Vec::new();
    let mut secrets = Vec::new();
    for (i, res) in r.results.iter().enumerate() {
        for p in &res.packages {
            software.push(SoftwareRecord {
                name: p.name.clone(),
                version: p.version.clone(),
                fix_version: None,
                package_path: p.file_path.clone(),
            });
        }
        for (j, v) in res.vulnerabilities.iter().enumerate() {
            let severity = severity_of(&v.severity).ok_or_else(|| {
                ReportError::at(
                    &format!("$.Results[{i}].Vulnerabilities[{j}].Severity"),
                    format!("'{}' is not a severity", v.severity),
                )
            })?;
            let fixed = v.fixed_version.as_deref().is_some_and(|f| !f.is_empty());
            let def = definition(
                &v.vulnerability_id,
                v.title.as_deref(),
                severity,
                score(&v.cvss, |c| c.v2),
                score(&v.cvss, |c| c.v3),
                res.kind.as_deref(),
                v.published_date.as_deref().and_then(epoch_ms),
                fixed,
            );
            findings.push(FindingRecord {
                qid: def.qid,
                severity,
                type_detected: "Confirmed".into(),
                first_found: None,
                last_found: None,
                software_name: Some(v.pkg_name.clone()),
                software_version: v.installed_version.clone(),
                fix_version: v.fixed_version.clone().filter(|f| !f.is_empty()),
            });
            definitions.push(def);
            if let Some(path) = &v.pkg_path {
                if let Some(s) = software
                    .iter_mut()
                    .find(|s| s.name == v.pkg_name && s.version == v.installed_version)
                {
                    s.package_path.get_or_insert_with(|| path.clone());
                }
            }
        }
        for (j, s) in res.secrets.iter().enumerate() {
            let severity = severity_of(&s.severity).ok_or_else(|| {
                ReportError::at(
                    &format!("$.Results[{i}].Secrets[{j}].Severity"),
                    format!("'{}' is not a severity", s.severity),
                )
            })?;
            secrets.push(SecretRecord {
                rule_id: s.rule_id.clone(),
                category: s.category.clone(),
                title: s.title.clone(),
                severity,
                file: Some(res.target.clone()),
                line: s.start_line,
            });
        }
    }
    // Without --list-all-pkgs, the packages are the vulnerable ones.
    let from_findings = software_from_findings(&findings);
    if software.is_empty() {
        software = from_findings;
    } else {
        for f in from_findings {
            match software
                .iter_mut()
                .find(|s| s.name == f.name && s.version == f.version)
            {
                Some(s) => s.fix_version = f.fix_version,
                None => software.push(f),
            }
        }
    }
    let config = m.image_config.as_ref();
    let mut history = config
        .map(|c| {
            c.history
                .iter()
                .filter(|h| !h.empty_layer)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter();
    let layers = m
        .layers
        .iter()
        .map(|l| {
            let h = history.next();
            Layer {
                sha: l
                    .digest
                    .clone()
                    .or_else(|| l.diff_id.clone())
                    .unwrap_or_default(),
                size: l.size.unwrap_or(0),
                created: h
                    .and_then(|h| h.created.as_deref())
                    .and_then(epoch_ms)
                    .map(shipshape_model::EpochMillis),
                created_by: h.and_then(|h| h.created_by.clone()),
            }
        })
        .collect();
    let os = m.os.as_ref().map(|o| match &o.name {
        Some(n) => format!("{} {n}", o.family),
        None => o.family.clone(),
    });
    let mut repos: Vec<_> = m.repo_tags.iter().map(|t| repo_tag(t)).collect();
    if repos.is_empty() {
        // An image scanned from a registry reference names it only as the artifact.
        if let Some(name) = r.artifact_name.as_deref().filter(|n| {
            !n.ends_with(".tar") && !n.ends_with(".tar.gz") && !n.starts_with("sha256:")
        }) {
            repos.push(repo_tag(name));
        }
    }
    Ok(ScanReport {
        format: Format::Trivy,
        sha,
        repos,
        repo_digests: m
            .repo_digests
            .iter()
            .filter_map(|d| repo_digest(d))
            .collect(),
        created: config.and_then(|c| c.created.as_deref()).and_then(epoch_ms),
        size: m.size,
        operating_system: os,
        architecture: config.and_then(|c| c.architecture.clone()),
        author: config
            .and_then(|c| c.author.clone())
            .filter(|a| !a.is_empty()),
        labels: config
            .and_then(|c| c.config.as_ref())
            .and_then(|c| c.labels.as_ref())
            .map(|l| {
                l.iter()
                    .map(|(k, v)| Label {
                        key: k.clone(),
                        value: v.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        layers,
        software,
        definitions: dedup_definitions(definitions),
        findings,
        secrets: Some(secrets),
        malware: None,
        has_findings: true,
    })
}
