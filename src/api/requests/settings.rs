//! Settings: data retention (with its preview, run and history), the sensor release, sensor
//! profiles and activation keys.

use super::{segment, BASE};
use shipshape_model::profile::SensorProfileBody;
use shipshape_model::release::SensorRelease;
use shipshape_model::retention::RetentionPolicy;
use shipshape_model::{Method, RequestSpec};

/// `GET /csapi/v1.3/settings/dataRetention` (its `ETag` is the version to save against).
pub fn retention() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/settings/dataRetention"))
}

/// `PUT /csapi/v1.3/settings/dataRetention` with `If-Match`.
pub fn save_retention(policy: &RetentionPolicy, etag: &str) -> RequestSpec {
    RequestSpec::new(Method::Put, format!("{BASE}/settings/dataRetention"))
        .header("If-Match", etag)
        .json(serde_json::to_string(policy).unwrap_or_default())
}

/// `POST /csapi/v1.3/settings/dataRetention/preview`: what `policy` would purge now.
pub fn preview_retention(policy: &RetentionPolicy) -> RequestSpec {
    RequestSpec::new(
        Method::Post,
        format!("{BASE}/settings/dataRetention/preview"),
    )
    .json(serde_json::to_string(policy).unwrap_or_default())
}

/// `POST /csapi/v1.3/settings/dataRetention/run`: a purge with the saved policy, now.
pub fn run_retention() -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/settings/dataRetention/run"))
}

/// `GET /csapi/v1.3/settings/dataRetention/history`: past purge runs, newest first.
pub fn retention_history() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/settings/dataRetention/history")).param("limit", "20")
}

/// `GET /csapi/v1.3/settings/sensorRelease`.
pub fn sensor_release() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/settings/sensorRelease"))
}

/// `PUT /csapi/v1.3/settings/sensorRelease` with `If-Match`.
pub fn save_sensor_release(release: &SensorRelease, etag: &str) -> RequestSpec {
    RequestSpec::new(Method::Put, format!("{BASE}/settings/sensorRelease"))
        .header("If-Match", etag)
        .json(serde_json::to_string(release).unwrap_or_default())
}

/// `GET /csapi/v1.3/sensorProfile`: every profile, Default first.
pub fn profiles() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/sensorProfile"))
}

/// `POST /csapi/v1.3/sensorProfile` (new) or `PUT …/{id}` with `If-Match` (a change).
pub fn save_profile(id: Option<&str>, body: &SensorProfileBody, version: i64) -> RequestSpec {
    let json = serde_json::to_string(body).unwrap_or_default();
    match id {
        None => RequestSpec::new(Method::Post, format!("{BASE}/sensorProfile")).json(json),
        Some(id) => RequestSpec::new(Method::Put, format!("{BASE}/sensorProfile/{}", segment(id)))
            .header("If-Match", format!("\"{version}\""))
            .json(json),
    }
}

/// `DELETE /csapi/v1.3/sensorProfile/{id}`.
pub fn delete_profile(id: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Delete,
        format!("{BASE}/sensorProfile/{}", segment(id)),
    )
}

/// `GET /csapi/v1.3/activationKeys`: the keys sensors register with (never their secrets).
pub fn activation_keys() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/activationKeys"))
}

/// `POST /csapi/v1.3/activationKeys`: a new key, shown once.
pub fn create_activation_key(key: &shipshape_model::sensorapi::NewActivationKey) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/activationKeys"))
        .json(serde_json::to_string(key).unwrap_or_default())
}

/// `DELETE /csapi/v1.3/activationKeys/{id}`: it registers no more sensors.
pub fn revoke_activation_key(id: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Delete,
        format!("{BASE}/activationKeys/{}", segment(id)),
    )
}
