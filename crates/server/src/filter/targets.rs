//! Where each catalogue token lives in the schema (`migrations/0001_init.sql`).
//!
//! Only these fixed fragments (and operators) become SQL text; values are always bound.

use crate::store::Entity;

/// How a token's clause is compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A column (or a fixed expression) of the entity's row. A nullable one is guarded with
    /// `IS NOT NULL` so that the clause is never SQL `NULL`.
    Col { sql: &'static str, nullable: bool },
    /// `vulnerabilities.severity`: the denormalised `sev1`..`sev5` counts of the row.
    Severity,
    /// Some element of a related table matches:
    /// `key IN (SELECT select FROM from WHERE [filter AND] <condition on inner>)`.
    InSet {
        key: &'static str,
        select: &'static str,
        from: &'static str,
        filter: Option<&'static str>,
        inner: &'static str,
    },
    /// Some element of a JSON array column matches:
    /// `EXISTS (SELECT 1 FROM json_each(column) j WHERE <condition on inner>)`.
    Each {
        column: &'static str,
        inner: &'static str,
    },
    /// `label:key=value`: one element of the JSON label array matches both.
    LabelPair { column: &'static str },
    /// Not a token of this entity (never reached for a parsed query).
    Unknown,
}

const fn col(sql: &'static str) -> Target {
    Target::Col {
        sql,
        nullable: false,
    }
}

const fn opt(sql: &'static str) -> Target {
    Target::Col {
        sql,
        nullable: true,
    }
}

/// The key of the latest sensor release's version, kept by `Store::put_setting` (see
/// `store::settings::SENSOR_RELEASE_KEY`). Missing (no release known): no update is available.
pub const UPDATE_AVAILABLE: &str = "coalesce(s.version_key < (SELECT json_extract(value, '$') \
     FROM settings WHERE key = 'sensorReleaseKey'), 0)";
/// The latest release's version (`store::settings::SENSOR_RELEASE`).
pub const LATEST_VERSION: &str =
    "(SELECT json_extract(value, '$.version') FROM settings WHERE key = 'sensorRelease')";

const VULNS: &str = "image_vulns v";
const VULNS_DEFS: &str = "image_vulns v JOIN vuln_defs d ON d.qid = v.qid";
const VULNS_CVES: &str = "image_vulns v JOIN vuln_defs d ON d.qid = v.qid, json_each(d.cveids) j";
const PATCH: &str = "(d.patch_available != 0 OR v.fix_version IS NOT NULL)";

/// The tokens images and containers share: findings and software of the image (a container's
/// are its image's, so `key` is `i.id` or `c.image_ref`).
fn image_content(key: &'static str, token: &str) -> Option<Target> {
    let vulns = |from, inner| Target::InSet {
        key,
        select: "v.image_ref",
        from,
        filter: None,
        inner,
    };
    let software = |inner| Target::InSet {
        key,
        select: "w.image_ref",
        from: "image_software w",
        filter: None,
        inner,
    };
    Some(match token {
        "vulnerabilities.severity" => Target::Severity,
        "vulnerabilities.qid" => vulns(VULNS, "v.qid"),
        "vulnerabilities.cveids" => vulns(VULNS_CVES, "j.value"),
        "vulnerabilities.title" => vulns(VULNS_DEFS, "d.title"),
        "vulnerabilities.typeDetected" => vulns(VULNS, "v.type_detected"),
        "vulnerabilities.patchAvailable" => vulns(VULNS_DEFS, PATCH),
        "software.name" => software("w.name"),
        "software.version" => software("w.version"),
        "software.fixVersion" => software("w.fix_version"),
        _ => return None,
    })
}

fn labels(column: &'static str, token: &str) -> Option<Target> {
    Some(match token {
        "label.key" => Target::Each {
            column,
            inner: "json_extract(j.value, '$.key')",
        },
        "label.value" => Target::Each {
            column,
            inner: "json_extract(j.value, '$.value')",
        },
        "label" => Target::LabelPair { column },
        _ => return None,
    })
}

fn sensor(token: &str) -> Target {
    match token {
        "uuid" => col("s.uuid"),
        "sensorId" => col("s.sensor_id"),
        "name" => col("s.name"),
        "hostname" => opt("s.hostname"),
        "hostUuid" => opt("s.host_uuid"),
        "ipv4" => opt("s.ipv4"),
        "ipv6" => opt("s.ipv6"),
        "macAddress" => opt("s.mac_address"),
        "sensorVersion" => opt("s.sensor_version"),
        "vulnSigVersion" => opt("s.vuln_sig_version"),
        "dockerVersion" => opt("s.docker_version"),
        "os" => opt("s.os"),
        "platform" => opt("s.platform"),
        "sensorType" => col("s.sensor_type"),
        "status" => col("s.status"),
        "deployment" => opt("s.deployment"),
        "configurationProfile" => opt("s.configuration_profile"),
        "privileged" => col("s.privileged"),
        "created" => col("s.created"),
        "lastCheckedIn" => opt("s.last_checked_in"),
        "updateAvailable" => col(UPDATE_AVAILABLE),
        "latestVersion" => opt(LATEST_VERSION),
        "cluster.name" => opt("s.cluster_name"),
        other => labels("s.labels", other).unwrap_or(Target::Unknown),
    }
}

fn image(token: &str) -> Target {
    let repo = |inner| Target::InSet {
        key: "i.id",
        select: "r.image_ref",
        from: "image_repos r",
        filter: None,
        inner,
    };
    let host = |inner| Target::InSet {
        key: "i.id",
        select: "h.image_ref",
        from: "containers h",
        filter: Some("h.sensor_uuid IS NOT NULL"),
        inner,
    };
    match token {
        "uuid" => col("i.uuid"),
        "imageId" => col("i.image_id"),
        "sha" => col("i.sha"),
        "repo.registry" => repo("r.registry"),
        "repo.repository" => repo("r.repository"),
        "repo.tag" => repo("r.tag"),
        "created" => col("i.created"),
        "updated" => col("i.updated"),
        "lastScanned" => opt("i.last_scanned"),
        "lastUsedDate" => opt("i.last_used_date"),
        "size" => col("i.size"),
        "operatingSystem" => opt("i.operating_system"),
        "architecture" => opt("i.architecture"),
        "author" => opt("i.author"),
        "source" => Target::Each {
            column: "i.source",
            inner: "j.value",
        },
        "scanStatus" => opt("i.scan_status"),
        "associatedContainersCount" => col("i.containers_count"),
        "associatedHostsCount" => col("i.hosts_count"),
        "host.sensorUuid" => host("h.sensor_uuid"),
        "host.hostname" => host("h.host_hostname"),
        "host.ipAddress" => host("h.host_ip"),
        // Used by a container in the range: a container of the image updated then (the
        // image's lastUsedDate is the latest such time).
        "imagesInUse" => Target::InSet {
            key: "i.id",
            select: "u.image_ref",
            from: "containers u",
            filter: None,
            inner: "u.updated",
        },
        other => image_content("i.id", other)
            .or_else(|| labels("i.labels", other))
            .unwrap_or(Target::Unknown),
    }
}

fn container(token: &str) -> Target {
    match token {
        "uuid" => col("c.uuid"),
        "containerId" => col("c.container_id"),
        "sha" => col("c.sha"),
        "name" => opt("c.name"),
        "state" => col("c.state"),
        "imageId" => col("c.image_id"),
        "imageUuid" => col("c.image_uuid"),
        "imageSha" => col("c.image_sha"),
        "created" => col("c.created"),
        "updated" => col("c.updated"),
        "stateChanged" => opt("c.state_changed"),
        "lastScanned" => opt("c.last_scanned"),
        "isRoot" => col("c.is_root"),
        "privileged" => col("c.privileged"),
        "operatingSystem" => opt("c.operating_system"),
        "host.hostname" => opt("c.host_hostname"),
        "host.ipAddress" => opt("c.host_ip"),
        "host.sensorUuid" => opt("c.sensor_uuid"),
        "cluster.name" => opt("c.cluster_name"),
        "cluster.namespace" => opt("c.cluster_namespace"),
        other => image_content("c.image_ref", other)
            .or_else(|| labels("c.labels", other))
            .unwrap_or(Target::Unknown),
    }
}

/// Where `token` (the catalogue's spelling) of `entity` lives.
pub fn target(entity: Entity, token: &str) -> Target {
    match entity {
        Entity::Sensor => sensor(token),
        Entity::Image => image(token),
        Entity::Container => container(token),
    }
}
