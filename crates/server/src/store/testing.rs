//! Fresh databases for tests, on the engine the test run is for: SQLite in a new temporary
//! directory by default, or, when `SHIPSHAPE_TEST_POSTGRES_URL` names a PostgreSQL server
//! (`cargo xtask test` starts a throwaway one), a new database on that server. Each is removed
//! when its guard is dropped.

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::PathBuf;
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

    /// Whether this run's engine is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
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
