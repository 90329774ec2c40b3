//! `POST /auth`: form credentials in, bare JWT out (201, text/plain), as the Qualys API does;
//! throttled per user name and client address (429 with `Retry-After`). `POST /auth/logout`
//! (extension) signs the presented JWT out.

use crate::auth::{AuthUser, ClientAddress, Via};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use shipshape_model::request::decode_query;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue_token))
        .routes(routes!(logout))
}

/// The sign-in form, for the document: the handler reads these fields from the form (or from a
/// JSON object with `username` and `password`) itself, to name each missing one.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AuthForm {
    username: String,
    password: String,
    /// Sent by Qualys clients; ignored.
    token: Option<bool>,
    /// Sent by Qualys clients; ignored.
    permissions: Option<bool>,
}

/// Form fields `username`, `password` (and `token=true`, `permissions=true`, ignored).
#[utoipa::path(post, path = "/auth", tag = "auth",
    request_body(content = AuthForm, content_type = "application/x-www-form-urlencoded", description = "username=…&password=…&token=true"),
    responses((status = 201, description = "The JWT as text/plain", content_type = "text/plain", body = String),
              (status = 401, description = "Wrong credentials", body = shipshape_model::ErrorBody),
              (status = 429, description = "Too many failed sign-ins for this user name or address (see Retry-After)", body = shipshape_model::ErrorBody)))]
pub async fn issue_token(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest("The body is not UTF-8 text.".into()))?;
    let fields: Vec<(String, String)> = if ct.starts_with("application/json") {
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ApiError::BadRequest(format!("The JSON body is invalid: {e}")))?;
        ["username", "password"]
            .iter()
            .filter_map(|k| {
                v.get(*k)
                    .and_then(|x| x.as_str())
                    .map(|x| (k.to_string(), x.to_string()))
            })
            .collect()
    } else {
        decode_query(text)
    };
    let get = |name: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let (Some(user), Some(pass)) = (get("username"), get("password")) else {
        return Err(ApiError::Fields {
            message: "username and password are required (form fields username=…&password=…)"
                .into(),
            details: ["username", "password"]
                .iter()
                .filter(|f| get(f).is_none())
                .map(|f| shipshape_model::FieldProblem {
                    field: f.to_string(),
                    message: "is required".into(),
                })
                .collect(),
        });
    };
    let row = state
        .access
        .signin
        .check(&state.store, user, pass, &address)
        .await?;
    state.store.note_sign_in(&row.username).await?;
    crate::auth::fresh_keys(&state).await?;
    let token = state
        .tokens
        .issue(&row.username, row.role, row.token_version)?;
    Ok((
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        token,
    )
        .into_response())
}

/// Signs out the JWT this request carries: it is refused from then on (by every server
/// process within seconds). Other sessions of the user stay; see
/// `POST /csapi/v1.3/users/{name}/signout` to end them all.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out"),
              (status = 400, description = "The request was not made with a JWT", body = shipshape_model::ErrorBody),
              (status = 401, description = "No valid token", body = shipshape_model::ErrorBody)),
    security(("bearer" = [])))]
pub async fn logout(user: AuthUser, State(state): State<AppState>) -> Result<Response, ApiError> {
    let Via::Jwt { jti, exp } = &user.via else {
        return Err(ApiError::BadRequest(
            "Only a JWT can be signed out; revoke a service token with DELETE /csapi/v1.3/tokens/{id}."
                .into(),
        ));
    };
    if jti.is_empty() {
        // Issued before tokens had ids: it cannot be told apart from others like it.
        return Err(ApiError::BadRequest(
            "This token is from an older version and cannot be signed out alone: sign in again for one that can, or end every session with POST /csapi/v1.3/users/{name}/signout.".into(),
        ));
    }
    state
        .store
        .revoke_jwt(&user.name, jti, exp.saturating_mul(1000))
        .await?;
    state
        .access
        .sessions
        .jwts
        .remove(&crate::auth::session::Sessions::jwt_key(&user.name, jti));
    Ok(StatusCode::NO_CONTENT.into_response())
}
