//! `/csapi/v1.3/settings/…` (extension): data retention and the latest sensor release.
//!
//! Reading needs any role; changing a setting and starting a purge need `admin`. Each setting
//! is read with an `ETag` and changed with `If-Match` (`routes::precondition`); every change
//! is in the audit log with the value before and after.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::routes::precondition::{if_match, versioned};
use crate::store::now_ms;
use crate::store::retention::RetentionStart;
use crate::store::settings::PutRefused;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use shipshape_model::release::SensorRelease;
use shipshape_model::retention::{RetentionCounts, RetentionPolicy, RetentionRun};
use shipshape_model::{FieldProblem, Role};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_retention, put_retention))
        .routes(routes!(preview_retention))
        .routes(routes!(run_retention))
        .routes(routes!(retention_history))
        .routes(routes!(get_sensor_release, put_sensor_release))
}

const POLICY: &str = "data retention policy";
const RELEASE: &str = "sensor release";

/// `{"jobId": "…"}`: the purge run that was queued (or the one already under way).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunStarted {
    job_id: String,
}

/// `{"data": [...]}`: purge runs, newest first.
#[derive(Serialize, ToSchema)]
pub struct RetentionHistory {
    data: Vec<RetentionRun>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Most runs in the answer (1 to 100; 20 when absent).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
}

/// The latest sensor release; every field is null while none was set.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SensorReleaseSetting {
    version: Option<String>,
    release_notes_url: Option<String>,
    release_date: Option<String>,
}

impl From<Option<SensorRelease>> for SensorReleaseSetting {
    fn from(r: Option<SensorRelease>) -> Self {
        Self {
            version: r.as_ref().map(|r| r.version.clone()),
            release_notes_url: r.as_ref().and_then(|r| r.release_notes_url.clone()),
            release_date: r.and_then(|r| r.release_date),
        }
    }
}

/// A body as JSON, or a 400 saying why it is not.
fn json_body(body: &Bytes) -> Result<serde_json::Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("The body is not valid JSON: {e}.")))
}

/// Field problems as the 400 that names each field.
fn refused_fields(what: &str, problems: Vec<FieldProblem>) -> ApiError {
    ApiError::fields(&format!("The {what} was not saved"), problems)
}

fn stale(what: &str) -> ApiError {
    ApiError::PreconditionFailed(format!(
        "Someone else changed the {what} since you loaded it; reload it and make your change again."
    ))
}

fn put_refused(e: PutRefused, what: &str) -> ApiError {
    match e {
        PutRefused::Stale => stale(what),
        PutRefused::Db(e) => e.into(),
    }
}

#[utoipa::path(get, path = "/settings/dataRetention", tag = "settings",
    responses((status = 200, body = RetentionPolicy, headers(("ETag" = String)))),
    security(("bearer" = []), ("basic" = [])))]
pub async fn get_retention(
    _user: AuthUser,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let (policy, version) = state.store.retention_policy().await?;
    Ok(versioned(&policy, version, StatusCode::OK))
}

