//! Harness for the browser tests: a real `shipshape` server on a free port with a freshly
//! seeded SQLite database, chromedriver, and a headless Chromium session; everything started
//! here is killed when its handle drops.
//!
//! Environment: `SHIPSHAPE_BIN` (default `../target/debug/shipshape` from this crate) and
//! `SHIPSHAPE_DIST` (default `../dist`, the console built by trunk).

use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const ADMIN_PASSWORD: &str = "admin-password-e2e";

pub fn shipshape_bin() -> PathBuf {
    std::env::var_os("SHIPSHAPE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/shipshape"))
}

pub fn dist_dir() -> PathBuf {
    std::env::var_os("SHIPSHAPE_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"))
}

/// Seeding 3,000 containers takes a few seconds: do it once per test binary and copy the file.
fn template_db() -> Result<&'static Path> {
    static TEMPLATE: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();
    let r = TEMPLATE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("shipshape-e2e-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let db = dir.join("template.db");
        let out = std::process::Command::new(shipshape_bin())
            .args(["seed", "--demo", "--database-url"])
            .arg(format!("sqlite:{}", db.display()))
            .env("SHIPSHAPE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .output()
            .map_err(|e| format!("running {}: {e}", shipshape_bin().display()))?;
        if !out.status.success() {
            return Err(format!(
                "seed failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(db)
    });
    r.as_deref().map_err(|e| anyhow!("{e}"))
}

/// A running server with its own copy of the seeded database.
pub struct App {
    pub url: String,
    pub database_url: String,
    server: Child,
    _dir: tempfile::TempDir,
}

impl App {
    pub async fn start() -> Result<App> {
        Self::start_with_dist(&dist_dir()).await
    }

    /// The same, serving the console from `dist` (a changed copy of the built console).
    pub async fn start_with_dist(dist: &Path) -> Result<App> {
        let template = template_db()?;
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("shipshape.db");
        std::fs::copy(template, &db).context("copying the seeded database")?;
        for ext in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{ext}", template.display()));
            if side.exists() {
                std::fs::copy(&side, format!("{}{ext}", db.display()))?;
            }
        }
        let database_url = format!("sqlite:{}", db.display());
        let mut server = Command::new(shipshape_bin())
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--database-url",
                &database_url,
                "--dist",
            ])
            .arg(dist)
            .env("SHIPSHAPE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", shipshape_bin().display()))?;
        let stdout = server.stdout.take().context("server stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(rest) = line.trim().strip_prefix("listening on ") {
                    return Ok::<_, anyhow::Error>(rest.trim().to_string());
                }
            }
            bail!("the server exited before listening")
        })
        .await
        .context("waiting for the server's `listening on` line")??;
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(App {
            url,
            database_url,
            server,
            _dir: dir,
        })
    }

    /// Adds a user with `shipshape user add NAME --role ROLE` (password on stdin).
    pub async fn add_user(&self, name: &str, role: &str, password: &str) -> Result<()> {
        use tokio::io::AsyncWriteExt;
        let mut child = Command::new(shipshape_bin())
            .args([
                "user",
                "add",
                name,
                "--role",
                role,
                "--database-url",
                &self.database_url,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stdin = child.stdin.take().context("stdin")?;
        stdin.write_all(format!("{password}\n").as_bytes()).await?;
        drop(stdin);
        let out = child.wait_with_output().await?;
        if !out.status.success() {
            bail!("user add failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(())
    }

    /// A token from `POST /auth`, for calling the API directly.
    pub async fn token(&self, user: &str, password: &str) -> Result<String> {
        let resp = reqwest::Client::new()
            .post(format!("{}/auth", self.url))
            .form(&[
                ("username", user),
                ("password", password),
                ("token", "true"),
            ])
            .send()
            .await?;
        if resp.status().as_u16() != 201 {
            bail!("POST /auth answered {}", resp.status());
        }
        Ok(resp.text().await?.trim().to_string())
    }

    /// GET an API path (with query) as JSON.
    pub async fn api_get(&self, token: &str, path_and_query: &str) -> Result<serde_json::Value> {
        let resp = reqwest::Client::new()
            .get(format!("{}{path_and_query}", self.url))
            .bearer_auth(token)
            .send()
            .await?;
        let status = resp.status();
        let body = resp.text().await?;
        if !status.is_success() {
            bail!("GET {path_and_query} answered {status}: {body}");
        }
        Ok(serde_json::from_str(&body)?)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.server.start_kill();
    }
}

/// chromedriver plus one headless Chromium session.
pub struct Browser {
    pub driver: WebDriver,
    /// chromedriver's port (for the endpoints thirtyfour does not wrap).
    port: u16,
    chromedriver: Child,
    _profile: tempfile::TempDir,
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Browser {
    pub async fn start() -> Result<Browser> {
        Self::launch(None).await
    }

    /// A session whose downloads land in `dir` without asking.
    pub async fn start_with_downloads(dir: &Path) -> Result<Browser> {
        Self::launch(Some(dir)).await
    }

    async fn launch(downloads: Option<&Path>) -> Result<Browser> {
        let port = free_port()?;
        let chromedriver =
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .context("starting chromedriver")?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if Instant::now() > deadline {
                bail!("chromedriver did not start");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir()?;
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()))?;
        for arg in [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--window-size=1440,900",
        ] {
            caps.add_arg(arg)?;
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))?;
        // The page's console messages (CSP violations among them), for `console_messages`.
        caps.set_base_capability("goog:loggingPrefs", serde_json::json!({ "browser": "ALL" }))?;
        if let Some(dir) = downloads {
            caps.add_experimental_option(
                "prefs",
                serde_json::json!({
                    "download.default_directory": dir.display().to_string(),
                    "download.prompt_for_download": false,
                }),
            )?;
        }
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await?;
        Ok(Browser {
            driver,
            port,
            chromedriver,
            _profile: profile,
        })
    }

    /// The messages the pages wrote to the browser console since the last call (errors,
    /// warnings, Content-Security-Policy violations).
    pub async fn console_messages(&self) -> Result<Vec<String>> {
        let url = format!(
            "http://127.0.0.1:{}/session/{}/se/log",
            self.port,
            self.driver.session_id()
        );
        let v: serde_json::Value = reqwest::Client::new()
            .post(url)
            .json(&serde_json::json!({ "type": "browser" }))
            .send()
            .await?
            .json()
            .await?;
        let entries = v["value"]
            .as_array()
            .with_context(|| format!("no log entries in {v}"))?;
        Ok(entries
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e["level"].as_str().unwrap_or(""),
                    e["message"].as_str().unwrap_or("")
                )
            })
            .collect())
    }

    pub async fn quit(mut self) -> Result<()> {
        let _ = self.driver.clone().quit().await;
        let _ = self.chromedriver.kill().await;
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.chromedriver.start_kill();
    }
}

