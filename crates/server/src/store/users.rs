//! Users, their sessions and service tokens, and the sign-in throttle's counts.
//!
//! Every change to a user or a token is written with its audit entry in one transaction.
//! A user's `token_version` moves on with a password change, a disable and "sign out
//! everywhere", which ends every JWT issued before; a role change applies to the next request
//! of every session (the role is read from here, not from the token).

use super::audit::record;
use super::db::{Exec, Sql};
use super::{now_ms, Store};
use shipshape_model::access::{ServiceToken, UserInfo};
use shipshape_model::Role;

#[derive(Clone, Debug)]
pub struct UserRow {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub disabled: bool,
    pub token_version: i64,
}

#[derive(sqlx::FromRow)]
struct StoredUser {
    username: String,
    password_hash: String,
    role: String,
    disabled: i64,
    token_version: i64,
}

#[derive(sqlx::FromRow)]
struct ListedUser {
    username: String,
    role: String,
    disabled: i64,
    created: i64,
    updated: Option<i64>,
    last_sign_in: Option<i64>,
}

impl ListedUser {
    fn info(self) -> Option<UserInfo> {
        Some(UserInfo {
            username: self.username,
            role: self.role.parse().ok()?,
            disabled: self.disabled != 0,
            created: self.created,
            updated: self.updated,
            last_sign_in: self.last_sign_in,
        })
    }
}

/// What a request's credentials are checked against, read fresh (within the session cache's
/// time) on every request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionState {
    pub role: Role,
    pub disabled: bool,
    pub token_version: i64,
    /// This token was signed out (`POST /auth/logout`).
    pub revoked: bool,
    /// The signing key's version now.
    pub key_version: i64,
}

#[derive(sqlx::FromRow)]
struct StoredSession {
    role: String,
    disabled: i64,
    token_version: i64,
    revoked: i64,
    key_version: Option<i64>,
}

