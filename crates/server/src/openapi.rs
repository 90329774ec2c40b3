//! The OpenAPI document, generated from the handlers' annotations and the model's types.

use crate::routes;
use axum::response::Response;
use shipshape_model as m;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};

/// Query parameters of every list endpoint.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    /// QQL filter, e.g. `state:RUNNING and vulnerabilities.severity:5` (see the QQL reference);
    /// absent or empty selects everything. A bad query answers 400 with `message` and `span`.
    filter: Option<String>,
    /// 1-based page number (`pageNo` is an alias; 0 means 1).
    #[param(minimum = 0)]
    page_number: Option<i64>,
    /// Rows per page, 1–1000 (default 50).
    #[param(minimum = 1, maximum = 1000)]
    page_size: Option<i64>,
    /// `token:asc` or `token:desc` with a sortable token (default `created:desc`).
    sort: Option<String>,
    /// `extensions` adds Shipshape's own fields (deployment, updateAvailable, latestVersion).
    include: Option<String>,
}

/// Query parameters of the bulk `/list` endpoints.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct BulkParams {
    /// Rows per page, 1–250 (default 50).
    #[param(minimum = 1, maximum = 250)]
    limit: Option<i64>,
    /// QQL filter, e.g. `repo.repository:nginx`; absent or empty selects everything. A bad
    /// query answers 400 with `message` and `span`.
    filter: Option<String>,
    /// Cursor from the previous page's `Link` header.
    pagination_query: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct IncludeParam {
    /// `extensions` adds Shipshape's own fields.
    include: Option<String>,
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        c.add_security_scheme(
            "basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Shipshape API", description = "Qualys Container Security API (csapi v1.3) compatible, with Shipshape extensions. \
        The list, detail and delete endpoints of sensors, images and containers are also served under /csapi/v1.1, and GET /csapi/v1.2/images."),
    paths(
        routes::auth::issue_token,
        routes::sensors::list_sensors, routes::sensors::sensor_details, routes::sensors::delete_sensors,
        routes::images::list_images, routes::images::bulk_images, routes::images::image_details, routes::images::image_vulns,
        routes::images::image_vuln_count, routes::images::image_software, routes::images::image_association, routes::images::delete_images,
        routes::containers::list_containers, routes::containers::bulk_containers, routes::containers::container_details,
        routes::containers::container_vulns, routes::containers::container_vuln_count, routes::containers::container_software,
        routes::containers::delete_containers,
        routes::jobs::get_job,
        routes::searches::list_searches, routes::searches::add_recent, routes::searches::save_search, routes::searches::delete_saved,
    ),
    components(schemas(m::ErrorBody, m::Sensor, m::Image, m::ImageDetails, m::Container, m::ContainerDetails, m::Vulnerability,
        m::Software, m::SeverityCounts, m::Job, m::DeletionJobRef, m::DeleteRequest)),
    modifiers(&Security),
    tags((name = "auth"), (name = "sensors"), (name = "images"), (name = "containers"), (name = "jobs", description = "Extension"), (name = "searches", description = "Extension: recent and saved QQL searches"))
)]
pub struct ApiDoc;

pub async fn openapi_json() -> Response {
    routes::json(&ApiDoc::openapi())
}
