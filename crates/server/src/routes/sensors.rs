//! Sensors: list, detail, delete.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::routes::params::RawQuery;
use crate::store::sensors::SensorView;
use crate::store::Entity;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use shipshape_model::ListResponse;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sensors", get(list_sensors).delete(delete_sensors))
        .route("/sensors/{uuid}", get(sensor_details))
}

#[utoipa::path(get, path = "/csapi/v1.3/sensors", tag = "sensors",
    params(crate::openapi::ListParams),
    responses((status = 200, description = "A page of sensors", body = ListResponse<shipshape_model::Sensor>),
              (status = 400, body = shipshape_model::ErrorBody), (status = 401, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_sensors(
    _user: AuthUser,
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Response, ApiError> {
    crate::routes::list_page(&state, Entity::Sensor, &q).await
}

#[utoipa::path(get, path = "/csapi/v1.3/sensors/{uuid}", tag = "sensors",
    params(("uuid" = String, Path, description = "Sensor uuid or sensorId"), crate::openapi::IncludeParam),
    responses((status = 200, body = shipshape_model::Sensor), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn sensor_details(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(uuid): Path<String>,
    q: RawQuery,
) -> Result<Response, ApiError> {
    let release = state.store.sensor_release().await?;
    let view = SensorView {
        extensions: q.extensions(),
        latest_version: release.as_ref().map(|r| r.version.as_str()),
    };
    match state.store.sensor_by_uuid(uuid.trim(), &view).await? {
        Some(s) => Ok(json(&s)),
        None => Err(ApiError::NotFound(format!("No sensor with uuid '{uuid}'."))),
    }
}

#[utoipa::path(delete, path = "/csapi/v1.3/sensors", tag = "sensors",
    params(("sensorIds" = Option<Vec<String>>, Query, description = "Repeated: sensorIds=a&sensorIds=b"),
           ("filter" = Option<String>, Query, description = "QQL over sensors")),
    request_body(content = Option<shipshape_model::DeleteRequest>, description = "{\"sensorIds\": […]} or {\"filter\": \"…\"}"),
    responses((status = 200, body = shipshape_model::DeletionJobRef), (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn delete_sensors(
    user: AuthUser,
    State(state): State<AppState>,
    q: RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    crate::routes::deletes::delete_assets(state, user, Entity::Sensor, q, body).await
}
