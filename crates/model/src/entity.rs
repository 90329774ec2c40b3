//! The API's objects: sensors, images, containers and what hangs off them.
//!
//! Field names follow the Qualys CS API. Unknown values are `null`, never `""`. Shipshape's own
//! additions (marked "extension") are `Option`s left out of the JSON unless the server was asked
//! for `include=extensions`.

use crate::{EpochMillis, SeverityCounts};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Declares a string enum with its wire names, `ALL`, `as_str` and `FromStr`.
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $wire)] $variant),+ }

        // Written out rather than derived, so the document lists exactly the wire names.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    other => Err(format!(
                        "'{other}' is not one of {}",
                        [$($wire),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// What a sensor scans.
    SensorType { General = "GENERAL", Cicd = "CICD", Registry = "REGISTRY", Cluster = "CLUSTER" }
);
wire_enum!(
    /// A sensor's health as the server sees it.
    SensorStatus { Running = "RUNNING", Unknown = "UNKNOWN", Inactive = "INACTIVE" }
);
wire_enum!(
    /// How a sensor was installed (extension); decides its update command.
    Deployment {
        Standalone = "STANDALONE",
        DockerRun = "DOCKER_RUN",
        Helm = "HELM",
        Daemonset = "DAEMONSET",
        Ecs = "ECS",
        Swarm = "SWARM",
    }
);
wire_enum!(
    /// `include=extensions`: Shipshape's own fields are added to compatible objects.
    Include { Extensions = "extensions" }
);
wire_enum!(
    /// A container's runtime state.
    ContainerState {
        Running = "RUNNING",
        Stopped = "STOPPED",
        Paused = "PAUSED",
        Deleted = "DELETED",
        Created = "CREATED",
        Unknown = "UNKNOWN",
    }
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Label {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct K8sInfo {
    pub cluster_name: Option<String>,
    pub namespace: Option<String>,
    pub pod_name: Option<String>,
    pub node_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Cluster {
    #[serde(rename = "type")]
    pub kind: String,
    pub version: Option<String>,
    pub k8s: Option<K8sInfo>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Sensor {
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
    pub configuration_profile: Option<String>,
    pub privileged: bool,
    pub created: EpochMillis,
    pub last_checked_in: Option<EpochMillis>,
    pub label: Vec<Label>,
    pub cluster: Option<Cluster>,
    /// Extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Deployment>,
    /// Extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_available: Option<bool>,
    /// Extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<String>,
    /// Extension: where the sensor's profile stands against its inactive windows now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive_window: Option<crate::profile::WindowState>,
}

/// A compatible object that can carry Shipshape's own fields. `EXTENSIONS` names them as they
/// are written in JSON: the server keeps them only when a request asks for
/// `include=extensions` (strict SDK objects refuse keys they do not know), and the OpenAPI
/// document marks them `x-extension: true`. A field missing from the list is documented as
/// compatible, which the contract test refuses.
pub trait Extensible {
    const EXTENSIONS: &'static [&'static str];
    /// The object as sent: extension fields dropped unless `keep`.
    fn with_extensions(self, keep: bool) -> Self;
}

impl Extensible for Sensor {
    const EXTENSIONS: &'static [&'static str] = &[
        "deployment",
        "updateAvailable",
        "latestVersion",
        "inactiveWindow",
    ];
    fn with_extensions(mut self, keep: bool) -> Self {
        if !keep {
            self.deployment = None;
            self.update_available = None;
            self.latest_version = None;
            self.inactive_window = None;
        }
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RepoTag {
    pub registry: Option<String>,
    pub repository: String,
    pub tag: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RepoDigest {
    pub registry: Option<String>,
    pub repository: String,
    pub digest: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Layer {
    pub sha: String,
    pub size: i64,
    pub created: Option<EpochMillis>,
    pub created_by: Option<String>,
}

/// Where an image or container runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HostRef {
    pub sensor_uuid: String,
    pub hostname: Option<String>,
    pub ip_address: Option<String>,
    /// Present on containers' `host`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
}

/// An image as a list row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub uuid: String,
    pub image_id: String,
    pub sha: String,
    pub created: EpochMillis,
    pub updated: EpochMillis,
    pub last_scanned: Option<EpochMillis>,
    pub last_used_date: Option<EpochMillis>,
    pub repo: Vec<RepoTag>,
    pub repo_digests: Vec<RepoDigest>,
    pub size: i64,
    pub vulnerabilities: SeverityCounts,
    pub associated_containers_count: u64,
    pub associated_hosts_count: u64,
    pub source: Vec<String>,
    pub scan_status: Option<String>,
    pub operating_system: Option<String>,
    /// Extension: secrets scanners found in the image (`/images/{sha}/secrets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets_count: Option<u64>,
    /// Extension: malware scanners found in the image (`/images/{sha}/malware`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malware_count: Option<u64>,
}

impl Extensible for Image {
    const EXTENSIONS: &'static [&'static str] = &["secretsCount", "malwareCount"];
    fn with_extensions(mut self, keep: bool) -> Self {
        if !keep {
            self.secrets_count = None;
            self.malware_count = None;
        }
        self
    }
}

/// An image with everything the detail view shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImageDetails {
    pub uuid: String,
    pub image_id: String,
    pub sha: String,
    pub created: EpochMillis,
    pub updated: EpochMillis,
    pub last_scanned: Option<EpochMillis>,
    pub last_used_date: Option<EpochMillis>,
    pub repo: Vec<RepoTag>,
    pub repo_digests: Vec<RepoDigest>,
    pub size: i64,
    pub associated_containers_count: u64,
    pub associated_hosts_count: u64,
    pub source: Vec<String>,
    pub scan_status: Option<String>,
    pub operating_system: Option<String>,
    pub architecture: Option<String>,
    pub author: Option<String>,
    pub label: Vec<Label>,
    pub layers: Vec<Layer>,
    pub host: Vec<HostRef>,
    pub softwares: Vec<Software>,
    pub vulnerabilities: Vec<Vulnerability>,
    /// Extension: severity counts (the list row's `vulnerabilities`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vuln_summary: Option<SeverityCounts>,
    /// Extension: secrets scanners found in the image (`/images/{sha}/secrets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets_count: Option<u64>,
    /// Extension: malware scanners found in the image (`/images/{sha}/malware`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malware_count: Option<u64>,
}

impl Extensible for ImageDetails {
    const EXTENSIONS: &'static [&'static str] = &["vulnSummary", "secretsCount", "malwareCount"];
    fn with_extensions(mut self, keep: bool) -> Self {
        if !keep {
            self.vuln_summary = None;
            self.secrets_count = None;
            self.malware_count = None;
        }
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PortMapping {
    pub host_ip: Option<String>,
    pub host_port: Option<u16>,
    pub port: u16,
    pub protocol: String,
}

/// A container as a list row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub uuid: String,
    pub container_id: String,
    pub sha: String,
    pub name: Option<String>,
    pub image_id: String,
    pub image_uuid: String,
    pub image_sha: String,
    pub created: EpochMillis,
    pub updated: EpochMillis,
    pub state_changed: Option<EpochMillis>,
    pub last_scanned: Option<EpochMillis>,
    pub state: ContainerState,
    pub host: Option<HostRef>,
    pub is_root: bool,
    pub privileged: bool,
    pub vulnerabilities: SeverityCounts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
}

/// A container with everything the detail view shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContainerDetails {
    pub uuid: String,
    pub container_id: String,
    pub sha: String,
    pub name: Option<String>,
    pub image_id: String,
    pub image_uuid: String,
    pub image_sha: String,
    pub created: EpochMillis,
    pub updated: EpochMillis,
    pub state_changed: Option<EpochMillis>,
    pub last_scanned: Option<EpochMillis>,
    pub state: ContainerState,
    pub host: Option<HostRef>,
    pub is_root: bool,
    pub privileged: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
    pub command: Option<String>,
    pub arguments: Vec<String>,
    /// `NAME=***`: values are masked.
    pub environment: Vec<String>,
    pub port_mapping: Vec<PortMapping>,
    pub label: Vec<Label>,
    pub operating_system: Option<String>,
    pub softwares: Vec<Software>,
    pub vulnerabilities: Vec<Vulnerability>,
    /// Extension: severity counts (the list row's `vulnerabilities`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vuln_summary: Option<SeverityCounts>,
}

impl Extensible for ContainerDetails {
    const EXTENSIONS: &'static [&'static str] = &["vulnSummary"];
    fn with_extensions(mut self, keep: bool) -> Self {
        if !keep {
            self.vuln_summary = None;
        }
        self
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CvssInfo {
    pub base_score: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VulnSoftware {
    pub name: String,
    pub version: Option<String>,
    pub fix_version: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ThreatIntel {
    pub active_attacks: bool,
    pub public_exploit: bool,
    pub zero_day: bool,
    pub high_lateral_movement: bool,
    pub denial_of_service: bool,
}

/// One finding: a vulnerability definition found on an image (or the image a container runs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Vulnerability {
    pub qid: i64,
    pub title: String,
    pub severity: u8,
    pub cveids: Vec<String>,
    pub cvss_info: CvssInfo,
    pub cvss3_info: CvssInfo,
    pub category: Option<String>,
    pub type_detected: String,
    pub first_found: Option<EpochMillis>,
    pub last_found: Option<EpochMillis>,
    pub published: Option<EpochMillis>,
    pub patch_available: bool,
    pub software: Vec<VulnSoftware>,
    pub threat_intel: ThreatIntel,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Software {
    pub name: String,
    pub version: Option<String>,
    pub fix_version: Option<String>,
    pub package_path: Option<String>,
    pub vulnerabilities: SeverityCounts,
}

/// `{"count": n, "data": [...]}`: every list endpoint's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ListResponse<T> {
    pub count: u64,
    pub data: Vec<T>,
}

/// `{"data": [...]}`: the bulk `/list` endpoints' answer (the next page is in the `Link` header).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkResponse<T> {
    pub data: Vec<T>,
}

/// `GET /images/{sha}/vuln`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImageVulnResponse {
    pub details: Vec<Vulnerability>,
    pub vuln_summary: SeverityCounts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ContainerVulnDetails {
    pub vulns: Vec<Vulnerability>,
}

/// `GET /containers/{sha}/vuln`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContainerVulnResponse {
    pub details: ContainerVulnDetails,
    pub vuln_summary: SeverityCounts,
}

/// `GET /images/{sha}/software` and `/containers/{sha}/software`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SoftwareResponse {
    pub count: u64,
    pub data: Vec<Software>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software_count_by_severity: Option<SeverityCounts>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AssociatedContainer {
    pub uuid: String,
    pub container_id: String,
    pub sha: String,
    pub name: Option<String>,
    pub state: ContainerState,
    pub host: Option<HostRef>,
}

/// `GET /images/{sha}/association`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImageAssociation {
    pub containers: Vec<AssociatedContainer>,
    pub hosts: Vec<HostRef>,
}

