//! Users and their roles.

use super::{now_ms, Store};
use shipshape_model::Role;

#[derive(Clone, Debug)]
pub struct UserRow {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
}

impl Store {
    pub async fn user(&self, username: &str) -> sqlx::Result<Option<UserRow>> {
        let row: Option<(String, String, String)> =
            sqlx::query_as("SELECT username, password_hash, role FROM users WHERE username = ?")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(username, password_hash, role)| {
            Some(UserRow {
                username,
                password_hash,
                role: role.parse().ok()?,
            })
        }))
    }

    pub async fn user_count(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&self.pool)
            .await
    }

    /// Creates or replaces a user.
    pub async fn upsert_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO users (username, password_hash, role, created) VALUES (?, ?, ?, ?)
             ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
