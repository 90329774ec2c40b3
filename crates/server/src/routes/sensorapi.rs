//! The sensor API (`/sensorapi/v1`, an extension): what sensors call. A sensor registers with
//! an activation key and then authenticates with its credential (`Bearer ssn_…`), which works
//! here and nowhere else (and no user's token works here). Inside an inactive window of the
//! sensor's profile, events and scan results are refused with 409 and the window's end (nothing
//! is dropped silently: the sensor keeps them and sends them later); check-in always works.
//!
//! Also here: the activation keys operators make (`/csapi/v1.3/activationKeys`) and a sensor's
//! due work and recent events (`/csapi/v1.3/sensors/{uuid}/activity`).

use crate::auth::AuthUser;
use crate::error::{error_code, ApiError};
use crate::ingest::{image_sha, is_sha256_hex, Ingested};
use crate::routes::ingest::parse_report;
use crate::routes::{json, json_body};
use crate::store::sensorapi::{KeyRefused, RegisterRefused, SensorAuth};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shipshape_model::profile::WindowState;
use shipshape_model::sensorapi::*;
use shipshape_model::{FieldProblem, Role};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The sensor API's prefix.
pub const PREFIX: &str = "/sensorapi/v1";

/// `/sensorapi/v1/…`, served beside `/csapi`.
pub fn sensor_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(check_in))
        .routes(routes!(post_events))
        .routes(routes!(post_scan))
}

/// The `/csapi/v1.3` side: activation keys and a sensor's activity.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
        .routes(routes!(sensor_activity))
}

/// A sensor, authenticated by its credential.
pub struct Sensor(pub SensorAuth);

impl FromRequestParts<AppState> for Sensor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let refused = |why: &str| {
            ApiError::Unauthorized(format!(
                "{why} The sensor API takes the credential a sensor got from POST {PREFIX}/register, \
                 as Authorization: Bearer {SENSOR_CREDENTIAL_PREFIX}…"
            ))
        };
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .ok_or_else(|| refused("No credentials."))?;
        let (scheme, rest) = header.trim().split_once(' ').unwrap_or((header, ""));
        let rest = rest.trim();
        let credential = (scheme.eq_ignore_ascii_case("bearer"))
            .then(|| rest.strip_prefix(SENSOR_CREDENTIAL_PREFIX))
            .flatten()
            .ok_or_else(|| refused("This is not a sensor credential."))?;
        let sensor = state.store.sensor_auth(credential).await?.ok_or_else(|| {
            refused("This sensor credential is not valid (or its sensor was deleted).")
        })?;
        Ok(Sensor(sensor))
    }
}

/// A 409 for data sent inside an inactive window (`inactiveWindow.until`: when to send it).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WindowRefusal {
    pub error_code: String,
    pub message: String,
    pub timestamp: i64,
    pub profile: String,
    pub inactive_window: WindowState,
}

/// Refuses data while the sensor's profile is inside an inactive window.
async fn outside_window(state: &AppState, sensor: &SensorAuth, now: i64) -> Result<(), Response> {
    let (profile, _, window) = state
        .store
        .profile_now(sensor.profile.clone(), now)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    if !window.inside {
        return Ok(());
    }
    let until = window.until.unwrap_or(now);
    let when = chrono::DateTime::from_timestamp_millis(until)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let body = WindowRefusal {
        error_code: error_code(StatusCode::CONFLICT),
        message: format!(
            "The sensor profile '{profile}' is inside an inactive window until {when}: no data is \
             taken now. Keep it and send it after the window ends."
        ),
        timestamp: now,
        profile,
        inactive_window: window,
    };
    let mut res = (StatusCode::CONFLICT, json(&body)).into_response();
    let secs = ((until - now).max(0) + 999) / 1000;
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Err(res)
}

fn facts_problems(f: &SensorFacts, at: &str) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let mut check = |field: &str, v: &str, max: usize| {
        if v.trim().is_empty() {
            out.push(FieldProblem {
                field: format!("{at}{field}"),
                message: "must not be blank".into(),
            });
        } else if v.chars().count() > max {
            out.push(FieldProblem {
                field: format!("{at}{field}"),
                message: format!("is at most {max} characters"),
            });
        }
    };
    check("hostname", &f.hostname, 253);
    check("sensorVersion", &f.sensor_version, 64);
    if let Some(c) = &f.cluster {
        check("cluster.name", &c.name, 253);
    }
    for (field, v) in [
        ("ipv4", &f.ipv4),
        ("os", &f.os),
        ("dockerVersion", &f.docker_version),
        ("vulnSigVersion", &f.vuln_sig_version),
    ] {
        if let Some(v) = v {
            check(field, v, 253);
        }
    }
    if shipshape_model::SensorVersion::parse(&f.sensor_version).is_err()
        && !f.sensor_version.trim().is_empty()
    {
        out.push(FieldProblem {
            field: format!("{at}sensorVersion"),
            message: format!("'{}' is not a version such as 1.30.2", f.sensor_version),
        });
    }
    out
}

