//! Liveness and readiness, without auth.

use crate::routes::json;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Response {
    json(&serde_json::json!({"status": "ok"}))
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.store.ping().await {
        json(&serde_json::json!({"status": "ready", "database": "ok"}))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json(&serde_json::json!({"status": "not ready", "database": "unreachable"})),
        )
            .into_response()
    }
}
