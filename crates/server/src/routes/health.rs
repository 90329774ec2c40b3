//! Liveness and readiness, without auth.

use crate::routes::json;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// The process is up.
#[derive(Serialize, ToSchema)]
pub struct Liveness {
    /// Always `ok`.
    status: &'static str,
}

/// Whether the database answers.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` or `not ready`.
    status: &'static str,
    /// `ok` or `unreachable`.
    database: &'static str,
}

#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "The process is up", body = Liveness)))]
pub async fn healthz() -> Response {
    json(&Liveness { status: "ok" })
}

#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, description = "The database answers", body = Readiness),
              (status = 503, description = "The database does not answer", body = Readiness)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.store.ping().await {
        json(&Readiness {
            status: "ready",
            database: "ok",
        })
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json(&Readiness {
                status: "not ready",
                database: "unreachable",
            }),
        )
            .into_response()
    }
}
