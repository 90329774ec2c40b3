//! HTTP routes. Each feature owns its router; `app` merges them with the layers every request
//! goes through.

pub mod aggregate;
pub mod audit;
pub mod auth;
pub mod bulk;
pub mod containers;
pub mod dashboards;
pub mod deletes;
pub mod headers;
pub mod health;
pub mod images;
pub mod ingest;
pub mod jobs;
pub mod params;
pub mod precondition;
pub mod profiles;
pub mod reports;
pub mod searches;
pub mod sensorapi;
pub mod sensors;
pub mod settings;
pub mod trend;
pub mod users;

use crate::error::{error_body, json_error_response};
use crate::AppState;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest request body accepted (deletes by id lists are the biggest bodies)...
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// ...except a scanner report (a Trivy report listing every package of a large image runs to
/// tens of megabytes).
pub const REPORT_LIMIT: usize = 64 * 1024 * 1024;

/// Whether a path takes a scanner report.
fn takes_report(path: &str) -> bool {
    path == "/csapi/v1.3/images/import" || path == "/sensorapi/v1/scans"
}

/// Refuses a body over the path's limit: at once when its length says so, else when the
/// handler reads past the limit (413 either way).
async fn limit_body(req: Request, next: Next) -> Response {
    let limit = if takes_report(req.uri().path()) {
        REPORT_LIMIT
    } else {
        BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let body = error_body(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The body is larger than this endpoint's limit of {} MB.",
                limit >> 20
            ),
        );
        return json_error_response(StatusCode::PAYLOAD_TOO_LARGE, &body);
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}
/// A request that takes longer is answered 408 (the work is dropped).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The asset endpoints, mounted under each API version.
fn assets() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(sensors::router())
        .merge(images::router())
        .merge(containers::router())
}

/// The current API version's prefix.
pub const CURRENT: &str = "/csapi/v1.3";
/// Older prefixes some endpoints are also served under (older scripts still call them).
pub const ALIASES: [&str; 2] = ["/csapi/v1.1", "/csapi/v1.2"];

/// Every documented endpoint: the router and the OpenAPI document are built together from the
/// handlers' annotations, so a route is in the document by being in the router.
pub fn documented() -> OpenApiRouter<AppState> {
    let v13 = assets()
        .merge(aggregate::router())
        .merge(trend::router())
        .merge(dashboards::router())
        .merge(jobs::router())
        .merge(settings::router())
        .merge(profiles::router())
        .merge(audit::router())
        .merge(searches::router())
        .merge(users::router())
        .merge(ingest::router())
        .merge(reports::router())
        .merge(sensorapi::router());
    OpenApiRouter::with_openapi(crate::openapi::base())
        .nest(CURRENT, v13)
        .nest(ALIASES[0], assets())
        .nest(
            ALIASES[1],
            OpenApiRouter::new().routes(routes!(images::list_images)),
        )
        .nest(sensorapi::PREFIX, sensorapi::sensor_router())
        .merge(auth::router())
        .merge(health::router())
}

pub fn app(state: AppState) -> Router {
    let policy = headers::Policy::new(state.dist.as_deref(), state.tls);
    let (api, doc) = documented().split_for_parts();
    let doc = std::sync::Arc::new(crate::openapi::document(doc));
    let api = api.route(
        "/csapi/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { json(&*doc) }
        }),
    );
    let mut router = api.route("/csapi", get(api_not_found)).route(
        "/csapi/{*rest}",
        get(api_not_found)
            .post(api_not_found)
            .put(api_not_found)
            .delete(api_not_found),
    );
    if let Some(dist) = state.dist.clone() {
        let index = dist.join("index.html");
        // `cargo xtask` writes .br/.gz beside each asset; they are sent as they are.
        let index_file = ServeFile::new(index)
            .precompressed_br()
            .precompressed_gzip();
        // The console's routes get index.html; a missing file (a name with an extension, such
        // as a chunk of an older build) is a 404, not a page the browser cannot use.
        let spa = axum::routing::any(move |req: Request| {
            let index_file = index_file.clone();
            async move {
                let file = req
                    .uri()
                    .path()
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| last.contains('.'));
                if file {
                    return StatusCode::NOT_FOUND.into_response();
                }
                match tower::ServiceExt::oneshot(index_file, req).await {
                    Ok(res) => res.map(Body::new),
                    Err(never) => match never {},
                }
            }
        });
        router = router.fallback_service(
            ServeDir::new(&dist)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(spa),
        );
    } else {
        router = router.fallback(|| async {
            (
                StatusCode::OK,
                "Shipshape server is running. The console is not built: run `cargo xtask run`.",
            )
        });
    }
    router
        // The limit is ours (per path); axum's own default would cap reports at 2 MB.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn(limit_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // Outside the limit and timeout layers, so their answers get the error body too.
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn_with_state(policy, headers::add))
        .layer(CompressionLayer::new().gzip(true).br(true))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn api_not_found(req: Request) -> Response {
    let body = error_body(
        StatusCode::NOT_FOUND,
        format!("No API endpoint {} {}.", req.method(), req.uri().path()),
    );
    json_error_response(StatusCode::NOT_FOUND, &body)
}

