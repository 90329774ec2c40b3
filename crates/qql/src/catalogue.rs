//! The token catalogue: which tokens each entity has, their types and descriptions.
//!
//! The server builds SQL from these entries and the console completes from them, so a token
//! exists in exactly one place: here.

use serde::Serialize;

/// What a query selects: the three lists of the API, and the findings across images that
/// dashboards count (`vulnerabilities`, which has no list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Entity {
    Sensor,
    Image,
    Container,
    /// One row per finding: a vulnerability (QID) found in an image.
    Vulnerability,
    /// The audit log: who changed what, when.
    Audit,
}

impl Entity {
    /// The entities with a list, in the API's order.
    pub const ALL: [Entity; 3] = [Entity::Sensor, Entity::Image, Entity::Container];

    /// The plural, as used in paths and messages: `"sensors"`, `"images"`, `"containers"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Sensor => "sensors",
            Entity::Image => "images",
            Entity::Container => "containers",
            Entity::Vulnerability => "vulnerabilities",
            Entity::Audit => "audit",
        }
    }

    /// The singular: `"sensor"`, `"image"`, `"container"`.
    pub fn singular(self) -> &'static str {
        match self {
            Entity::Sensor => "sensor",
            Entity::Image => "image",
            Entity::Container => "container",
            Entity::Vulnerability => "vulnerability",
            Entity::Audit => "audit entry",
        }
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type of a token's values; it decides which operators and value forms are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum TokenType {
    /// Free text: `:` with a word (contains), a phrase, a backticked exact value or a wildcard.
    Text,
    /// One of a fixed set of values (the wire values; matched case-insensitively).
    Keyword(&'static [&'static str]),
    /// A whole number, optionally bounded (both bounds inclusive).
    Number { min: Option<i64>, max: Option<i64> },
    /// A point in time: epoch ms, ISO-8601 (UTC unless an offset is given) or `now±N<unit>`.
    Date,
    /// `true` or `false`.
    Boolean,
    /// `label:key=value` (extension): one label whose key and value both match.
    LabelPair,
}

impl TokenType {
    /// A short name for the console's completion detail: `text`, `keyword`, `number`, ….
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Text => "text",
            TokenType::Keyword(_) => "keyword",
            TokenType::Number { .. } => "number",
            TokenType::Date => "date",
            TokenType::Boolean => "boolean",
            TokenType::LabelPair => "label",
        }
    }

    /// Whether `>`, `>=`, `<`, `<=` and ranges apply.
    pub fn is_ordered(self) -> bool {
        matches!(self, TokenType::Number { .. } | TokenType::Date)
    }
}

/// One entry of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TokenDef {
    /// The token as written in QQL, e.g. `vulnerabilities.severity`.
    pub name: &'static str,
    pub ty: TokenType,
    /// Usable in `sort=token:asc|desc`: every scalar token is, collection tokens are not.
    pub sortable: bool,
    /// Matches when some element of a nested collection matches (`label.*`, `repo.*`, …).
    pub collection: bool,
    /// One line for the console.
    pub description: &'static str,
}

impl TokenDef {
    /// Whether rows can be counted per value of this token (a dashboard's `groupBy`): keyword,
    /// boolean, number and text tokens; not dates, not `label:key=value`.
    pub fn groupable(&self) -> bool {
        matches!(
            self.ty,
            TokenType::Keyword(_) | TokenType::Boolean | TokenType::Number { .. } | TokenType::Text
        )
    }
}

const CONTAINER_STATES: &[&str] = &[
    "RUNNING", "STOPPED", "PAUSED", "DELETED", "CREATED", "UNKNOWN",
];
const SENSOR_STATUSES: &[&str] = &["RUNNING", "UNKNOWN", "INACTIVE"];
const SENSOR_TYPES: &[&str] = &["GENERAL", "CICD", "REGISTRY", "CLUSTER"];
const DEPLOYMENTS: &[&str] = &[
    "STANDALONE",
    "DOCKER_RUN",
    "HELM",
    "DAEMONSET",
    "ECS",
    "SWARM",
];
// The wire values of `typeDetected` are capitalised, not upper-case; the AST keeps wire values.
const TYPE_DETECTED: &[&str] = &["Confirmed", "Potential"];

const SEVERITY: TokenType = TokenType::Number {
    min: Some(1),
    max: Some(5),
};
const COUNT: TokenType = TokenType::Number {
    min: Some(0),
    max: None,
};

