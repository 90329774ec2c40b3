//! Shipshape's server: the Qualys-CS-compatible REST API over a store on SQLite or PostgreSQL,
//! authentication, background jobs, demo data, and the built console served as a single-page
//! app.

pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod jobs;
pub mod listener;
pub mod openapi;
pub mod routes;
pub mod store;
pub mod windows;

use crate::auth::password::VerifiedCache;
use crate::auth::token::TokenKeys;
use crate::error::ApiError;
use crate::jobs::{JobOptions, JobRunner};
use crate::store::users::UserRow;
use crate::store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub tokens: Arc<TokenKeys>,
    pub verified: Arc<VerifiedCache>,
    /// The built console (trunk's `dist/`), served at `/` when present.
    pub dist: Option<PathBuf>,
    /// True when this server speaks HTTPS itself (for absolute URLs in `Link` headers).
    pub tls: bool,
    /// Runs this process's background jobs.
    pub jobs: JobRunner,
}

impl AppState {
    pub async fn new(store: Store, dist: Option<PathBuf>, tls: bool) -> anyhow::Result<Self> {
        Self::with_jobs(store, dist, tls, JobOptions::default()).await
    }

    pub async fn with_jobs(
        store: Store,
        dist: Option<PathBuf>,
        tls: bool,
        jobs: JobOptions,
    ) -> anyhow::Result<Self> {
        let secret = store.jwt_secret().await?;
        Ok(Self {
            jobs: JobRunner::new(store.clone(), jobs),
            store,
            tokens: Arc::new(TokenKeys::new(&secret, TokenKeys::DEFAULT_TTL_SECS)),
            verified: Arc::new(VerifiedCache::default()),
            dist,
            tls,
        })
    }

    /// The user with these credentials, or 401. Verification runs off the async threads.
    pub async fn check_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<UserRow, ApiError> {
        let denied = || ApiError::Unauthorized("Invalid username or password.".into());
        let Some(user) = self.store.user(username).await? else {
            return Err(denied());
        };
        let verified = self.verified.clone();
        let (u, p, h) = (
            username.to_string(),
            password.to_string(),
            user.password_hash.clone(),
        );
        let ok = tokio::task::spawn_blocking(move || verified.verify(&u, &p, &h))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
        if ok {
            Ok(user)
        } else {
            Err(denied())
        }
    }
}

/// Creates the `admin` user on first start. Returns the generated password when one was made
/// (the caller prints it once).
pub async fn ensure_admin(
    store: &Store,
    env_password: Option<String>,
) -> anyhow::Result<Option<String>> {
    if store.user("admin").await?.is_some() {
        if let Some(p) = env_password.filter(|p| !p.is_empty()) {
            // An explicit password in the environment always wins, so a forgotten one can be reset.
            let hash = auth::password::hash_password(&p)?;
            store
                .upsert_user("admin", &hash, shipshape_model::Role::Admin)
                .await?;
        }
        return Ok(None);
    }
    let (password, generated) = match env_password.filter(|p| !p.is_empty()) {
        Some(p) => (p, false),
        None => (auth::password::generate_password(), true),
    };
    let hash = auth::password::hash_password(&password)?;
    store
        .upsert_user("admin", &hash, shipshape_model::Role::Admin)
        .await?;
    Ok(generated.then_some(password))
}
