//! `GET /csapi/v1.3/jobs/{id}` (extension): the outcome of a deletion or a purge, for the user
//! who asked for it and for admins (to anyone else it does not exist).

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_job))
}

#[utoipa::path(get, path = "/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "deletionJobId")),
    responses((status = 200, body = shipshape_model::Job)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn get_job(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    match state.store.job(&id).await? {
        Some(mut job)
            if job.requested_by == user.name || user.role == shipshape_model::Role::Admin =>
        {
            if job.kind == crate::store::retention::JOB_KIND {
                job.retention = state.store.retention_run(&id).await?;
            }
            Ok(json(&job))
        }
        _ => Err(ApiError::NotFound(format!("No job with id '{id}'."))),
    }
}