/// A service token as its check needs it.
#[derive(Clone, Debug)]
pub struct TokenCheck {
    pub secret_hash: String,
    pub owner: String,
    /// The token's role, lowered to its owner's when that is lower.
    pub role: Role,
    pub expires: Option<i64>,
    pub revoked: bool,
    pub owner_disabled: bool,
    pub last_used: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct StoredTokenCheck {
    secret_hash: String,
    owner: String,
    role: String,
    expires: Option<i64>,
    revoked: Option<i64>,
    last_used: Option<i64>,
    owner_role: Option<String>,
    owner_disabled: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct StoredToken {
    id: String,
    name: String,
    owner: String,
    role: String,
    created: i64,
    expires: Option<i64>,
    last_used: Option<i64>,
    revoked: Option<i64>,
}

impl StoredToken {
    fn info(self) -> Option<ServiceToken> {
        Some(ServiceToken {
            id: self.id,
            name: self.name,
            owner: self.owner,
            role: self.role.parse().ok()?,
            created: self.created,
            expires: self.expires,
            last_used: self.last_used,
            revoked: self.revoked,
        })
    }
}

#[derive(sqlx::FromRow)]
struct FailureRow {
    key: String,
    window_start: i64,
    failures: i64,
}

/// Why a change to users or tokens was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccessRefused {
    #[error("no such user")]
    NoUser,
    #[error("no such token")]
    NoToken,
    #[error("the user exists already")]
    Exists,
    /// The change would leave no enabled admin.
    #[error("at least one enabled admin must remain")]
    LastAdmin,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

const USER_COLUMNS: &str = "username, password_hash, role, disabled, token_version";

/// Serialises changes to users within `tx`: on PostgreSQL a table lock (its transactions would
/// otherwise each count the other's admin and both demote); SQLite's write transactions are
/// serial already (`BEGIN IMMEDIATE`).
async fn lock_users(tx: &mut super::db::Tx) -> sqlx::Result<()> {
    if tx.engine() == super::Engine::Postgres {
        Sql::new("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
            .execute(Exec::from(&mut *tx))
            .await?;
    }
    Ok(())
}

impl Store {
    pub async fn user(&self, username: &str) -> sqlx::Result<Option<UserRow>> {
        let row: Option<StoredUser> = Sql::new(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username = ?"
        ))
        .bind(username)
        .fetch_optional(self.db())
        .await?;
        Ok(row.and_then(|u| {
            Some(UserRow {
                username: u.username,
                password_hash: u.password_hash,
                role: u.role.parse().ok()?,
                disabled: u.disabled != 0,
                token_version: u.token_version,
            })
        }))
    }

    pub async fn user_count(&self) -> sqlx::Result<i64> {
        Sql::new("SELECT count(*) FROM users")
            .scalar(self.db())
            .await
    }

    /// Every user, by name.
    pub async fn users(&self) -> sqlx::Result<Vec<UserInfo>> {
        let rows: Vec<ListedUser> = Sql::new(
            "SELECT username, role, disabled, created, updated, last_sign_in FROM users \
             ORDER BY username",
        )
        .fetch_all(self.db())
        .await?;
        Ok(rows.into_iter().filter_map(ListedUser::info).collect())
    }

    pub async fn user_info(&self, username: &str) -> sqlx::Result<Option<UserInfo>> {
        let row: Option<ListedUser> = Sql::new(
            "SELECT username, role, disabled, created, updated, last_sign_in FROM users \
             WHERE username = ?",
        )
        .bind(username)
        .fetch_optional(self.db())
        .await?;
        Ok(row.and_then(ListedUser::info))
    }

    /// Creates or replaces a user (the command line and the admin from the environment). A
    /// replaced user's sessions end.
    pub async fn upsert_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
    ) -> sqlx::Result<()> {
        let now = now_ms();
        Sql::new(
            "INSERT INTO users (username, password_hash, role, created) VALUES (?, ?, ?, ?) \
             ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, \
             role = excluded.role, disabled = 0, updated = ?, \
             token_version = users.token_version + 1",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(now)
        .bind(now)
        .execute(self.jobs_db())
        .await?;
        Ok(())
    }

    /// A new user (409 when the name is taken).
    pub async fn create_user(
        &self,
        actor: &str,
        username: &str,
        password_hash: &str,
        role: Role,
    ) -> Result<UserInfo, AccessRefused> {
        let mut tx = self.write_tx().await?;
        lock_users(&mut tx).await?;
        // Names differ by more than case (the throttle and the audit log read them so).
        let taken: i64 = Sql::new("SELECT count(*) FROM users WHERE lower(username) = lower(?)")
            .bind(username)
            .scalar(Exec::from(&mut tx))
            .await?;
        if taken > 0 {
            return Err(AccessRefused::Exists);
        }
        let inserted = Sql::new(
            "INSERT INTO users (username, password_hash, role, created) VALUES (?, ?, ?, ?) \
             ON CONFLICT (username) DO NOTHING",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(now_ms())
        .execute(Exec::from(&mut tx))
        .await?;
        if inserted == 0 {
            return Err(AccessRefused::Exists);
        }
        record(
            &mut tx,
            actor,
            "USER_CREATE",
            serde_json::json!({ "username": username, "role": role }),
        )
        .await?;
        tx.commit().await?;
        self.user_info(username).await?.ok_or(AccessRefused::NoUser)
    }

    /// Changes a user's role and/or state. Disabling ends their sessions; the last enabled
    /// admin can neither be disabled nor lose the role.
    pub async fn change_user(
        &self,
        actor: &str,
        username: &str,
        role: Option<Role>,
        disabled: Option<bool>,
    ) -> Result<UserInfo, AccessRefused> {
        let mut tx = self.write_tx().await?;
        lock_users(&mut tx).await?;
        let before: Option<ListedUser> = Sql::new(
            "SELECT username, role, disabled, created, updated, last_sign_in FROM users \
             WHERE username = ?",
        )
        .bind(username)
        .fetch_optional(Exec::from(&mut tx))
        .await?;
        let before = before
            .and_then(ListedUser::info)
            .ok_or(AccessRefused::NoUser)?;
        let role_after = role.unwrap_or(before.role);
        let disabled_after = disabled.unwrap_or(before.disabled);
        let was_admin = before.role == Role::Admin && !before.disabled;
        let is_admin = role_after == Role::Admin && !disabled_after;
        if was_admin && !is_admin {
            let admins: i64 = Sql::new(
                "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 \
                 AND username <> ?",
            )
            .bind(username)
            .scalar(Exec::from(&mut tx))
            .await?;
            if admins == 0 {
                return Err(AccessRefused::LastAdmin);
            }
        }
        let ends_sessions = disabled_after && !before.disabled;
        Sql::new(
            "UPDATE users SET role = ?, disabled = ?, updated = ?, \
             token_version = token_version + ? WHERE username = ?",
        )
        .bind(role_after.as_str())
        .bind(i64::from(disabled_after))
        .bind(now_ms())
        .bind(i64::from(ends_sessions))
        .bind(username)
        .execute(Exec::from(&mut tx))
        .await?;
        record(
            &mut tx,
            actor,
            "USER_CHANGE",
            serde_json::json!({
                "username": username,
                "before": { "role": before.role, "disabled": before.disabled },
                "after": { "role": role_after, "disabled": disabled_after },
            }),
        )
        .await?;
        tx.commit().await?;
        self.user_info(username).await?.ok_or(AccessRefused::NoUser)
    }

    /// A new password hash for `username`; every session they had ends.
    pub async fn set_password(
        &self,
        actor: &str,
        username: &str,
        password_hash: &str,
    ) -> Result<(), AccessRefused> {
        let mut tx = self.write_tx().await?;
        let n = Sql::new(
            "UPDATE users SET password_hash = ?, updated = ?, \
             token_version = token_version + 1 WHERE username = ?",
        )
        .bind(password_hash)
        .bind(now_ms())
        .bind(username)
        .execute(Exec::from(&mut tx))
        .await?;
        if n == 0 {
            return Err(AccessRefused::NoUser);
        }
        // Someone else's reset revokes the user's service tokens too: a reset is how an
        // account someone took over is won back, and a token made meanwhile would outlive it.
        let (action, revoked) = if actor == username {
            ("PASSWORD_CHANGE", 0)
        } else {
            let n = Sql::new(
                "UPDATE service_tokens SET revoked = ? WHERE owner = ? AND revoked IS NULL",
            )
            .bind(now_ms())
            .bind(username)
            .execute(Exec::from(&mut tx))
            .await?;
            ("PASSWORD_RESET", n)
        };
        record(
            &mut tx,
            actor,
            action,
            serde_json::json!({ "username": username, "tokensRevoked": revoked }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session `username` has (their JWTs; service tokens stay).
    pub async fn sign_out_everywhere(
        &self,
        actor: &str,
        username: &str,
    ) -> Result<(), AccessRefused> {
        let mut tx = self.write_tx().await?;
        let n = Sql::new(
            "UPDATE users SET token_version = token_version + 1, updated = ? WHERE username = ?",
        )
        .bind(now_ms())
        .bind(username)
        .execute(Exec::from(&mut tx))
        .await?;
        if n == 0 {
            return Err(AccessRefused::NoUser);
        }
        record(
            &mut tx,
            actor,
            "SIGN_OUT_EVERYWHERE",
            serde_json::json!({ "username": username }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The state a JWT of `username` with id `jti` is checked against.
    pub async fn session_state(
        &self,
        username: &str,
        jti: &str,
    ) -> sqlx::Result<Option<SessionState>> {
        let row: Option<StoredSession> = Sql::new(format!(
            "SELECT u.role, u.disabled, u.token_version, \
             (SELECT count(*) FROM revoked_tokens r WHERE r.jti = ?) AS revoked, \
             (SELECT s.version FROM settings s WHERE s.key = '{}') AS key_version \
             FROM users u WHERE u.username = ?",
            super::settings::JWT_SECRET
        ))
        .bind(jti)
        .bind(username)
        .fetch_optional(self.db())
        .await?;
        Ok(row.and_then(|r| {
            Some(SessionState {
                role: r.role.parse().ok()?,
                disabled: r.disabled != 0,
                token_version: r.token_version,
                revoked: r.revoked > 0,
                key_version: r.key_version.unwrap_or(0),
            })
        }))
    }

    /// Signs one JWT out until it would have expired; forgets revocations of tokens that
    /// have expired since.
    pub async fn revoke_jwt(&self, actor: &str, jti: &str, expires_ms: i64) -> sqlx::Result<()> {
        let mut tx = self.write_tx().await?;
        Sql::new("DELETE FROM revoked_tokens WHERE expires < ?")
            .bind(now_ms())
            .execute(Exec::from(&mut tx))
            .await?;
        Sql::new(
            "INSERT INTO revoked_tokens (jti, expires) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING",
        )
        .bind(jti)
        .bind(expires_ms)
        .execute(Exec::from(&mut tx))
        .await?;
        record(&mut tx, actor, "SIGN_OUT", serde_json::json!({})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Notes a successful sign-in (the users list shows it).
    pub async fn note_sign_in(&self, username: &str) -> sqlx::Result<()> {
        Sql::new("UPDATE users SET last_sign_in = ? WHERE username = ?")
            .bind(now_ms())
            .bind(username)
            .execute(self.jobs_db())
            .await?;
        Ok(())
    }

    /// A new service token for `owner`, with the hash of its secret; audited.
    pub async fn create_service_token(
        &self,
        actor: &str,
        id: &str,
        secret_hash: &str,
        name: &str,
        owner: &str,
        role: Role,
        expires: Option<i64>,
    ) -> Result<ServiceToken, AccessRefused> {
        let mut tx = self.write_tx().await?;
        Sql::new(
            "INSERT INTO service_tokens (id, name, owner, role, secret_hash, created, expires) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(name)
        .bind(owner)
        .bind(role.as_str())
        .bind(secret_hash)
        .bind(now_ms())
        .bind(expires)
        .execute(Exec::from(&mut tx))
        .await?;
        record(
            &mut tx,
            actor,
            "TOKEN_CREATE",
            serde_json::json!({ "id": id, "name": name, "owner": owner, "role": role, "expires": expires }),
        )
        .await?;
        tx.commit().await?;
        self.service_token(id).await?.ok_or(AccessRefused::NoToken)
    }

    pub async fn service_token(&self, id: &str) -> sqlx::Result<Option<ServiceToken>> {
        let row: Option<StoredToken> = Sql::new(
            "SELECT id, name, owner, role, created, expires, last_used, revoked \
             FROM service_tokens WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(self.db())
        .await?;
        Ok(row.and_then(StoredToken::info))
    }

    /// Service tokens, newest first: `owner`'s, or everyone's.
    pub async fn service_tokens(&self, owner: Option<&str>) -> sqlx::Result<Vec<ServiceToken>> {
        let mut sql = Sql::new(
            "SELECT id, name, owner, role, created, expires, last_used, revoked \
             FROM service_tokens",
        );
        if let Some(o) = owner {
            sql.push(" WHERE owner = ").push_bind(o.to_string());
        }
        sql.push(" ORDER BY created DESC, id");
        let rows: Vec<StoredToken> = sql.fetch_all(self.db()).await?;
        Ok(rows.into_iter().filter_map(StoredToken::info).collect())
    }

    /// What checking a presented service token needs.
    pub async fn service_token_check(&self, id: &str) -> sqlx::Result<Option<TokenCheck>> {
        let row: Option<StoredTokenCheck> = Sql::new(
            "SELECT t.secret_hash, t.owner, t.role, t.expires, t.revoked, t.last_used, \
             u.role AS owner_role, u.disabled AS owner_disabled \
             FROM service_tokens t LEFT JOIN users u ON u.username = t.owner WHERE t.id = ?",
        )
        .bind(id)
        .fetch_optional(self.db())
        .await?;
        Ok(row.and_then(|r| {
            let role: Role = r.role.parse().ok()?;
            let owner_role: Option<Role> = r.owner_role.and_then(|o| o.parse().ok());
            Some(TokenCheck {
                secret_hash: r.secret_hash,
                owner: r.owner,
                // A token never does more than its owner may (no owner: nothing).
                role: owner_role.map_or(Role::Viewer, |o| o.min(role)),
                expires: r.expires,
                revoked: r.revoked.is_some(),
                owner_disabled: owner_role.is_none() || r.owner_disabled.unwrap_or(1) != 0,
                last_used: r.last_used,
            })
        }))
    }

    /// Notes a service token's use (callers do it at most once a minute per token).
    pub async fn touch_service_token(&self, id: &str) -> sqlx::Result<()> {
        Sql::new("UPDATE service_tokens SET last_used = ? WHERE id = ?")
            .bind(now_ms())
            .bind(id)
            .execute(self.jobs_db())
            .await?;
        Ok(())
    }

    /// Revokes a service token (again: no change); audited.
    pub async fn revoke_service_token(
        &self,
        actor: &str,
        id: &str,
    ) -> Result<ServiceToken, AccessRefused> {
        let mut tx = self.write_tx().await?;
        let n = Sql::new("UPDATE service_tokens SET revoked = ? WHERE id = ? AND revoked IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(Exec::from(&mut tx))
            .await?;
        if n > 0 {
            record(
                &mut tx,
                actor,
                "TOKEN_REVOKE",
                serde_json::json!({ "id": id }),
            )
            .await?;
        }
        tx.commit().await?;
        self.service_token(id).await?.ok_or(AccessRefused::NoToken)
    }

    /// Counts one sign-in attempt against each of `keys` before its password is checked (so
    /// that attempts made at once cannot all pass the limit): a key whose window started at or
    /// before `since` starts a new one. Each key with when its window started and how many
    /// attempts it has had in it, this one included; and when `trusted_key` (this address
    /// signing in as this name) last succeeded. Keys are written in order (two attempts never
    /// wait for each other's rows in opposite orders).
    pub async fn reserve_signin(
        &self,
        keys: &[String],
        since: i64,
        trusted_key: &str,
    ) -> sqlx::Result<(Vec<(String, i64, i64)>, Option<i64>)> {
        let now = now_ms();
        let mut sorted: Vec<&String> = keys.iter().collect();
        sorted.sort();
        let mut out = Vec::with_capacity(keys.len());
        let mut tx = self.write_tx().await?;
        for k in sorted {
            let row: FailureRow = Sql::new(
                "INSERT INTO signin_failures (key, window_start, failures) VALUES (?, ?, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                 failures = CASE WHEN signin_failures.window_start > ? \
                   THEN signin_failures.failures + 1 ELSE 1 END, \
                 window_start = CASE WHEN signin_failures.window_start > ? \
                   THEN signin_failures.window_start ELSE excluded.window_start END \
                 RETURNING key, window_start, failures",
            )
            .bind(k.clone())
            .bind(now)
            .bind(since)
            .bind(since)
            .fetch_one(Exec::from(&mut tx))
            .await?;
            out.push((row.key, row.window_start, row.failures));
        }
        let trusted: Option<i64> =
            Sql::new("SELECT window_start FROM signin_failures WHERE key = ?")
                .bind(trusted_key.to_string())
                .scalar_optional(Exec::from(&mut tx))
                .await?;
        tx.commit().await?;
        Ok((out, trusted))
    }

    /// A successful sign-in: the name's count is forgotten, the address's attempt given back,
    /// and the address remembered as one this name signs in from.
    pub async fn signin_succeeded(
        &self,
        name_key: &str,
        address_key: &str,
        trusted_key: &str,
    ) -> sqlx::Result<()> {
        let mut tx = self.write_tx().await?;
        Sql::new("DELETE FROM signin_failures WHERE key = ?")
            .bind(name_key.to_string())
            .execute(Exec::from(&mut tx))
            .await?;
        Sql::new(
            "UPDATE signin_failures SET failures = failures - 1 WHERE key = ? AND failures > 0",
        )
        .bind(address_key.to_string())
        .execute(Exec::from(&mut tx))
        .await?;
        Sql::new(
            "INSERT INTO signin_failures (key, window_start, failures) VALUES (?, ?, 0) \
             ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start",
        )
        .bind(trusted_key.to_string())
        .bind(now_ms())
        .execute(Exec::from(&mut tx))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A failed sign-in of `username` from `address`, audited (the name as sent is in the
    /// details, not the actor: anyone can type any name).
    pub async fn audit_signin_failure(&self, username: &str, address: &str) -> sqlx::Result<()> {
        let mut tx = self.write_tx().await?;
        record(
            &mut tx,
            "(sign-in)",
            "SIGN_IN_FAILED",
            serde_json::json!({ "username": username, "address": address }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets attempt counts of windows that started at or before `since` and addresses not
    /// signed in from since `trusted_since`. Rows other requests hold are left for next time.
    pub async fn forget_old_signins(&self, since: i64, trusted_since: i64) -> sqlx::Result<()> {
        let skip_locked = match self.engine() {
            super::Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            super::Engine::Sqlite => "",
        };
        Sql::new(format!(
            "DELETE FROM signin_failures WHERE key IN (SELECT key FROM signin_failures \
             WHERE (key NOT LIKE 'trusted:%' AND window_start <= ?) \
             OR (key LIKE 'trusted:%' AND window_start <= ?){skip_locked})"
        ))
        .bind(since)
        .bind(trusted_since)
        .execute(self.jobs_db())
        .await?;
        Ok(())
    }
}
