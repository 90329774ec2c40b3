//! Recent and saved searches (extension), for the console's search bar. Each user sees only
//! their own; queries are checked with the same strict QQL parser the lists use.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::routes::params::RawQuery;
use crate::store::searches::SavedSearch;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/searches", get(list_searches))
        .route("/searches/recent", post(add_recent))
        .route("/searches/saved", post(save_search))
        .route("/searches/saved/{id}", delete(delete_saved))
}

/// `sensors`, `images` or `containers` → the QQL entity.
fn entity(name: &str) -> Result<(&'static str, shipshape_qql::Entity), ApiError> {
    match name {
        "sensors" => Ok(("sensors", shipshape_qql::Entity::Sensor)),
        "images" => Ok(("images", shipshape_qql::Entity::Image)),
        "containers" => Ok(("containers", shipshape_qql::Entity::Container)),
        other => Err(ApiError::field(
            "entity",
            format!("must be sensors, images or containers, not '{other}'"),
        )),
    }
}

fn check_query(e: shipshape_qql::Entity, query: &str) -> Result<String, ApiError> {
    let q = query.trim();
    if q.is_empty() {
        return Err(ApiError::field("query", "is empty"));
    }
    crate::routes::params::parse_filter(
        match e {
            shipshape_qql::Entity::Sensor => crate::store::Entity::Sensor,
            shipshape_qql::Entity::Image => crate::store::Entity::Image,
            shipshape_qql::Entity::Container => crate::store::Entity::Container,
        },
        Some(q),
        crate::store::now_ms(),
    )?;
    Ok(q.to_string())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Searches {
    recent: Vec<crate::store::searches::RecentSearch>,
    saved: Vec<SavedSearch>,
}

#[utoipa::path(get, path = "/csapi/v1.3/searches", tag = "searches",
    params(("entity" = String, Query, description = "sensors, images or containers")),
    responses((status = 200, body = Searches)), security(("bearer" = []), ("basic" = [])))]
pub async fn list_searches(
    user: AuthUser,
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Response, ApiError> {
    let (name, _) = entity(q.get("entity").unwrap_or(""))?;
    let recent = state.store.recent_searches(&user.name, name).await?;
    let saved = state.store.saved_searches(&user.name, name).await?;
    Ok(json(&Searches { recent, saved }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecentBody {
    entity: String,
    query: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaveBody {
    entity: String,
    name: String,
    query: String,
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("The JSON body is invalid: {e}")))
}

#[utoipa::path(post, path = "/csapi/v1.3/searches/recent", tag = "searches",
    request_body(content = String, description = "{\"entity\": \"containers\", \"query\": \"state:RUNNING\"}"),
    responses((status = 204), (status = 400, body = shipshape_model::ErrorBody)), security(("bearer" = []), ("basic" = [])))]
pub async fn add_recent(
    user: AuthUser,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: RecentBody = parse_body(&body)?;
    let (name, e) = entity(&b.entity)?;
    let query = check_query(e, &b.query)?;
    state
        .store
        .add_recent_search(&user.name, name, &query)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/csapi/v1.3/searches/saved", tag = "searches",
    request_body(content = String, description = "{\"entity\": \"containers\", \"name\": \"Root containers\", \"query\": \"isRoot:true\"}"),
    responses((status = 201, body = SavedSearch), (status = 400, body = shipshape_model::ErrorBody), (status = 409, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn save_search(
    user: AuthUser,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: SaveBody = parse_body(&body)?;
    let (name, e) = entity(&b.entity)?;
    let title = b.name.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(ApiError::field("name", "must have 1 to 100 characters"));
    }
    let query = check_query(e, &b.query)?;
    if state.store.saved_search_count(&user.name, name).await? >= crate::store::searches::SAVED_MAX
    {
        return Err(ApiError::field(
            "name",
            format!(
                "you already keep {} saved searches for {name}",
                crate::store::searches::SAVED_MAX
            ),
        ));
    }
    match state
        .store
        .save_search(&user.name, name, title, &query)
        .await?
    {
        Some(saved) => {
            let mut res = json(&saved);
            *res.status_mut() = StatusCode::CREATED;
            Ok(res)
        }
        None => Err(ApiError::Conflict(format!(
            "You already have a saved search called '{title}' for {name}."
        ))),
    }
}

#[utoipa::path(delete, path = "/csapi/v1.3/searches/saved/{id}", tag = "searches",
    params(("id" = String, Path)), responses((status = 204), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn delete_saved(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if state.store.delete_saved_search(&user.name, &id).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound(format!(
            "You have no saved search with id '{id}'."
        )))
    }
}
