//! The bulk `/list` endpoints' cursor and `Link` header.
//!
//! The cursor is opaque (`paginationQuery=c1.<row id>`): rows are visited in row-id order, and
//! rows added while a client pages get higher ids, so following the links visits every matching
//! row exactly once.

use crate::error::ApiError;
use crate::routes::params::RawQuery;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Uri};
use shipshape_model::request::percent_encode;

const PREFIX: &str = "c1.";

pub fn parse_cursor(q: &RawQuery) -> Result<i64, ApiError> {
    match q.get("paginationQuery").map(str::trim) {
        None | Some("") => Ok(0),
        Some(c) => c
            .strip_prefix(PREFIX)
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .ok_or_else(|| {
                ApiError::field(
                    "paginationQuery",
                    "is not a cursor this server issued (take it from the Link header)",
                )
            }),
    }
}

pub fn cursor(last_id: i64) -> String {
    format!("{PREFIX}{last_id}")
}

/// The next page's absolute URL: the request's own parameters first (`limit`, `filter`, …),
/// `paginationQuery` last.
pub fn next_url(
    headers: &HeaderMap,
    uri: &Uri,
    tls: bool,
    q: &RawQuery,
    next_cursor: &str,
) -> String {
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v == "http" || *v == "https")
        .unwrap_or(if tls { "https" } else { "http" });
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .unwrap_or("localhost");
    let mut parts: Vec<String> =
        q.0.iter()
            .filter(|(k, _)| k != "paginationQuery")
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
    parts.push(format!("paginationQuery={}", percent_encode(next_cursor)));
    format!("{scheme}://{host}{}?{}", uri.path(), parts.join("&"))
}

/// `Link: <url>;rel=next`. The name is written capitalised on the wire (the server turns on
/// title-case header names), because some clients look it up case-sensitively.
pub fn link_header(url: &str) -> (HeaderName, HeaderValue) {
    (
        header::LINK,
        HeaderValue::from_str(&format!("<{url}>;rel=next")).unwrap_or(HeaderValue::from_static("")),
    )
}
