//! Query parameters at the edge.
//!
//! Each endpoint's parameters are one struct that the handler receives through [`Params`] and
//! that the OpenAPI document describes through its `IntoParams`: both read the same `#[serde]`
//! names, and the bounded values (`PageSize`, `PageNumber`, `BulkLimit`, `Include`) carry their
//! own bounds into the document, so the document cannot name a parameter the handler does not
//! read or promise a range the handler does not check. Bad values are 400s that name the
//! parameter.

use crate::error::ApiError;
use crate::store::{Entity, Filter, ListQuery, Sort};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::{DeserializeOwned, IntoDeserializer, Visitor};
use serde::Deserialize;
use shipshape_model::request::decode_query;
use shipshape_model::{BulkLimit, Include, PageNumber, PageSize, SortSpec};
use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
use utoipa::IntoParams;

/// The decoded query string, in order, repeated names kept (deletes take repeated ids; the bulk
/// lists copy the request's parameters into their `Link`).
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

    /// `T` read from the query string: a repeated name keeps its last value; unknown names are
    /// ignored (clients send `pageNo`, `token`, cache busters).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let mut last: Vec<(String, String)> = Vec::with_capacity(self.0.len());
        for (k, v) in &self.0 {
            match last.iter_mut().find(|(n, _)| n == k) {
                Some(slot) => slot.1 = v.clone(),
                None => last.push((k.clone(), v.clone())),
            }
        }
        let map = serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(
            last.into_iter().map(|(k, v)| (k, Text(v))),
        );
        serde_path_to_error::deserialize(map).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner().to_string();
            // A missing parameter is reported at the top, with its name in backticks.
            let missing = inner
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split_once('`'))
                .map(|(name, _)| name.to_string());
            match missing {
                Some(name) => ApiError::field(&name, "is required"),
                None if field == "." || field.is_empty() => ApiError::BadRequest(inner),
                None => ApiError::field(&field, inner),
            }
        })
    }
}

/// Typed query parameters (see the module header).
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, ApiError> {
        RawQuery::from_request_parts(parts, s)
            .await?
            .parse()
            .map(Params)
    }
}

/// One query-string value: text that may stand for a number, an enum value or be absent.
struct Text(String);

impl<'de> serde::Deserializer<'de> for Text {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        v.visit_string(self.0)
    }

    /// A name given is a value given, even when empty: `pageSize=` is not a number, while
    /// `filter=` is the empty query (everything).
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        v.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Self::Error> {
        IntoDeserializer::<Self::Error>::into_deserializer(self.0)
            .deserialize_enum(name, variants, v)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, serde::de::value::Error> for Text {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// The format name of QQL text in the document (a custom format: clients see a string).
pub const QQL_FORMAT: &str = "qql";

/// A QQL filter's schema: text up to the parser's length limit.
/// QQL over findings (`vulnerabilities`): their own tokens (`severity`, `qid`, …).
pub const FINDINGS_QQL_FORMAT: &str = "qql-findings";

/// QQL over the audit log: its own tokens (`at`, `actor`, `action`, `status`, `details`).
pub const AUDIT_QQL_FORMAT: &str = "qql-audit";

/// The schema of a QQL filter over the audit log.
pub fn audit_qql_schema() -> ObjectBuilder {
    qql_schema().format(Some(SchemaFormat::Custom(AUDIT_QQL_FORMAT.into())))
}

/// The schema of a QQL filter over findings.
pub fn findings_qql_schema() -> ObjectBuilder {
    qql_schema().format(Some(SchemaFormat::Custom(FINDINGS_QQL_FORMAT.into())))
}

pub fn qql_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::Custom(QQL_FORMAT.into())))
        .max_length(Some(shipshape_qql::MAX_LEN))
        .description(Some(
            "QQL filter, e.g. `state:RUNNING and vulnerabilities.severity:5` (see the QQL \
             reference); absent or empty selects everything. Text that is not valid QQL answers \
             400 with `message` and `span`.",
        ))
}

