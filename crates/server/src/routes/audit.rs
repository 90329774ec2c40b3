//! `GET /csapi/v1.3/audit` (extension, `admin`): every change made through the API or the
//! console — settings and profiles with their value before and after, deletions and purges with
//! their filter or ids and counts — with the lists' conventions: QQL `filter` over the entry's
//! fields, `sort`, `pageNumber`, `pageSize`, `{"count", "data"}`.

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::json;
use crate::routes::params::{AuditListParams, Params};
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;
use shipshape_model::audit::AuditRecord;
use shipshape_model::Role;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

/// `{"count": n, "data": [...]}`.
#[derive(Serialize, ToSchema)]
pub struct AuditList {
    count: u64,
    data: Vec<AuditRecord>,
}

#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditListParams),
    responses((status = 200, body = AuditList), (status = 400, body = shipshape_model::ErrorBody),
              (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_audit(
    user: AuthUser,
    State(state): State<AppState>,
    Params(p): Params<AuditListParams>,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let req = p.request(crate::store::now_ms())?;
    let (count, data) = state.store.audit_page(&req.query).await?;
    Ok(json(&AuditList { count, data }))
}
