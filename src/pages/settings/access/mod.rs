//! Settings › My account, Service tokens and Users: changing one's own password and ending
//! one's other sessions; making (shown once), listing and revoking service tokens; and, for
//! admins, adding users, changing their role, disabling them, resetting their password and
//! signing them out everywhere. Passwords are checked as they are typed with the rules the
//! server applies (`shipshape_model::access`).

mod account;
mod controls;
mod tokens;
mod users;

pub use account::AccountSettings;
pub(super) use controls::input_row;
pub use tokens::TokensSettings;
pub use users::UsersSettings;

/// `{"count", "data"}` of the users and tokens lists.
#[derive(serde::Deserialize, Clone, PartialEq)]
struct Listed<T> {
    data: Vec<T>,
}

/// The rows of a users or tokens list answer.
fn decode_list<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, String> {
    serde_json::from_str::<Listed<T>>(text)
        .map(|l| l.data)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_model::access::UserInfo;

    #[test]
    fn lists_decode_their_rows_and_name_a_bad_answer() {
        let users: Vec<UserInfo> = decode_list(
            r#"{"count":1,"data":[{"username":"ada","role":"operator","disabled":false,"created":1}]}"#,
        )
        .unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].username, "ada");
        assert_eq!(users[0].role, shipshape_model::Role::Operator);
        assert!(decode_list::<UserInfo>(r#"{"count":0}"#)
            .unwrap_err()
            .contains("data"));
    }
}