const fn scalar(name: &'static str, ty: TokenType, description: &'static str) -> TokenDef {
    TokenDef {
        name,
        ty,
        sortable: true,
        collection: false,
        description,
    }
}

const fn many(name: &'static str, ty: TokenType, description: &'static str) -> TokenDef {
    TokenDef {
        name,
        ty,
        sortable: false,
        collection: true,
        description,
    }
}

use TokenType::{Boolean, Date, Keyword, LabelPair, Text};

const LABELS: [TokenDef; 3] = [
    many("label.key", Text, "The key of some label."),
    many("label.value", Text, "The value of some label."),
    many(
        "label",
        LabelPair,
        "One label with both this key and value: label:team=payments.",
    ),
];

static SENSOR: &[TokenDef] = &[
    scalar("uuid", Text, "The sensor's UUID."),
    scalar("sensorId", Text, "The sensor's id."),
    scalar("name", Text, "The sensor's name."),
    scalar("hostname", Text, "The host the sensor runs on."),
    scalar("hostUuid", Text, "The UUID of the host."),
    scalar("ipv4", Text, "The host's IPv4 address."),
    scalar("ipv6", Text, "The host's IPv6 address."),
    scalar("macAddress", Text, "The host's MAC address."),
    scalar("sensorVersion", Text, "The sensor's version."),
    scalar(
        "vulnSigVersion",
        Text,
        "The version of the vulnerability signatures.",
    ),
    scalar("dockerVersion", Text, "The Docker version on the host."),
    scalar("os", Text, "The host's operating system."),
    scalar("platform", Text, "The platform the sensor runs on."),
    scalar(
        "sensorType",
        Keyword(SENSOR_TYPES),
        "What the sensor scans.",
    ),
    scalar("status", Keyword(SENSOR_STATUSES), "The sensor's health."),
    scalar(
        "deployment",
        Keyword(DEPLOYMENTS),
        "How the sensor was installed (extension).",
    ),
    scalar(
        "configurationProfile",
        Text,
        "The configuration profile applied to the sensor.",
    ),
    scalar("privileged", Boolean, "Whether the sensor runs privileged."),
    scalar("created", Date, "When the sensor was registered."),
    scalar("lastCheckedIn", Date, "When the sensor last checked in."),
    scalar(
        "updateAvailable",
        Boolean,
        "Whether a newer sensor version exists (extension).",
    ),
    scalar(
        "latestVersion",
        Text,
        "The newest sensor version available (extension).",
    ),
    scalar("cluster.name", Text, "The name of the sensor's cluster."),
    LABELS[0],
    LABELS[1],
    LABELS[2],
];

static IMAGE: &[TokenDef] = &[
    scalar("uuid", Text, "The image's UUID."),
    scalar("imageId", Text, "The image id (12 hex characters)."),
    scalar("sha", Text, "The image's SHA-256 (64 hex characters)."),
    many(
        "repo.registry",
        Text,
        "The registry of some repository tag.",
    ),
    many(
        "repo.repository",
        Text,
        "The repository of some repository tag.",
    ),
    many("repo.tag", Text, "The tag of some repository tag."),
    scalar("created", Date, "When the image was built."),
    scalar("updated", Date, "When the image was last updated."),
    scalar("lastScanned", Date, "When the image was last scanned."),
    scalar(
        "lastUsedDate",
        Date,
        "When a container last used the image.",
    ),
    scalar("size", COUNT, "The image's size in bytes."),
    scalar("operatingSystem", Text, "The image's operating system."),
    scalar("architecture", Text, "The image's CPU architecture."),
    scalar("author", Text, "The image's author."),
    many("source", Text, "Where the image was seen (a list)."),
    scalar("scanStatus", Text, "The outcome of the last scan."),
    scalar(
        "secrets.count",
        COUNT,
        "How many secrets scanners found in the image.",
    ),
    scalar(
        "malware.count",
        COUNT,
        "How many malware findings scanners reported in the image.",
    ),
    scalar(
        "associatedContainersCount",
        COUNT,
        "How many containers use the image.",
    ),
    scalar(
        "associatedHostsCount",
        COUNT,
        "How many hosts have the image.",
    ),
    many(
        "vulnerabilities.severity",
        SEVERITY,
        "The severity (1 to 5) of some vulnerability.",
    ),
    many(
        "vulnerabilities.qid",
        COUNT,
        "The QID of some vulnerability.",
    ),
    many(
        "vulnerabilities.cveids",
        Text,
        "A CVE id of some vulnerability.",
    ),
    many(
        "vulnerabilities.title",
        Text,
        "The title of some vulnerability.",
    ),
    many(
        "vulnerabilities.typeDetected",
        Keyword(TYPE_DETECTED),
        "Whether some vulnerability is confirmed or potential.",
    ),
    many(
        "vulnerabilities.patchAvailable",
        Boolean,
        "Whether some vulnerability has a patch.",
    ),
    many("software.name", Text, "The name of some installed package."),
    many(
        "software.version",
        Text,
        "The version of some installed package.",
    ),
    many(
        "software.fixVersion",
        Text,
        "The fixing version of some installed package.",
    ),
    many(
        "host.sensorUuid",
        Text,
        "The sensor of some host that has the image.",
    ),
    many(
        "host.hostname",
        Text,
        "The name of some host that has the image.",
    ),
    many(
        "host.ipAddress",
        Text,
        "The address of some host that has the image.",
    ),
    LABELS[0],
    LABELS[1],
    LABELS[2],
    many(
        "imagesInUse",
        Date,
        "The image was used by a container in this date range.",
    ),
];

