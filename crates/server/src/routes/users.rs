//! Users and service tokens (extensions).
//!
//! - `/users…`: admins list, create, change (role, disabled), reset the password of, and sign
//!   out everywhere any user. The last enabled admin cannot be disabled or lose the role, and
//!   nobody disables themselves.
//! - `/me…`: any signed-in user reads themselves and changes their own password (with the
//!   current one; the answer carries a new token, as every other session of theirs ends).
//! - `/tokens…`: service tokens for scripts. Anyone signed in makes tokens acting for
//!   themselves, with a role at most theirs; the secret is in the answer once and only its hash
//!   is kept. Users list and revoke their own; admins, everyone's.
//!
//! Every change is audited.

use crate::auth::signin::DENIED;
use crate::auth::{secret_hash, AuthUser, ClientAddress, Via, SERVICE_PREFIX};
use crate::error::ApiError;
use crate::routes::{json, json_body};
use crate::store::users::AccessRefused;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shipshape_model::access::{
    password_problem, user_name_problem, CreatedServiceToken, NewServiceToken, NewUser,
    PasswordChange, ServiceToken, UserChange, UserInfo, NAME_MAX, TOKEN_MAX_DAYS,
};
use shipshape_model::{FieldProblem, Role};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, change_user))
        .routes(routes!(reset_password))
        .routes(routes!(sign_out_everywhere))
        .routes(routes!(me))
        .routes(routes!(change_own_password))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// `{"count": n, "data": [...]}`: every user, by name.
#[derive(Serialize, ToSchema)]
pub struct UserList {
    count: u64,
    data: Vec<UserInfo>,
}

/// `{"count": n, "data": [...]}`: service tokens, newest first.
#[derive(Serialize, ToSchema)]
pub struct TokenList {
    count: u64,
    data: Vec<ServiceToken>,
}

/// A new token after a password change (the other sessions have ended).
#[derive(Serialize, ToSchema)]
pub struct NewSession {
    token: String,
}

fn refused(e: AccessRefused, name: &str) -> ApiError {
    match e {
        AccessRefused::NoUser => ApiError::NotFound(format!("No user named '{name}'.")),
        AccessRefused::NoToken => ApiError::NotFound(format!("No service token with id '{name}'.")),
        AccessRefused::Exists => {
            ApiError::Conflict(format!("A user named '{name}' exists already."))
        }
        AccessRefused::LastAdmin => ApiError::Conflict(format!(
            "'{name}' is the last enabled admin: make another user admin first."
        )),
        AccessRefused::Db(e) => e.into(),
    }
}

fn problem(field: &str, message: String) -> FieldProblem {
    FieldProblem {
        field: field.into(),
        message,
    }
}

/// A new password hashed off the async threads.
async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || crate::auth::password::hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(ApiError::Internal)
}

/// `password` is `name`'s (through the sign-in throttle), or 403.
async fn confirm_password(
    state: &AppState,
    name: &str,
    password: &str,
    address: &str,
) -> Result<(), ApiError> {
    match state
        .access
        .signin
        .check(&state.store, name, password, address)
        .await
    {
        Ok(_) => Ok(()),
        Err(ApiError::Unauthorized(m)) if m == DENIED => Err(ApiError::Forbidden(
            "The current password is not right.".into(),
        )),
        Err(e) => Err(e),
    }
}

/// Sessions of `name` held in this process are read again on their next request.
fn forget(state: &AppState, name: &str) {
    state.access.sessions.forget_user(name);
}

