//! Authentication: argon2 password hashes, HS256 JWTs (`POST /auth`), Bearer and Basic on
//! every `/csapi` call, and role checks.

pub mod password;
pub mod token;

use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use shipshape_model::Role;

/// The caller of an authenticated request.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub name: String,
    pub role: Role,
}

impl AuthUser {
    /// 403 unless the caller's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<(), ApiError> {
        if self.role.allows(needed) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "This needs the {} role; user '{}' has the {} role.",
                needed.as_str(),
                self.name,
                self.role.as_str()
            )))
        }
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "Authentication required: send 'Authorization: Bearer <token>' (get a token from POST /auth).".into(),
                )
            })?
            .to_str()
            .map_err(|_| ApiError::Unauthorized("The Authorization header is not valid text.".into()))?;
        let (scheme, rest) = header.trim().split_once(' ').unwrap_or((header, ""));
        match scheme.to_ascii_lowercase().as_str() {
            "bearer" => {
                let claims = state.tokens.verify(rest.trim())?;
                let role = claims
                    .role
                    .parse()
                    .map_err(|_| ApiError::Unauthorized("Invalid JWT: unknown role.".into()))?;
                Ok(AuthUser {
                    name: claims.sub,
                    role,
                })
            }
            "basic" => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(rest.trim())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| ApiError::Unauthorized("Malformed Basic credentials.".into()))?;
                let (user, pass) = decoded
                    .split_once(':')
                    .ok_or_else(|| ApiError::Unauthorized("Malformed Basic credentials.".into()))?;
                let row = state.check_password(user, pass).await?;
                Ok(AuthUser {
                    name: row.username,
                    role: row.role,
                })
            }
            _ => Err(ApiError::Unauthorized(
                "Unsupported authorization scheme: use Bearer or Basic.".into(),
            )),
        }
    }
}