static CONTAINER: &[TokenDef] = &[
    scalar("uuid", Text, "The container's UUID."),
    scalar("containerId", Text, "The container id (12 hex characters)."),
    scalar("sha", Text, "The container's SHA-256 (64 hex characters)."),
    scalar("name", Text, "The container's name."),
    scalar(
        "state",
        Keyword(CONTAINER_STATES),
        "The container's runtime state.",
    ),
    scalar("imageId", Text, "The id of the container's image."),
    scalar("imageUuid", Text, "The UUID of the container's image."),
    scalar("imageSha", Text, "The SHA-256 of the container's image."),
    scalar("created", Date, "When the container was created."),
    scalar("updated", Date, "When the container was last updated."),
    scalar(
        "stateChanged",
        Date,
        "When the container's state last changed.",
    ),
    scalar("lastScanned", Date, "When the container was last scanned."),
    scalar("isRoot", Boolean, "Whether the container runs as root."),
    scalar(
        "privileged",
        Boolean,
        "Whether the container runs privileged.",
    ),
    scalar("operatingSystem", Text, "The container's operating system."),
    scalar("host.hostname", Text, "The host the container runs on."),
    scalar(
        "host.ipAddress",
        Text,
        "The address of the container's host.",
    ),
    scalar(
        "host.sensorUuid",
        Text,
        "The sensor that reported the container.",
    ),
    scalar("cluster.name", Text, "The name of the container's cluster."),
    scalar(
        "cluster.namespace",
        Text,
        "The Kubernetes namespace of the container.",
    ),
    many(
        "vulnerabilities.severity",
        SEVERITY,
        "The severity (1 to 5) of some vulnerability.",
    ),
    many(
        "vulnerabilities.qid",
        COUNT,
        "The QID of some vulnerability.",
    ),
    many(
        "vulnerabilities.cveids",
        Text,
        "A CVE id of some vulnerability.",
    ),
    many(
        "vulnerabilities.title",
        Text,
        "The title of some vulnerability.",
    ),
    many(
        "vulnerabilities.typeDetected",
        Keyword(TYPE_DETECTED),
        "Whether some vulnerability is confirmed or potential.",
    ),
    many(
        "vulnerabilities.patchAvailable",
        Boolean,
        "Whether some vulnerability has a patch.",
    ),
    many("software.name", Text, "The name of some installed package."),
    many(
        "software.version",
        Text,
        "The version of some installed package.",
    ),
    LABELS[0],
    LABELS[1],
    LABELS[2],
];

/// A finding: one vulnerability (QID) in one image, with the package it was found in.
static VULNERABILITY: &[TokenDef] = &[
    scalar("qid", COUNT, "The vulnerability's QID."),
    scalar(
        "severity",
        SEVERITY,
        "The severity, 1 (minimal) to 5 (urgent).",
    ),
    scalar("title", Text, "The vulnerability's title."),
    many("cveids", Text, "A CVE id of the vulnerability."),
    scalar("category", Text, "The vulnerability's category."),
    scalar(
        "typeDetected",
        Keyword(TYPE_DETECTED),
        "Whether the finding is confirmed or potential.",
    ),
    scalar(
        "patchAvailable",
        Boolean,
        "Whether a patch or a fixed version exists.",
    ),
    scalar("published", Date, "When the vulnerability was published."),
    scalar("firstFound", Date, "When the finding was first seen."),
    scalar("lastFound", Date, "When the finding was last seen."),
    scalar("software.name", Text, "The package the finding is in."),
    scalar(
        "software.version",
        Text,
        "The version of the package the finding is in.",
    ),
    scalar(
        "software.fixVersion",
        Text,
        "The version of the package that fixes it.",
    ),
    scalar(
        "imageId",
        Text,
        "The image id of the image it was found in.",
    ),
    scalar(
        "operatingSystem",
        Text,
        "The operating system of the image it was found in.",
    ),
];

