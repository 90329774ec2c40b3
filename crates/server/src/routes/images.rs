//! Images: list, bulk list, detail, findings, software, associations, delete.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::bulk;
use crate::routes::json;
use crate::routes::params::RawQuery;
use crate::store::Entity;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use shipshape_model::{ImageAssociation, ImageVulnResponse, ListResponse, SoftwareResponse};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/images", get(list_images).delete(delete_images))
        .route("/images/list", get(bulk_images))
        .route("/images/{sha}", get(image_details))
        .route("/images/{sha}/vuln", get(image_vulns))
        .route("/images/{sha}/vuln/count", get(image_vuln_count))
        .route("/images/{sha}/software", get(image_software))
        .route("/images/{sha}/association", get(image_association))
}

#[utoipa::path(get, path = "/csapi/v1.3/images", tag = "images", params(crate::openapi::ListParams),
    responses((status = 200, body = ListResponse<shipshape_model::Image>), (status = 400, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_images(
    _user: AuthUser,
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Response, ApiError> {
    crate::routes::list_page(&state, Entity::Image, &q).await
}

#[utoipa::path(get, path = "/csapi/v1.3/images/list", tag = "images", params(crate::openapi::BulkParams),
    responses((status = 200, body = shipshape_model::BulkResponse<shipshape_model::ImageDetails>,
               headers(("Link" = String, description = "<next-url>;rel=next, absent on the last page")))),
    security(("bearer" = []), ("basic" = [])))]
pub async fn bulk_images(
    _user: AuthUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    q: RawQuery,
) -> Result<Response, ApiError> {
    bulk::bulk_page(&state, Entity::Image, &headers, &uri, &q).await
}

async fn find_image(state: &AppState, sha: &str) -> Result<i64, ApiError> {
    state
        .store
        .image_ref(sha)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No image with sha or id '{sha}'.")))
}

#[utoipa::path(get, path = "/csapi/v1.3/images/{sha}", tag = "images",
    params(("sha" = String, Path, description = "Full sha or 12-hex imageId")),
    responses((status = 200, body = shipshape_model::ImageDetails), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn image_details(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
    q: RawQuery,
) -> Result<Response, ApiError> {
    let id = find_image(&state, &sha).await?;
    let d = state
        .store
        .image_details_by_ids(&[id])
        .await?
        .pop()
        .ok_or_else(|| ApiError::NotFound(format!("No image '{sha}'.")))?;
    Ok(json(&d.with_extensions(q.extensions())))
}

#[utoipa::path(get, path = "/csapi/v1.3/images/{sha}/vuln", tag = "images",
    params(("sha" = String, Path)), responses((status = 200, body = ImageVulnResponse), (status = 404, body = shipshape_model::ErrorBody)),
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

#[utoipa::path(get, path = "/csapi/v1.3/images/{sha}/vuln/count", tag = "images",
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

#[utoipa::path(get, path = "/csapi/v1.3/images/{sha}/software", tag = "images",
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

#[utoipa::path(get, path = "/csapi/v1.3/images/{sha}/association", tag = "images",
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

#[utoipa::path(delete, path = "/csapi/v1.3/images", tag = "images",
    params(("imageIds" = Option<Vec<String>>, Query, description = "Repeated: imageIds=a&imageIds=b"),
           ("filter" = Option<String>, Query, description = "QQL over images")),
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
