//! `cargo xtask run | test | bench`: makes a fresh machine ready (installing only what is
//! missing), builds the console and the server, and runs them, the tests or the benchmarks.

mod bench;
mod bench_database;
mod bench_reports;
mod bench_scale;
mod bench_writer;
mod contract;
mod postgres;
mod server;
mod split;
mod tools;
mod wrk;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    std::env::set_current_dir(&root).context("entering the project root")?;
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("split-console") => split::split_console(),
        Some("help") | Some("--help") | None => {
            println!("cargo xtask run   [--bind ADDR] [--database-url URL]  build the console and server, seed demo data, serve");
            println!("cargo xtask test  [--no-browser] [--no-postgres]      fmt, clippy, unit/integration tests on SQLite and PostgreSQL, console build, component and browser tests");
            println!("cargo xtask bench [--engine sqlite|postgres] [--containers N [--full]] [--seconds S] [--purge-only] [--size-only] [--sensors] [--reports]");
            println!("                                                      no size, or --full: seed 1,000,000 (or N) containers and measure the API under load (bench-out/results-<engine>.md);");
            println!("                                                      --containers N alone: the scale line for N, idle and under a sensor-like writer (bench-out/scale-<engine>.md);");
            println!("                                                      --database-url URL instead of a size: that database as it is (printed, not recorded)");
            Ok(())
        }
        Some(other) => bail!("unknown xtask command '{other}': use run, test or bench"),
    }
}

pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the project root")
        .to_path_buf()
}

/// Prints and runs a command; fails when it fails.
pub fn sh(cmd: &mut Command) -> Result<()> {
    println!("$ {}", show(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("starting {}", show(cmd)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", show(cmd));
    }
    Ok(())
}

/// A size field of a process's `/proc/<pid>/status` (`VmRSS:`, `RssAnon:`, `VmHWM:`, …), in KiB.
pub fn status_kib(pid: u32, name: &str) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .with_context(|| format!("no {name} in /proc/{pid}/status"))
}

pub fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

pub fn step(what: &str) {
    println!("\n==> {what}");
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"))
}

/// Builds the console into `dist/` with trunk (release: small wasm), then writes `.br` and
/// `.gz` files beside each asset: the server sends those as they are, compressed once at the
/// highest levels instead of on every request at a fast level.
pub fn build_console() -> Result<()> {
    step("Building the console (trunk build --release)");
    sh(Command::new("trunk").args(["build", "--release"]))?;
    step("Precompressing dist/ (brotli 11, gzip 9)");
    precompress(Path::new("dist"))
}

fn precompress(dir: &Path) -> Result<()> {
    use std::io::Write;
    for entry in std::fs::read_dir(dir).context("reading dist/")? {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["wasm", "js", "css", "html", "svg"].contains(&ext) {
            continue;
        }
        let data = std::fs::read(&path)?;
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 64 * 1024, 11, 22);
            w.write_all(&data)?;
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&data)?;
        let gz = gz.finish()?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        std::fs::write(dir.join(format!("{name}.br")), &br)?;
        std::fs::write(dir.join(format!("{name}.gz")), &gz)?;
        println!(
            "{name}: {} bytes, brotli {}, gzip {}",
            data.len(),
            br.len(),
            gz.len()
        );
    }
    Ok(())
}

fn flag_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn run(args: &[String]) -> Result<()> {
    let bind = flag_value(args, "--bind").unwrap_or_else(|| "127.0.0.1:8080".into());
    let db_url =
        flag_value(args, "--database-url").unwrap_or_else(|| "sqlite:data/shipshape.db".into());
    tools::ensure_console_tools()?;
    build_console()?;
    step("Building the server (cargo build --profile server)");
    sh(cargo().args(["build", "--profile", "server", "-p", "shipshape-server"]))?;
    let bin = target_dir().join("server").join("shipshape");

    std::fs::create_dir_all("data").context("creating ./data")?;
    let db_path = db_url
        .strip_prefix("sqlite:")
        .map(|p| p.trim_start_matches("//").to_string());
    let fresh = db_path.as_deref().is_some_and(|p| !Path::new(p).exists());
    let postgres = db_url.starts_with("postgres:") || db_url.starts_with("postgresql:");
    if fresh {
        step("Seeding the demo fleet into a new database");
        sh(Command::new(&bin).args(["seed", "--demo", "--database-url", &db_url]))?;
    } else if postgres {
        step("Using the PostgreSQL database (the server seeds the demo fleet when it has no sensors)");
    } else {
        step("Using the existing database (delete ./data to start over)");
    }
    let password = admin_password()?;
    step("Starting the server");
    println!("Open http://{bind}/ and sign in as  admin  with password  {password}");
    println!("(the password is kept in data/admin-password; set SHIPSHAPE_ADMIN_PASSWORD to choose another)");
    println!("API: get a token with  curl -X POST http://{bind}/auth -d 'username=admin&password={password}&token=true'");
    println!("Stop with Ctrl-C.\n");
    let mut serve = Command::new(&bin);
    serve
        .args([
            "serve",
            "--bind",
            &bind,
            "--database-url",
            &db_url,
            "--dist",
            "dist",
        ])
        .env("SHIPSHAPE_ADMIN_PASSWORD", &password);
    if postgres {
        serve.arg("--seed-demo-if-empty");
    }
    sh(&mut serve)
}

