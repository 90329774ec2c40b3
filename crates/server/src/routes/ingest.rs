//! Scanner reports posted by people and scripts (`POST /csapi/v1.3/images/import`, the
//! console's "Import report"), and what reports found that the compatible objects do not hold
//! (`GET /csapi/v1.3/images/{sha}/secrets`).

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::ingest::{self, Format, Ingested};
use crate::routes::json;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shipshape_model::scan::{MalwareList, SecretList};
use shipshape_model::{FieldProblem, Role};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_report))
        .routes(routes!(image_secrets))
        .routes(routes!(image_malware))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// `trivy`, `cyclonedx`, `grype` or `malware`; detected from the report when absent.
    #[param(inline, value_type = Option<String>, pattern = "^(trivy|cyclonedx|grype|malware)$")]
    pub format: Option<String>,
}

/// A report refused: the JSON path of the problem is the field.
pub fn report_error(e: ingest::ReportError) -> ApiError {
    ApiError::Fields {
        message: format!("The report was not stored: {e}"),
        details: vec![FieldProblem {
            field: e.path,
            message: e.message,
        }],
    }
}

/// Parses a report sent in a request (format named or detected).
pub fn parse_report(body: &[u8], format: Option<&str>) -> Result<ingest::ScanReport, ApiError> {
    let format = format
        .map(|f| f.parse::<Format>())
        .transpose()
        .map_err(|why| ApiError::Fields {
            message: why.clone(),
            details: vec![FieldProblem {
                field: "format".into(),
                message: why,
            }],
        })?;
    if body.is_empty() {
        return Err(ApiError::BadRequest(
            "The body is empty: send a Trivy, CycloneDX or Grype JSON report.".into(),
        ));
    }
    ingest::parse(body, format).map_err(report_error)
}

#[utoipa::path(post, path = "/images/import", tag = "images", params(ImportParams),
    request_body(content = serde_json::Value, description = "A Trivy (schema 2), CycloneDX 1.4–1.6, Grype or Shipshape malware (shipshape-malware/1) JSON report of one image", content_type = "application/json"),
    responses((status = 201, body = Ingested, description = "Extension: what was stored"),
              (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn import_report(
    user: AuthUser,
    State(state): State<AppState>,
    crate::routes::params::Params(p): crate::routes::params::Params<ImportParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let report = parse_report(&body, p.format.as_deref())?;
    let done = ingest_report(&state, report, "CICD", user.name).await?;
    Ok((StatusCode::CREATED, json(&done)).into_response())
}

/// Stores a parsed report.
pub async fn ingest_report(
    state: &AppState,
    report: ingest::ScanReport,
    source: &str,
    actor: String,
) -> Result<Ingested, ApiError> {
    Ok(state
        .store
        .ingest(&report, source, Some(&actor), crate::store::now_ms())
        .await?)
}

#[utoipa::path(get, path = "/images/{sha}/secrets", tag = "images",
    params(("sha" = String, Path, description = "Full sha or 12-hex imageId")),
    responses((status = 200, body = SecretList, description = "Extension: secrets found in the image (rule, category, file, line, severity; never the secret's text)")),
    security(("bearer" = []), ("basic" = [])))]
pub async fn image_secrets(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let id = crate::routes::images::find_image(&state, &sha).await?;
    let data = state.store.image_secrets(id).await?;
    Ok(json(&SecretList {
        count: data.len() as u64,
        data,
    }))
}

#[utoipa::path(get, path = "/images/{sha}/malware", tag = "images",
    params(("sha" = String, Path, description = "Full sha or 12-hex imageId")),
    responses((status = 200, body = MalwareList, description = "Extension: malware found in the image (name, category, file, its sha-256, severity)")),
    security(("bearer" = []), ("basic" = [])))]
pub async fn image_malware(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    let id = crate::routes::images::find_image(&state, &sha).await?;
    let data = state.store.image_malware(id).await?;
    Ok(json(&MalwareList {
        count: data.len() as u64,
        data,
    }))
}