/// What an audit entry records (`action`).
pub const AUDIT_ACTIONS: &[&str] = &[
    "DELETE_SENSORS",
    "DELETE_IMAGES",
    "DELETE_CONTAINERS",
    "RETENTION_PURGE",
    "SETTINGS_DATA_RETENTION",
    "SETTINGS_SENSOR_RELEASE",
    "SENSOR_PROFILE_CREATE",
    "SENSOR_PROFILE_UPDATE",
    "SENSOR_PROFILE_DELETE",
];

static AUDIT: &[TokenDef] = &[
    scalar("at", Date, "When it happened."),
    scalar(
        "actor",
        Text,
        "Who did it: a user's name, or `schedule` for the server's own jobs.",
    ),
    scalar("action", Keyword(AUDIT_ACTIONS), "What was done."),
    scalar(
        "status",
        Keyword(&["STARTED", "COMPLETED", "FAILED"]),
        "How a long action (a deletion, a purge) ended.",
    ),
    scalar(
        "details",
        Text,
        "What changed: the value before and after, the filter or ids, the counts.",
    ),
];

/// Every token of `entity`, in a stable order (the console lists them in this order).
pub fn catalogue(entity: Entity) -> &'static [TokenDef] {
    match entity {
        Entity::Sensor => SENSOR,
        Entity::Image => IMAGE,
        Entity::Container => CONTAINER,
        Entity::Vulnerability => VULNERABILITY,
        Entity::Audit => AUDIT,
    }
}

/// The token called `name` (ASCII case-insensitive: `IMAGEID` finds `imageId`).
pub fn lookup(entity: Entity, name: &str) -> Option<&'static TokenDef> {
    let tokens = catalogue(entity);
    tokens
        .iter()
        .find(|d| d.name == name)
        .or_else(|| tokens.iter().find(|d| d.name.eq_ignore_ascii_case(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_tokens_are_all_there() {
        let wanted: [(Entity, &str); 3] = [
            (
                Entity::Sensor,
                "uuid name hostname ipv4 sensorVersion sensorType status deployment \
                 configurationProfile created lastCheckedIn updateAvailable label.key label.value \
                 cluster.name",
            ),
            (
                Entity::Image,
                "uuid imageId sha repo.registry repo.repository repo.tag created updated \
                 lastScanned lastUsedDate size operatingSystem source scanStatus \
                 associatedContainersCount vulnerabilities.severity vulnerabilities.qid \
                 vulnerabilities.cveids vulnerabilities.typeDetected \
                 vulnerabilities.patchAvailable software.name software.version label.key \
                 label.value imagesInUse",
            ),
            (
                Entity::Container,
                "uuid containerId sha name state imageId imageSha created updated stateChanged \
                 lastScanned isRoot privileged host.hostname host.ipAddress host.sensorUuid \
                 cluster.name cluster.namespace vulnerabilities.severity vulnerabilities.qid \
                 vulnerabilities.cveids software.name label.key label.value",
            ),
        ];
        for (entity, names) in wanted {
            for name in names.split_whitespace() {
                assert!(lookup(entity, name).is_some(), "{entity}: {name}");
            }
        }
    }

    #[test]
    fn names_are_unique_and_collections_are_not_sortable() {
        for entity in Entity::ALL {
            let tokens = catalogue(entity);
            for (i, d) in tokens.iter().enumerate() {
                assert!(
                    tokens[i + 1..].iter().all(|o| o.name != d.name),
                    "{}",
                    d.name
                );
                assert_eq!(d.sortable, !d.collection, "{}", d.name);
            }
        }
    }

    #[test]
    fn lookup_ignores_ascii_case() {
        assert_eq!(lookup(Entity::Image, "IMAGEID").unwrap().name, "imageId");
        assert!(lookup(Entity::Image, "state").is_none());
    }
}
