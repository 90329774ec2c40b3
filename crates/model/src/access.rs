//! Users, their passwords and service tokens, as the users API (`/csapi/v1.3/users`,
//! `/csapi/v1.3/tokens`, `/csapi/v1.3/me`) speaks them. The password rules are here so the
//! console checks exactly what the server checks.

use crate::Role;
use serde::{Deserialize, Serialize};

/// Fewest characters a password may have.
pub const PASSWORD_MIN: usize = 12;
/// Most bytes a password may have (hashing cost grows with the length).
pub const PASSWORD_MAX_BYTES: usize = 1024;
/// Most characters a user or token name may have.
pub const NAME_MAX: usize = 64;

/// Why `password` cannot be `user`'s password, or `None` when it can.
pub fn password_problem(user: &str, password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN {
        return Some(format!(
            "must have at least {PASSWORD_MIN} characters (it has {chars})"
        ));
    }
    if password.len() > PASSWORD_MAX_BYTES {
        return Some(format!("must have at most {PASSWORD_MAX_BYTES} bytes"));
    }
    if password.trim() != password {
        return Some("must not start or end with a space".into());
    }
    if password
        .chars()
        .collect::<std::collections::HashSet<_>>()
        .len()
        < 4
    {
        return Some("must have at least 4 different characters".into());
    }
    if password.to_lowercase() == user.to_lowercase() {
        return Some("must not be the user name".into());
    }
    None
}

/// Why `name` cannot be a user name, or `None` when it can: 1 to 64 letters, digits and
/// `. _ - @`, starting with a letter or digit.
pub fn user_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is required".into());
    }
    if name.chars().count() > NAME_MAX {
        return Some(format!("must have at most {NAME_MAX} characters"));
    }
    if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return Some("must start with a letter or a digit".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
    {
        return Some(format!(
            "may hold letters, digits and . _ - @ only (not '{c}')"
        ));
    }
    None
}

/// A user as the users API shows it (never the password hash).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    /// Epoch milliseconds.
    pub created: i64,
    /// Last change of role, password or state (epoch milliseconds).
    pub updated: Option<i64>,
    /// Last successful sign-in (epoch milliseconds).
    pub last_sign_in: Option<i64>,
}

/// `POST /users`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewUser {
    /// 1 to 64 letters, digits and `. _ - @`, starting with a letter or a digit.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$",
            min_length = 1,
            max_length = 64
        )
    )]
    pub username: String,
    pub role: Role,
    /// At least 12 characters (at most 1024 bytes), 4 of them different, no space at either
    /// end, not the user name.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 1024))]
    pub password: String,
}

/// `PATCH /users/{name}`: the fields sent change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// `PUT /me/password` (with the current password) and `PUT /users/{name}/password` (an
/// admin's reset, without it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_password: Option<String>,
    /// The password rules of `NewUser.password`.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 1024))]
    pub new_password: String,
}

/// A service token as listed (the secret is shown once, when it is made).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ServiceToken {
    pub id: String,
    pub name: String,
    /// The user it acts for: it never has more rights than they have.
    pub owner: String,
    pub role: Role,
    /// Epoch milliseconds.
    pub created: i64,
    pub expires: Option<i64>,
    /// Last request made with it (to the minute; epoch milliseconds).
    pub last_used: Option<i64>,
    pub revoked: Option<i64>,
}

/// `POST /tokens`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewServiceToken {
    /// 1 to 64 characters, not all spaces.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 64, pattern = "\\S")
    )]
    pub name: String,
    pub role: Role,
    /// 1 to 3650 days; without it the token lives until revoked.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<u32>,
    /// The caller's password, again: a token outlives sessions, so a stolen session alone
    /// cannot make one. (Not needed with HTTP Basic, which carries it.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_password: Option<String>,
}

/// The answer to `POST /tokens`: the secret, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedServiceToken {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub info: ServiceToken,
}

/// Most days a service token may live.
pub const TOKEN_MAX_DAYS: u32 = 3650;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules_name_the_problem() {
        assert!(password_problem("alice", "short")
            .unwrap()
            .contains("at least 12"));
        assert!(password_problem("alice", "aaaaaaaaaaaaaaaa")
            .unwrap()
            .contains("4 different"));
        assert!(password_problem("alice.smith.x", "Alice.Smith.X")
            .unwrap()
            .contains("user name"));
        assert!(password_problem("alice", " leading space pw")
            .unwrap()
            .contains("space"));
        assert!(password_problem("alice", &"ab1-".repeat(300))
            .unwrap()
            .contains("bytes"));
        assert_eq!(password_problem("alice", "correct horse battery"), None);
        // Characters, not bytes: 12 accented letters pass.
        assert_eq!(password_problem("bob", "éàüöçñ-éàüöçñ"), None);
    }

    #[test]
    fn user_names_are_plain() {
        assert_eq!(user_name_problem("alice.smith@corp"), None);
        assert!(user_name_problem("").is_some());
        assert!(user_name_problem("-x").is_some());
        assert!(user_name_problem("a b").unwrap().contains("' '"));
        assert!(user_name_problem(&"a".repeat(65)).is_some());
    }
}
