//! `GET /csapi/v1.3/{sensors|images|containers|vulnerabilities}/aggregate` (extension): matching
//! rows counted per value of a token, for the dashboard's widgets. `vulnerabilities` counts
//! findings (one per vulnerability found in an image), which have no list of their own.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::routes::params::{findings_qql_schema, parse_filter, qql_schema, Params};
use crate::store::aggregate::groupable_tokens;
use crate::store::Entity;
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use shipshape_model::{AggregateGroup, AggregateResponse, GroupLimit};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(aggregate_sensors))
        .routes(routes!(aggregate_images))
        .routes(routes!(aggregate_containers))
        .routes(routes!(aggregate_vulnerabilities))
}

/// The tokens `entity` can be grouped by.
fn group_schema(entity: Entity) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(groupable_tokens(entity).collect::<Vec<_>>()))
        .description(Some(
            "The token whose values make the groups: a keyword, boolean, number or text token.",
        ))
        .into()
}

/// The parameters of one entity's aggregate, with its own group-by tokens (`$group`, a
/// required parameter whose schema lists them).
macro_rules! aggregate_params {
    ($name:ident, $group:ident, $entity:expr) => {
        aggregate_params!($name, $group, $entity, qql_schema);
    };
    ($name:ident, $group:ident, $entity:expr, $qql:ident) => {
        #[derive(Debug, Deserialize)]
        #[serde(transparent)]
        pub struct $group(String);

        impl utoipa::PartialSchema for $group {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                group_schema($entity)
            }
        }

        impl utoipa::ToSchema for $group {}

        #[derive(Debug, Deserialize, IntoParams)]
        #[serde(rename_all = "camelCase")]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            #[param(schema_with = $qql)]
            pub filter: Option<String>,
            /// The token whose values make the groups.
            #[param(inline)]
            pub group_by: $group,
            /// Most groups in the answer.
            #[param(inline)]
            pub limit: Option<GroupLimit>,
        }

        impl From<$name> for Request {
            fn from(p: $name) -> Request {
                Request {
                    filter: p.filter,
                    group_by: p.group_by.0,
                    limit: p.limit.unwrap_or_default(),
                }
            }
        }
    };
}

aggregate_params!(SensorAggregateParams, SensorGroupBy, Entity::Sensor);
aggregate_params!(ImageAggregateParams, ImageGroupBy, Entity::Image);
aggregate_params!(
    ContainerAggregateParams,
    ContainerGroupBy,
    Entity::Container
);
aggregate_params!(
    VulnerabilityAggregateParams,
    VulnerabilityGroupBy,
    Entity::Vulnerability,
    findings_qql_schema
);

struct Request {
    filter: Option<String>,
    group_by: String,
    limit: GroupLimit,
}

async fn aggregate(state: &AppState, entity: Entity, r: Request) -> Result<Response, ApiError> {
    let filter = parse_filter(entity, r.filter.as_deref(), crate::store::now_ms())?;
    let unknown = || {
        let tokens: Vec<&str> = groupable_tokens(entity).collect();
        ApiError::field(
            "groupBy",
            format!(
                "'{}' cannot group {}; use one of: {}",
                r.group_by,
                entity.plural(),
                tokens.join(", ")
            ),
        )
    };
    let (total, groups) = state
        .store
        .aggregate(&filter, &r.group_by, r.limit.get())
        .await?
        .ok_or_else(unknown)?;
    Ok(json(&AggregateResponse {
        total,
        groups: groups
            .into_iter()
            .map(|g| AggregateGroup {
                key: g.k,
                count: g.n.max(0) as u64,
            })
            .collect(),
    }))
}

#[utoipa::path(get, path = "/sensors/aggregate", tag = "dashboards", params(SensorAggregateParams),
    responses((status = 200, body = AggregateResponse)), security(("bearer" = []), ("basic" = [])))]
pub async fn aggregate_sensors(
    _user: AuthUser,
    State(state): State<AppState>,
    Params(p): Params<SensorAggregateParams>,
) -> Result<Response, ApiError> {
    aggregate(&state, Entity::Sensor, p.into()).await
}

#[utoipa::path(get, path = "/images/aggregate", tag = "dashboards", params(ImageAggregateParams),
    responses((status = 200, body = AggregateResponse)), security(("bearer" = []), ("basic" = [])))]
pub async fn aggregate_images(
    _user: AuthUser,
    State(state): State<AppState>,
    Params(p): Params<ImageAggregateParams>,
) -> Result<Response, ApiError> {
    aggregate(&state, Entity::Image, p.into()).await
}

#[utoipa::path(get, path = "/containers/aggregate", tag = "dashboards", params(ContainerAggregateParams),
    responses((status = 200, body = AggregateResponse)), security(("bearer" = []), ("basic" = [])))]
pub async fn aggregate_containers(
    _user: AuthUser,
    State(state): State<AppState>,
    Params(p): Params<ContainerAggregateParams>,
) -> Result<Response, ApiError> {
    aggregate(&state, Entity::Container, p.into()).await
}

#[utoipa::path(get, path = "/vulnerabilities/aggregate", tag = "dashboards",
    params(VulnerabilityAggregateParams),
    responses((status = 200, body = AggregateResponse)), security(("bearer" = []), ("basic" = [])))]
pub async fn aggregate_vulnerabilities(
    _user: AuthUser,
    State(state): State<AppState>,
    Params(p): Params<VulnerabilityAggregateParams>,
) -> Result<Response, ApiError> {
    aggregate(&state, Entity::Vulnerability, p.into()).await
}
