//! Optimistic concurrency for documents and settings: a read answers the version as an `ETag`,
//! a change names the version it replaces in `If-Match`. A change without one is refused 428,
//! a change of a version that moved on 412 — never a silent overwrite.

use crate::error::ApiError;
use crate::routes::json;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

/// `value` as JSON with `version` as its `ETag`.
pub fn versioned<T: serde::Serialize>(value: &T, version: i64, status: StatusCode) -> Response {
    let mut res = json(value);
    *res.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// The version an `If-Match` header names (`"3"`, `W/"3"` or `3`); `what` names the document
/// in the messages ("dashboard", "data retention policy").
pub fn if_match(headers: &HeaderMap, what: &str) -> Result<u64, ApiError> {
    let raw = headers
        .get(header::IF_MATCH)
        .ok_or_else(|| {
            ApiError::PreconditionRequired(format!(
                "Send If-Match with the ETag of the {what} you loaded."
            ))
        })?
        .to_str()
        .unwrap_or("");
    raw.trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map_err(|_| {
            ApiError::PreconditionFailed(format!("If-Match '{raw}' is not an ETag of this {what}."))
        })
}
