//! `/csapi/v1.3/sensorProfile` (compatible `POST` and `PUT`; `GET` and `DELETE` are
//! extensions): named sensor settings — the container scan interval, image exclusions and
//! weekly inactive windows in an IANA time zone — and which sensors use them.
//!
//! Reading needs any role; changes need `admin`. `PUT` checks `If-Match` when it is sent (the
//! console always sends it: a stale save is 412); scripts written for the compatible API do
//! not send it and replace the profile as they always did.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::routes::params::parse_filter;
use crate::routes::precondition::{if_match, versioned};
use crate::store::profiles::ProfileRefused;
use crate::store::{now_ms, Entity};
use crate::windows::ServerChecks;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shipshape_model::profile::{SensorProfile, SensorProfileBody, DEFAULT_PROFILE};
use shipshape_model::{FieldProblem, Role};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_profiles, create_profile))
        .routes(routes!(get_profile, update_profile, delete_profile))
}

/// `{"count": n, "data": [...]}`: every profile, Default first.
#[derive(Serialize, ToSchema)]
pub struct ProfileList {
    count: u64,
    data: Vec<SensorProfile>,
}

const WHAT: &str = "sensor profile";

fn refused(e: ProfileRefused, id: &str) -> ApiError {
    match e {
        ProfileRefused::NotFound => ApiError::NotFound(format!("No sensor profile with id '{id}'.")),
        ProfileRefused::NameTaken(n) => ApiError::Conflict(format!(
            "A sensor profile named '{n}' exists already: choose another name."
        )),
        ProfileRefused::Stale => ApiError::PreconditionFailed(format!(
            "Someone else changed sensor profile '{id}' since you loaded it; reload it and make your change again."
        )),
        ProfileRefused::Default => ApiError::Conflict(
            "The Default profile cannot be deleted: it holds every sensor no other profile claims.".into(),
        ),
        ProfileRefused::Db(e) => e.into(),
    }
}

/// The body checked field by field, its filter as QQL over sensors.
fn body(bytes: &Bytes) -> Result<SensorProfileBody, ApiError> {
    let v: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("The body is not valid JSON: {e}.")))?;
    let body = SensorProfileBody::from_json(&v, &ServerChecks).map_err(fields)?;
    if let Some(f) = body.filter.as_deref() {
        parse_filter(Entity::Sensor, Some(f), now_ms())?;
    }
    Ok(body)
}

fn fields(problems: Vec<FieldProblem>) -> ApiError {
    ApiError::fields("The sensor profile was not saved", problems)
}

#[utoipa::path(get, path = "/sensorProfile", tag = "sensorProfile",
    responses((status = 200, body = ProfileList)), security(("bearer" = []), ("basic" = [])))]
pub async fn list_profiles(
    _user: AuthUser,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let data = state.store.profiles(now_ms()).await?;
    Ok(json(&ProfileList {
        count: data.len() as u64,
        data,
    }))
}

#[utoipa::path(post, path = "/sensorProfile", tag = "sensorProfile", request_body = SensorProfileBody,
    responses((status = 201, body = SensorProfile, headers(("ETag" = String))), (status = 400, body = shipshape_model::ErrorBody),
              (status = 403, body = shipshape_model::ErrorBody), (status = 409, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn create_profile(
    user: AuthUser,
    State(state): State<AppState>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let b = body(&bytes)?;
    if b.profile_name.eq_ignore_ascii_case(DEFAULT_PROFILE) {
        return Err(ApiError::Conflict(
            "The Default profile exists already: change it, or choose another name.".into(),
        ));
    }
    let p = state
        .store
        .create_profile(&b, &user.name)
        .await
        .map_err(|e| refused(e, ""))?;
    let mut res = versioned(&p, p.version, StatusCode::CREATED);
    if let Ok(v) = format!("/csapi/v1.3/sensorProfile/{}", p.id).parse() {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

#[utoipa::path(get, path = "/sensorProfile/{id}", tag = "sensorProfile", params(("id" = String, Path)),
    responses((status = 200, body = SensorProfile, headers(("ETag" = String))), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn get_profile(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let p = state
        .store
        .profile(&id, now_ms())
        .await?
        .ok_or_else(|| refused(ProfileRefused::NotFound, &id))?;
    Ok(versioned(&p, p.version, StatusCode::OK))
}

#[utoipa::path(put, path = "/sensorProfile/{id}", tag = "sensorProfile",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag of the profile as loaded; when sent, a profile changed since is not overwritten (412)")),
    request_body = SensorProfileBody,
    responses((status = 200, body = SensorProfile, headers(("ETag" = String))), (status = 400, body = shipshape_model::ErrorBody),
              (status = 403, body = shipshape_model::ErrorBody), (status = 404, body = shipshape_model::ErrorBody),
              (status = 409, body = shipshape_model::ErrorBody), (status = 412, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn update_profile(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let b = body(&bytes)?;
    let current = state
        .store
        .profile(&id, now_ms())
        .await?
        .ok_or_else(|| refused(ProfileRefused::NotFound, &id))?;
    let expected = match headers.contains_key(header::IF_MATCH) {
        true => if_match(&headers, WHAT)? as i64,
        false => current.version,
    };
    if current.is_default {
        let mut problems = Vec::new();
        if b.profile_name != DEFAULT_PROFILE {
            problems.push(FieldProblem {
                field: "profileName".into(),
                message: "the Default profile keeps its name".into(),
            });
        }
        if b.filter.is_some() || !b.associated_sensor_ids.is_empty() {
            problems.push(FieldProblem {
                field: if b.filter.is_some() { "filter".into() } else { "associatedSensorIds".into() },
                message: "the Default profile holds every sensor no other profile claims: it takes no ids or filter".into(),
            });
        }
        if !problems.is_empty() {
            return Err(fields(problems));
        }
    } else if b.profile_name.eq_ignore_ascii_case(DEFAULT_PROFILE) {
        return Err(ApiError::Conflict(
            "Only the built-in profile is called Default.".into(),
        ));
    }
    let p = state
        .store
        .update_profile(&id, &b, expected, &user.name)
        .await
        .map_err(|e| refused(e, &id))?;
    Ok(versioned(&p, p.version, StatusCode::OK))
}

#[utoipa::path(delete, path = "/sensorProfile/{id}", tag = "sensorProfile", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted; its sensors went back to Default or the next profile that claims them"),
              (status = 403, body = shipshape_model::ErrorBody), (status = 404, body = shipshape_model::ErrorBody),
              (status = 409, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn delete_profile(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    state
        .store
        .delete_profile(&id, &user.name)
        .await
        .map_err(|e| refused(e, &id))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