/// `GET /{entity}/aggregate` (extension): the rows matching a filter, counted per value of a
/// token (most rows first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AggregateResponse {
    /// How many rows match the filter (rows without a value are in no group; a row may be in
    /// several groups of a collection token).
    pub total: u64,
    pub groups: Vec<AggregateGroup>,
}

/// One group: a value of the token, as QQL writes it, and how many matching rows have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AggregateGroup {
    pub key: String,
    pub count: u64,
}

wire_enum!(
    /// What a trend gives per day. `count`: the filter's count as it was that day, recorded
    /// (by the daily snapshot of the dashboards' trends, or the first read of the trend that
    /// day); a day nobody counted has no point. `created`: how many of the rows stored now that
    /// match the filter were created that day, computed from their `created` timestamps, so
    /// every day of the range has its point (rows deleted since are not counted).
    TrendSeries { Count = "count", Created = "created" }
);

// Not derivable: `wire_enum!` writes the enum.
#[allow(clippy::derivable_impls)]
impl Default for TrendSeries {
    fn default() -> Self {
        TrendSeries::Count
    }
}

/// `GET /{entity}/trend` (extension): a filter per UTC day over the last `days` days, today
/// included, as `series` says; no point is ever invented.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TrendResponse {
    pub days: u32,
    #[serde(default)]
    pub series: TrendSeries,
    pub points: Vec<TrendPoint>,
}