#[utoipa::path(post, path = "/register", tag = "sensorapi",
    request_body = Registration,
    responses((status = 201, body = Registered, description = "Extension: the sensor's identity and credential (shown this once)"),
              (status = 400, body = shipshape_model::ErrorBody),
              (status = 401, body = shipshape_model::ErrorBody, description = "Not a valid activation key, or a revoked one")))]
pub async fn register(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let reg: Registration = json_body(&body)?;
    let problems = facts_problems(&reg.sensor, "sensor.");
    if !problems.is_empty() {
        return Err(ApiError::fields("The sensor cannot register", problems));
    }
    let now = crate::store::now_ms();
    let (uuid, sensor_id, credential) = match state.store.register_sensor(&reg, now).await {
        Ok(r) => r,
        Err(RegisterRefused::Write(e)) => return Err(e.into()),
        Err(e @ (RegisterRefused::BadKey | RegisterRefused::Revoked)) => {
            return Err(ApiError::Unauthorized(format!(
                "{e}. An administrator makes activation keys under Settings › Activation keys."
            )))
        }
    };
    let check_in = state.store.check_in_answer(&uuid, now).await?;
    Ok((
        StatusCode::CREATED,
        json(&Registered {
            sensor_uuid: uuid,
            sensor_id,
            credential,
            check_in,
        }),
    )
        .into_response())
}

#[utoipa::path(post, path = "/checkin", tag = "sensorapi",
    request_body(content = Option<SensorFacts>, description = "What the sensor says of itself; an empty body is a bare heartbeat"),
    responses((status = 200, body = CheckInAnswer, description = "Extension: the effective profile, the window state, the scans due"),
              (status = 400, body = shipshape_model::ErrorBody),
              (status = 401, body = shipshape_model::ErrorBody)),
    security(("sensor" = [])))]
pub async fn check_in(
    Sensor(sensor): Sensor,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let facts: Option<SensorFacts> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(json_body(&body)?)
    };
    if let Some(f) = &facts {
        let problems = facts_problems(f, "");
        if !problems.is_empty() {
            return Err(ApiError::fields("The check-in was refused", problems));
        }
    }
    let now = crate::store::now_ms();
    let answer = state.store.check_in(&sensor, facts.as_ref(), now).await?;
    Ok(json(&answer))
}

/// Checks every event before any is applied: ids are sha-256, a container seen for the first
/// time names its image.
async fn check_events(state: &AppState, events: &[SensorEvent]) -> Result<(), ApiError> {
    if events.len() > MAX_EVENTS {
        return Err(ApiError::field(
            "events",
            format!(
                "at most {MAX_EVENTS} events per request ({} sent)",
                events.len()
            ),
        ));
    }
    let mut problems = Vec::new();
    for (i, e) in events.iter().enumerate() {
        match e {
            SensorEvent::Image { image, .. } => {
                if image_sha(&image.sha).is_none() {
                    problems.push(FieldProblem {
                        field: format!("events[{i}].image.sha"),
                        message: "is not a sha-256 (64 hex, with or without sha256:)".into(),
                    });
                }
            }
            SensorEvent::Container { container, .. } => {
                if !is_sha256_hex(&container.sha) {
                    problems.push(FieldProblem {
                        field: format!("events[{i}].container.sha"),
                        message: "is not a container id (64 hex)".into(),
                    });
                    continue;
                }
                match container.image_sha.as_deref() {
                    Some(s) if image_sha(s).is_none() => problems.push(FieldProblem {
                        field: format!("events[{i}].container.imageSha"),
                        message: "is not a sha-256 (64 hex, with or without sha256:)".into(),
                    }),
                    Some(_) => {}
                    None => {
                        let sha = container.sha.to_ascii_lowercase();
                        let earlier = events[..i].iter().any(|e| {
                            matches!(e, SensorEvent::Container { container: c, .. }
                                if c.sha.eq_ignore_ascii_case(&sha) && c.image_sha.is_some())
                        });
                        if !earlier && state.store.container_ref(&sha).await?.is_none() {
                            problems.push(FieldProblem {
                                field: format!("events[{i}].container.imageSha"),
                                message: "is needed: this container is not known yet".into(),
                            });
                        }
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::fields("No event was applied", problems))
    }
}

#[utoipa::path(post, path = "/events", tag = "sensorapi",
    request_body = SensorEvents,
    responses((status = 200, body = EventsTaken, description = "Extension: the events were applied, in order"),
              (status = 400, body = shipshape_model::ErrorBody),
              (status = 401, body = shipshape_model::ErrorBody),
              (status = 409, body = WindowRefusal, description = "Inside an inactive window: send them after it ends")),
    security(("sensor" = [])))]
pub async fn post_events(
    Sensor(sensor): Sensor,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let events: SensorEvents = json_body(&body)?;
    check_events(&state, &events.events).await?;
    let now = crate::store::now_ms();
    if let Err(refused) = outside_window(&state, &sensor, now).await {
        return Ok(refused);
    }
    let taken = state
        .store
        .take_events(&sensor, &events.events, now)
        .await?;
    Ok(json(&taken))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScanParams {
    /// `trivy`, `cyclonedx`, `grype` or `malware`; detected from the report when absent.
    #[param(inline, value_type = Option<String>, pattern = "^(trivy|cyclonedx|grype|malware)$")]
    pub format: Option<String>,
    /// The running container this scan was for (64 hex): it counts as scanned now.
    #[param(inline, value_type = Option<String>, pattern = "^[0-9a-fA-F]{64}$")]
    pub container_sha: Option<String>,
}

#[utoipa::path(post, path = "/scans", tag = "sensorapi", params(ScanParams),
    request_body(content = serde_json::Value, description = "A Trivy (schema 2), CycloneDX 1.4–1.6, Grype or Shipshape malware (shipshape-malware/1) JSON report of one image", content_type = "application/json"),
    responses((status = 201, body = Ingested, description = "Extension: what was stored"),
              (status = 400, body = shipshape_model::ErrorBody),
              (status = 401, body = shipshape_model::ErrorBody),
              (status = 409, body = WindowRefusal, description = "Inside an inactive window: send it after it ends")),
    security(("sensor" = [])))]
