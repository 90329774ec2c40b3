//! Where each catalogue token lives in the schema (`migrations/*/`), the same on both engines.
//!
//! Only these fixed fragments (and operators) become SQL text; values are always bound.

use crate::store::db::Dialect;
use crate::store::Entity;

/// How a token's clause is compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A column of the entity's row. A nullable one is guarded with `IS NOT NULL` so that the
    /// clause is never SQL `NULL`.
    Col { sql: &'static str, nullable: bool },
    /// A computed value of the row, written per engine (see [`Computed`]).
    Expr(Computed),
    /// `vulnerabilities.severity`: the denormalised `sev1`..`sev5` counts of the row.
    Severity,
    /// Some element of a related table matches:
    /// `key IN (SELECT select FROM from WHERE [filter AND] <condition on inner>)`.
    InSet {
        key: &'static str,
        select: &'static str,
        from: From,
        filter: Option<&'static str>,
        inner: &'static str,
    },
    /// Some element of a JSON array column matches: `EXISTS (SELECT 1 FROM <elements> WHERE …)`.
    Each {
        column: &'static str,
        element: Element,
    },
    /// `label:key=value`: one element of the JSON label array matches both.
    LabelPair { column: &'static str },
    /// Not a token of this entity (never reached for a parsed query).
    Unknown,
}

/// The `FROM` of an [`Target::InSet`] subquery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum From {
    Table(&'static str),
    /// Findings with each CVE id of their definition as `j.cve` (`vuln_cves j`).
    VulnCves,
}

/// What a clause on a JSON array element compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Element {
    /// The element itself, a string.
    Text,
    /// A field of the element, an object (`{"key": …, "value": …}`).
    Field(&'static str),
}

/// Values computed from more than the row, written per engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Computed {
    /// Sensor `updateAvailable`: its `version_key` is below the latest release's, read from
    /// the `sensorReleaseKey` setting (`store::settings::SENSOR_RELEASE_KEY`).
    UpdateAvailable,
    /// Sensor `latestVersion`: the latest release's version (`store::settings::SENSOR_RELEASE`).
    LatestVersion,
}

impl Computed {
    pub fn sql(self, d: Dialect) -> String {
        match self {
            Computed::UpdateAvailable => format!(
                "coalesce(s.version_key < (SELECT {} FROM settings WHERE key = '{}'), {})",
                d.json_string("value"),
                crate::store::settings::SENSOR_RELEASE_KEY,
                d.false_()
            ),
            Computed::LatestVersion => format!(
                "(SELECT {} FROM settings WHERE key = '{}')",
                d.json_field(&json_value(d), "version"),
                crate::store::settings::SENSOR_RELEASE
            ),
        }
    }

    /// Whether the value may be `NULL`.
    pub fn nullable(self) -> bool {
        matches!(self, Computed::LatestVersion)
    }
}

/// The settings table's `value` column as JSON for [`Dialect::json_field`].
fn json_value(d: Dialect) -> String {
    match d.engine() {
        crate::store::Engine::Sqlite => "value".into(),
        crate::store::Engine::Postgres => "value::jsonb".into(),
    }
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

const VULNS: From = From::Table("image_vulns v");
const VULNS_DEFS: From = From::Table("image_vulns v JOIN vuln_defs d ON d.qid = v.qid");
/// The same, read finding by finding (the `+` keeps SQLite from reaching the findings through
/// each definition's QID index, a random read per finding), for a condition on the finding and
/// its definition together: at 3.6 million findings, images with a patch count in 1 s, not 7 s.
pub const VULNS_DEFS_SCAN: From = From::Table("image_vulns v JOIN vuln_defs d ON d.qid = +v.qid");
/// A boolean on both engines: SQLite reads the integer flag as true when non-zero.
const PATCH: &str = "(d.patch_available OR v.fix_version IS NOT NULL)";

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
        from: From::Table("image_software w"),
        filter: None,
        inner,
    };
    Some(match token {
        "vulnerabilities.severity" => Target::Severity,
        "vulnerabilities.qid" => vulns(VULNS, "v.qid"),
        "vulnerabilities.cveids" => vulns(From::VulnCves, "j.cve"),
        "vulnerabilities.title" => vulns(VULNS_DEFS, "d.title"),
        "vulnerabilities.typeDetected" => vulns(VULNS, "v.type_detected"),
        "vulnerabilities.patchAvailable" => vulns(VULNS_DEFS_SCAN, PATCH),
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
            element: Element::Field("key"),
        },
        "label.value" => Target::Each {
            column,
            element: Element::Field("value"),
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
        "updateAvailable" => Target::Expr(Computed::UpdateAvailable),
        "latestVersion" => Target::Expr(Computed::LatestVersion),
        "cluster.name" => opt("s.cluster_name"),
        other => labels("s.labels", other).unwrap_or(Target::Unknown),
    }
}

fn image(token: &str) -> Target {
    let repo = |inner| Target::InSet {
        key: "i.id",
        select: "r.image_ref",
        from: From::Table("image_repos r"),
        filter: None,
        inner,
    };
    let host = |inner| Target::InSet {
        key: "i.id",
        select: "h.image_ref",
        from: From::Table("containers h"),
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
        "secrets.count" => col("i.secrets_count"),
        "malware.count" => col("i.malware_count"),
        "operatingSystem" => opt("i.operating_system"),
        "architecture" => opt("i.architecture"),
        "author" => opt("i.author"),
        "source" => Target::Each {
            column: "i.source",
            element: Element::Text,
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
            from: From::Table("containers u"),
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
        Entity::Vulnerability => finding(token),
        Entity::Audit => audit(token),
    }
}

/// An audit entry's tokens: its columns (`a`).
fn audit(token: &str) -> Target {
    match token {
        "at" => col("a.at"),
        "actor" => col("a.actor"),
        "action" => col("a.action"),
        "status" => opt("a.status"),
        "details" => col("a.details"),
        _ => Target::Unknown,
    }
}

/// A finding's tokens: its own columns (`v`), its definition's (`d`) and its image's.
fn finding(token: &str) -> Target {
    match token {
        "qid" => col("v.qid"),
        "severity" => col("v.severity"),
        "title" => col("d.title"),
        "cveids" => Target::Each {
            column: "d.cveids",
            element: Element::Text,
        },
        "category" => opt("d.category"),
        "typeDetected" => col("v.type_detected"),
        "patchAvailable" => col(PATCH),
        "published" => opt("d.published"),
        "firstFound" => opt("v.first_found"),
        "lastFound" => opt("v.last_found"),
        "software.name" => opt("v.software_name"),
        "software.version" => opt("v.software_version"),
        "software.fixVersion" => opt("v.fix_version"),
        "imageId" => col("(SELECT fi.image_id FROM images fi WHERE fi.id = v.image_ref)"),
        "operatingSystem" => {
            opt("(SELECT fi.operating_system FROM images fi WHERE fi.id = v.image_ref)")
        }
        _ => Target::Unknown,
    }
}

/// What a sortable token sorts by: its column, or its computed value (sensor versions sort by
/// their zero-padded `version_key`, so `1.10` comes after `1.9`).
pub fn sort_target(entity: Entity, token: &str) -> Option<Target> {
    if entity == Entity::Sensor && token == "sensorVersion" {
        return Some(opt("s.version_key"));
    }
    match target(entity, token) {
        t @ (Target::Col { .. } | Target::Expr(_)) => Some(t),
        _ => None,
    }
}
