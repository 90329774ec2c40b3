//! Generated rows, and the store records they become.

use crate::store::records::{
    ContainerRecord, FindingRecord, ImageRecord, SensorRecord, SoftwareRecord, VulnDefRecord,
};
use shipshape_model::{HostRef, RepoTag, ThreatIntel};

/// (registry, repository, tag)
pub type RepoRow = (String, String, Option<String>);
/// (name, version, fix version, path)
pub type SoftwareRow = (String, String, Option<String>, String);

pub struct Intel {
    pub active: bool,
    pub exploit: bool,
    pub zero_day: bool,
}

pub struct VulnDef {
    pub qid: i64,
    pub package: String,
    pub title: String,
    pub severity: u8,
    pub cveids: Vec<String>,
    pub cvss: Option<f64>,
    pub cvss3: Option<f64>,
    pub category: String,
    pub published: i64,
    pub fix: Option<String>,
    pub intel: Intel,
}

pub struct SensorRow {
    pub uuid: String,
    pub sensor_id: String,
    pub name: String,
    pub hostname: String,
    pub host_uuid: String,
    pub ipv4: String,
    pub ipv6: Option<String>,
    pub mac: String,
    pub version: String,
    pub vulnsig: String,
    pub docker: Option<String>,
    pub os: String,
    pub platform: String,
    pub sensor_type: &'static str,
    pub status: &'static str,
    pub deployment: &'static str,
    pub profile: String,
    pub privileged: bool,
    pub created: i64,
    pub last_checked_in: i64,
    pub labels: String,
    pub cluster_name: Option<String>,
    pub cluster: Option<String>,
}

/// What containers need to know about their image. The generator keeps one per image for the
/// whole load, so it is compact: 48 bytes, no heap (64 MB for the 1.3 million images of ten
/// million containers; four Strings took about 250 bytes more).
#[derive(Clone, Copy)]
pub struct ImageMeta {
    pub sha: [u8; 32],
    pub created: i64,
    /// Index in `catalog::REPOS`.
    pub repo: u16,
    /// Index in the names of the repository's OS family.
    pub os: u8,
}

impl ImageMeta {
    pub fn sha_hex(&self) -> String {
        use std::fmt::Write;
        self.sha.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    pub fn os_name(&self) -> &'static str {
        super::catalog::OS_FAMILIES[super::catalog::REPOS[usize::from(self.repo)].os].names
            [usize::from(self.os)]
    }
}

pub struct FindingRow {
    pub qid: i64,
    pub severity: u8,
    pub type_detected: &'static str,
    pub first_found: i64,
    pub last_found: i64,
    pub software: String,
    pub version: String,
    pub fix: Option<String>,
}

pub struct ImageGen {
    pub meta: ImageMeta,
    pub uuid: String,
    pub image_id: String,
    pub sha: String,
    pub updated: i64,
    pub last_scanned: Option<i64>,
    pub size: i64,
    pub arch: &'static str,
    pub author: Option<String>,
    pub source: String,
    pub scan_status: &'static str,
    pub labels: String,
    pub layers: String,
    pub digests: String,
    pub repos: Vec<RepoRow>,
    pub software: Vec<SoftwareRow>,
    pub findings: Vec<FindingRow>,
}

pub struct ContainerRow {
    pub uuid: String,
    pub container_id: String,
    pub sha: String,
    pub name: String,
    pub image_sha: String,
    pub created: i64,
    pub updated: i64,
    pub state_changed: i64,
    pub last_scanned: Option<i64>,
    pub state: &'static str,
    pub sensor_uuid: String,
    pub host_uuid: String,
    pub hostname: String,
    pub host_ip: String,
    pub is_root: bool,
    pub privileged: bool,
    pub cluster: Option<String>,
    pub command: String,
    pub arguments: String,
    pub environment: String,
    pub ports: String,
    pub labels: String,
    pub os: String,
}

fn parse<T: serde::de::DeserializeOwned + Default>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_default()
}

fn wire<T: std::str::FromStr<Err = String>>(v: &str) -> T {
    v.parse()
        .unwrap_or_else(|e| panic!("the demo generates only wire values: {e}"))
}

