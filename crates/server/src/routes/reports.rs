//! `/csapi/v1.3/reports` (compatible): on-demand reports of image and container
//! vulnerabilities, secrets, malware and inventories (`spec/reports.md`). Asking for one
//! (`POST`) returns its UUID at once; a job generates the file; `GET /reports` shows where it
//! is; `GET /reports/{uuid}/download` streams the file from the database a chunk at a time.
//!
//! Any role reads and downloads; creating and deleting need `operator`.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::reports::schedule;
use crate::routes::params::{parse_filter, RawQuery};
use crate::routes::{json, json_body};
use crate::store::reports::{ReportFilter, ReportSort};
use crate::store::Filter;
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shipshape_model::report::{
    file_name, Compression, FileFormat, Report, ReportRequest, ReportSchedule, ReportStatus,
    ScheduleRequest, Template,
};
use shipshape_model::Role;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reports, create_report, delete_reports))
        .routes(routes!(download_report))
        .routes(routes!(list_schedules, create_schedule))
        .routes(routes!(get_schedule, update_schedule, delete_schedule))
        .routes(routes!(pause_schedule))
        .routes(routes!(resume_schedule))
        .routes(routes!(run_schedule))
        .routes(routes!(count_rows))
}

/// `{"count": n, "data": [Report]}`.
#[derive(Serialize, ToSchema)]
pub struct ReportList {
    count: u64,
    data: Vec<Report>,
}

/// `{"message", "data": [uuids deleted]}`.
#[derive(Serialize, ToSchema)]
pub struct Deleted {
    message: String,
    data: Vec<String>,
}

const MAX_PAGE_SIZE: u32 = 1000;

