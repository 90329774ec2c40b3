//! `cargo xtask split-console`: trunk's post-build hook (see `Trunk.toml`). The console marks
//! pages that the first screen does not need with Leptos' `#[lazy]`; this step cuts the wasm
//! that cargo built at those points into a main module and chunks fetched on first use, then
//! runs wasm-bindgen (and, for release builds, wasm-opt) on the result, replacing what trunk
//! staged under the same names so that trunk's `index.html` loads the split build.
//!
//! Trunk cannot split on its own (trunk-rs/trunk#1022); this is the same sequence cargo-leptos
//! runs: cargo with `--emit-relocs` (`.cargo/config.toml`), `wasm_split_cli_support`,
//! `wasm-bindgen --keep-lld-exports --no-demangle`, `wasm-opt` on every module.

use crate::{sh, target_dir};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The JS module the main wasm imports its chunk loaders from (written beside it).
const LINK_NAME: &str = "./__wasm_split.js";

pub fn split_console() -> Result<()> {
    let staging = PathBuf::from(
        std::env::var_os("TRUNK_STAGING_DIR")
            .context("split-console runs as trunk's post_build hook (TRUNK_STAGING_DIR unset)")?,
    );
    let profile = std::env::var("TRUNK_PROFILE").unwrap_or_else(|_| "debug".into());
    let cargo_profile = if profile == "release" {
        "release"
    } else {
        "debug"
    };
    let input = target_dir()
        .join("wasm32-unknown-unknown")
        .join(cargo_profile)
        .join("shipshape-console.wasm");
    let input_wasm =
        std::fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
    let out_name = staged_name(&staging)?;

    let work = target_dir().join("wasm-split");
    std::fs::create_dir_all(&work)?;
    let main_wasm = work.join("main.wasm");
    let main_module = format!("./{out_name}.js");
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&input_wasm);
        opts.output_dir = &staging;
        opts.main_out_path = &main_wasm;
        opts.main_module = &main_module;
        opts.link_name = LINK_NAME;
        opts
    })
    .map_err(|e| anyhow::anyhow!("splitting {}: {e:?}", input.display()))?;

    sh(Command::new("wasm-bindgen")
        .args([
            "--target=web",
            "--no-typescript",
            "--keep-lld-exports",
            "--no-demangle",
        ])
        .arg(format!("--out-name={out_name}"))
        .arg("--out-dir")
        .arg(&staging)
        .arg(&main_wasm))?;

    let mut modules = vec![staging.join(format!("{out_name}_bg.wasm"))];
    modules.extend(split.split_modules.iter().cloned());
    if profile == "release" {
        for m in &modules {
            sh(Command::new("wasm-opt")
                .args([
                    "-Oz",
                    "--enable-bulk-memory",
                    "--enable-nontrapping-float-to-int",
                    "--enable-reference-types",
                    "--enable-sign-ext",
                    "--enable-mutable-globals",
                ])
                .arg(m)
                .arg("-o")
                .arg(m))?;
        }
    }
    for m in &modules {
        let size = std::fs::metadata(m).map(|m| m.len()).unwrap_or(0);
        println!(
            "{}: {size} bytes",
            m.file_name().unwrap_or_default().to_string_lossy()
        );
    }
    Ok(())
}

/// The name trunk gave the console's JS and wasm (`shipshape-console-<hash>`), read off the
/// `<name>_bg.wasm` it staged.
fn staged_name(staging: &Path) -> Result<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(staging)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix("_bg.wasm") {
            names.push(stem.to_string());
        }
    }
    match names.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "expected one *_bg.wasm staged by trunk in {}, found {names:?}",
            staging.display()
        ),
    }
}
