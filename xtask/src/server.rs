//! A Shipshape server started from a built binary for a run of measurements or checks, stopped
//! when dropped.

use crate::{cargo, sh, step, target_dir};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`, as the server printed it.
    pub base: String,
}

impl Server {
    /// Builds the server's optimised binary (`--profile server`), with the other binaries of
    /// the package named in `also` (such as `qql_bench`); the server's path.
    pub fn build(also: &[&str]) -> Result<PathBuf> {
        step("Building the server (optimised)");
        let mut build = cargo();
        build.args([
            "build",
            "--profile",
            "server",
            "-p",
            "shipshape-server",
            "--bin",
            "shipshape",
        ]);
        for bin in also {
            build.args(["--bin", bin]);
        }
        sh(&mut build)?;
        Ok(target_dir().join("server").join("shipshape"))
    }

    /// `shipshape serve --bind 127.0.0.1:0 --database-url <db> <extra…>` with the admin's
    /// password set; returns once the server printed its URL.
    pub fn start(bin: &Path, db: &str, password: &str, extra: &[&str]) -> Result<Server> {
        let mut child = Command::new(bin)
            .args(["serve", "--bind", "127.0.0.1:0", "--database-url", db])
            .args(extra)
            .env("SHIPSHAPE_ADMIN_PASSWORD", password)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the server")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut server = Server {
            child,
            base: String::new(),
        };
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            if let Some(url) = line.strip_prefix("listening on ") {
                server.base = url.trim().to_string();
                break;
            }
        }
        if server.base.is_empty() {
            bail!("the server did not print its URL");
        }
        Ok(server)
    }
}

impl Server {
    /// A bearer token of the admin, whose password is `password`.
    pub fn admin_token(&self, password: &str) -> Result<String> {
        crate::bench::curl(&[
            "-X",
            "POST",
            &format!("{}/auth", self.base),
            "-d",
            &format!("username=admin&password={password}&token=true"),
        ])
    }

    /// The server's process id (for its memory in `/proc/<pid>/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
