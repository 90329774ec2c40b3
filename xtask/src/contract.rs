//! The contract run: schemathesis, with all its checks, against a demo server, from the
//! server's own `/csapi/openapi.json`. Settings and the hooks that say what OpenAPI cannot (valid
//! QQL for `format: qql`; a delete needs ids or a filter) are in `xtask/schemathesis/`.

use crate::server::Server;
use crate::{project_root, sh, step, tools};
use anyhow::{Context, Result};
use std::path::Path;

pub fn schemathesis(bin: &Path) -> Result<()> {
    step("Contract: schemathesis (all checks) against a demo server, from its OpenAPI document");
    let st = tools::ensure_schemathesis()?;
    let dir = tempfile_dir()?;
    let db = format!("sqlite:{}", dir.join("contract.db").display());
    let password = crate::random_password();
    // The run sends thousands of requests with one set of credentials, and wrong current
    // passwords on purpose (`PUT /me/password`): neither the request rate nor the sign-in
    // throttle may turn its answers into 429s.
    let server = Server::start(
        bin,
        &db,
        &password,
        &[
            "--seed-demo-if-empty",
            "--api-rate-limit",
            "0",
            "--signin-failures-per-user",
            "10000",
            "--signin-failures-per-address",
            "100000",
        ],
    )?;
    let settings = project_root().join("xtask").join("schemathesis");
    let result = sh(std::process::Command::new(&st)
        .arg("--config-file")
        .arg(settings.join("schemathesis.toml"))
        .args(["run", &format!("{}/csapi/openapi.json", server.base)])
        .args(["--checks", "all", "--auth", &format!("admin:{password}")])
        .env("SCHEMATHESIS_HOOKS", settings.join("hooks.py"))
        .env("NO_COLOR", "1"));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    result.context("schemathesis found a contract failure (its report is above)")
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("shipshape-contract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).context("creating a directory for the contract run")?;
    Ok(dir)
}
