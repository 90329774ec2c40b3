//! Sensors: list, detail, delete.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::params::{DetailParams, Params, RawQuery, SensorListParams};
use crate::routes::{json, Version};
use crate::store::Entity;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use shipshape_model::ListResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sensors, delete_sensors))
        .routes(routes!(sensor_details))
}

#[utoipa::path(get, path = "/sensors", tag = "sensors", params(SensorListParams),
    responses((status = 200, description = "A page of sensors", body = ListResponse<shipshape_model::Sensor>)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_sensors(
    _user: AuthUser,
    State(state): State<AppState>,
    Version(contract): Version,
    Params(p): Params<SensorListParams>,
) -> Result<Response, ApiError> {
    let req = p.request(crate::store::now_ms())?;
    crate::routes::list_page(&state, Entity::Sensor, req, contract).await
}

#[utoipa::path(get, path = "/sensors/{uuid}", tag = "sensors",
    params(("uuid" = String, Path, description = "Sensor uuid or sensorId"), DetailParams),
    responses((status = 200, body = shipshape_model::Sensor)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn sensor_details(
    _user: AuthUser,
    State(state): State<AppState>,
    Version(contract): Version,
    Path(uuid): Path<String>,
    Params(p): Params<DetailParams>,
) -> Result<Response, ApiError> {
    let view = state.store.sensor_view(p.extensions()).await?;
    match state.store.sensor_by_uuid(uuid.trim(), &view).await? {
        Some(s) => Ok(json(&s.in_contract(contract))),
        None => Err(ApiError::NotFound(format!("No sensor with uuid '{uuid}'."))),
    }
}

#[utoipa::path(delete, path = "/sensors", tag = "sensors",
    params(("sensorIds" = Option<Vec<String>>, Query, description = "Repeated: sensorIds=a&sensorIds=b"),
           ("filter" = Option<String>, Query, format = "qql", max_length = 4096, description = "QQL over sensors; give ids or a filter, not both")),
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
