//! Background jobs (deletions) and their outcome.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Queued,
    Running,
    Completed,
    Failed,
}

/// `GET /csapi/v1.3/jobs/{id}` (extension).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: String,
    /// `DELETE_SENSORS`, `DELETE_IMAGES`, `DELETE_CONTAINERS` or `RETENTION`.
    pub kind: String,
    pub status: JobStatus,
    pub requested_by: String,
    pub created: crate::EpochMillis,
    pub finished: Option<crate::EpochMillis>,
    /// How many records matched the request.
    pub requested: u64,
    pub deleted: u64,
    /// Records that were not deleted, each with the reason.
    pub skipped: Vec<SkippedRecord>,
    pub error: Option<String>,
    /// A retention purge (`kind` `RETENTION`): its trigger, policy and counts per kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<crate::retention::RetentionRun>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkippedRecord {
    pub id: String,
    pub reason: String,
}
