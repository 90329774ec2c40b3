//! The audit log as `GET /csapi/v1.3/audit` answers it.

use serde::{Deserialize, Serialize};

/// One change: who, when, what, and its details (before and after for settings and profiles;
/// the filter or ids and the counts for deletions and purges).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub id: i64,
    /// Epoch milliseconds.
    pub at: i64,
    /// A user's name, or `schedule` for the server's own jobs.
    pub actor: String,
    pub action: String,
    /// For long actions: `STARTED`, then `COMPLETED` or `FAILED`.
    pub status: Option<String>,
    /// When a long action ended (epoch milliseconds).
    pub completed: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
}