#[utoipa::path(put, path = "/settings/dataRetention", tag = "settings",
    params(("If-Match" = String, Header, description = "The ETag of the policy as loaded")),
    request_body = RetentionPolicy,
    responses((status = 200, body = RetentionPolicy, headers(("ETag" = String))),
              (status = 400, body = shipshape_model::ErrorBody), (status = 403, body = shipshape_model::ErrorBody),
              (status = 412, body = shipshape_model::ErrorBody), (status = 428, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn put_retention(
    user: AuthUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let policy =
        RetentionPolicy::from_json(&json_body(&body)?).map_err(|p| refused_fields(POLICY, p))?;
    let expected = if_match(&headers, POLICY)?;
    let version = state
        .store
        .put_retention_policy(&policy, expected as i64, &user.name)
        .await
        .map_err(|e| put_refused(e, POLICY))?;
    Ok(versioned(&policy, version, StatusCode::OK))
}

#[utoipa::path(post, path = "/settings/dataRetention/preview", tag = "settings",
    request_body(content = Option<RetentionPolicy>, description = "The policy to preview; none (an empty body) previews the saved one"),
    responses((status = 200, body = RetentionCounts), (status = 400, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn preview_retention(
    _user: AuthUser,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let blank = body.iter().all(u8::is_ascii_whitespace);
    let policy = match blank {
        true => state.store.retention_policy().await?.0,
        false => match json_body(&body)? {
            serde_json::Value::Null => state.store.retention_policy().await?.0,
            v => RetentionPolicy::from_json(&v)
                .map_err(|p| ApiError::fields("The policy cannot be previewed", p))?,
        },
    };
    let counts = state.store.retention_preview(&policy, now_ms()).await?;
    Ok(json(&counts))
}

#[utoipa::path(post, path = "/settings/dataRetention/run", tag = "settings",
    responses((status = 202, body = RunStarted), (status = 403, body = shipshape_model::ErrorBody),
              (status = 409, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn run_retention(
    user: AuthUser,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let (policy, _) = state.store.retention_policy().await?;
    if !policy.enabled {
        return Err(ApiError::Conflict(
            "Data retention is switched off, so a purge would delete nothing: switch it on \
             (PUT …/settings/dataRetention with \"enabled\": true) first."
                .into(),
        ));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let job_id = match state.store.start_retention(&id, &user.name).await? {
        RetentionStart::Queued(id) => {
            state.jobs.spawn(id.clone());
            id
        }
        RetentionStart::Joined(id) => id,
        RetentionStart::AlreadyDone => {
            return Err(ApiError::Conflict("That purge run is already over.".into()))
        }
    };
    let mut res = json(&RunStarted { job_id });
    *res.status_mut() = StatusCode::ACCEPTED;
    Ok(res)
}

#[utoipa::path(get, path = "/settings/dataRetention/history", tag = "settings", params(HistoryParams),
    responses((status = 200, body = RetentionHistory), (status = 400, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn retention_history(
    _user: AuthUser,
    State(state): State<AppState>,
    params: Result<Query<HistoryParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = params.map_err(|e| ApiError::field("limit", e.body_text()))?;
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::field(
            "limit",
            format!("{limit} is out of range: give 1 to 100"),
        ));
    }
    let data = state.store.retention_runs(limit).await?;
    Ok(json(&RetentionHistory { data }))
}

#[utoipa::path(get, path = "/settings/sensorRelease", tag = "settings",
    responses((status = 200, body = SensorReleaseSetting, headers(("ETag" = String)))),
    security(("bearer" = []), ("basic" = [])))]
pub async fn get_sensor_release(
    _user: AuthUser,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let (release, version) = state.store.sensor_release_versioned().await?;
    let body = SensorReleaseSetting::from(release);
    Ok(versioned(&body, version, StatusCode::OK))
}

#[utoipa::path(put, path = "/settings/sensorRelease", tag = "settings",
    params(("If-Match" = String, Header, description = "The ETag of the release as loaded")),
    request_body = SensorRelease,
    responses((status = 200, body = SensorReleaseSetting, headers(("ETag" = String))),
              (status = 400, body = shipshape_model::ErrorBody), (status = 403, body = shipshape_model::ErrorBody),
              (status = 412, body = shipshape_model::ErrorBody), (status = 428, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn put_sensor_release(
    user: AuthUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let release =
        SensorRelease::from_json(&json_body(&body)?).map_err(|p| refused_fields(RELEASE, p))?;
    let expected = if_match(&headers, RELEASE)?;
    let version = state
        .store
        .put_sensor_release(&release, expected as i64, &user.name)
        .await
        .map_err(|e| put_refused(e, RELEASE))?;
    let body = SensorReleaseSetting::from(Some(release));
    Ok(versioned(&body, version, StatusCode::OK))
}