/// Answers from layers and the router itself (405, 413, 408, bad JSON) become the API's error
/// body too, so every `/csapi` and `/auth` error reads the same.
async fn json_errors(req: Request, next: Next) -> Response {
    let api = {
        let p = req.uri().path();
        p.starts_with("/csapi") || p == "/auth" || p.starts_with("/auth/")
    };
    let res = next.run(req).await;
    let status = res.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .unwrap_or_default();
    let message = match String::from_utf8_lossy(&text).trim() {
        "" => status.canonical_reason().unwrap_or("Error").to_string(),
        t => t.to_string(),
    };
    let mut out = json_error_response(status, &error_body(status, message));
    for (name, value) in parts.headers.iter() {
        if name == header::ALLOW || name == header::WWW_AUTHENTICATE {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

/// A request's JSON body as `T`, or 400 saying why not: `details` names the JSON path of the
/// first problem (`$.sensor.hostname`).
pub fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, crate::error::ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(crate::error::ApiError::BadRequest(
            "The body is empty: send a JSON document.".into(),
        ));
    }
    crate::ingest::from_json(body).map_err(|e| crate::error::ApiError::Fields {
        message: format!("The JSON body is invalid: {e}"),
        details: vec![shipshape_model::FieldProblem {
            field: e.path,
            message: e.message,
        }],
    })
}

/// A 200 JSON answer.
pub fn json<T: serde::Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => (
            [(header::CONTENT_TYPE, "application/json")],
            Body::from(bytes),
        )
            .into_response(),
        Err(e) => crate::error::ApiError::Internal(e.into()).into_response(),
    }
}

/// The API version a request came in under (its path prefix): older versions answer in their
/// own vocabulary (`shipshape_model::contract`).
pub struct Version(pub shipshape_model::Contract);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Version {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        // Nested routers see the path without their prefix; the original has it.
        let path = match parts.extensions.get::<axum::extract::OriginalUri>() {
            Some(original) => original.path(),
            None => parts.uri.path(),
        };
        Ok(Version(shipshape_model::Contract::of_path(path)))
    }
}

/// One page of a list endpoint: `{"count", "data"}` for the filter, sort and page asked for.
pub async fn list_page(
    state: &AppState,
    entity: crate::store::Entity,
    req: params::ListRequest,
    contract: shipshape_model::Contract,
) -> Result<Response, crate::error::ApiError> {
    use crate::store::Entity;
    use shipshape_model::{Extensible, ListResponse};
    let lq = &req.query;
    Ok(match entity {
        Entity::Vulnerability | Entity::Audit => {
            return Err(crate::error::ApiError::NotFound(
                "findings and audit entries have no asset list".into(),
            ))
        }
        Entity::Sensor => {
            let view = state.store.sensor_view(req.extensions).await?;
            let (count, data) = state.store.list_sensors(lq, &view).await?;
            let data = data.into_iter().map(|s| s.in_contract(contract)).collect();
            json(&ListResponse { count, data })
        }
        Entity::Image => {
            let (count, data) = state.store.list_images(lq).await?;
            let data = data
                .into_iter()
                .map(|i| i.with_extensions(req.extensions).in_contract(contract))
                .collect();
            json(&ListResponse { count, data })
        }
        Entity::Container => {
            let (count, data) = state.store.list_containers(lq).await?;
            json(&ListResponse { count, data })
        }
    })
}
