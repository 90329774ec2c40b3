//! Storage: one `Store` over two engines, SQLite (embedded, WAL, the default) and PostgreSQL
//! (15+, for several server processes on one database).
//!
//! Routes hand the store parsed QQL ([`Filter`]), a [`Sort`] and a page, never SQL. One query
//! builder serves both engines: SQL is written once with `?` placeholders ([`db::Sql`]) and the
//! few fragments that differ (case folding, JSON arrays, `NULL` ordering, pattern matching)
//! come from [`db::Dialect`]; the QQL compiler ([`filter`]) takes the dialect too. Schemas and
//! migrations are per engine (`migrations/sqlite`, `migrations/postgres`) and run at start.
//!
//! Writes go through typed methods ([`write`]) that keep every derived value right in one
//! place ([`derive`]); the demo seeder's bulk path calls the same code. Every write also bumps
//! the database's `store_version` in its transaction, which is what keys the count cache:
//! counts stay correct across processes sharing one database, and fast when nothing changed.
//!
//! Every statement run for a request has a time limit (see [`db`]); background jobs use a
//! pool of their own, and list-type reads take a permit from a semaphore smaller than the
//! pool, so neither can take every connection from the others.

pub mod aggregate;
pub mod audit;
pub mod blocks;
pub mod bulk;
pub mod containers;
pub mod dashboards;
pub mod db;
pub mod derive;
pub mod filter;
pub mod images;
pub mod ingest;
pub mod jobs;
pub mod listing;
pub mod profiles;
pub mod records;
pub mod reports;
pub mod retention;
pub mod searches;
pub mod sensorapi;
pub mod sensors;
pub mod settings;
pub mod testing;
pub mod trends;
pub mod users;
pub mod window;
pub mod write;

use anyhow::Context;
use db::{Db, Pool};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::ConnectOptions;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

pub use db::{Engine, Sql};
pub use filter::Filter;
pub use listing::{CountCache, Entity, ListQuery, Sort};

/// How a store is opened.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// Longest a statement run for a request may take before it is stopped (503).
    pub query_limit: Duration,
    /// Connections of the request pool (the job pool has a few of its own).
    pub max_connections: u32,
    /// SQLite reads the database file through a memory map of up to 1 GB per connection: the
    /// server's reads skip a copy. A bulk load mostly writes, and the mapped pages would count
    /// as its memory (twice over with two connections), so the seeder turns it off.
    pub memory_map: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            query_limit: Duration::from_secs(10),
            max_connections: 10,
            memory_map: true,
        }
    }
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    /// Requests' statements: time-limited.
    db: Db,
    /// Background jobs and maintenance: no time limit, separate connections.
    jobs_db: Db,
    pub counts: Arc<CountCache>,
    /// List-type reads (counts, pages, bulk pages) share fewer permits than the pool has
    /// connections, so single-row reads, sign-ins and health checks always find one.
    heavy: Arc<Semaphore>,
    limit: Duration,
    /// This process, as the owner of the jobs it runs.
    instance: Arc<str>,
    /// Sensors' bare check-ins not yet written (uuid → time), written together about once a
    /// second (`sensorapi::Store::flush_heartbeats`).
    pub(crate) heartbeats: Arc<std::sync::Mutex<std::collections::HashMap<String, i64>>>,
    /// Profiles' settings as check-ins read them, kept about a second.
    pub(crate) profile_cache: Arc<profiles::ProfileCache>,
}

/// Connections the job pool keeps beside the request pool (opened as needed): three for jobs
/// and maintenance, and one for each first count going on in the background
/// (`blocks::FIRST_COUNTS`).
const JOB_CONNECTIONS: u32 = 5;

impl Store {
    /// Opens (creating an SQLite file when missing) and migrates the database at `url`:
    /// `sqlite:PATH` or `postgres://…`.
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        Self::open_with(url, &StoreOptions::default()).await
    }

    pub async fn open_with(url: &str, opts: &StoreOptions) -> anyhow::Result<Self> {
        let max = opts.max_connections.max(3);
        let (db, jobs_db) = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            open_postgres(url, max, opts.query_limit).await?
        } else if url.starts_with("sqlite:") {
            open_sqlite(url, max, opts).await?
        } else {
            anyhow::bail!(
                "the database URL must start with sqlite: (for example sqlite:data/shipshape.db) \
                 or postgres:// (for example postgres://user:password@host/shipshape)"
            );
        };
        match &jobs_db.pool {
            Pool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await,
            Pool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await,
        }
        .context("running migrations")?;
        settings::sync_release_key(&jobs_db)
            .await
            .context("bringing the sensor release key in step")?;
        Ok(Self {
            db,
            jobs_db,
            counts: Arc::new(CountCache::default()),
            heavy: Arc::new(Semaphore::new((max - 2) as usize)),
            limit: opts.query_limit,
            instance: uuid::Uuid::new_v4().to_string().into(),
            heartbeats: Default::default(),
            profile_cache: Default::default(),
        })
    }

    pub fn engine(&self) -> Engine {
        self.db.engine()
    }

    /// The time-limited handle requests use.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The handle without a time limit, for jobs and maintenance.
    pub fn jobs_db(&self) -> &Db {
        &self.jobs_db
    }

    pub fn query_limit(&self) -> Duration {
        self.limit
    }

    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// A permit for a list-type read; waits at most the query limit.
    pub(crate) async fn heavy_permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, StoreBusy> {
        match tokio::time::timeout(self.limit, self.heavy.acquire()).await {
            Ok(Ok(p)) => Ok(p),
            _ => Err(StoreBusy),
        }
    }

    /// The database's version: bumped by every write that changes assets.
    pub async fn version(&self) -> sqlx::Result<i64> {
        Sql::new("SELECT version FROM store_version WHERE id = 1")
            .scalar(&self.db)
            .await
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        Sql::new("SELECT 1").execute(&self.db).await.is_ok()
    }

    /// Closes both pools. On SQLite the write-ahead log is first folded into the database file
    /// and emptied, so a plain copy of the file afterwards holds every write.
    pub async fn close(&self) {
        self.db.close().await;
        if let Pool::Sqlite(_) = self.jobs_db.pool {
            if let Err(e) = Sql::new("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.jobs_db)
                .await
            {
                tracing::warn!(error = %e, "could not checkpoint the write-ahead log");
            }
        }
        self.jobs_db.close().await;
    }

    /// A consistent copy of a live SQLite database at `path` (which must not exist), taken
    /// while other connections keep writing. PostgreSQL has its own tools (`pg_dump`).
    pub async fn backup(&self, path: &std::path::Path) -> anyhow::Result<()> {
        if self.engine() != Engine::Sqlite {
            anyhow::bail!(
                "backup copies SQLite databases; for PostgreSQL use pg_dump (see the README)"
            );
        }
        if path.exists() {
            anyhow::bail!("{} exists already; name a new file", path.display());
        }
        let target = path
            .to_str()
            .context("the backup path must be valid UTF-8")?;
        Sql::new("VACUUM INTO ?")
            .bind(target)
            .execute(&self.jobs_db)
            .await
            .with_context(|| format!("writing the backup to {}", path.display()))?;
        Ok(())
    }
}

