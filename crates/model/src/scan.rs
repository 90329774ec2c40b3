//! What scanner reports found beyond the compatible objects (secrets, malware), and what an
//! ingestion stored: the answers of `/images/{sha}/secrets`, `/images/{sha}/malware` and
//! `POST /images/import` (extensions), shared by the server and the console.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A secret a scanner found in an image: where and what kind, never the secret's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecretRecord {
    pub rule_id: String,
    pub category: Option<String>,
    pub title: Option<String>,
    /// 1 to 5, as findings.
    pub severity: u8,
    pub file: Option<String>,
    pub line: Option<i64>,
}

/// Malware a scanner found in an image (the server's `ingest::malware` reads the JSON it comes in).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MalwareRecord {
    pub name: String,
    pub category: Option<String>,
    /// 1 to 5, as findings.
    pub severity: u8,
    pub file: Option<String>,
    /// The infected file's sha-256.
    pub sha256: Option<String>,
}

/// What an ingestion stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Ingested {
    pub format: String,
    pub image_sha: String,
    pub image_uuid: String,
    pub software: usize,
    pub vulnerabilities: usize,
    pub secrets: usize,
    pub malware: usize,
}

/// `{"count": n, "data": [secret]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SecretList {
    pub count: u64,
    pub data: Vec<SecretRecord>,
}

/// `{"count": n, "data": [malware]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MalwareList {
    pub count: u64,
    pub data: Vec<MalwareRecord>,
}
