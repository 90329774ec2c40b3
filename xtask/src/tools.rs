//! Checks for the tools the build and tests need and installs only what is missing or at the
//! wrong version. Versions are the ones measured to work on these machines (see DESIGN.md).

use crate::{sh, step};
use anyhow::{bail, Result};
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen = "=…"` pin in Cargo.toml.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// Debian's binaryen (108) is too old for what rustc 1.95 emits.
const MIN_WASM_OPT: u32 = 116;

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
        })
}

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

pub fn ensure_console_tools() -> Result<()> {
    step("Checking tools: wasm32 target, trunk, wasm-bindgen CLI, wasm-opt");
    let targets = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if targets
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("ok: wasm32-unknown-unknown target");
    } else {
        sh(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    match output("trunk", &["--version"]) {
        Some(v) if v.contains(TRUNK_VERSION) => println!("ok: trunk {TRUNK_VERSION}"),
        _ => sh(Command::new("cargo").args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
        ]))?,
    }
    match output("wasm-bindgen", &["--version"]) {
        Some(v) if v.contains(WASM_BINDGEN_VERSION) => {
            println!("ok: wasm-bindgen {WASM_BINDGEN_VERSION}")
        }
        // Not --locked: the registry here lacks one of its locked dependencies.
        _ => sh(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN_VERSION,
            "--force",
        ]))?,
    }
    let wasm_opt_ok = output("wasm-opt", &["--version"])
        .and_then(|v| {
            v.split("version").nth(1).and_then(|r| {
                r.trim()
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .map(str::to_string)
            })
        })
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| n >= MIN_WASM_OPT);
    if wasm_opt_ok {
        println!("ok: wasm-opt");
    } else {
        if !have("npm") {
            bail!("wasm-opt is missing and npm is not installed to fetch binaryen");
        }
        sh(Command::new("npm").args(["install", "-g", "binaryen"]))?;
    }
    Ok(())
}

pub fn apt_install(packages: &[&str]) -> Result<()> {
    sh(Command::new("apt-get").arg("update"))?;
    sh(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

pub fn ensure_browser() -> Result<()> {
    step("Checking tools: chromium and chromedriver");
    if have("chromium") && have("chromedriver") {
        println!("ok: chromium and chromedriver");
        Ok(())
    } else {
        apt_install(&["chromium", "chromium-driver"])
    }
}

/// `wasm-bindgen-test-runner`, which runs the console's component tests in headless Chromium:
/// it comes with wasm-bindgen-cli, at the version of the `wasm-bindgen` pin.
pub fn ensure_wasm_test_runner() -> Result<()> {
    step("Checking tools: wasm-bindgen-test-runner (the console's component tests)");
    match output("wasm-bindgen-test-runner", &["--version"]) {
        Some(v) if v.contains(WASM_BINDGEN_VERSION) => {
            println!("ok: wasm-bindgen-test-runner {WASM_BINDGEN_VERSION}");
            Ok(())
        }
        // A wasm-bindgen CLI without its test runner: install the whole CLI again.
        _ => sh(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN_VERSION,
            "--force",
        ])),
    }
}

/// HTTPie runs the console's HTTPie snippets in the snippet integration test.
pub fn ensure_httpie() -> Result<()> {
    step("Checking tools: HTTPie (to run the console's HTTPie snippets)");
    if have("http") && output("http", &["--version"]).is_some() {
        println!("ok: http");
        return Ok(());
    }
    sh(Command::new("python3").args(["-m", "pip", "install", "--quiet", "httpie"]))?;
    // pyenv puts new scripts behind its shims only after a rehash.
    if have("pyenv") {
        let _ = Command::new("pyenv").arg("rehash").status();
    }
    Ok(())
}

/// The schemathesis release the contract run is written for (its settings file and hooks).
const SCHEMATHESIS: &str = "4.32.5";

/// Schemathesis, in a virtual environment of its own (it brings many packages), for the
/// contract run. Returns the path of its `st` command.
pub fn ensure_schemathesis() -> Result<std::path::PathBuf> {
    step("Checking tools: schemathesis (the contract run)");
    let home = std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let venv = home.join(".local/share/shipshape/schemathesis");
    let st = venv.join("bin").join("st");
    let version = Command::new(&st).arg("--version").output().ok();
    if version.is_some_and(|o| String::from_utf8_lossy(&o.stdout).contains(SCHEMATHESIS)) {
        println!("ok: schemathesis {SCHEMATHESIS}");
        return Ok(st);
    }
    sh(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    sh(Command::new(venv.join("bin").join("pip")).args([
        "install",
        "--quiet",
        &format!("schemathesis=={SCHEMATHESIS}"),
    ]))?;
    Ok(st)
}

pub fn ensure_wrk() -> Result<()> {
    if have("wrk") {
        println!("ok: wrk");
        Ok(())
    } else {
        apt_install(&["wrk"])
    }
}
