//! The sensor API's figures (issue 12), run by `cargo xtask bench --sensors [--engine …]` (an
//! ignored test: it measures, it does not judge): registrations per second, check-in latency
//! with 10,000 registered sensors checking in at once and at steady rates, and Trivy reports
//! and findings ingested per second through `POST /sensorapi/v1/scans`. The server is the
//! optimised `shipshape serve` binary in a process of its own (as deployed: its own runtime on
//! both cores), on a fresh database of the engine; this process is the fleet. The figures go to
//! the file `SHIPSHAPE_BENCH_OUT` names (standard output otherwise).

use crate::common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// `shipshape serve` on `db`, killed when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the server binary on `db`; its base URL.
fn serve(db: &str) -> (Served, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", db])
        .env("SHIPSHAPE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting shipshape serve");
    let stdout = child.stdout.take().unwrap();
    let served = Served(child);
    let base = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("listening on ")
                .map(|u| u.trim().to_string())
        })
        .expect("the server printed its URL");
    (served, base)
}

/// Every sensor checks in once, the i-th after `spread * i / n`: each check-in's latency in
/// milliseconds (sorted), how many failed, and the time the round took.
async fn check_in_round(
    client: &reqwest::Client,
    url: &str,
    creds: &[String],
    spread: Duration,
) -> (Vec<f64>, usize, f64) {
    let started = Instant::now();
    let n = creds.len();
    let mut tasks = Vec::with_capacity(n);
    for (i, c) in creds.iter().enumerate() {
        let (client, url, c) = (client.clone(), url.to_string(), c.clone());
        let at = started + spread.mul_f64(i as f64 / n as f64);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            let t = Instant::now();
            let res = client.post(url).bearer_auth(c).body("").send().await;
            let ok = matches!(&res, Ok(r) if r.status() == 200);
            if let Ok(r) = res {
                let _ = r.bytes().await;
            }
            (t.elapsed().as_secs_f64() * 1000.0, ok)
        }));
    }
    let mut ms = Vec::with_capacity(n);
    let mut failed = 0;
    for t in tasks {
        let (m, ok) = t.await.unwrap();
        ms.push(m);
        failed += usize::from(!ok);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    (ms, failed, started.elapsed().as_secs_f64())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: cargo xtask bench --sensors"]
async fn bench_sensor_api() {
    let sensors: usize = std::env::var("SHIPSHAPE_BENCH_SENSORS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let reports: usize = std::env::var("SHIPSHAPE_BENCH_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    // The harness makes the fresh database and its admin; the binary serves it.
    let mut app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let engine = app.store.engine().name();
    let (_served, base) = serve(&app.db.url);
    app.base = base;
    let admin = app.admin_token().await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(20_000)
        .build()
        .unwrap();
    let (_, key) = new_key(&app, &admin, "GENERAL", None).await;
    let mut out = vec![format!(
        "# Sensor API on {engine}\n\nThe optimised server in a process of its own; the fleet (this \
         benchmark's client) shares the machine's two cores with it.\n"
    )];

    // Registration (sequential, as sensors arrive).
    let started = Instant::now();
    let mut creds = Vec::with_capacity(sensors);
    for i in 0..sensors {
        creds.push(register(&app, &key, &format!("node-{i}")).await.1);
    }
    let secs = started.elapsed().as_secs_f64();
    out.push(format!(
        "- Registered {sensors} sensors in {secs:.1} s ({:.0}/s, one at a time)",
        sensors as f64 / secs
    ));

    // Every sensor checks in (a bare heartbeat): all at once, then at steady rates.
    let url = app.url("/sensorapi/v1/checkin");
    out.push(format!(
        "\n| {sensors} sensors check in | rate | p50 | p99 | max | failed | round |\n|---|---|---|---|---|---|---|"
    ));
    for spread_s in [0u64, 20, 10, 5, 2] {
        let spread = Duration::from_secs(spread_s);
        let (ms, failed, secs) = check_in_round(&client, &url, &creds, spread).await;
        let (label, rate) = if spread_s == 0 {
            ("all at once".to_string(), "-".to_string())
        } else {
            (
                format!("spread over {spread_s} s"),
                format!("{:.0}/s", sensors as f64 / spread_s as f64),
            )
        };
        out.push(format!(
            "| {label} | {rate} | {:.1} ms | {:.1} ms | {:.1} ms | {failed} | {secs:.1} s |",
            percentile(&ms, 0.5),
            percentile(&ms, 0.99),
            ms.last().copied().unwrap_or(0.0),
        ));
    }
    out.push(String::new());

    // Ingestion, four sensors posting at once: the Trivy fixtures as they are (small reports)
    // under new image ids, then reports of a real application image's size built on one of
    // them (300 packages, 500 vulnerabilities each).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/trivy");
    let fixtures: Vec<Value> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().contains("cyclonedx"))
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect();
    let small: Vec<Value> = (0..reports)
        .map(|i| fixtures[i % fixtures.len()].clone())
        .collect();
    let ubuntu: Value =
        serde_json::from_slice(&std::fs::read(format!("{dir}/ubuntu-1804.json")).unwrap()).unwrap();
    let large: Vec<Value> = (0..reports / 5).map(|_| sized(&ubuntu, 300, 500)).collect();
    for (label, batch, first) in [
        ("Trivy fixtures", small, 0xbe00_0000u64),
        ("application-sized reports", large, 0xbf00_0000u64),
    ] {
        out.push(
            ingest(
                &client,
                &app.url("/sensorapi/v1/scans?format=trivy"),
                &creds,
                label,
                batch,
                first,
            )
            .await,
        );
    }
    let text = out.join("\n") + "\n";
    match std::env::var("SHIPSHAPE_BENCH_OUT") {
        Ok(path) => std::fs::write(path, &text).unwrap(),
        Err(_) => print!("{text}"),
    }
}

/// A Trivy report shaped like `base` with `packages` packages and `vulns` vulnerabilities (each
/// a copy of its first one under a new CVE id, spread over the packages).
fn sized(base: &Value, packages: usize, vulns: usize) -> Value {
    let mut r = base.clone();
    let first = base["Results"][0]["Vulnerabilities"][0].clone();
    let pkgs: Vec<Value> = (0..packages)
        .map(|p| json!({"Name": format!("lib{p}"), "Version": format!("1.{p}.0-1")}))
        .collect();
    let list: Vec<Value> = (0..vulns)
        .map(|v| {
            let mut x = first.clone();
            let p = v % packages;
            x["VulnerabilityID"] = json!(format!("CVE-2025-{}", 10_000 + v));
            x["PkgName"] = json!(format!("lib{p}"));
            x["InstalledVersion"] = json!(format!("1.{p}.0-1"));
            x["FixedVersion"] = json!(format!("1.{p}.1-1"));
            x["Severity"] = json!(["LOW", "MEDIUM", "HIGH", "CRITICAL"][v % 4]);
            x
        })
        .collect();
    r["Results"][0]["Packages"] = json!(pkgs);
    r["Results"][0]["Vulnerabilities"] = json!(list);
    r
}

/// Posts `batch` (each report under a new image id from `first` on) through four sensors at
/// once; the line of figures.
async fn ingest(
    client: &reqwest::Client,
    url: &str,
    creds: &[String],
    label: &str,
    batch: Vec<Value>,
    first: u64,
) -> String {
    let reports = batch.len();
    let bodies: Vec<(Vec<u8>, usize)> = batch
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            r["Metadata"]["ImageID"] = json!(format!("sha256:{:064x}", first + i as u64));
            let findings = r["Results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["Vulnerabilities"].as_array().map_or(0, Vec::len))
                .sum();
            (serde_json::to_vec(&r).unwrap(), findings)
        })
        .collect();
    let total_findings: usize = bodies.iter().map(|b| b.1).sum();
    let bytes: usize = bodies.iter().map(|b| b.0.len()).sum();
    let started = Instant::now();
    let queue = std::sync::Arc::new(tokio::sync::Mutex::new(bodies.into_iter()));
    let mut workers = Vec::new();
    for w in 0..4 {
        let (client, url, c, queue) = (
            client.clone(),
            url.to_string(),
            creds[w % creds.len()].clone(),
            queue.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut failed = 0;
            loop {
                let next = queue.lock().await.next();
                let Some((body, _)) = next else { break };
                let res = client
                    .post(&url)
                    .bearer_auth(&c)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                failed += usize::from(res.status() != 201);
            }
            failed
        }));
    }
    let mut failed = 0;
    for w in workers {
        failed += w.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    format!(
        "- {label}: {reports} reports ({total_findings} findings, {:.1} MB) in {secs:.1} s: {:.1} reports/s, {:.0} findings/s ({failed} failed; 4 sensors posting at once)",
        bytes as f64 / 1e6,
        reports as f64 / secs,
        total_findings as f64 / secs
    )
}