/// The demo admin password: from the environment, or the one made on the first run.
fn admin_password() -> Result<String> {
    if let Ok(p) = std::env::var("SHIPSHAPE_ADMIN_PASSWORD") {
        if !p.is_empty() {
            return Ok(p);
        }
    }
    let file = Path::new("data/admin-password");
    if let Ok(p) = std::fs::read_to_string(file) {
        if !p.trim().is_empty() {
            return Ok(p.trim().to_string());
        }
    }
    let bytes = random_password();
    std::fs::write(file, &bytes).context("writing data/admin-password")?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600));
    }
    Ok(bytes)
}

pub fn random_password() -> String {
    use std::io::Read;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 18];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = f.read_exact(&mut buf);
    }
    if buf.iter().all(|b| *b == 0) {
        // No /dev/urandom: fall back to the clock, still never a fixed password.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        buf.iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = (t >> (i % 16 * 8)) as u8);
    }
    buf.iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

fn test(args: &[String]) -> Result<()> {
    let browser = !args.iter().any(|a| a == "--no-browser");
    let with_postgres = !args.iter().any(|a| a == "--no-postgres");
    tools::ensure_console_tools()?;
    if browser {
        tools::ensure_browser()?;
        tools::ensure_wasm_test_runner()?;
    }
    tools::ensure_httpie()?;
    tools::ensure_schemathesis()?;
    if with_postgres {
        postgres::ensure_server_binaries()?;
    }
    step("Formatting (cargo fmt --check)");
    sh(cargo().args(["fmt", "--all", "--", "--check"]))?;
    step("Lints (cargo clippy -D warnings): server, model, qql, xtask, tests");
    sh(cargo().args([
        "clippy",
        "--workspace",
        "--exclude",
        "shipshape-console",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    step("Lints (cargo clippy -D warnings): the console, for wasm32");
    sh(cargo().args([
        "clippy",
        "-p",
        "shipshape-console",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    build_console()?;
    step("Building the server binary for the browser tests");
    sh(cargo().args(["build", "-p", "shipshape-server"]))?;
    let bin = target_dir().join("debug").join("shipshape");
    step("Unit, integration and browser tests (cargo test)");
    let mut t = cargo();
    t.args(["test", "--workspace", "--exclude", "shipshape-console"]);
    if !browser {
        t.args(["--exclude", "shipshape-e2e"]);
    }
    t.env("SHIPSHAPE_BIN", &bin)
        .env("SHIPSHAPE_DIST", project_root().join("dist"))
        .env_remove("SHIPSHAPE_TEST_POSTGRES_URL");
    sh(&mut t)?;
    step("The console's unit tests (natively: they touch no DOM)");
    sh(cargo().args(["test", "-p", "shipshape-console"]))?;
    if browser {
        step("The console's component tests (wasm-bindgen-test in headless Chromium)");
        sh(cargo()
            .args([
                "test",
                "-p",
                "shipshape-console",
                "--target",
                "wasm32-unknown-unknown",
            ])
            // Each test binary goes to the runner, which drives Chromium through chromedriver
            // (headless unless NO_HEADLESS is set).
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .env(
                "CHROMEDRIVER",
                std::env::var_os("CHROMEDRIVER").unwrap_or_else(|| "chromedriver".into()),
            )
            .env_remove("NO_HEADLESS"))?;
    }
    contract::schemathesis(&bin)?;
    if with_postgres {
        let pg = postgres::Postgres::for_tests()?;
        step("The store's unit tests and the API and QQL suites again, on PostgreSQL");
        sh(cargo()
            .args(["test", "-p", "shipshape-server"])
            .env("SHIPSHAPE_TEST_POSTGRES_URL", &pg.url))?;
        drop(pg);
    }
    println!("\nAll checks passed.");
    Ok(())
}
