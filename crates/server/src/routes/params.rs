//! Query-string parsing at the edge: repeated parameters, aliases (`pageNo`), bounds, sort
//! tokens checked against the entity's sortable columns. Bad values are 400s that name the
//! parameter.

use crate::error::ApiError;
use crate::store::{Entity, Filter, ListQuery, Sort};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use shipshape_model::request::decode_query;
use shipshape_model::{BulkLimit, PageNumber, PageSize, SortSpec};

/// The decoded query string, in order, repeated names kept.
#[derive(Clone, Debug, Default)]
pub struct RawQuery(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for RawQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(RawQuery(
            parts.uri.query().map(decode_query).unwrap_or_default(),
        ))
    }
}

impl RawQuery {
    /// The last value of `name` (later values override earlier ones).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`; comma-separated values are split too.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()))
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// True when `include=extensions` was asked for.
    pub fn extensions(&self) -> bool {
        self.all("include")
            .iter()
            .any(|v| v.eq_ignore_ascii_case("extensions"))
    }

    /// The `filter` parameter. Its length limit is the QQL parser's, whose error carries a span.
    pub fn filter(&self) -> Result<Option<&str>, ApiError> {
        Ok(self.get("filter"))
    }
}

/// A whole number from a query parameter, or a 400 that names it.
pub fn int_param(q: &RawQuery, name: &str) -> Result<Option<i64>, ApiError> {
    match q.get(name).map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            ApiError::field(
                name,
                format!("must be a whole number, not '{}'", truncate(v, 40)),
            )
        }),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

/// The `filter` parameter parsed for `entity`, with relative dates resolved at `now_ms`.
pub fn filter(entity: Entity, q: &RawQuery, now_ms: i64) -> Result<Filter, ApiError> {
    parse_filter(entity, q.filter()?, now_ms)
}

/// QQL for `entity`, or a 400 with the parser's sentence and span.
pub fn parse_filter(entity: Entity, text: Option<&str>, now_ms: i64) -> Result<Filter, ApiError> {
    Filter::parse(entity, text, now_ms).map_err(|e| ApiError::Qql {
        message: e.message(),
        span: shipshape_model::Span {
            start: e.span.start,
            end: e.span.end,
        },
    })
}

/// `filter`, `pageNumber`/`pageNo`, `pageSize`, `sort` of a list request.
pub fn list_query(entity: Entity, q: &RawQuery, filter: Filter) -> Result<ListQuery, ApiError> {
    let size = match int_param(q, "pageSize")? {
        Some(v) => PageSize::try_from(v).map_err(|e| ApiError::field("pageSize", e))?,
        None => PageSize::default(),
    };
    let page_value = match int_param(q, "pageNumber")? {
        Some(v) => Some(v),
        None => int_param(q, "pageNo")?,
    };
    let page = match page_value {
        Some(v) => PageNumber::try_from(v).map_err(|e| ApiError::field("pageNumber", e))?,
        None => PageNumber::default(),
    };
    let sort = match q.get("sort").map(str::trim) {
        None | Some("") => Sort::default_for(entity),
        Some(s) => {
            let spec = s
                .parse::<SortSpec>()
                .map_err(|e| ApiError::field("sort", e))?;
            Sort::new(entity, &spec).map_err(|e| ApiError::field("sort", e))?
        }
    };
    Ok(ListQuery {
        filter,
        sort,
        page,
        size,
    })
}

pub fn bulk_limit(q: &RawQuery) -> Result<BulkLimit, ApiError> {
    match int_param(q, "limit")? {
        Some(v) => BulkLimit::try_from(v).map_err(|e| ApiError::field("limit", e)),
        None => Ok(BulkLimit::default()),
    }
}
