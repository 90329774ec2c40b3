//! Recent and saved searches (extension), for the console's search bar. Each user sees only
//! their own; queries are checked with the same strict QQL parser the lists use.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::routes::params::Params;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shipshape_model::searches::{
    saved_search_name_problem, NewRecentSearch, NewSavedSearch, SavedSearch, SearchEntity, Searches,
};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_searches))
        .routes(routes!(add_recent))
        .routes(routes!(save_search))
        .routes(routes!(delete_saved))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchesParams {
    /// The list whose searches to return.
    #[param(inline)]
    entity: SearchEntity,
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
            shipshape_qql::Entity::Vulnerability => crate::store::Entity::Vulnerability,
            shipshape_qql::Entity::Audit => crate::store::Entity::Audit,
        },
        Some(q),
        crate::store::now_ms(),
    )?;
    Ok(q.to_string())
}

#[utoipa::path(get, path = "/searches", tag = "searches", params(SearchesParams),
    responses((status = 200, body = Searches)), security(("bearer" = []), ("basic" = [])))]
pub async fn list_searches(
    user: AuthUser,
    State(state): State<AppState>,
    Params(p): Params<SearchesParams>,
) -> Result<Response, ApiError> {
    let name = p.entity.as_str();
    let recent = state.store.recent_searches(&user.name, name).await?;
    let saved = state.store.saved_searches(&user.name, name).await?;
    Ok(json(&Searches { recent, saved }))
}

#[utoipa::path(post, path = "/searches/recent", tag = "searches", request_body = NewRecentSearch,
    responses((status = 204, description = "Kept")), security(("bearer" = []), ("basic" = [])))]
pub async fn add_recent(
    user: AuthUser,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: NewRecentSearch = crate::routes::json_body(&body)?;
    let name = b.entity.as_str();
    let query = check_query(b.entity.qql(), &b.query)?;
    state
        .store
        .add_recent_search(&user.name, name, &query)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/searches/saved", tag = "searches", request_body = NewSavedSearch,
    responses((status = 201, body = SavedSearch), (status = 409, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn save_search(
    user: AuthUser,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: NewSavedSearch = crate::routes::json_body(&body)?;
    let name = b.entity.as_str();
    if let Some(why) = saved_search_name_problem(&b.name) {
        return Err(ApiError::field("name", why));
    }
    let title = b.name.trim();
    let query = check_query(b.entity.qql(), &b.query)?;
    if state.store.saved_search_count(&user.name, name).await? >= crate::store::searches::SAVED_MAX
    {
        return Err(ApiError::Conflict(format!(
            "You already keep {} saved searches for {name}; delete one first.",
            crate::store::searches::SAVED_MAX
        )));
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

#[utoipa::path(delete, path = "/searches/saved/{id}", tag = "searches",
    params(("id" = String, Path)), responses((status = 204, description = "Deleted")),
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
