//! Fresh databases for tests, on the engine the test run is for: SQLite in a new temporary
//! directory by default, or, when `SHIPSHAPE_TEST_POSTGRES_URL` names a PostgreSQL server
//! (`cargo xtask test` starts a throwaway one), a new database on that server. Each is removed
//! when its guard is dropped. A [`Template`] is filled once per test process and copied for
//! each test that wants its rows (seeding the demo fleet takes seconds, a copy a fraction).

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The variable naming the PostgreSQL server tests run against.
pub const POSTGRES_URL_VAR: &str = "SHIPSHAPE_TEST_POSTGRES_URL";

/// A database that exists for one test.
pub struct TestDb {
    /// What `Store::open` takes.
    pub url: String,
    /// A directory for the test's files (the SQLite database lives in it).
    pub dir: PathBuf,
    postgres: Option<(String, String)>,
}

/// The PostgreSQL server of this test run, if the run is for PostgreSQL.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|u| !u.trim().is_empty())
}

impl TestDb {
    /// A new empty database on this run's engine.
    pub async fn new() -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("shipshape-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir)?;
        match postgres_url() {
            None => Ok(Self {
                url: format!("sqlite:{}", dir.join("test.db").display()),
                dir,
                postgres: None,
            }),
            Some(admin) => {
                let name = format!("shipshape_t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = PgConnectOptions::from_str(&admin)?
                    .disable_statement_logging()
                    .connect()
                    .await?;
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut conn)
                    .await?;
                conn.close().await?;
                Ok(Self {
                    url: with_database(&admin, &name),
                    dir,
                    postgres: Some((admin, name)),
                })
            }
        }
    }

    /// A new database on this run's engine holding what `template` holds.
    pub async fn copy_of(template: &Template) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("shipshape-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir)?;
        match &template.0 {
            Filled::Sqlite(file) => {
                let db = dir.join("test.db");
                std::fs::copy(file, &db)?;
                Ok(Self {
                    url: format!("sqlite:{}", db.display()),
                    dir,
                    postgres: None,
                })
            }
            Filled::Postgres { admin, name: from } => {
                let name = format!("shipshape_t_{}", uuid::Uuid::new_v4().simple());
                admin_statement(
                    admin,
                    &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{from}\""),
                )
                .await?;
                Ok(Self {
                    url: with_database(admin, &name),
                    dir,
                    postgres: Some((admin.clone(), name)),
                })
            }
        }
    }

    /// Whether this run's engine is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

/// A database filled once per test process, on this run's engine, that [`TestDb::copy_of`]
/// copies: SQLite copies its file, PostgreSQL creates a database from it (`CREATE DATABASE …
/// TEMPLATE …`, which needs nobody connected to it: the filling store is closed).
///
/// Nothing runs when a test process ends, so a template is named by the process that made it
/// and the next process to make one removes those whose process is gone.
pub struct Template(Filled);

enum Filled {
    /// The database file, its write-ahead log folded in.
    Sqlite(PathBuf),
    Postgres {
        admin: String,
        name: String,
    },
}

impl Template {
    /// A new database filled by `fill` through a store that is closed afterwards; with what
    /// `fill` returned.
    pub async fn new<T, F, Fut>(fill: F) -> anyhow::Result<(Self, T)>
    where
        F: FnOnce(super::Store) -> Fut,
        Fut: Future<Output = anyhow::Result<T>>,
    {
        const PREFIX: &str = "shipshape-template-";
        let pid = std::process::id();
        match postgres_url() {
            None => {
                let tmp = std::env::temp_dir();
                if let Ok(entries) = std::fs::read_dir(&tmp) {
                    for e in entries.flatten() {
                        let name = e.file_name().to_string_lossy().to_string();
                        let owner = name.strip_prefix(PREFIX).and_then(|p| p.parse().ok());
                        if owner.is_some_and(process_gone) {
                            let _ = std::fs::remove_dir_all(e.path());
                        }
                    }
                }
                let dir = tmp.join(format!("{PREFIX}{pid}"));
                // A template of an earlier test binary run by this same process id, if any.
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir)?;
                let file = dir.join("template.db");
                let store = super::Store::open(&format!("sqlite:{}", file.display())).await?;
                let filled = fill(store.clone()).await;
                // Closing folds the write-ahead log into the file and empties it.
                store.close().await;
                let filled = filled?;
                let wal = PathBuf::from(format!("{}-wal", file.display()));
                if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                    anyhow::bail!("{} still holds writes after closing", wal.display());
                }
                Ok((Self(Filled::Sqlite(file)), filled))
            }
            Some(admin) => {
                let tag = host_tag();
                let prefix = format!("shipshape_tpl_{tag}_");
                let mut conn = PgConnectOptions::from_str(&admin)?
                    .disable_statement_logging()
                    .connect()
                    .await?;
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)",
                )
                .bind(&prefix)
                .fetch_all(&mut conn)
                .await?;
                conn.close().await?;
                for old in names {
                    let owner = old[prefix.len()..].parse().ok();
                    if owner.is_some_and(process_gone) || owner == Some(pid) {
                        admin_statement(
                            &admin,
                            &format!("DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"),
                        )
                        .await?;
                    }
                }
                let name = format!("{prefix}{pid}");
                admin_statement(&admin, &format!("CREATE DATABASE \"{name}\"")).await?;
                let store = super::Store::open(&with_database(&admin, &name)).await?;
                let filled = fill(store.clone()).await;
                store.close().await;
                Ok((Self(Filled::Postgres { admin, name }), filled?))
            }
        }
    }
}

/// Runs one statement on the PostgreSQL server's administrative database.
async fn admin_statement(admin: &str, sql: &str) -> anyhow::Result<()> {
    let mut conn = PgConnectOptions::from_str(admin)?
        .disable_statement_logging()
        .connect()
        .await?;
    sqlx::query(sql).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// Whether process `pid` of this machine has ended (never, where `/proc` cannot tell).
fn process_gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

/// This machine, in eight hex digits: a PostgreSQL server may serve test runs of several
/// machines, whose process ids say nothing here.
fn host_tag() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default();
    // FNV-1a: stable across runs and builds, unlike the standard library's hasher.
    let hash = host.trim().bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("{hash:08x}")
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin, name)) = self.postgres.take() {
            // Drop runs inside the test's runtime, which must not block: a thread of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        if let Ok(opts) = PgConnectOptions::from_str(&admin) {
                            if let Ok(mut conn) = opts.disable_statement_logging().connect().await {
                                let _ = sqlx::query(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .execute(&mut conn)
                                .await;
                            }
                        }
                    });
                }
            })
            .join();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            super::with_database("postgres://u@127.0.0.1:5432/postgres", "x"),
            "postgres://u@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u@h:1/postgres?sslmode=disable", "x"),
            "postgres://u@h:1/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h:1", "x"),
            "postgres://u@h:1/x"
        );
    }
}
