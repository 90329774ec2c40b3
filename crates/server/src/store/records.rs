//! What the write methods take: the base facts of a sensor, an image (with its repositories,
//! software and findings), a vulnerability definition and a container, as a sensor, a scanner
//! report or the demo seeder states them. Derived values (severity counts, container and host
//! counts, last-used dates, a container's copy of its image's ids, version keys, cluster
//! names) are not here: the store computes them (`store::derive`).

use shipshape_model::{
    Cluster, ContainerState, Deployment, HostRef, Label, Layer, PortMapping, RepoDigest, RepoTag,
    SensorStatus, SensorType, ThreatIntel,
};

#[derive(Clone, Debug, PartialEq)]
pub struct SensorRecord {
    pub uuid: String,
    pub sensor_id: String,
    pub name: String,
    pub hostname: Option<String>,
    pub host_uuid: Option<String>,
    pub ipv4: Option<String>,
    pub ipv6: Option<String>,
    pub mac_address: Option<String>,
    pub sensor_version: Option<String>,
    pub vuln_sig_version: Option<String>,
    pub docker_version: Option<String>,
    pub os: Option<String>,
    pub platform: Option<String>,
    pub sensor_type: SensorType,
    pub status: SensorStatus,
    pub deployment: Option<Deployment>,
    pub configuration_profile: Option<String>,
    pub privileged: bool,
    pub created: i64,
    pub last_checked_in: Option<i64>,
    pub labels: Vec<Label>,
    pub cluster: Option<Cluster>,
}

/// A vulnerability definition (one per QID), shared by every finding of that QID.
#[derive(Clone, Debug, PartialEq)]
pub struct VulnDefRecord {
    pub qid: i64,
    pub title: String,
    /// 1 (lowest) to 5.
    pub severity: u8,
    pub cveids: Vec<String>,
    pub cvss_base: Option<f64>,
    pub cvss3_base: Option<f64>,
    pub category: Option<String>,
    pub published: Option<i64>,
    pub patch_available: bool,
    pub threat_intel: ThreatIntel,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImageRecord {
    pub uuid: String,
    /// The short id (12 hex).
    pub image_id: String,
    /// The full sha-256 (64 hex), the image's identity.
    pub sha: String,
    pub created: i64,
    pub updated: i64,
    pub last_scanned: Option<i64>,
    pub size: i64,
    pub operating_system: Option<String>,
    pub architecture: Option<String>,
    pub author: Option<String>,
    pub source: Vec<String>,
    pub scan_status: Option<String>,
    pub labels: Vec<Label>,
    pub layers: Vec<Layer>,
    pub repo_digests: Vec<RepoDigest>,
    /// In the order they were reported.
    pub repos: Vec<RepoTag>,
    pub software: Vec<SoftwareRecord>,
    pub findings: Vec<FindingRecord>,
}

impl ImageRecord {
    /// An image known only by its ids, with nothing else reported yet.
    pub fn new(uuid: &str, sha: &str) -> Self {
        Self {
            uuid: uuid.into(),
            image_id: sha.chars().take(12).collect(),
            sha: sha.into(),
            created: 1,
            updated: 1,
            last_scanned: None,
            size: 0,
            operating_system: None,
            architecture: None,
            author: None,
            source: vec![],
            scan_status: None,
            labels: vec![],
            layers: vec![],
            repo_digests: vec![],
            repos: vec![],
            software: vec![],
            findings: vec![],
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct SoftwareRecord {
    pub name: String,
    pub version: Option<String>,
    pub fix_version: Option<String>,
    pub package_path: Option<String>,
}

/// One finding of a definition on an image, in one package.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct FindingRecord {
    /// Must name a definition already stored ([`crate::store::Store::upsert_vuln_defs`]).
    pub qid: i64,
    /// As the scanner rated this finding, 1 to 5.
    pub severity: u8,
    /// `Confirmed` or `Potential`.
    pub type_detected: String,
    pub first_found: Option<i64>,
    pub last_found: Option<i64>,
    pub software_name: Option<String>,
    pub software_version: Option<String>,
    pub fix_version: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContainerRecord {
    pub uuid: String,
    /// The short id (12 hex).
    pub container_id: String,
    /// The full sha-256 (64 hex), the container's identity.
    pub sha: String,
    pub name: Option<String>,
    /// The image it runs, by sha; the image must be stored first.
    pub image_sha: String,
    pub created: i64,
    pub updated: i64,
    pub state_changed: Option<i64>,
    pub last_scanned: Option<i64>,
    pub state: ContainerState,
    pub host: Option<HostRef>,
    pub is_root: bool,
    pub privileged: bool,
    pub cluster: Option<Cluster>,
    pub command: Option<String>,
    pub arguments: Vec<String>,
    pub environment: Vec<String>,
    pub ports: Vec<PortMapping>,
    pub labels: Vec<Label>,
    pub operating_system: Option<String>,
}

/// A write refused because of what it names (a 4xx for the caller, not an internal error).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("no image with sha '{0}' is stored; store the image before its containers")]
    UnknownImage(String),
    #[error("no vulnerability definition with QID {0} is stored")]
    UnknownQid(i64),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}
