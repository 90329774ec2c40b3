//! `DELETE /sensors|images|containers`: ids as repeated query parameters or a JSON body of ids
//! or a QQL filter. Answers at once with a job id; the job does the work.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::routes::params::RawQuery;
use crate::store::jobs::Selection;
use crate::store::Entity;
use crate::AppState;
use axum::body::Bytes;
use axum::response::Response;
use shipshape_model::{DeleteRequest, DeletionJobRef, Role};

/// Most ids one delete request may name.
pub const MAX_IDS: usize = 10_000;

fn ids_param(entity: Entity) -> &'static str {
    match entity {
        Entity::Sensor => "sensorIds",
        Entity::Image => "imageIds",
        Entity::Container => "containerIds",
        Entity::Vulnerability | Entity::Audit => "ids",
    }
}

pub async fn delete_assets(
    state: AppState,
    user: AuthUser,
    entity: Entity,
    query: RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let field = ids_param(entity);
    let mut ids = query.all(field);
    let mut filter = query.get("filter").map(str::to_string);
    if !body.iter().all(u8::is_ascii_whitespace) {
        let bad = |e: String| ApiError::BadRequest(format!("The JSON body is invalid: {e}"));
        let value: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| bad(e.to_string()))?;
        // Only an object: serde would also read a struct from an array of its fields.
        if !value.is_object() {
            return Err(bad(format!(
                "expected an object such as {{\"{field}\": [\"…\"]}} or {{\"filter\": \"…\"}}"
            )));
        }
        let req: DeleteRequest = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        let given = match entity {
            Entity::Sensor => req.sensor_ids,
            Entity::Image => req.image_ids,
            Entity::Container => req.container_ids,
            Entity::Vulnerability | Entity::Audit => None,
        };
        ids.extend(
            given
                .unwrap_or_default()
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        );
        if req.filter.is_some() {
            filter = req.filter;
        }
    }
    let filter = filter.filter(|f| !f.trim().is_empty());
    let selection = match (ids.is_empty(), filter) {
        (false, Some(_)) => {
            return Err(ApiError::BadRequest(format!(
                "Give either {field} or a filter, not both."
            )))
        }
        (true, None) => {
            return Err(ApiError::field(
                field,
                format!(
                    "name at least one id (or send a filter) to delete {}",
                    entity.plural()
                ),
            ))
        }
        (false, None) if ids.len() > MAX_IDS => {
            return Err(ApiError::field(
                field,
                format!("names {} ids; at most {MAX_IDS} per request", ids.len()),
            ))
        }
        (false, None) => Selection::Ids { ids },
        (true, Some(f)) => {
            // Checked now, so a bad query is a 400 here and not a failed job later; the job
            // keeps the QQL as written and the instant its relative dates resolve at.
            let now_ms = crate::store::now_ms();
            crate::routes::params::parse_filter(entity, Some(&f), now_ms)?;
            Selection::Filter { filter: f, now_ms }
        }
    };
    let job_id = state
        .store
        .create_deletion_job(entity, &selection, &user.name)
        .await?;
    state.jobs.spawn(job_id.clone());
    Ok(json(&DeletionJobRef {
        deletion_job_id: job_id,
    }))
}
