//! The bulk `/list` endpoints' cursor and `Link` header.
//!
//! The cursor is opaque (`paginationQuery=c1.<row id>`): rows are visited in row-id order, and
//! rows added while a client pages get higher ids, so following the links visits every matching
//! row exactly once.

use crate::error::ApiError;
use crate::routes::json;
use crate::routes::params::{BulkParams, RawQuery};
use crate::store::Entity;
use crate::AppState;
use axum::http::{header, HeaderName, HeaderValue, Uri};
use axum::response::Response;
use shipshape_model::request::percent_encode;
use shipshape_model::{BulkResponse, Extensible};

const PREFIX: &str = "c1.";

pub fn parse_cursor(cursor: Option<&str>) -> Result<i64, ApiError> {
    match cursor {
        None => Ok(0),
        Some(c) => c
            .strip_prefix(PREFIX)
            .filter(|n| (1..=18).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<i64>().ok())
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
pub fn next_url(origin: &str, uri: &Uri, q: &RawQuery, next_cursor: &str) -> String {
    let mut parts: Vec<String> =
        q.0.iter()
            .filter(|(k, _)| k != "paginationQuery")
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
    parts.push(format!("paginationQuery={}", percent_encode(next_cursor)));
    format!("{origin}{}?{}", uri.path(), parts.join("&"))
}

/// `Link: <url>;rel=next`. The name is written capitalised on the wire (the server turns on
/// title-case header names), because some clients look it up case-sensitively.
pub fn link_header(url: &str) -> (HeaderName, HeaderValue) {
    (
        header::LINK,
        HeaderValue::from_str(&format!("<{url}>;rel=next")).unwrap_or(HeaderValue::from_static("")),
    )
}

/// One page of a bulk `/list` endpoint: full detail objects, and a `Link` to the next page
/// when more rows match.
pub async fn bulk_page(
    state: &AppState,
    entity: Entity,
    origin: &str,
    uri: &Uri,
    q: &RawQuery,
) -> Result<Response, ApiError> {
    // Read from the query the `Link` header copies: it is decoded once.
    let p: BulkParams = q.parse()?;
    let limit = p.limit.unwrap_or_default();
    let after = parse_cursor(p.pagination_query.as_deref())?;
    let filter =
        crate::routes::params::parse_filter(entity, p.filter.as_deref(), crate::store::now_ms())?;
    // One more than the limit tells whether a next page exists.
    let mut ids = state
        .store
        .ids_after(&filter, after, limit.get() + 1)
        .await?;
    let more = ids.len() > limit.get() as usize;
    ids.truncate(limit.get() as usize);
    let extensions = p.include.is_some();
    let contract = shipshape_model::Contract::of_path(uri.path());
    let mut res = match entity {
        Entity::Vulnerability | Entity::Audit => {
            return Err(ApiError::NotFound(
                "findings and audit entries have no bulk list".into(),
            ));
        }
        Entity::Image => {
            let data = state.store.image_details_by_ids(&ids).await?;
            json(&BulkResponse {
                data: data
                    .into_iter()
                    .map(|d| d.with_extensions(extensions).in_contract(contract))
                    .collect(),
            })
        }
        Entity::Container => {
            let data = state.store.container_details_by_ids(&ids).await?;
            json(&BulkResponse {
                data: data
                    .into_iter()
                    .map(|d| d.with_extensions(extensions))
                    .collect(),
            })
        }
        Entity::Sensor => {
            let view = state.store.sensor_view(extensions).await?;
            json(&BulkResponse {
                data: (state.store.sensors_by_ids(&ids, &view).await?)
                    .into_iter()
                    .map(|s| s.in_contract(contract))
                    .collect(),
            })
        }
    };
    if let (true, Some(last)) = (more, ids.last()) {
        let (name, value) = link_header(&next_url(origin, uri, q, &cursor(*last)));
        res.headers_mut().insert(name, value);
    }
    Ok(res)
}
