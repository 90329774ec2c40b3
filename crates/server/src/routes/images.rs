//! Images: list, bulk list, detail, findings, software, associations, delete.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::bulk;
use crate::routes::json;
use crate::routes::params::{BulkParams, DetailParams, ImageListParams, Params, RawQuery};
use crate::store::Entity;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::response::{IntoResponse, Response};
use shipshape_model::{
    Extensible, ImageAssociation, ImageVulnResponse, ListResponse, SoftwareResponse,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_images, delete_images))
        .routes(routes!(bulk_images))
        .routes(routes!(image_details))
        .routes(routes!(image_vulns))
        .routes(routes!(image_vuln_count))
        .routes(routes!(image_software))
        .routes(routes!(image_association))
}

#[utoipa::path(get, path = "/images", tag = "images", params(ImageListParams),
    responses((status = 200, body = ListResponse<shipshape_model::Image>)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_images(
    _user: AuthUser,
    State(state): State<AppState>,
    crate::routes::Version(contract): crate::routes::Version,
    Params(p): Params<ImageListParams>,
) -> Result<Response, ApiError> {
    let req = p.request(crate::store::now_ms())?;
    crate::routes::list_page(&state, Entity::Image, req, contract).await
}

#[utoipa::path(get, path = "/images/list", tag = "images", params(BulkParams),
    responses((status = 200, body = shipshape_model::BulkResponse<shipshape_model::ImageDetails>,
               headers(("Link" = String, description = "<next-url>;rel=next, absent on the last page")))),
    security(("bearer" = []), ("basic" = [])))]
pub async fn bulk_images(
    _user: AuthUser,
    State(state): State<AppState>,
    crate::auth::Origin(origin): crate::auth::Origin,
    OriginalUri(uri): OriginalUri,
    q: RawQuery,
) -> Result<Response, ApiError> {
    bulk::bulk_page(&state, Entity::Image, &origin, &uri, &q).await
}

pub(crate) async fn find_image(state: &AppState, sha: &str) -> Result<i64, ApiError> {
    state
        .store
        .image_ref(sha)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No image with sha or id '{sha}'.")))
}

#[utoipa::path(get, path = "/images/{sha}", tag = "images",
    params(("sha" = String, Path, description = "Full sha or 12-hex imageId"), DetailParams),
    responses((status = 200, body = shipshape_model::ImageDetails)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn image_details(
    _user: AuthUser,
    State(state): State<AppState>,
    crate::routes::Version(contract): crate::routes::Version,
    Path(sha): Path<String>,
    Params(p): Params<DetailParams>,
) -> Result<Response, ApiError> {
    let id = find_image(&state, &sha).await?;
    let d = state
        .store
        .image_details_by_ids(&[id])
        .await?
        .pop()
        .ok_or_else(|| ApiError::NotFound(format!("No image '{sha}'.")))?;
    Ok(json(
        &d.with_extensions(p.extensions()).in_contract(contract),
    ))
}

#[utoipa::path(get, path = "/images/{sha}/vuln", tag = "images",
    params(("sha" = String, Path)), responses((status = 200, body = ImageVulnResponse)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn image_vulns(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let id = find_image(&state, &sha).await?;
    let details = state.store.image_vulns(id).await?;
    let vuln_summary = state.store.image_counts(id).await?;
    Ok(json(&ImageVulnResponse {
        details,
        vuln_summary,
    }))
}

#[utoipa::path(get, path = "/images/{sha}/vuln/count", tag = "images",
    params(("sha" = String, Path)), responses((status = 200, body = shipshape_model::SeverityCounts)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn image_vuln_count(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let id = find_image(&state, &sha).await?;
    Ok(json(&state.store.image_counts(id).await?))
}

#[utoipa::path(get, path = "/images/{sha}/software", tag = "images",
    params(("sha" = String, Path)), responses((status = 200, body = SoftwareResponse)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn image_software(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let id = find_image(&state, &sha).await?;
    let data = state.store.image_software(id).await?;
    let mut by_sev = shipshape_model::SeverityCounts::default();
    for s in &data {
        let worst = s.vulnerabilities.as_array().iter().rposition(|n| *n > 0);
        if let Some(i) = worst {
            by_sev.add(i as u8 + 1);
        }
    }
    Ok(json(&SoftwareResponse {
        count: data.len() as u64,
        data,
        software_count_by_severity: Some(by_sev),
    }))
}

#[utoipa::path(get, path = "/images/{sha}/association", tag = "images",
    params(("sha" = String, Path)), responses((status = 200, body = ImageAssociation)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn image_association(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let id = find_image(&state, &sha).await?;
    let containers = state.store.image_containers(id).await?;
    let hosts = state.store.image_hosts(id).await?;
    Ok(json(&ImageAssociation { containers, hosts }))
}

#[utoipa::path(delete, path = "/images", tag = "images",
    params(("imageIds" = Option<Vec<String>>, Query, description = "Repeated: imageIds=a&imageIds=b"),
           ("filter" = Option<String>, Query, format = "qql", max_length = 4096, description = "QQL over images; give ids or a filter, not both")),
    request_body(content = Option<shipshape_model::DeleteRequest>),
    responses((status = 200, body = shipshape_model::DeletionJobRef), (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn delete_images(
    user: AuthUser,
    State(state): State<AppState>,
    q: RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    crate::routes::deletes::delete_assets(state, user, Entity::Image, q, body)
        .await
        .map(IntoResponse::into_response)
}
