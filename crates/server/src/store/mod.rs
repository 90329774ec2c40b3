//! Storage: one SQLite database (WAL) behind `Store`. Every query binds its values; nothing
//! a client sends is formatted into SQL.

pub mod audit;
pub mod containers;
pub mod images;
pub mod jobs;
pub mod listing;
pub mod searches;
pub mod sensors;
pub mod settings;
pub mod users;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub use listing::{CountCache, Entity, ListQuery, SqlFilter};

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub pool: SqlitePool,
    /// Bumped by every write that changes which rows exist, so cached counts go stale.
    generation: Arc<AtomicU64>,
    pub counts: Arc<CountCache>,
}

impl Store {
    /// Opens (creating the file when missing) and migrates the database at `url` (`sqlite:PATH`).
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            anyhow::bail!("PostgreSQL is not supported yet by this build: use a sqlite: URL");
        }
        if !url.starts_with("sqlite:") {
            anyhow::bail!(
                "database URL must start with sqlite: (for example sqlite:data/shipshape.db)"
            );
        }
        let opts = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("bad database URL {url}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory")
            .pragma("mmap_size", "1073741824")
            // Bulk seeding runs long statements on purpose; slow-query logs would flood stderr.
            .disable_statement_logging();
        if let Some(path) = url
            .strip_prefix("sqlite:")
            .map(|p| p.trim_start_matches("//"))
        {
            if let Some(dir) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent()
            {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(opts)
            .await
            .with_context(|| format!("opening {url}"))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .context("running migrations")?;
        Ok(Self {
            pool,
            generation: Arc::new(AtomicU64::new(1)),
            counts: Arc::new(CountCache::default()),
        })
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Call after any insert or delete of assets.
    pub fn rows_changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .is_ok()
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Parses a JSON column, falling back to the type's default on a bad value (logged).
pub fn json_col<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "bad JSON column value");
        T::default()
    })
}
