//! Shipshape's server: the Qualys-CS-compatible REST API over a store on SQLite or PostgreSQL,
//! authentication, background jobs, demo data, and the built console served as a single-page
//! app.

pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod ingest;
pub mod jobs;
pub mod listener;
pub mod openapi;
pub mod reports;
pub mod routes;
pub mod store;
pub mod windows;

use crate::auth::token::TokenKeys;
use crate::auth::{Access, AccessOptions};
use crate::jobs::{JobOptions, JobRunner};
use crate::store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub tokens: Arc<TokenKeys>,
    /// Sign-in throttle, session checks, request rates, proxy and URL settings.
    pub access: Arc<Access>,
    /// The built console (trunk's `dist/`), served at `/` when present.
    pub dist: Option<PathBuf>,
    /// True when this server speaks HTTPS itself (for absolute URLs and HSTS).
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
        Self::with_options(store, dist, tls, jobs, AccessOptions::default()).await
    }

    pub async fn with_options(
        store: Store,
        dist: Option<PathBuf>,
        tls: bool,
        jobs: JobOptions,
        access: AccessOptions,
    ) -> anyhow::Result<Self> {
        let (secret, version) = store.jwt_key().await?;
        store.start_heartbeat_writer();
        Ok(Self {
            jobs: JobRunner::new(store.clone(), jobs),
            store,
            tokens: Arc::new(TokenKeys::with_version(
                &secret,
                version,
                TokenKeys::DEFAULT_TTL_SECS,
            )),
            access: Arc::new(Access::new(access)?),
            dist,
            tls,
        })
    }
}

/// Creates the `admin` user on first start. Returns the generated password when one was made
/// (the caller prints it once). With `SHIPSHAPE_ADMIN_PASSWORD` set, a stored admin whose
/// password differs gets this one (audited as a reset by "environment": a forgotten password is
/// recovered so); its role and state stay as they are.
pub async fn ensure_admin(
    store: &Store,
    env_password: Option<String>,
) -> anyhow::Result<Option<String>> {
    let env_password = env_password.filter(|p| !p.is_empty());
    let check = |p: &str| match shipshape_model::access::password_problem("admin", p) {
        Some(why) => anyhow::bail!("SHIPSHAPE_ADMIN_PASSWORD {why}"),
        None => Ok(()),
    };
    if let Some(admin) = store.user("admin").await? {
        if let Some(p) = env_password {
            if auth::password::verify_password(&p, &admin.password_hash) {
                return Ok(None);
            }
            check(&p)?;
            let hash = auth::password::hash_password(&p)?;
            store
                .set_password("environment", "admin", &hash)
                .await
                .map_err(|e| anyhow::anyhow!("setting the admin password: {e}"))?;
        }
        return Ok(None);
    }
    let (password, generated) = match env_password {
        Some(p) => {
            check(&p)?;
            (p, false)
        }
        None => (auth::password::generate_password(), true),
    };
    let hash = auth::password::hash_password(&password)?;
    store
        .upsert_user("admin", &hash, shipshape_model::Role::Admin)
        .await?;
    Ok(generated.then_some(password))
}