#[utoipa::path(post, path = "/reports", tag = "reports", request_body = ReportRequest,
    responses((status = 201, body = String, description = "The report's UUID (a JSON string); the file is generated in the background"),
              (status = 400, body = shipshape_model::ErrorBody), (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn create_report(
    user: AuthUser,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let req: ReportRequest = json_body(&body)?;
    let problems = req.problems();
    if !problems.is_empty() {
        return Err(ApiError::fields("The report was not created", problems));
    }
    let columns = columns_and_filter(&req, "The report was not created")?;
    let (uuid, job) = state
        .store
        .create_report(&req, &columns, &user.name)
        .await?;
    state.jobs.spawn(job);
    Ok((StatusCode::CREATED, json(&uuid)).into_response())
}

#[utoipa::path(get, path = "/reports", tag = "reports",
    params(("filter" = Option<String>, Query, description = "report.name:…, status:…, templateName:…, createdAt>…/>=/</<=/=/:[lo .. hi] (epoch ms, ISO-8601 or now-7d) joined by and"),
           ("pageNumber" = Option<u32>, Query, minimum = 1, maximum = 1000000),
           ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 1000),
           ("sort" = Option<String>, Query, description = "createdAt:desc (default), createdAt:asc, status:desc, status:asc, reportName:asc, reportName:desc"),
           ("include" = Option<String>, Query, description = "extensions adds rows, size, expiresAt, error, createdBy, compression")),
    responses((status = 200, body = ReportList), (status = 400, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_reports(
    _user: AuthUser,
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Response, ApiError> {
    let number = |name: &str, default: u32, max: u32| -> Result<u32, ApiError> {
        match q.get(name) {
            None | Some("") => Ok(default),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| param(name, format!("a whole number from 1 to {max}; got '{v}'"))),
        }
    };
    let page = number("pageNumber", 1, 1_000_000)?;
    let size = number("pageSize", 50, MAX_PAGE_SIZE)?;
    let sort = match q.get("sort") {
        None | Some("") => ReportSort::CreatedDesc,
        Some(s) => ReportSort::parse(s).ok_or_else(|| {
            param(
                "sort",
                format!("'{s}' is not one of createdAt:desc, createdAt:asc, status:desc, status:asc, reportName:asc, reportName:desc"),
            )
        })?,
    };
    let filter = report_filter(q.get("filter").unwrap_or(""))?;
    let extensions = q.get("include") == Some("extensions");
    let (count, rows) = state.store.reports(&filter, sort, page, size).await?;
    Ok(json(&ReportList {
        count,
        data: rows.iter().map(|r| r.to_report(extensions)).collect(),
    }))
}

/// A 400 naming the query parameter.
fn param(name: &str, why: String) -> ApiError {
    ApiError::fields(
        "The request's parameters were refused",
        vec![shipshape_model::FieldProblem::new(name, why)],
    )
}

/// The reports list's filter: clauses `report.name:…` (contains), `status:…`,
/// `templateName:…` and `createdAt` compared with a date (`>`, `>=`, `<`, `<=`, `=` or `:`, or
/// `:[lo .. hi]` inclusive; dates written as QQL writes them: epoch ms, ISO-8601, `now-7d`),
/// joined by `and`.
fn report_filter(text: &str) -> Result<ReportFilter, ApiError> {
    let mut f = ReportFilter::default();
    let text = text.trim();
    if text.is_empty() {
        return Ok(f);
    }
    let bad = |why: String| param("filter", format!("'{text}' {why}"));
    for clause in split_and(text) {
        let at = clause
            .find([':', '=', '<', '>'])
            .ok_or_else(|| bad(format!("has '{clause}', which is not token:value.")))?;
        let (token, rest) = (clause[..at].trim(), &clause[at..]);
        if matches!(token, "createdAt" | "report.createdAt") {
            let (from, to) = created_bounds(rest)
                .map_err(|why| bad(format!("has createdAt '{}': {why}.", rest.trim())))?;
            f.created_from = f.created_from.max(from);
            f.created_to = match (f.created_to, to) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            continue;
        }
        let Some(value) = rest.strip_prefix(':') else {
            return Err(bad(format!(
                "compares '{token}': only createdAt takes >, >=, <, <= and =; write {token}:value."
            )));
        };
        let value = value.trim().trim_matches('"').trim_matches('*');
        match token {
            "report.name" | "reportName" => f.name_contains = Some(value.to_string()),
            "status" => {
                f.status = Some(ReportStatus::parse(&value.to_uppercase()).ok_or_else(|| {
                    bad(format!("has status '{value}': use QUEUED, RUNNING, GENERATED, FAILED or EXPIRED."))
                })?)
            }
            "templateName" | "report.templateName" => {
                f.template = Some(Template::parse(value).ok_or_else(|| {
                    bad(format!(
                        "has templateName '{value}': use {}.",
                        Template::ALL.map(Template::as_str).join(", ")
                    ))
                })?)
            }
            other => {
                return Err(bad(format!(
                    "names '{other}': the reports list filters on report.name, status, templateName and createdAt."
                )))
            }
        }
    }
    Ok(f)
}

/// `createdAt`'s operator and value (`>= 2026-01-01`, `:[now-7d .. now]`) as inclusive bounds
/// in epoch ms, relative dates taken from now; or why not.
fn created_bounds(rest: &str) -> Result<(Option<i64>, Option<i64>), String> {
    let now = crate::store::now_ms();
    let date = |v: &str| -> Result<i64, String> {
        let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
        if v.is_empty() {
            return Err("a date is missing".into());
        }
        shipshape_qql::DateValue::parse(v)
            .map(|d| d.resolve(now))
            .map_err(|why| format!("'{v}' is not a date: {why}"))
    };
    let (op, value) = ["<=", ">=", "<", ">", "=", ":"]
        .into_iter()
        .find_map(|op| rest.strip_prefix(op).map(|v| (op, v.trim())))
        .ok_or("use >, >=, <, <=, = or :")?;
    if op == ":" && value.starts_with('[') {
        let inner = value
            .strip_prefix('[')
            .and_then(|v| v.strip_suffix(']'))
            .ok_or("a range is written [lo .. hi]")?;
        let (lo, hi) = inner
            .split_once("...")
            .or_else(|| inner.split_once(".."))
            .ok_or("a range is written [lo .. hi]")?;
        let (lo, hi) = (date(lo)?, date(hi)?);
        if lo > hi {
            return Err("the range is empty: its start is after its end".into());
        }
        return Ok((Some(lo), Some(hi)));
    }
    let at = date(value)?;
    Ok(match op {
        ">" => (Some(at.saturating_add(1)), None),
        ">=" => (Some(at), None),
        "<" => (None, Some(at.saturating_sub(1))),
        "<=" => (None, Some(at)),
        _ => (Some(at), Some(at)),
    })
}

/// Clauses joined by `and` (any case), outside quotes.
fn split_and(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let words: Vec<&str> = text.split(' ').collect();
    for w in words {
        if !quoted && w.eq_ignore_ascii_case("and") {
            out.push(std::mem::take(&mut current));
            continue;
        }
        quoted ^= w.matches('"').count() % 2 == 1;
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(w);
    }
    out.push(current);
    out.into_iter().filter(|c| !c.trim().is_empty()).collect()
}

#[utoipa::path(delete, path = "/reports", tag = "reports",
    params(("reportUuids" = String, Query, description = "Comma-separated report UUIDs")),
    responses((status = 200, body = Deleted), (status = 400, body = shipshape_model::ErrorBody),
              (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn delete_reports(
    user: AuthUser,
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let uuids: Vec<String> =
        q.0.iter()
            .filter(|(k, _)| k == "reportUuids")
            .flat_map(|(_, v)| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
    if uuids.is_empty() {
        return Err(param(
            "reportUuids",
            "name the reports to delete: reportUuids=uuid1,uuid2".into(),
        ));
    }
    if uuids.len() > 1000 {
        return Err(param(
            "reportUuids",
            "at most 1,000 reports per request".into(),
        ));
    }
    let gone = state.store.delete_reports(&uuids, &user.name).await?;
    Ok(json(&Deleted {
        message: format!("{} report(s) deleted.", gone.len()),
        data: gone,
    }))
}

#[utoipa::path(get, path = "/reports/{reportUuid}/download", tag = "reports",
    params(("reportUuid" = String, Path)),
    responses((status = 200, description = "The file: text/csv, application/json, or gzip/zip when asked", content_type = "text/csv"),
              (status = 404, body = shipshape_model::ErrorBody), (status = 409, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn download_report(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(uuid): Path<String>,
) -> Result<Response, ApiError> {
    let report = state
        .store
        .report(&uuid)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No report with the UUID '{uuid}'.")))?;
    match report.status() {
        ReportStatus::Generated => {}
        ReportStatus::Expired => {
            return Err(ApiError::NotFound(format!(
                "Report '{}' expired: its file was deleted. Run it again.",
                report.name
            )))
        }
        ReportStatus::Failed => {
            return Err(ApiError::Conflict(format!(
                "Report '{}' failed: {}",
                report.name,
                report.error.as_deref().unwrap_or("no reason was kept")
            )))
        }
        s => {
            return Err(ApiError::Conflict(format!(
                "Report '{}' is {}: download it once it is GENERATED.",
                report.name,
                s.as_str()
            )))
        }
    }
    let (format, compression) = (report.format(), report.compression());
    let content_type = match (compression, format) {
        (Compression::Gzip, _) => "application/gzip",
        (Compression::Zip, _) => "application/zip",
        (Compression::None, FileFormat::Csv) => "text/csv; charset=utf-8",
        (Compression::None, FileFormat::Json) => "application/json",
    };
    let name = file_name(&report.name, format, compression);
    // One chunk in memory at a time.
    let store = state.store.clone();
    let stream = futures_util::stream::unfold(0i64, move |seq| {
        let (store, uuid) = (store.clone(), uuid.clone());
        async move {
            match store.report_file_chunk(&uuid, seq).await {
                Ok(Some(bytes)) => Some((Ok::<_, std::io::Error>(Bytes::from(bytes)), seq + 1)),
                Ok(None) => None,
                Err(e) => Some((Err(std::io::Error::other(e)), i64::MAX)),
            }
        }
    });
    // Fused: the body may be polled once more after its end.
    let mut res = Response::new(Body::from_stream(futures_util::StreamExt::fuse(stream)));
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        content_type.parse().expect("a valid header"),
    );
    if let Ok(v) = format!("attachment; filename=\"{name}\"").parse() {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(size) = report.size {
        headers.insert(header::CONTENT_LENGTH, size.into());
    }
    Ok(res)
}

/// `{"count": n, "data": [ReportSchedule]}` (extension).
#[derive(Serialize, ToSchema)]
pub struct ScheduleList {
    count: u64,
    data: Vec<ReportSchedule>,
}

/// The columns a checked request names, once its filter is known to parse now (a report that
/// can only fail is refused).
fn columns_and_filter(req: &ReportRequest, refused: &str) -> Result<Vec<&'static str>, ApiError> {
    let template = Template::parse(&req.template_name).expect("checked by the caller");
    let columns = template
        .resolve_columns(req.display_columns.as_deref())
        .map_err(|p| ApiError::fields(refused, p))?;
    template_filter(template, req.filter.as_deref())?;
    Ok(columns)
}

/// A report's filter as QQL of its template's entity, now (a 400 at the QQL's fault).
fn template_filter(template: Template, text: Option<&str>) -> Result<Filter, ApiError> {
    parse_filter(
        crate::reports::filter_entity(template),
        crate::reports::filter_text(text),
        crate::store::now_ms(),
    )
}

/// A schedule request checked whole: its resolved columns and its first run after now.
fn checked_schedule(
    body: &Bytes,
) -> Result<(ScheduleRequest, Vec<&'static str>, Option<i64>), ApiError> {
    let req: ScheduleRequest = json_body(body)?;
    let mut problems = req.problems();
    if let Err(p) = schedule::timing(&req) {
        problems.extend(p);
    }
    if !problems.is_empty() {
        return Err(ApiError::fields(
            "The report schedule was not saved",
            problems,
        ));
    }
    let columns = columns_and_filter(&req.report(), "The report schedule was not saved")?;
    let next = schedule::next_run(&req, crate::store::now_ms() - 1);
    Ok((req, columns, next))
}

fn schedule_answer(row: &crate::store::reports::ScheduleRow) -> Result<ReportSchedule, ApiError> {
    row.to_schedule().ok_or_else(|| {
        ApiError::Conflict(format!(
            "Schedule '{}' is stored in a shape this server cannot read.",
            row.id
        ))
    })
}

fn no_schedule(id: &str) -> ApiError {
    ApiError::NotFound(format!("No report schedule with the id '{id}'."))
}

#[utoipa::path(post, path = "/reports/schedule", tag = "reports", request_body = ScheduleRequest,
    responses((status = 201, body = String, description = "The schedule's id (a JSON string)"),
              (status = 400, body = shipshape_model::ErrorBody), (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn create_schedule(
    user: AuthUser,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let (req, columns, next) = checked_schedule(&body)?;
    let id = state
        .store
        .create_schedule(&req, &columns, next, &user.name)
        .await?;
    Ok((StatusCode::CREATED, json(&id)).into_response())
}

#[utoipa::path(put, path = "/reports/schedule/{reportingScheduleId}", tag = "reports", request_body = ScheduleRequest,
    params(("reportingScheduleId" = String, Path)),
    responses((status = 200, body = ReportSchedule), (status = 400, body = shipshape_model::ErrorBody),
              (status = 403, body = shipshape_model::ErrorBody), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn update_schedule(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let (req, columns, next) = checked_schedule(&body)?;
    if !state
        .store
        .update_schedule(&id, &req, &columns, next, &user.name)
        .await?
    {
        return Err(no_schedule(&id));
    }
    let row = state
        .store
        .schedule(&id)
        .await?
        .ok_or_else(|| no_schedule(&id))?;
    Ok(json(&schedule_answer(&row)?))
}

#[utoipa::path(get, path = "/reports/schedule", tag = "reports",
    responses((status = 200, body = ScheduleList, description = "Extension: every schedule, newest first, with its next run")),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_schedules(
    _user: AuthUser,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let data: Vec<ReportSchedule> = state
        .store
        .schedules()
        .await?
        .iter()
        .filter_map(|r| r.to_schedule())
        .collect();
    Ok(json(&ScheduleList {
        count: data.len() as u64,
        data,
    }))
}

#[utoipa::path(get, path = "/reports/schedule/{reportingScheduleId}", tag = "reports",
    params(("reportingScheduleId" = String, Path)),
    responses((status = 200, body = ReportSchedule, description = "Extension"), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn get_schedule(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let row = state
        .store
        .schedule(&id)
        .await?
        .ok_or_else(|| no_schedule(&id))?;
    Ok(json(&schedule_answer(&row)?))
}

#[utoipa::path(delete, path = "/reports/schedule/{reportingScheduleId}", tag = "reports",
    params(("reportingScheduleId" = String, Path)),
    responses((status = 204, description = "Extension: deleted (its reports stay)"), (status = 404, body = shipshape_model::ErrorBody),
              (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn delete_schedule(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    if !state.store.delete_schedule(&id, &user.name).await? {
        return Err(no_schedule(&id));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn set_paused(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    paused: bool,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let row = state
        .store
        .schedule(id)
        .await?
        .ok_or_else(|| no_schedule(id))?;
    // Resuming runs on from now: runs missed while paused are not made.
    let next = row
        .request()
        .and_then(|r| schedule::next_run(&r, crate::store::now_ms()));
    state
        .store
        .set_schedule_paused(id, paused, next, &user.name)
        .await?;
    let row = state
        .store
        .schedule(id)
        .await?
        .ok_or_else(|| no_schedule(id))?;
    Ok(json(&schedule_answer(&row)?))
}

#[utoipa::path(post, path = "/reports/schedule/{reportingScheduleId}/pause", tag = "reports",
    params(("reportingScheduleId" = String, Path)),
    responses((status = 200, body = ReportSchedule, description = "Extension"), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn pause_schedule(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    set_paused(&state, &user, &id, true).await
}

#[utoipa::path(post, path = "/reports/schedule/{reportingScheduleId}/resume", tag = "reports",
    params(("reportingScheduleId" = String, Path)),
    responses((status = 200, body = ReportSchedule, description = "Extension"), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn resume_schedule(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    set_paused(&state, &user, &id, false).await
}

#[utoipa::path(post, path = "/reports/schedule/{reportingScheduleId}/run", tag = "reports",
    params(("reportingScheduleId" = String, Path)),
    responses((status = 201, body = String, description = "Extension: one report from the schedule now (its next run stays); the report's UUID"),
              (status = 403, body = shipshape_model::ErrorBody), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn run_schedule(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let (uuid, job) = state
        .store
        .run_schedule_now(&id, &user.name)
        .await?
        .ok_or_else(|| no_schedule(&id))?;
    state.jobs.spawn(job);
    Ok((StatusCode::CREATED, json(&uuid)).into_response())
}

/// `templateName`: one of the templates, as the document lists them.
pub struct TemplateName;

impl utoipa::PartialSchema for TemplateName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Template::ALL.map(Template::as_str)))
            .into()
    }
}

impl utoipa::ToSchema for TemplateName {}

/// `{"count"}`: the rows a report would have.
#[derive(Serialize, ToSchema)]
pub struct RowCount {
    count: u64,
}

#[utoipa::path(get, path = "/reports/count", tag = "reports",
    params(("templateName" = inline(TemplateName), Query, description = "The report's template"),
           ("filter" = Option<String>, Query, description = "QQL over images (containers for the container templates)")),
    responses((status = 200, body = RowCount, description = "Extension: how many rows a report of the template over the filter would have now (findings for the finding templates)"),
              (status = 400, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn count_rows(
    _user: AuthUser,
    State(state): State<AppState>,
    q: RawQuery,
) -> Result<Response, ApiError> {
    let name = q.get("templateName").unwrap_or("");
    let template = Template::parse(name).ok_or_else(|| {
        param(
            "templateName",
            format!(
                "one of {}; got '{name}'",
                Template::ALL.map(Template::as_str).join(", ")
            ),
        )
    })?;
    let filter = template_filter(template, q.get("filter"))?;
    let count = state.store.report_rows(template, &filter).await?;
    Ok(json(&RowCount { count }))
}
