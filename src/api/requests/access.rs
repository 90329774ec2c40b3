//! Access: signing in and out, users, passwords and service tokens.

use super::{segment, BASE};
use shipshape_model::{Method, RequestSpec};

/// `POST /auth` with the form the compatible API expects; the answer is the bare JWT.
pub fn sign_in(username: &str, password: &str) -> RequestSpec {
    RequestSpec::new(Method::Post, "/auth")
        .form(vec![
            ("username".into(), username.into()),
            ("password".into(), password.into()),
            ("token".into(), "true".into()),
        ])
        .without_auth()
}

/// `POST /auth/logout`: the current token is refused from then on.
pub fn sign_out() -> RequestSpec {
    RequestSpec::new(Method::Post, "/auth/logout")
}

/// `GET /csapi/v1.3/users`: every user (admins).
pub fn users() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/users"))
}

/// `POST /csapi/v1.3/users`.
pub fn create_user(user: &shipshape_model::access::NewUser) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/users"))
        .json(serde_json::to_string(user).unwrap_or_default())
}

/// `PATCH /csapi/v1.3/users/{name}`: a new role and/or state.
pub fn change_user(name: &str, change: &shipshape_model::access::UserChange) -> RequestSpec {
    RequestSpec::new(Method::Patch, format!("{BASE}/users/{}", segment(name)))
        .json(serde_json::to_string(change).unwrap_or_default())
}

/// `PUT /csapi/v1.3/users/{name}/password`: an admin's reset.
pub fn reset_password(name: &str, password: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Put,
        format!("{BASE}/users/{}/password", segment(name)),
    )
    .json(serde_json::json!({ "newPassword": password }).to_string())
}

/// `POST /csapi/v1.3/users/{name}/signout`: every session of the user ends.
pub fn sign_out_everywhere(name: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Post,
        format!("{BASE}/users/{}/signout", segment(name)),
    )
}

/// `PUT /csapi/v1.3/me/password`; the answer carries a new token.
pub fn change_own_password(current: &str, new: &str) -> RequestSpec {
    RequestSpec::new(Method::Put, format!("{BASE}/me/password"))
        .json(serde_json::json!({ "currentPassword": current, "newPassword": new }).to_string())
}

/// `GET /csapi/v1.3/tokens`: the caller's service tokens (an admin's: everyone's).
pub fn tokens() -> RequestSpec {
    RequestSpec::get(format!("{BASE}/tokens"))
}

/// `POST /csapi/v1.3/tokens`.
pub fn create_token(token: &shipshape_model::access::NewServiceToken) -> RequestSpec {
    RequestSpec::new(Method::Post, format!("{BASE}/tokens"))
        .json(serde_json::to_string(token).unwrap_or_default())
}

/// `DELETE /csapi/v1.3/tokens/{id}`.
pub fn revoke_token(id: &str) -> RequestSpec {
    RequestSpec::new(Method::Delete, format!("{BASE}/tokens/{}", segment(id)))
}
