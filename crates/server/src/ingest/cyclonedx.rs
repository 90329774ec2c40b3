//! CycloneDX 1.4–1.6 JSON (an SBOM of an image, as `trivy image --format cyclonedx` writes
//! it): the software list only. The image is the `metadata.component` of type `container`;
//! its id comes from the `aquasecurity:trivy:ImageID` property, or a `sha256:` version.

use super::{from_json, image_sha, repo_digest, repo_tag, Format, ReportError, ScanReport};
use crate::store::records::SoftwareRecord;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: String,
    spec_version: String,
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    component: Option<Component>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(rename = "type")]
    kind: String,
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    properties: Vec<Property>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct Property {
    name: String,
    #[serde(default)]
    value: Option<String>,
}

impl Component {
    fn property<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.properties
            .iter()
            .filter(move |p| p.name == name)
            .filter_map(|p| p.value.as_deref())
    }
}

fn libraries(components: &[Component], out: &mut Vec<SoftwareRecord>) {
    for c in components {
        if matches!(c.kind.as_str(), "library" | "framework" | "application") {
            let record = SoftwareRecord {
                name: c.name.clone(),
                version: c.version.clone(),
                fix_version: None,
                package_path: c
                    .property("aquasecurity:trivy:FilePath")
                    .next()
                    .map(str::to_string),
            };
            if !out.contains(&record) {
                out.push(record);
            }
        }
        libraries(&c.components, out);
    }
}

pub fn parse(bytes: &[u8]) -> Result<ScanReport, ReportError> {
    let bom: Bom = from_json(bytes)?;
    if bom.bom_format != "CycloneDX" {
        return Err(ReportError::at("$.bomFormat", "not CycloneDX"));
    }
    if !["1.4", "1.5", "1.6"].contains(&bom.spec_version.as_str()) {
        return Err(ReportError::at(
            "$.specVersion",
            format!(
                "CycloneDX {} is not supported (1.4 to 1.6 are)",
                bom.spec_version
            ),
        ));
    }
    let image = bom
        .metadata
        .as_ref()
        .and_then(|m| m.component.as_ref())
        .filter(|c| c.kind == "container")
        .ok_or_else(|| {
            ReportError::at(
                "$.metadata.component",
                "no component of type container: this SBOM does not describe an image",
            )
        })?;
    let sha = image
        .property("aquasecurity:trivy:ImageID")
        .chain(image.version.as_deref())
        .find_map(image_sha)
        .ok_or_else(|| {
            ReportError::at(
                "$.metadata.component.properties",
                "the image id (aquasecurity:trivy:ImageID, sha256:<64 hex>) is missing",
            )
        })?;
    let mut software = Vec::new();
    libraries(&bom.components, &mut software);
    let os = bom
        .components
        .iter()
        .find(|c| c.kind == "operating-system")
        .map(|c| match &c.version {
            Some(v) => format!("{} {v}", c.name),
            None => c.name.clone(),
        });
    let repos: Vec<_> = image
        .property("aquasecurity:trivy:RepoTag")
        .map(repo_tag)
        .collect();
    let repo_digests: Vec<_> = image
        .property("aquasecurity:trivy:RepoDigest")
        .filter_map(repo_digest)
        .collect();
    let size: Option<i64> = image
        .property("aquasecurity:trivy:Size")
        .find_map(|s| s.parse().ok());
    Ok(ScanReport {
        format: Format::CycloneDx,
        sha,
        repos,
        repo_digests,
        created: None,
        size,
        operating_system: os,
        architecture: None,
        author: None,
        labels: vec![],
        layers: vec![],
        software,
        definitions: vec![],
        findings: vec![],
        secrets: None,
        malware: None,
        has_findings: false,
    })
}