impl VulnDef {
    pub fn record(&self) -> VulnDefRecord {
        VulnDefRecord {
            qid: self.qid,
            title: self.title.clone(),
            severity: self.severity,
            cveids: self.cveids.clone(),
            cvss_base: self.cvss,
            cvss3_base: self.cvss3,
            category: Some(self.category.clone()),
            published: Some(self.published),
            patch_available: self.fix.is_some(),
            threat_intel: ThreatIntel {
                active_attacks: self.intel.active,
                public_exploit: self.intel.exploit,
                zero_day: self.intel.zero_day,
                high_lateral_movement: false,
                denial_of_service: self.title.contains("Denial of Service"),
            },
        }
    }
}

impl SensorRow {
    pub fn record(&self) -> SensorRecord {
        SensorRecord {
            uuid: self.uuid.clone(),
            sensor_id: self.sensor_id.clone(),
            name: self.name.clone(),
            hostname: Some(self.hostname.clone()),
            host_uuid: Some(self.host_uuid.clone()),
            ipv4: Some(self.ipv4.clone()),
            ipv6: self.ipv6.clone(),
            mac_address: Some(self.mac.clone()),
            sensor_version: Some(self.version.clone()),
            vuln_sig_version: Some(self.vulnsig.clone()),
            docker_version: self.docker.clone(),
            os: Some(self.os.clone()),
            platform: Some(self.platform.clone()),
            sensor_type: wire(self.sensor_type),
            status: wire(self.status),
            deployment: Some(wire(self.deployment)),
            configuration_profile: Some(self.profile.clone()),
            privileged: self.privileged,
            created: self.created,
            last_checked_in: Some(self.last_checked_in),
            labels: parse(&self.labels),
            cluster: self
                .cluster
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok()),
        }
    }
}

impl ImageGen {
    pub fn record(&self) -> ImageRecord {
        ImageRecord {
            uuid: self.uuid.clone(),
            image_id: self.image_id.clone(),
            sha: self.sha.clone(),
            created: self.meta.created,
            updated: self.updated,
            last_scanned: self.last_scanned,
            size: self.size,
            operating_system: Some(self.meta.os_name().to_string()),
            architecture: Some(self.arch.to_string()),
            author: self.author.clone(),
            source: parse(&self.source),
            scan_status: Some(self.scan_status.to_string()),
            labels: parse(&self.labels),
            layers: parse(&self.layers),
            repo_digests: parse(&self.digests),
            repos: self
                .repos
                .iter()
                .map(|(registry, repository, tag)| RepoTag {
                    registry: Some(registry.clone()),
                    repository: repository.clone(),
                    tag: tag.clone(),
                })
                .collect(),
            software: self
                .software
                .iter()
                .map(|(name, version, fix, path)| SoftwareRecord {
                    name: name.clone(),
                    version: Some(version.clone()),
                    fix_version: fix.clone(),
                    package_path: Some(path.clone()),
                })
                .collect(),
            findings: self
                .findings
                .iter()
                .map(|f| FindingRecord {
                    qid: f.qid,
                    severity: f.severity,
                    type_detected: f.type_detected.to_string(),
                    first_found: Some(f.first_found),
                    last_found: Some(f.last_found),
                    software_name: Some(f.software.clone()),
                    software_version: Some(f.version.clone()),
                    fix_version: f.fix.clone(),
                })
                .collect(),
        }
    }
}

impl ContainerRow {
    pub fn record(self) -> ContainerRecord {
        ContainerRecord {
            uuid: self.uuid,
            container_id: self.container_id,
            sha: self.sha,
            name: Some(self.name),
            image_sha: self.image_sha,
            created: self.created,
            updated: self.updated,
            state_changed: Some(self.state_changed),
            last_scanned: self.last_scanned,
            state: wire(self.state),
            host: Some(HostRef {
                sensor_uuid: self.sensor_uuid,
                hostname: Some(self.hostname),
                ip_address: Some(self.host_ip),
                uuid: Some(self.host_uuid),
            }),
            is_root: self.is_root,
            privileged: self.privileged,
            cluster: self
                .cluster
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok()),
            command: Some(self.command),
            arguments: parse(&self.arguments),
            environment: parse(&self.environment),
            ports: parse(&self.ports),
            labels: parse(&self.labels),
            operating_system: Some(self.os),
        }
    }
}
