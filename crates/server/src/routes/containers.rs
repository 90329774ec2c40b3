//! Containers: list, bulk list, detail, findings, software, delete.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::bulk;
use crate::routes::json;
use crate::routes::params::{BulkParams, ContainerListParams, DetailParams, Params, RawQuery};
use crate::store::Entity;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use shipshape_model::{
    ContainerVulnDetails, ContainerVulnResponse, Extensible, ListResponse, SoftwareResponse,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_containers, delete_containers))
        .routes(routes!(bulk_containers))
        .routes(routes!(container_details))
        .routes(routes!(container_vulns))
        .routes(routes!(container_vuln_count))
        .routes(routes!(container_software))
}

#[utoipa::path(get, path = "/containers", tag = "containers", params(ContainerListParams),
    responses((status = 200, body = ListResponse<shipshape_model::Container>)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_containers(
    _user: AuthUser,
    State(state): State<AppState>,
    crate::routes::Version(contract): crate::routes::Version,
    Params(p): Params<ContainerListParams>,
) -> Result<Response, ApiError> {
    let req = p.request(crate::store::now_ms())?;
    crate::routes::list_page(&state, Entity::Container, req, contract).await
}

#[utoipa::path(get, path = "/containers/list", tag = "containers", params(BulkParams),
    responses((status = 200, body = shipshape_model::BulkResponse<shipshape_model::ContainerDetails>,
               headers(("Link" = String, description = "<next-url>;rel=next, absent on the last page")))),
    security(("bearer" = []), ("basic" = [])))]
pub async fn bulk_containers(
    _user: AuthUser,
    State(state): State<AppState>,
    crate::auth::Origin(origin): crate::auth::Origin,
    OriginalUri(uri): OriginalUri,
    q: RawQuery,
) -> Result<Response, ApiError> {
    bulk::bulk_page(&state, Entity::Container, &origin, &uri, &q).await
}

async fn find_container(state: &AppState, sha: &str) -> Result<(i64, i64), ApiError> {
    state
        .store
        .container_ref(sha)
        .await?
        .map(|r| (r.id, r.image_ref))
        .ok_or_else(|| ApiError::NotFound(format!("No container with sha or id '{sha}'.")))
}

#[utoipa::path(get, path = "/containers/{sha}", tag = "containers",
    params(("sha" = String, Path, description = "Full sha or 12-hex containerId"), DetailParams),
    responses((status = 200, body = shipshape_model::ContainerDetails)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn container_details(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
    Params(p): Params<DetailParams>,
) -> Result<Response, ApiError> {
    let d = state
        .store
        .container_details(&sha)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No container with sha or id '{sha}'.")))?;
    Ok(json(&d.with_extensions(p.extensions())))
}

#[utoipa::path(get, path = "/containers/{sha}/vuln", tag = "containers",
    params(("sha" = String, Path)), responses((status = 200, body = ContainerVulnResponse)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn container_vulns(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let (id, image) = find_container(&state, &sha).await?;
    let vulns = state.store.image_vulns(image).await?;
    let vuln_summary = state.store.container_counts(id).await?;
    Ok(json(&ContainerVulnResponse {
        details: ContainerVulnDetails { vulns },
        vuln_summary,
    }))
}

#[utoipa::path(get, path = "/containers/{sha}/vuln/count", tag = "containers",
    params(("sha" = String, Path)), responses((status = 200, body = shipshape_model::SeverityCounts)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn container_vuln_count(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let (id, _) = find_container(&state, &sha).await?;
    Ok(json(&state.store.container_counts(id).await?))
}

#[utoipa::path(get, path = "/containers/{sha}/software", tag = "containers",
    params(("sha" = String, Path)), responses((status = 200, body = SoftwareResponse)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn container_software(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let (_, image) = find_container(&state, &sha).await?;
    let data = state.store.image_software(image).await?;
    Ok(json(&SoftwareResponse {
        count: data.len() as u64,
        data,
        software_count_by_severity: None,
    }))
}

#[utoipa::path(delete, path = "/containers", tag = "containers",
    params(("containerIds" = Option<Vec<String>>, Query, description = "Repeated: containerIds=a&containerIds=b"),
           ("filter" = Option<String>, Query, format = "qql", max_length = 4096, description = "QQL over containers; give ids or a filter, not both")),
    request_body(content = Option<shipshape_model::DeleteRequest>),
    responses((status = 200, body = shipshape_model::DeletionJobRef), (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn delete_containers(
    user: AuthUser,
    State(state): State<AppState>,
    q: RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    crate::routes::deletes::delete_assets(state, user, Entity::Container, q, body).await
}
