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

    // In this build's staging dir (not the shared target dir, where two builds could meet);
    // removed once wasm-bindgen has read it.
    let main_wasm = staging.join("__split_main.wasm");
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

    std::fs::remove_file(&main_wasm)?;

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
    let loader = content_hash_names(&staging, &out_name, &split.split_modules)?;
    println!("chunk loader: {loader}");
    for entry in std::fs::read_dir(&staging)? {
        let p = entry?.path();
        if p.extension().is_some_and(|e| e == "wasm") {
            let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
            println!("{}: {size} bytes", file_name(&p));
        }
    }
    Ok(())
}

/// Gives the chunks and their loader names that change with their content (`chunk_9-<hash>.wasm`,
/// `__wasm_split-<hash>.js`), as trunk does for the main files: a browser that kept an older
/// build's `chunk_9.wasm` (the server sends `Last-Modified`, which allows heuristic caching)
/// never pairs it with a newer main module. Returns the loader's new name.
fn content_hash_names(staging: &Path, out_name: &str, chunks: &[PathBuf]) -> Result<String> {
    let loader = staging.join(LINK_NAME.trim_start_matches("./"));
    let mut js = std::fs::read_to_string(&loader)
        .with_context(|| format!("reading {}", loader.display()))?;
    for chunk in chunks {
        let name = file_name(chunk);
        let stem = name.trim_end_matches(".wasm");
        let hashed = format!("{stem}-{}.wasm", short_hash(&std::fs::read(chunk)?));
        let quoted = format!("\"./{name}\"");
        if !js.contains(&quoted) {
            bail!("the chunk loader does not name {name}");
        }
        js = js.replace(&quoted, &format!("\"./{hashed}\""));
        std::fs::rename(chunk, staging.join(&hashed))?;
    }
    let loader_name = format!("__wasm_split-{}.js", short_hash(js.as_bytes()));
    std::fs::write(staging.join(&loader_name), &js)?;
    std::fs::remove_file(&loader)?;
    // The main module's glue imports the loader (`import * as importN from "./__wasm_split.js"`);
    // the wasm's own import module name, the key of the imports object, stays as it is.
    let glue = staging.join(format!("{out_name}.js"));
    let text = std::fs::read_to_string(&glue)?;
    let from = format!("from \"{LINK_NAME}\"");
    if !text.contains(&from) {
        bail!("{} does not import {LINK_NAME}", glue.display());
    }
    std::fs::write(
        &glue,
        text.replace(&from, &format!("from \"./{loader_name}\"")),
    )?;
    Ok(loader_name)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// 16 hex digits of a hash of `data` (names for caches, not security).
fn short_hash(data: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut h);
    format!("{:016x}", h.finish())
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