/// Waits until `css` matches at least one element.
pub async fn wait_for(driver: &WebDriver, css: &str) -> Result<WebElement> {
    driver
        .query(By::Css(css))
        .wait(Duration::from_secs(20), Duration::from_millis(50))
        .first()
        .await
        .with_context(|| format!("waiting for {css}"))
}

/// Waits until `css` matches nothing.
pub async fn wait_gone(driver: &WebDriver, css: &str) -> Result<()> {
    driver
        .query(By::Css(css))
        .wait(Duration::from_secs(20), Duration::from_millis(50))
        .not_exists()
        .await
        .with_context(|| format!("waiting for {css} to go"))?;
    Ok(())
}

/// Waits until the table has loaded rows (skeletons gone) and returns the rows' keys.
pub async fn table_keys(driver: &WebDriver) -> Result<Vec<String>> {
    wait_for(driver, "[data-testid=list-table][aria-busy=false]").await?;
    wait_gone(driver, "[data-testid=skeleton-row]").await?;
    let rows = driver.find_all(By::Css("[data-testid=row]")).await?;
    let mut keys = Vec::with_capacity(rows.len());
    for r in rows {
        keys.push(r.attr("data-key").await?.unwrap_or_default());
    }
    Ok(keys)
}

/// Waits for the URL to satisfy `pred`; returns it.
pub async fn wait_url(driver: &WebDriver, pred: impl Fn(&str) -> bool) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let url = driver.current_url().await?.to_string();
        if pred(&url) {
            return Ok(url);
        }
        if Instant::now() > deadline {
            bail!("the URL stayed {url}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Signs in through the form; assumes the browser is on the sign-in page.
pub async fn fill_sign_in(driver: &WebDriver, user: &str, password: &str) -> Result<()> {
    let u = wait_for(driver, "[data-testid=username]").await?;
    u.clear().await?;
    u.send_keys(user).await?;
    let p = driver.find(By::Css("[data-testid=password]")).await?;
    p.clear().await?;
    p.send_keys(password).await?;
    driver
        .find(By::Css("[data-testid=signin-submit]"))
        .await?
        .click()
        .await?;
    wait_for(driver, "[data-testid=user]").await?;
    Ok(())
}

/// Opens `path` and signs in when the console asks for it.
pub async fn sign_in_at(
    driver: &WebDriver,
    app: &App,
    path: &str,
    user: &str,
    password: &str,
) -> Result<()> {
    driver.goto(format!("{}{path}", app.url)).await?;
    wait_for(driver, "[data-testid=username], [data-testid=user]").await?;
    if driver
        .find_all(By::Css("[data-testid=username]"))
        .await?
        .is_empty()
    {
        return Ok(());
    }
    fill_sign_in(driver, user, password).await
}

/// Text content of an element (works for hidden elements, unlike WebDriver's visible text).
pub async fn text_content(el: &WebElement) -> Result<String> {
    Ok(el.prop("textContent").await?.unwrap_or_default())
}

/// Waits until the text of `css` satisfies `pred`; returns it.
pub async fn wait_text(
    driver: &WebDriver,
    css: &str,
    pred: impl Fn(&str) -> bool,
) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = match driver.find(By::Css(css)).await {
            Ok(el) => text_content(&el).await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if pred(&text) {
            return Ok(text);
        }
        if Instant::now() > deadline {
            bail!("{css} stayed {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `1,234,567`: a count as the console writes it.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
