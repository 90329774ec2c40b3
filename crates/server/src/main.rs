//! `shipshape`: serve the API and console, seed demo data, manage users.

use anyhow::Context;
use clap::Parser;
use shipshape_server::auth::signin::SignInLimits;
use shipshape_server::auth::AccessOptions;
use shipshape_server::config::{
    BackupArgs, Cli, Command, ImportArgs, KeysCommand, SeedArgs, ServeArgs, UserCommand,
};
use shipshape_server::jobs::JobOptions;
use shipshape_server::store::{Entity, Filter, Store, StoreOptions};
use shipshape_server::{demo, ensure_admin, listener, routes, AppState};
use std::io::Read;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
        Command::Seed(args) => seed(args).await,
        Command::Backup(args) => backup(args).await,
        Command::Import(args) => import(args).await,
        Command::Keys {
            command: KeysCommand::Rotate { database_url },
        } => {
            let store = Store::open(&database_url).await?;
            let rotated = store.rotate_jwt_key("command line").await;
            store.close().await;
            println!(
                "signing key rotated (now version {}): tokens signed before are refused; users sign in again",
                rotated?
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    database_url,
                },
        } => {
            let role: shipshape_model::Role = role.parse().map_err(anyhow::Error::msg)?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']);
            if let Some(why) = shipshape_model::access::user_name_problem(&name) {
                anyhow::bail!("the user name {why}");
            }
            if let Some(why) = shipshape_model::access::password_problem(&name, password) {
                anyhow::bail!("the password {why}");
            }
            let store = Store::open(&database_url).await?;
            let hash = shipshape_server::auth::password::hash_password(password)?;
            let saved = store.upsert_user(&name, &hash, role).await;
            store.close().await;
            saved?;
            println!("user '{name}' saved with role {}", role.as_str());
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let store = Store::open_with(
        &args.database_url,
        &StoreOptions {
            query_limit: std::time::Duration::from_millis(args.query_timeout_ms),
            max_connections: args.max_connections,
            ..StoreOptions::default()
        },
    )
    .await?;
    let result = serve_on(&store, args).await;
    // Every pooled connection closed and, on SQLite, the write-ahead log folded into the file.
    store.close().await;
    result
}

async fn serve_on(store: &Store, args: ServeArgs) -> anyhow::Result<()> {
    let store = store.clone();
    if let Some(password) =
        ensure_admin(&store, std::env::var("SHIPSHAPE_ADMIN_PASSWORD").ok()).await?
    {
        println!("Created user 'admin' with password: {password}");
        println!("(shown once; set SHIPSHAPE_ADMIN_PASSWORD to choose it, or add users with `shipshape user add`)");
    }
    if args.seed_demo_if_empty && store.count(&Filter::all(Entity::Sensor)).await? == 0 {
        let stats = demo::seed(&store, &demo::DemoOptions::default()).await?;
        println!("Seeded the demo fleet: {stats}");
    }
    let tls = match (&args.tls_cert, &args.tls_key, args.tls_self_signed) {
        (Some(c), Some(k), _) => Some(listener::tls_from_files(c, k)?),
        (_, _, true) => Some(listener::tls_self_signed()?),
        _ => None,
    };
    let dist = args.dist.filter(|d| d.join("index.html").exists());
    let jobs = JobOptions {
        stale_after: std::time::Duration::from_secs(args.job_stale_secs),
        sweep_every: std::time::Duration::from_secs(args.job_stale_secs.clamp(1, 5)),
        sensor_silence: std::time::Duration::from_secs(args.sensor_unknown_after_secs),
    };
    let access = AccessOptions {
        signin: SignInLimits {
            window: std::time::Duration::from_secs(args.signin_window_secs),
            per_name: i64::from(args.signin_failures_per_user),
            per_address: i64::from(args.signin_failures_per_address),
            ..SignInLimits::default()
        },
        api_rate: args.api_rate_limit,
        trust_proxy: args.trust_proxy,
        public_url: args.public_url.clone(),
    };
    if args.public_url.is_none() && !args.trust_proxy && !args.bind.ip().is_loopback() {
        tracing::warn!(
            "absolute links (the bulk lists' Link header) name the address each connection came in on; \
             behind NAT, a load balancer or a proxy set --public-url (or --trust-proxy)"
        );
    }
    let state = AppState::with_options(store, dist, tls.is_some(), jobs, access).await?;
    // Takes over jobs a stopped server left unfinished, now and from time to time.
    let sweeper = state.jobs.start_sweeper();
    let store = state.store.clone();
    let app = routes::app(state);
    let tcp = listener::bind(args.bind)
        .await
        .with_context(|| format!("binding {}", args.bind))?;
    let addr = tcp.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("listening on {scheme}://{addr}");
    let served = listener::serve(tcp, app, tls, listener::shutdown_signal()).await;
    sweeper.abort();
    // Sensors' last check-ins are not lost with the process.
    if let Err(e) = store.flush_heartbeats().await {
        tracing::warn!(error = %e, "writing sensors' last check-ins");
    }
    served
}

async fn seed(args: SeedArgs) -> anyhow::Result<()> {
    if !args.demo {
        anyhow::bail!("nothing to seed: pass --demo");
    }
    if !(args.scale > 0.0 && args.scale <= demo::MAX_SCALE) {
        anyhow::bail!(
            "--scale must be more than 0 and at most {} (10,000,000 containers)",
            demo::MAX_SCALE
        );
    }
    let store = Store::open_with(
        &args.database_url,
        &StoreOptions {
            memory_map: false,
            ..StoreOptions::default()
        },
    )
    .await?;
    let opts = demo::DemoOptions {
        scale: args.scale,
        seed: args.seed,
        now_ms: args.now.unwrap_or_else(shipshape_server::store::now_ms),
    };
    let started = std::time::Instant::now();
    let stats = demo::seed(&store, &opts).await;
    // Closed even when seeding failed: on SQLite this empties the write-ahead log into the
    // file, so a plain copy of the file holds every write.
    store.close().await;
    println!(
        "seeded {} in {:.1}s",
        stats?,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn import(args: ImportArgs) -> anyhow::Result<()> {
    use shipshape_server::ingest;
    let format = args
        .format
        .as_deref()
        .map(str::parse::<ingest::Format>)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    // Every file parsed before anything is stored.
    let mut reports = Vec::new();
    for path in &args.files {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let report = ingest::parse(&bytes, format)
            .map_err(|e| anyhow::anyhow!("{}: {e}; nothing was imported", path.display()))?;
        reports.push((path, report));
    }
    let store = Store::open(&args.database_url).await?;
    let started = std::time::Instant::now();
    let mut findings = 0;
    for (path, report) in &reports {
        let done = store
            .ingest(
                report,
                "CICD",
                Some("(import)"),
                shipshape_server::store::now_ms(),
            )
            .await
            .with_context(|| format!("storing {}", path.display()))?;
        findings += done.vulnerabilities;
        println!(
            "{}: {} image {} ({} software, {} vulnerabilities, {} secrets)",
            path.display(),
            done.format,
            &done.image_sha[..12],
            done.software,
            done.vulnerabilities,
            done.secrets
        );
    }
    store.close().await;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "imported {} reports ({findings} findings) in {secs:.2}s",
        reports.len()
    );
    Ok(())
}

async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let store = Store::open(&args.database_url).await?;
    let started = std::time::Instant::now();
    let done = store.backup(&args.path).await;
    store.close().await;
    done?;
    let size = std::fs::metadata(&args.path).map(|m| m.len()).unwrap_or(0);
    println!(
        "backed up to {} ({:.1} MB) in {:.1}s",
        args.path.display(),
        size as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
