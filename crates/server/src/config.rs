//! Command-line configuration of the `shipshape` binary.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/shipshape.db";

#[derive(Parser, Debug)]
#[command(
    name = "shipshape",
    version,
    about = "Shipshape container-security console server"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API and the console.
    Serve(ServeArgs),
    /// Fill the database with data.
    Seed(SeedArgs),
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage the token signing key.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Copy a live SQLite database to a new file, consistently (for PostgreSQL use pg_dump).
    Backup(BackupArgs),
    /// Load scanner reports (Trivy, CycloneDX, Grype JSON) from files, as a CI/CD sensor would.
    /// Every file is parsed first: if one is refused, none is stored.
    Import(ImportArgs),
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Report files (one image each).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// `trivy`, `cyclonedx` or `grype`; detected per file when absent.
    #[arg(long)]
    pub format: Option<String>,
    #[arg(long, env = "SHIPSHAPE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The file to write; it must not exist.
    pub path: PathBuf,
    #[arg(long, env = "SHIPSHAPE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the chosen URL is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    #[arg(long, env = "SHIPSHAPE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// The built console (trunk's dist/); without it only the API is served.
    #[arg(long)]
    pub dist: Option<PathBuf>,
    /// PEM certificate chain for HTTPS.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS with a certificate generated for this machine (for local use).
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    pub tls_self_signed: bool,
    /// Seed the demo fleet when the database has no sensors yet.
    #[arg(long)]
    pub seed_demo_if_empty: bool,
    /// Longest a request's database statement may run, in milliseconds; past it the statement
    /// is stopped and the request answered 503.
    #[arg(long, env = "SHIPSHAPE_QUERY_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub query_timeout_ms: u64,
    /// Database connections for requests (background jobs have three more).
    #[arg(long, env = "SHIPSHAPE_MAX_CONNECTIONS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(3..=1000))]
    pub max_connections: u32,
    /// A job whose server has shown no life for this many seconds is taken over by another
    /// server (or by this one after a restart).
    #[arg(long, env = "SHIPSHAPE_JOB_STALE_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub job_stale_secs: u64,
    /// A sensor that registered through the sensor API and has not checked in for this many
    /// seconds becomes UNKNOWN.
    #[arg(long, env = "SHIPSHAPE_SENSOR_UNKNOWN_AFTER_SECS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(60..=30 * 86_400))]
    pub sensor_unknown_after_secs: u64,
    /// The address clients reach this server at (for example https://shipshape.example.com),
    /// for absolute links such as the bulk lists' `Link` header. Without it, the address the
    /// connection came in on.
    #[arg(long, env = "SHIPSHAPE_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// Behind a reverse proxy: take the client's address from X-Forwarded-For and, without
    /// --public-url, links' host from X-Forwarded-Host/Host and X-Forwarded-Proto.
    #[arg(long, env = "SHIPSHAPE_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// API requests a second allowed per token (bursts of twice that); 0 turns the limit off.
    #[arg(long, env = "SHIPSHAPE_API_RATE_LIMIT", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub api_rate_limit: u32,
    /// Failed sign-ins allowed per user name in the sign-in window.
    #[arg(long, env = "SHIPSHAPE_SIGNIN_FAILURES_PER_USER", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub signin_failures_per_user: u32,
    /// Failed sign-ins allowed per client address in the sign-in window.
    #[arg(long, env = "SHIPSHAPE_SIGNIN_FAILURES_PER_ADDRESS", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub signin_failures_per_address: u32,
    /// The window failed sign-ins are counted in, in seconds.
    #[arg(long, env = "SHIPSHAPE_SIGNIN_WINDOW_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub signin_window_secs: u64,
}

/// An absolute http(s) URL without a path, query or fragment.
fn parse_public_url(s: &str) -> Result<String, String> {
    let trimmed = s.trim().trim_end_matches('/');
    let uri: axum::http::Uri = trimmed
        .parse()
        .map_err(|e| format!("not a URL ({e}); for example https://shipshape.example.com"))?;
    match (uri.scheme_str(), uri.authority(), uri.path()) {
        (Some("http" | "https"), Some(_), "" | "/") if uri.query().is_none() => {
            Ok(trimmed.to_string())
        }
        _ => Err("give the scheme and host only, for example https://shipshape.example.com".into()),
    }
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Replace the token signing key: every token signed before is refused from then on
    /// (users sign in again; service tokens are not affected).
    Rotate {
        #[arg(long, env = "SHIPSHAPE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
}

#[derive(Args, Debug)]
pub struct SeedArgs {
    /// The demo fleet (about 40 sensors, 400 images, 3,000 containers per unit of scale).
    #[arg(long)]
    pub demo: bool,
    /// Multiplies the demo fleet: more than 0, at most 3334 (10,000,000 containers).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Random seed (the same seed and anchor time give the same fleet).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Anchor time in epoch ms for the generated timestamps (default: now).
    #[arg(long)]
    pub now: Option<i64>,
    #[arg(long, env = "SHIPSHAPE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add (or update) a user; the password is read from standard input.
    Add {
        name: String,
        #[arg(long, value_parser = ["viewer", "operator", "admin"])]
        role: String,
        #[arg(long, env = "SHIPSHAPE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
}