/// `token:asc` / `token:desc` for every sortable token of `entity`.
fn sort_schema(entity: Entity) -> ObjectBuilder {
    let values: Vec<String> = crate::store::listing::sortable_tokens(entity)
        .flat_map(|t| [format!("{t}:asc"), format!("{t}:desc")])
        .collect();
    let default = format!(
        "{}:desc",
        crate::store::listing::Sort::default_for(entity).token()
    );
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .default(Some(default.clone().into()))
        .description(Some(format!(
            "A sortable token and a direction (default `{default}`)."
        )))
}

fn audit_sort() -> ObjectBuilder {
    sort_schema(Entity::Audit)
}

fn sensor_sort() -> ObjectBuilder {
    sort_schema(Entity::Sensor)
}
fn image_sort() -> ObjectBuilder {
    sort_schema(Entity::Image)
}
fn container_sort() -> ObjectBuilder {
    sort_schema(Entity::Container)
}

/// The parameters every list endpoint shares, once parsed.
pub struct ListRequest {
    pub query: ListQuery,
    pub extensions: bool,
}

/// The parameters of `GET /sensors|images|containers`: one struct per entity, because each
/// has its own sortable tokens.
macro_rules! list_params {
    ($name:ident, $entity:expr, $sort:ident) => {
        list_params!($name, $entity, $sort, qql_schema);
    };
    ($name:ident, $entity:expr, $sort:ident, $qql:ident) => {
        #[derive(Debug, Default, Deserialize, IntoParams)]
        #[serde(rename_all = "camelCase")]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            #[param(schema_with = $qql)]
            pub filter: Option<String>,
            /// 1-based page number; 0 means 1.
            #[param(inline)]
            pub page_number: Option<PageNumber>,
            /// The older name of `pageNumber`, still accepted (`pageNumber` wins).
            #[param(inline)]
            pub page_no: Option<PageNumber>,
            /// Rows per page.
            #[param(inline)]
            pub page_size: Option<PageSize>,
            #[param(schema_with = $sort)]
            pub sort: Option<String>,
            /// `extensions` adds Shipshape's own fields (marked `x-extension`).
            #[param(inline)]
            pub include: Option<Include>,
        }

        impl $name {
            pub fn request(self, now_ms: i64) -> Result<ListRequest, ApiError> {
                let filter = parse_filter($entity, self.filter.as_deref(), now_ms)?;
                let sort = match self.sort.as_deref() {
                    None => Sort::default_for($entity),
                    Some(s) => {
                        let spec = s
                            .parse::<SortSpec>()
                            .map_err(|e| ApiError::field("sort", e))?;
                        Sort::new($entity, &spec).map_err(|e| ApiError::field("sort", e))?
                    }
                };
                Ok(ListRequest {
                    query: ListQuery {
                        filter,
                        sort,
                        page: self.page_number.or(self.page_no).unwrap_or_default(),
                        size: self.page_size.unwrap_or_default(),
                    },
                    extensions: self.include.is_some(),
                })
            }
        }
    };
}

list_params!(SensorListParams, Entity::Sensor, sensor_sort);
list_params!(ImageListParams, Entity::Image, image_sort);
list_params!(ContainerListParams, Entity::Container, container_sort);
list_params!(AuditListParams, Entity::Audit, audit_sort, audit_qql_schema);

/// The parameters of the bulk `/images/list` and `/containers/list`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BulkParams {
    /// Rows per page.
    #[param(inline)]
    pub limit: Option<BulkLimit>,
    #[param(schema_with = qql_schema)]
    pub filter: Option<String>,
    /// The cursor from the previous page's `Link` header (opaque: take it from there).
    #[param(pattern = r"^c1\.[0-9]{1,18}$")]
    pub pagination_query: Option<String>,
    /// `extensions` adds Shipshape's own fields (marked `x-extension`).
    #[param(inline)]
    pub include: Option<Include>,
}

/// The parameter of detail endpoints.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct DetailParams {
    /// `extensions` adds Shipshape's own fields (marked `x-extension`).
    #[param(inline)]
    pub include: Option<Include>,
}

impl DetailParams {
    pub fn extensions(&self) -> bool {
        self.include.is_some()
    }
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
