//! A throwaway PostgreSQL cluster for tests and benchmarks: its own data directory and port,
//! made with the machine's PostgreSQL server binaries (installed from the OS packages when
//! missing), run as the `postgres` user when we are root (initdb refuses root), stopped and
//! removed when dropped. `SHIPSHAPE_TEST_POSTGRES_URL` points at an existing server instead.

use crate::{sh, step};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The oldest PostgreSQL the store supports.
const MIN_MAJOR: u32 = 15;

/// How much a throwaway cluster writes to disk before answering.
#[derive(Clone, Copy, Debug)]
pub enum Durability {
    None,
    LikeSqliteWal,
}

/// A running server: the URL of its `postgres` database, and the cluster to stop, if ours.
pub struct Postgres {
    pub url: String,
    cluster: Option<Cluster>,
}

struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
}

impl Postgres {
    /// The server named by `SHIPSHAPE_TEST_POSTGRES_URL`, or a new throwaway cluster.
    pub fn for_tests() -> Result<Self> {
        if let Ok(url) = std::env::var("SHIPSHAPE_TEST_POSTGRES_URL") {
            if !url.trim().is_empty() {
                println!("using the PostgreSQL server in SHIPSHAPE_TEST_POSTGRES_URL");
                return Ok(Self { url, cluster: None });
            }
        }
        Self::start_throwaway(Durability::None)
    }

    /// Starts a new cluster in a temporary directory on a free port.
    pub fn start_throwaway(durability: Durability) -> Result<Self> {
        let bin = ensure_server_binaries()?;
        step("Starting a throwaway PostgreSQL cluster");
        let dir = std::env::temp_dir().join(format!("shipshape-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).context("creating the cluster directory")?;
        let as_postgres = is_root();
        if as_postgres {
            sh(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir))?;
        }
        let data = dir.join("data");
        let cluster = Cluster {
            bin: bin.clone(),
            dir: dir.clone(),
            as_postgres,
        };
        let quiet = |mut c: Command| -> Result<()> {
            let out = c.output().with_context(|| format!("running {c:?}"))?;
            if !out.status.success() {
                bail!(
                    "{c:?} failed: {}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Ok(())
        };
        let mut initdb = cluster.command("initdb");
        initdb.arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ]);
        quiet(initdb)?;
        let port = free_port()?;
        let settings = match durability {
            // Tests: the cluster is thrown away, so nothing needs to reach the disk.
            Durability::None => {
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                                 -c shared_buffers=256MB"
            }
            // Benchmarks: crash-safe like SQLite in WAL mode with synchronous=NORMAL (a commit
            // is not waited for on disk, but the database is never corrupted).
            Durability::LikeSqliteWal => {
                "-c synchronous_commit=off -c shared_buffers=2GB \
                                          -c effective_cache_size=8GB -c work_mem=32MB \
                                          -c maintenance_work_mem=1GB -c max_wal_size=8GB"
            }
        };
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400 {settings}",
            dir.display()
        );
        let mut start = cluster.command("pg_ctl");
        start
            .arg("-D")
            .arg(&data)
            .args(["-o", &opts, "-l"])
            .arg(dir.join("server.log"))
            .args(["-w", "start"]);
        quiet(start)?;
        let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        println!("PostgreSQL running at {url} (data in {})", data.display());
        Ok(Self {
            url,
            cluster: Some(cluster),
        })
    }
}

impl Postgres {
    /// Creates a database on the server (dropping one of that name first); its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        for sql in [
            format!("DROP DATABASE IF EXISTS \"{name}\""),
            format!("CREATE DATABASE \"{name}\""),
        ] {
            psql(&self.url, &sql)?;
        }
        let base = self
            .url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&self.url);
        Ok(format!("{base}/{name}"))
    }
}

/// Runs one SQL statement with psql on the database at `url`; what it printed, unaligned and
/// without headers (a scalar's text for a one-value query).
pub fn psql(url: &str, sql: &str) -> Result<String> {
    let psql = installed_bin()
        .map(|b| b.join("psql"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("psql"));
    let out = Command::new(&psql)
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-At", "-d", url, "-c", sql])
        .output()
        .context("running psql")?;
    if !out.status.success() {
        bail!("{sql}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl Cluster {
    fn command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(c) = self.cluster.take() {
            let _ = c
                .command("pg_ctl")
                .arg("-D")
                .arg(c.dir.join("data"))
                .args(["-m", "fast", "-w", "stop"])
                .output();
            let _ = std::fs::remove_dir_all(&c.dir);
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(l.local_addr()?.port())
}

/// The newest installed server's `bin` directory (Debian's layout), at least version 15.
fn installed_bin() -> Option<PathBuf> {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<u32> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|v| *v >= MIN_MAJOR)
        .filter(|v| root.join(v.to_string()).join("bin/initdb").exists())
        .collect();
    versions.sort_unstable();
    versions
        .last()
        .map(|v| root.join(v.to_string()).join("bin"))
}

/// The server binaries, installed from the OS packages when missing.
pub fn ensure_server_binaries() -> Result<PathBuf> {
    step("Checking tools: PostgreSQL server binaries");
    if let Some(bin) = installed_bin() {
        println!("ok: {}", bin.display());
        return Ok(bin);
    }
    crate::tools::apt_install(&["postgresql", "postgresql-contrib"])?;
    installed_bin().with_context(|| {
        format!("PostgreSQL {MIN_MAJOR}+ is not in /usr/lib/postgresql after installing it")
    })
}
