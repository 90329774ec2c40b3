//! Grype JSON (`grype <image> -o json`): the image from `source.target` (type `image`), its
//! distro, and one finding per match, with the package it was found in.

use super::{
    dedup_definitions, definition, from_json, image_sha, repo_digest, repo_tag, severity_of,
    software_from_findings, Format, ReportError, ScanReport,
};
use crate::store::records::FindingRecord;
use serde::Deserialize;

#[derive(Deserialize)]
struct Report {
    matches: Vec<Match>,
    source: Source,
    #[serde(default)]
    distro: Option<Distro>,
}

#[derive(Deserialize)]
struct Source {
    #[serde(rename = "type")]
    kind: String,
    target: Target,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    #[serde(default)]
    user_input: Option<String>,
    #[serde(rename = "imageID")]
    image_id: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    repo_digests: Vec<String>,
    #[serde(default)]
    image_size: Option<i64>,
    #[serde(default)]
    architecture: Option<String>,
}

#[derive(Deserialize)]
struct Distro {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct Match {
    vulnerability: Vulnerability,
    artifact: Artifact,
}

#[derive(Deserialize)]
struct Vulnerability {
    id: String,
    severity: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    cvss: Vec<Cvss>,
    #[serde(default)]
    fix: Option<Fix>,
}

#[derive(Deserialize)]
struct Cvss {
    #[serde(default)]
    version: Option<String>,
    metrics: Metrics,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metrics {
    #[serde(default)]
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct Fix {
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    state: Option<String>,
}

#[derive(Deserialize)]
struct Artifact {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

pub fn parse(bytes: &[u8]) -> Result<ScanReport, ReportError> {
    let r: Report = from_json(bytes)?;
    if r.source.kind != "image" {
        return Err(ReportError::at(
            "$.source.type",
            format!("'{}' is not an image scan (image)", r.source.kind),
        ));
    }
    let t = &r.source.target;
    let sha = image_sha(&t.image_id).ok_or_else(|| {
        ReportError::at(
            "$.source.target.imageID",
            "the image id is not sha256:<64 hex>",
        )
    })?;
    let mut definitions = Vec::new();
    let mut findings = Vec::new();
    for (i, m) in r.matches.iter().enumerate() {
        let v = &m.vulnerability;
        let severity = severity_of(&v.severity).ok_or_else(|| {
            ReportError::at(
                &format!("$.matches[{i}].vulnerability.severity"),
                format!("'{}' is not a severity", v.severity),
            )
        })?;
        let score = |major: &str| {
            v.cvss
                .iter()
                .filter(|c| c.version.as_deref().is_some_and(|x| x.starts_with(major)))
                .find_map(|c| c.metrics.base_score)
        };
        let fix = v
            .fix
            .as_ref()
            .filter(|f| f.state.as_deref() == Some("fixed"))
            .and_then(|f| f.versions.first().cloned());
        let title = v.description.as_deref().map(|d| {
            d.lines()
                .next()
                .unwrap_or(d)
                .chars()
                .take(200)
                .collect::<String>()
        });
        let def = definition(
            &v.id,
            title.as_deref(),
            severity,
            score("2"),
            score("3"),
            m.artifact.kind.as_deref(),
            None,
            fix.is_some(),
        );
        findings.push(FindingRecord {
            qid: def.qid,
            severity,
            type_detected: "Confirmed".into(),
            first_found: None,
            last_found: None,
            software_name: Some(m.artifact.name.clone()),
            software_version: m.artifact.version.clone(),
            fix_version: fix,
        });
        definitions.push(def);
    }
    let mut repos: Vec<_> = t.tags.iter().map(|s| repo_tag(s)).collect();
    if repos.is_empty() {
        if let Some(input) = t
            .user_input
            .as_deref()
            .filter(|u| !u.is_empty() && !u.starts_with("sha256:") && !u.contains(".tar"))
        {
            repos.push(repo_tag(input));
        }
    }
    Ok(ScanReport {
        format: Format::Grype,
        sha,
        repos,
        repo_digests: t
            .repo_digests
            .iter()
            .filter_map(|d| repo_digest(d))
            .collect(),
        created: None,
        size: t.image_size,
        operating_system: r.distro.as_ref().and_then(|d| {
            let name = d.name.clone()?;
            Some(match &d.version {
                Some(v) => format!("{name} {v}"),
                None => name,
            })
        }),
        architecture: t.architecture.clone().filter(|a| !a.is_empty()),
        author: None,
        labels: vec![],
        layers: vec![],
        software: software_from_findings(&findings),
        definitions: dedup_definitions(definitions),
        findings,
        secrets: None,
        malware: None,
        has_findings: true,
    })
}