/// One day's count: `day` is the UTC date, `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TrendPoint {
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub day: String,
    pub count: u64,
}

/// `{"deletionJobId": "<uuid>"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeletionJobRef {
    pub deletion_job_id: String,
}

/// Body of `DELETE /sensors|images|containers` (ids may also come as query parameters).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensor_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_ids: Option<Vec<String>>,
    /// QQL over the entity deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "qql", max_length = 4096))]
    pub filter: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_their_wire_names() {
        for s in ContainerState::ALL {
            assert_eq!(s.as_str().parse::<ContainerState>().unwrap(), *s);
        }
        assert_eq!(
            serde_json::to_string(&Deployment::DockerRun).unwrap(),
            "\"DOCKER_RUN\""
        );
        let err = "running".parse::<ContainerState>().unwrap_err();
        assert!(err.contains("RUNNING"), "{err}");
    }

    #[test]
    fn extension_fields_are_left_out_when_unset() {
        let s = Sensor {
            uuid: "u".into(),
            sensor_id: "1".into(),
            name: "n".into(),
            hostname: None,
            host_uuid: None,
            ipv4: None,
            ipv6: None,
            mac_address: None,
            sensor_version: Some("1.2.3".into()),
            vuln_sig_version: None,
            docker_version: None,
            os: None,
            platform: None,
            sensor_type: SensorType::General,
            status: SensorStatus::Running,
            configuration_profile: None,
            privileged: false,
            created: EpochMillis(1),
            last_checked_in: None,
            label: vec![],
            cluster: None,
            deployment: None,
            update_available: None,
            latest_version: None,
            inactive_window: None,
        };
        let v = serde_json::to_value(&s).unwrap();
        assert!(v.get("deployment").is_none());
        assert!(v.get("updateAvailable").is_none());
        assert_eq!(v["hostname"], serde_json::Value::Null);
        assert_eq!(v["created"], "1");
        assert_eq!(v["sensorType"], "GENERAL");
    }
}