/// The database file readable and writable by its owner only (it holds the token signing key
/// and password hashes): created so when missing, tightened when it was not. SQLite gives its
/// `-wal` and `-shm` files the database file's permissions.
fn owner_only(file: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if !file.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(file)
                .with_context(|| format!("creating {}", file.display()))?;
        }
        for f in [
            file.to_path_buf(),
            sibling(file, "-wal"),
            sibling(file, "-shm"),
        ] {
            if let Ok(meta) = std::fs::metadata(&f) {
                if meta.permissions().mode() & 0o077 != 0 {
                    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
                        .with_context(|| format!("making {} owner-only", f.display()))?;
                    tracing::info!(file = %f.display(), "made the database file readable by its owner only");
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// SQLite's `-wal`/`-shm` file beside `file`.
#[cfg(unix)]
fn sibling(file: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut name = file.as_os_str().to_os_string();
    name.push(suffix);
    name.into()
}

/// No permit for a list-type read came free within the query limit.
#[derive(Debug, thiserror::Error)]
#[error("the server is busy with other queries")]
pub struct StoreBusy;

async fn open_sqlite(url: &str, max: u32, store: &StoreOptions) -> anyhow::Result<(Db, Db)> {
    let limit = store.query_limit;
    let mmap_bytes = if store.memory_map { 1 << 30 } else { 0 };
    let opts = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("bad database URL {url}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("cache_size", "-65536")
        .pragma("temp_store", "memory")
        .pragma("mmap_size", mmap_bytes.to_string())
        // Bulk seeding runs long statements on purpose; slow-query logs would flood stderr.
        .disable_statement_logging();
    if let Some(path) = url
        .strip_prefix("sqlite:")
        .map(|p| p.trim_start_matches("//"))
    {
        let file = std::path::Path::new(path.split('?').next().unwrap_or(path));
        if let Some(dir) = file.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
        }
        if !path.starts_with(':') && !path.contains("mode=memory") {
            owner_only(file)?;
        }
    }
    // No ping before each use: on SQLite it is a round trip to the connection's thread, on
    // PostgreSQL one to the server, for every statement; a broken connection fails its
    // statement and is dropped instead.
    let jobs = SqlitePoolOptions::new()
        .max_connections(JOB_CONNECTIONS)
        .min_connections(1)
        .test_before_acquire(false)
        .connect_with(opts.clone())
        .await
        .with_context(|| format!("opening {url}"))?;
    let requests = SqlitePoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .test_before_acquire(false)
        .connect_with(opts)
        .await
        .with_context(|| format!("opening {url}"))?;
    Ok((
        Db {
            pool: Pool::Sqlite(requests),
            limit: Some(limit),
        },
        Db {
            pool: Pool::Sqlite(jobs),
            limit: None,
        },
    ))
}

async fn open_postgres(url: &str, max: u32, limit: Duration) -> anyhow::Result<(Db, Db)> {
    let opts = PgConnectOptions::from_str(url)
        .with_context(|| format!("bad database URL {}", redact(url)))?
        .application_name("shipshape")
        .disable_statement_logging()
        // Statements are prepared once per connection and run thousands of times. After five
        // runs PostgreSQL may switch to a plan made without the values, and for filters that
        // plan is often the wrong one: `state:RUNNING and host.hostname:node-1*` then reads
        // and sorts every matching row instead of walking the page's index in order (21 ms
        // instead of 0.2 ms at 100,000 containers, growing with the data). Planning with the
        // values costs well under a millisecond.
        .options([("plan_cache_mode", "force_custom_plan")]);
    let ms = limit.as_millis().max(1).to_string();
    let jobs = PgPoolOptions::new()
        .max_connections(JOB_CONNECTIONS)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(opts.clone())
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    let requests = PgPoolOptions::new()
        .max_connections(max)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(opts.options([("statement_timeout", ms.as_str())]))
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    Ok((
        Db {
            pool: Pool::Postgres(requests),
            limit: Some(limit),
        },
        Db {
            pool: Pool::Postgres(jobs),
            limit: None,
        },
    ))
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
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

#[cfg(test)]
mod tests {
    #[test]
    fn urls_are_redacted_for_messages() {
        assert_eq!(
            super::redact("postgres://app:secret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(super::redact("sqlite:data/x.db"), "sqlite:data/x.db");
    }
}