#[utoipa::path(get, path = "/users", tag = "users",
    responses((status = 200, body = UserList), (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_users(
    user: AuthUser,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let data = state.store.users().await?;
    Ok(json(&UserList {
        count: data.len() as u64,
        data,
    }))
}

#[utoipa::path(post, path = "/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = UserInfo), (status = 400, body = shipshape_model::ErrorBody),
              (status = 409, description = "The name is taken", body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn create_user(
    user: AuthUser,
    State(state): State<AppState>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let b: NewUser = json_body(&bytes)?;
    let mut problems = Vec::new();
    if let Some(m) = user_name_problem(&b.username) {
        problems.push(problem("username", m));
    }
    if let Some(m) = password_problem(&b.username, &b.password) {
        problems.push(problem("password", m));
    }
    if !problems.is_empty() {
        return Err(ApiError::fields("The user cannot be created", problems));
    }
    let hashed = hash(b.password).await?;
    let info = state
        .store
        .create_user(&user.name, &b.username, &hashed, b.role)
        .await
        .map_err(|e| refused(e, &b.username))?;
    Ok((StatusCode::CREATED, json(&info)).into_response())
}

#[utoipa::path(get, path = "/users/{name}", tag = "users", params(("name" = String, Path)),
    responses((status = 200, body = UserInfo), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn get_user(
    user: AuthUser,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    match state.store.user_info(&name).await? {
        Some(u) => Ok(json(&u)),
        None => Err(refused(AccessRefused::NoUser, &name)),
    }
}

/// Changes the role and/or the state: `{"role": "viewer"}`, `{"disabled": true}`. A role
/// change applies to the user's next request in every session; disabling ends them.
#[utoipa::path(patch, path = "/users/{name}", tag = "users", params(("name" = String, Path)),
    request_body = UserChange,
    responses((status = 200, body = UserInfo), (status = 404, body = shipshape_model::ErrorBody),
              (status = 409, description = "The last enabled admin, or yourself disabled", body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn change_user(
    user: AuthUser,
    State(state): State<AppState>,
    Path(name): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let b: UserChange = json_body(&bytes)?;
    if b.role.is_none() && b.disabled.is_none() {
        return Err(ApiError::BadRequest(
            "Nothing to change: send role and/or disabled.".into(),
        ));
    }
    if b.disabled == Some(true) && name == user.name {
        return Err(ApiError::Conflict(
            "You cannot disable yourself: ask another admin.".into(),
        ));
    }
    let info = state
        .store
        .change_user(&user.name, &name, b.role, b.disabled)
        .await
        .map_err(|e| refused(e, &name))?;
    forget(&state, &name);
    Ok(json(&info))
}

/// An admin sets a new password (`{"newPassword": …}`); the user's sessions end and their
/// service tokens are revoked (a reset is how a taken-over account is recovered).
#[utoipa::path(put, path = "/users/{name}/password", tag = "users", params(("name" = String, Path)),
    request_body = PasswordChange,
    responses((status = 204, description = "Changed"), (status = 400, body = shipshape_model::ErrorBody),
              (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn reset_password(
    user: AuthUser,
    State(state): State<AppState>,
    Path(name): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    user.require(Role::Admin)?;
    let b: PasswordChange = json_body(&bytes)?;
    if let Some(m) = password_problem(&name, &b.new_password) {
        return Err(ApiError::field("newPassword", m));
    }
    let hashed = hash(b.new_password).await?;
    state
        .store
        .set_password(&user.name, &name, &hashed)
        .await
        .map_err(|e| refused(e, &name))?;
    forget(&state, &name);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Ends every session (JWT) of the user; their service tokens stay. Admins for anyone, users
/// for themselves.
#[utoipa::path(post, path = "/users/{name}/signout", tag = "users", params(("name" = String, Path)),
    responses((status = 204, description = "Every session ended"), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn sign_out_everywhere(
    user: AuthUser,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    if name != user.name {
        user.require(Role::Admin)?;
    }
    state
        .store
        .sign_out_everywhere(&user.name, &name)
        .await
        .map_err(|e| refused(e, &name))?;
    forget(&state, &name);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/me", tag = "users",
    responses((status = 200, body = UserInfo)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn me(user: AuthUser, State(state): State<AppState>) -> Result<Response, ApiError> {
    match state.store.user_info(&user.name).await? {
        Some(mut u) => {
            // A service token's role, not its owner's.
            u.role = user.role;
            Ok(json(&u))
        }
        None => Err(refused(AccessRefused::NoUser, &user.name)),
    }
}

/// `{"currentPassword": …, "newPassword": …}`. Every other session of the user ends; the
/// answer is a new token for this one.
#[utoipa::path(put, path = "/me/password", tag = "users", request_body = PasswordChange,
    responses((status = 200, body = NewSession), (status = 400, body = shipshape_model::ErrorBody),
              (status = 403, description = "The current password is wrong, or a service token made the request", body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn change_own_password(
    user: AuthUser,
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    if matches!(user.via, Via::Service { .. }) {
        return Err(ApiError::Forbidden(
            "A service token cannot change its owner's password: sign in as the user.".into(),
        ));
    }
    let b: PasswordChange = json_body(&bytes)?;
    let Some(current) = b.current_password.as_deref() else {
        return Err(ApiError::field("currentPassword", "is required"));
    };
    if let Some(m) = password_problem(&user.name, &b.new_password) {
        return Err(ApiError::field("newPassword", m));
    }
    confirm_password(&state, &user.name, current, &address).await?;
    let hashed = hash(b.new_password).await?;
    state
        .store
        .set_password(&user.name, &user.name, &hashed)
        .await
        .map_err(|e| refused(e, &user.name))?;
    forget(&state, &user.name);
    let row = state
        .store
        .user(&user.name)
        .await?
        .ok_or_else(|| refused(AccessRefused::NoUser, &user.name))?;
    crate::auth::fresh_keys(&state).await?;
    let token = state
        .tokens
        .issue(&row.username, row.role, row.token_version)?;
    Ok(json(&NewSession { token }))
}

#[utoipa::path(get, path = "/tokens", tag = "tokens",
    responses((status = 200, body = TokenList)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn list_tokens(
    user: AuthUser,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let owner = (user.role != Role::Admin).then_some(user.name.as_str());
    let data = state.store.service_tokens(owner).await?;
    Ok(json(&TokenList {
        count: data.len() as u64,
        data,
    }))
}

#[utoipa::path(post, path = "/tokens", tag = "tokens", request_body = NewServiceToken,
    responses((status = 201, body = CreatedServiceToken), (status = 400, body = shipshape_model::ErrorBody),
              (status = 403, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn create_token(
    user: AuthUser,
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    if matches!(user.via, Via::Service { .. }) {
        return Err(ApiError::Forbidden(
            "A service token cannot make service tokens: sign in as a user.".into(),
        ));
    }
    let b: NewServiceToken = json_body(&bytes)?;
    // A token outlives every session: making one takes the password, not only a session.
    if matches!(user.via, Via::Jwt { .. }) {
        let Some(current) = b.current_password.as_deref() else {
            return Err(ApiError::field(
                "currentPassword",
                "is required: a service token outlives sessions, so making one takes your password",
            ));
        };
        confirm_password(&state, &user.name, current, &address).await?;
    }
    let mut problems = Vec::new();
    let name = b.name.trim();
    if name.is_empty() {
        problems.push(problem("name", "is required".into()));
    } else if name.chars().count() > NAME_MAX {
        problems.push(problem(
            "name",
            format!("must have at most {NAME_MAX} characters"),
        ));
    }
    if !user.role.allows(b.role) {
        problems.push(problem(
            "role",
            format!(
                "must be at most your own role ({}): a token never does more than its owner",
                user.role.as_str()
            ),
        ));
    }
    if let Some(d) = b.expires_in_days {
        if !(1..=TOKEN_MAX_DAYS).contains(&d) {
            problems.push(problem(
                "expiresInDays",
                format!("must be 1 to {TOKEN_MAX_DAYS} days (or left out: no expiry)"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::fields("The token cannot be made", problems));
    }
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    let secret = crate::auth::new_secret();
    let expires = b
        .expires_in_days
        .map(|d| crate::store::now_ms() + i64::from(d) * 86_400_000);
    let info = state
        .store
        .create_service_token(
            &user.name,
            &id,
            &secret_hash(&secret),
            name,
            &user.name,
            b.role,
            expires,
        )
        .await
        .map_err(|e| refused(e, &id))?;
    Ok((
        StatusCode::CREATED,
        json(&CreatedServiceToken {
            token: format!("{SERVICE_PREFIX}{id}_{secret}"),
            info,
        }),
    )
        .into_response())
}

#[utoipa::path(delete, path = "/tokens/{id}", tag = "tokens", params(("id" = String, Path)),
    responses((status = 200, body = ServiceToken), (status = 404, body = shipshape_model::ErrorBody)),
    security(("bearer" = []), ("basic" = [])))]
pub async fn revoke_token(
    user: AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    // Someone else's token is "not found" to a non-admin, as if it did not exist.
    let mine = state
        .store
        .service_token(&id)
        .await?
        .filter(|t| t.owner == user.name || user.role == Role::Admin)
        .ok_or_else(|| refused(AccessRefused::NoToken, &id))?;
    let info = state
        .store
        .revoke_service_token(&user.name, &mine.id)
        .await
        .map_err(|e| refused(e, &id))?;
    state.access.sessions.service.remove(&id);
    Ok(json(&info))
}
