//! Dashboards: the list, one dashboard, saving it against its version, and the landing
//! and sharing choices.

use super::{segment, BASE};
use shipshape_model::{Method, RequestSpec};

/// `GET /csapi/v1.3/dashboards`: the dashboards the user can see.
pub fn dashboards() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/dashboards"))
}

/// `GET /csapi/v1.3/dashboards/{id}` (its `ETag` is the version to save against).
pub fn dashboard(id: &str) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/dashboards/{}", segment(id)))
}

/// `POST /csapi/v1.3/dashboards` with the document.
pub fn create_dashboard(doc: &shipshape_model::Dashboard) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/dashboards")).json(to_json(doc))
}

/// `PUT /csapi/v1.3/dashboards/{id}` with `If-Match` naming the version it was loaded at.
pub fn save_dashboard(doc: &shipshape_model::Dashboard, etag: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Put,
        format!("{BASE}/dashboards/{}", segment(&doc.id)),
    )
    .header("If-Match", etag)
    .json(to_json(doc))
}

/// `DELETE /csapi/v1.3/dashboards/{id}`.
pub fn delete_dashboard(id: &str) -> RequestSpec {
    RequestSpec::new(Method::Delete, format!("{BASE}/dashboards/{}", segment(id)))
}

/// `POST /csapi/v1.3/dashboards/{id}/duplicate`.
pub fn duplicate_dashboard(id: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Post,
        format!("{BASE}/dashboards/{}/duplicate", segment(id)),
    )
}

/// `PUT /csapi/v1.3/dashboards/landing` with `{"id": …}`.
pub fn set_landing(id: Option<&str>) -> RequestSpec {
    RequestSpec::new(Method::Put, format!("{BASE}/dashboards/landing"))
        .json(serde_json::json!({ "id": id }).to_string())
}

/// `PUT /csapi/v1.3/dashboards/{id}/sharing` with `{"shared": …}`.
pub fn share_dashboard(id: &str, shared: bool) -> RequestSpec {
    RequestSpec::new(
        Method::Put,
        format!("{BASE}/dashboards/{}/sharing", segment(id)),
    )
    .json(serde_json::json!({ "shared": shared }).to_string())
}

fn to_json(doc: &shipshape_model::Dashboard) -> String {
    serde_json::to_string(doc).unwrap_or_default()
}
