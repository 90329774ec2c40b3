//! Users and their roles.

use super::db::Sql;
use super::{now_ms, Store};
use shipshape_model::Role;

#[derive(Clone, Debug)]
pub struct UserRow {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
}

#[derive(sqlx::FromRow)]
struct StoredUser {
    username: String,
    password_hash: String,
    role: String,
}

impl Store {
    pub async fn user(&self, username: &str) -> sqlx::Result<Option<UserRow>> {
        let row: Option<StoredUser> =
            Sql::new("SELECT username, password_hash, role FROM users WHERE username = ?")
                .bind(username)
                .fetch_optional(self.db())
                .await?;
        Ok(row.and_then(|u| {
            Some(UserRow {
                username: u.username,
                password_hash: u.password_hash,
                role: u.role.parse().ok()?,
            })
        }))
    }

    pub async fn user_count(&self) -> sqlx::Result<i64> {
        Sql::new("SELECT count(*) FROM users")
            .scalar(self.db())
            .await
    }

    /// Creates or replaces a user.
    pub async fn upsert_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
    ) -> sqlx::Result<()> {
        Sql::new(
            "INSERT INTO users (username, password_hash, role, created) VALUES (?, ?, ?, ?) \
             ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, \
             role = excluded.role",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(now_ms())
        .execute(self.jobs_db())
        .await?;
        Ok(())
    }
}
