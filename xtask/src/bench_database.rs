//! A bench's throwaway database: an SQLite file in a temporary directory, or a database on a
//! throwaway PostgreSQL cluster (crash-safe like SQLite in WAL mode). Dropping it stops the
//! cluster and removes the directory, so a bench that fails half-way leaves nothing behind.

use crate::postgres::{Durability, Postgres};
use anyhow::{bail, Result};
use std::path::PathBuf;

/// The two engines the server stores in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// `--engine sqlite|postgres` (SQLite when absent).
    pub fn from_args(args: &[String]) -> Result<Engine> {
        match crate::flag_value(args, "--engine").as_deref() {
            None | Some("sqlite") => Ok(Engine::Sqlite),
            Some("postgres") => Ok(Engine::Postgres),
            Some(other) => bail!("--engine takes sqlite or postgres, not '{other}'"),
        }
    }

    /// As in file names: `sqlite`, `postgres`.
    pub fn id(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }

    /// As in titles: `SQLite`, `PostgreSQL`.
    pub fn title(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

pub struct BenchDatabase {
    /// What `--database-url` takes.
    pub url: String,
    dir: PathBuf,
    file: Option<PathBuf>,
    // Declared last: dropped (the cluster stopped) after the directory is removed.
    _cluster: Option<Postgres>,
}

impl BenchDatabase {
    /// A new empty database named `name` (the SQLite file's stem, or PostgreSQL's database).
    pub fn new(engine: Engine, name: &str) -> Result<BenchDatabase> {
        let dir = std::env::temp_dir().join(format!("shipshape-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(match engine {
            Engine::Postgres => {
                let cluster = Postgres::start_throwaway(Durability::LikeSqliteWal)?;
                BenchDatabase {
                    url: cluster.create_database(name)?,
                    dir,
                    file: None,
                    _cluster: Some(cluster),
                }
            }
            Engine::Sqlite => {
                let file = dir.join(format!("{name}.db"));
                BenchDatabase {
                    url: format!("sqlite:{}", file.display()),
                    dir,
                    file: Some(file),
                    _cluster: None,
                }
            }
        })
    }

    /// Puts what was written on the disk before anything is measured: PostgreSQL's changed
    /// buffers with a checkpoint (else the checkpointer writes them later, amid the requests),
    /// then the kernel's dirty pages.
    pub fn settle(&self) -> Result<()> {
        if self.file.is_none() {
            crate::postgres::psql(&self.url, "CHECKPOINT")?;
        }
        crate::sh(&mut std::process::Command::new("sync"))
    }

    /// The database's size on disk in bytes: the SQLite file with its `-wal` and `-shm`, or
    /// `pg_database_size` (tables, indexes and TOAST; not the cluster's WAL).
    pub fn disk_bytes(&self) -> Result<u64> {
        match &self.file {
            Some(file) => Ok(["", "-wal", "-shm"]
                .iter()
                .filter_map(|suffix| {
                    std::fs::metadata(format!("{}{suffix}", file.display()))
                        .ok()
                        .map(|m| m.len())
                })
                .sum()),
            None => Ok(crate::postgres::psql(
                &self.url,
                "SELECT pg_database_size(current_database())",
            )?
            .parse()?),
        }
    }
}

impl Drop for BenchDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
