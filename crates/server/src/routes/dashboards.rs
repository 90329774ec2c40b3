//! `/csapi/v1.3/dashboards` (extension): each user's dashboards, stored as checked JSON
//! documents. Reading needs any role; creating and changing need `operator`. A change names the
//! version it replaces (`If-Match`, the `ETag` of the document read), so a save from a stale
//! tab is refused (412) instead of overwriting a newer one.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::routes::precondition::{if_match, versioned};
use crate::store::dashboards::{Refused, Stored};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shipshape_model::{Dashboard, DashboardInfo, FieldProblem, Role};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_dashboards, create_dashboard))
        .routes(routes!(set_landing))
        .routes(routes!(get_dashboard, update_dashboard, delete_dashboard))
        .routes(routes!(duplicate_dashboard))
        .routes(routes!(share_dashboard))
}

/// `{"data": [...]}`: the dashboards the caller can see.
#[derive(Serialize, ToSchema)]
pub struct DashboardList {
    data: Vec<DashboardInfo>,
}

/// `{"shared": true}`: everyone can view the dashboard (only its owner changes it).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Sharing {
    shared: bool,
}

/// `{"id": "<dashboard id>"}`, or `{"id": null}` for no landing page.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Landing {
    id: Option<String>,
}

fn refused(e: Refused, id: &str) -> ApiError {
    match e {
        Refused::NotFound => ApiError::NotFound(format!("No dashboard '{id}' is visible to you.")),
        Refused::NotOwner => ApiError::Forbidden(format!(
            "Dashboard '{id}' belongs to another user: duplicate it to change your own copy."
        )),
        Refused::Stale => ApiError::PreconditionFailed(format!(
            "Dashboard '{id}' was saved elsewhere (another tab or user) since you loaded it; \
             reload it and make your change again."
        )),
        Refused::Db(e) => e.into(),
    }
}

/// A checked document from a request body, or a 400 naming the widget and the field.
fn document(body: &Bytes) -> Result<Dashboard, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::BadRequest("The body is not UTF-8 text.".into()))?;
    Dashboard::import(text).map_err(|e| ApiError::Fields {
        message: format!(
            "The dashboard was not saved: {}.",
            e.to_string().trim_end_matches('.')
        ),
        details: vec![FieldProblem {
            field: match &e.widget {
                Some(w) => format!("widgets[{w}].{}", e.field),
                None => e.field.clone(),
            },
            message: e.message,
        }],
    })
}

/// The document with its version as the `ETag`.
fn with_etag(s: &Stored, status: StatusCode) -> Response {
    versioned(&s.doc, s.info.version as i64, status)
}

#[utoipa::path(get, path = "/dashboards", tag = "dashboards",
    responses((status = 200, body = DashboardList)), security(("bearer" = []), ("basic" = [])))]
pub async fn list_dashboards(
    user: AuthUser,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let data = state
        .store
        .dashboards(&user.name)
        .await?
        .into_iter()
        .map(|s| s.info)
        .collect();
    Ok(json(&DashboardList { data }))
}

#[utoipa::path(post, path = "/dashboards", tag = "dashboards", request_body = Dashboard,
    responses((status = 201, body = Dashboard, headers(("ETag" = String))), (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn create_dashboard(
    user: AuthUser,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let doc = document(&body)?;
    let s = state.store.create_dashboard(&user.name, &doc).await?;
    Ok(with_etag(&s, StatusCode::CREATED))
}

#[utoipa::path(get, path = "/dashboards/{id}", tag = "dashboards", params(("id" = String, Path)),
    responses((status = 200, body = Dashboard, headers(("ETag" = String)))),
    security(("bearer" = []), ("basic" = [])))]
pub async fn get_dashboard(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let s = state
        .store
        .dashboard(&user.name, &id)
        .await?
        .ok_or_else(|| refused(Refused::NotFound, &id))?;
    Ok(with_etag(&s, StatusCode::OK))
}

#[utoipa::path(put, path = "/dashboards/{id}", tag = "dashboards",
    params(("id" = String, Path), ("If-Match" = String, Header, description = "The ETag of the dashboard as loaded")),
    request_body = Dashboard,
    responses((status = 200, body = Dashboard, headers(("ETag" = String))), (status = 403, body = shipshape_model::ErrorBody),
              (status = 412, body = shipshape_model::ErrorBody), (status = 428, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn update_dashboard(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let doc = document(&body)?;
    let version = if_match(&headers, "dashboard")?;
    let s = state
        .store
        .update_dashboard(&user.name, &id, version, &doc)
        .await
        .map_err(|e| refused(e, &id))?;
    Ok(with_etag(&s, StatusCode::OK))
}

#[utoipa::path(delete, path = "/dashboards/{id}", tag = "dashboards", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn delete_dashboard(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    state
        .store
        .delete_dashboard(&user.name, &id)
        .await
        .map_err(|e| refused(e, &id))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/dashboards/{id}/duplicate", tag = "dashboards", params(("id" = String, Path)),
    responses((status = 201, body = Dashboard, headers(("ETag" = String))), (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn duplicate_dashboard(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let s = state
        .store
        .dashboard(&user.name, &id)
        .await?
        .ok_or_else(|| refused(Refused::NotFound, &id))?;
    let mut doc = s.doc;
    let copy: String = format!("Copy of {}", doc.name).chars().take(100).collect();
    doc.name = copy;
    let s = state.store.create_dashboard(&user.name, &doc).await?;
    Ok(with_etag(&s, StatusCode::CREATED))
}

#[utoipa::path(put, path = "/dashboards/{id}/sharing", tag = "dashboards", params(("id" = String, Path)),
    request_body = Sharing,
    responses((status = 200, body = DashboardInfo), (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn share_dashboard(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let b: Sharing = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("The JSON body is invalid: {e}")))?;
    let s = state
        .store
        .share_dashboard(&user.name, &id, b.shared)
        .await
        .map_err(|e| refused(e, &id))?;
    Ok(json(&s.info))
}

#[utoipa::path(put, path = "/dashboards/landing", tag = "dashboards", request_body = Landing,
    responses((status = 204, description = "The landing page is set"), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn set_landing(
    user: AuthUser,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: Landing = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("The JSON body is invalid: {e}")))?;
    let id = b.id.as_deref().map(str::trim).filter(|s| !s.is_empty());
    state
        .store
        .set_landing(&user.name, id)
        .await
        .map_err(|e| refused(e, id.unwrap_or("")))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