pub async fn post_scan(
    Sensor(sensor): Sensor,
    State(state): State<AppState>,
    crate::routes::params::Params(p): crate::routes::params::Params<ScanParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let container = match p.container_sha.as_deref() {
        Some(c) if is_sha256_hex(c) => Some(c.to_ascii_lowercase()),
        Some(_) => {
            return Err(ApiError::field(
                "containerSha",
                "is not a container id (64 hex)",
            ))
        }
        None => None,
    };
    let report = parse_report(&body, p.format.as_deref())?;
    let now = crate::store::now_ms();
    if let Err(refused) = outside_window(&state, &sensor, now).await {
        return Ok(refused);
    }
    let done = state
        .store
        .ingest(&report, sensor.sensor_type.as_str(), None, now)
        .await?;
    state
        .store
        .note_scan(&sensor, &report.sha, container.as_deref(), now)
        .await?;
    Ok((StatusCode::CREATED, json(&done)).into_response())
}

#[utoipa::path(get, path = "/activationKeys", tag = "sensorapi",
    responses((status = 200, body = ActivationKeyList, description = "Extension: every activation key (never its secret)"),
              (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_keys(
    user: AuthUser,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    user.require(Role::Operator)?;
    let data = state.store.activation_keys().await?;
    Ok(json(&ActivationKeyList {
        count: data.len() as u64,
        data,
    }))
}

#[utoipa::path(post, path = "/activationKeys", tag = "sensorapi",
    request_body = NewActivationKey,
    responses((status = 201, body = CreatedActivationKey, description = "Extension: the key's text, shown this once"),
              (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn create_key(
    user: AuthUser,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let new: NewActivationKey = json_body(&body)?;
    if let Some(why) = key_name_problem(&new.name) {
        return Err(ApiError::field("name", why));
    }
    let (info, activation_key) = state
        .store
        .create_activation_key(&new, &user.name, crate::store::now_ms())
        .await
        .map_err(|e| match e {
            KeyRefused::UnknownProfile(_) => ApiError::field("profileId", e.to_string()),
            KeyRefused::Db(e) => e.into(),
        })?;
    Ok((
        StatusCode::CREATED,
        json(&CreatedActivationKey {
            activation_key,
            info,
        }),
    )
        .into_response())
}

#[utoipa::path(delete, path = "/activationKeys/{id}", tag = "sensorapi",
    params(("id" = String, Path)),
    responses((status = 204, description = "Revoked: it registers no more sensors (those it registered keep working)"),
              (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn revoke_key(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    if state
        .store
        .revoke_activation_key(&id, &user.name, crate::store::now_ms())
        .await?
    {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound(format!("No activation key '{id}'.")))
    }
}

#[utoipa::path(get, path = "/sensors/{uuid}/activity", tag = "sensors",
    params(("uuid" = String, Path)),
    responses((status = 200, body = SensorActivity, description = "Extension: the scans due and the last events")),
    security(("bearer" = []), ("basic" = [])))]
pub async fn sensor_activity(
    _user: AuthUser,
    State(state): State<AppState>,
    Path(uuid): Path<String>,
) -> Result<Response, ApiError> {
    match state
        .store
        .sensor_activity(uuid.trim(), crate::store::now_ms())
        .await?
    {
        Some(a) => Ok(json(&a)),
        None => Err(ApiError::NotFound(format!("No sensor with uuid '{uuid}'."))),
    }
}
