//! `cargo xtask bench --reports [--engine sqlite|postgres]`: the 1,000,000-finding report of
//! issue 13. Seeds the demo fleet at scale 92 (about 1,000,000 findings) into a fresh database
//! (an SQLite file, or a database on a throwaway PostgreSQL cluster), starts the optimised
//! server in a process of its own, asks for a `CS_IMAGE_VULNERABILITY` report of every finding
//! and, while it generates, samples the server's resident memory every 10 ms and times the
//! container list. Figures go to stdout and `bench-out/reports-<engine>.md`. Fails when the
//! report does not reach GENERATED, its rows are not the fleet's findings, or the server grew
//! by 200 MB or more above idle (the bound).

use crate::bench::{curl, PASSWORD};
use crate::bench_database::{BenchDatabase, Engine};
use crate::server::Server;
use crate::{sh, step};
use anyhow::{bail, Context, Result};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Demo scale: 92 × 400 images, about 1,000,000 findings (scale 60 has 653,322).
const SCALE: &str = "92";
/// The bound on the server's memory above idle while the report generates.
const RSS_LIMIT_MB: f64 = 200.0;

/// A process's resident memory (`VmRSS`) and its anonymous part (`RssAnon`: without the
/// pages of files it maps, such as SQLite's database), in KiB.
fn rss_kib(pid: u32) -> Result<(u64, u64)> {
    Ok((
        crate::status_kib(pid, "VmRSS:")?,
        crate::status_kib(pid, "RssAnon:")?,
    ))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

pub fn reports(engine: Engine) -> Result<()> {
    let bin = Server::build(&[])?;
    // Dropped (the cluster stopped, the directory removed) when the bench ends.
    let database = BenchDatabase::new(engine, "shipshape_reports")?;
    let db = database.url.clone();
    let engine_name = engine.title();

    step(&format!("Seeding the demo fleet at scale {SCALE}"));
    let started = Instant::now();
    sh(Command::new(&bin).args(["seed", "--demo", "--scale", SCALE, "--database-url", &db]))?;
    let seed_secs = started.elapsed().as_secs_f64();

    step("Starting the server");
    let server = Server::start(&bin, &db, PASSWORD, &["--api-rate-limit", "0"])?;
    let (base, pid) = (server.base.clone(), server.pid());
    let token = server.admin_token(PASSWORD)?;
    let auth = format!("Authorization: Bearer {token}");
    let get = |path: &str| -> Result<serde_json::Value> {
        Ok(serde_json::from_str(&curl(&[
            "-H",
            &auth,
            &format!("{base}{path}"),
        ])?)?)
    };
    let list = format!("{base}/csapi/v1.3/containers?pageSize=50");
    let timed_list = || -> Result<f64> {
        let out = curl(&["-o", "/dev/null", "-w", "%{time_total}", "-H", &auth, &list])?;
        Ok(out.trim().parse::<f64>().context("curl's time")? * 1000.0)
    };
    // Idle is the server as it serves (pools open, list answered), not as it started.
    let mut idle_list: Vec<f64> = (0..20).map(|_| timed_list()).collect::<Result<_>>()?;
    idle_list.sort_by(f64::total_cmp);
    std::thread::sleep(Duration::from_secs(1));
    let idle = rss_kib(pid)?;

    step("A report of every finding, the list timed and the memory sampled meanwhile");
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(idle.0));
    let peak_anon = Arc::new(AtomicU64::new(idle.1));
    let sampler = {
        let (stop, peak, peak_anon) = (stop.clone(), peak.clone(), peak_anon.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Ok((all, anon)) = rss_kib(pid) {
                    peak.fetch_max(all, Ordering::Relaxed);
                    peak_anon.fetch_max(anon, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let started = Instant::now();
    let body = serde_json::json!({"name": "All findings", "templateName": "CS_IMAGE_VULNERABILITY",
                                  "displayColumns": []})
    .to_string();
    let uuid: String = serde_json::from_str(&curl(&[
        "-X",
        "POST",
        "-H",
        &auth,
        "-H",
        "Content-Type: application/json",
        "-d",
        &body,
        &format!("{base}/csapi/v1.3/reports"),
    ])?)?;
    let mut during = Vec::new();
    let report = loop {
        during.push(timed_list()?);
        let r = get("/csapi/v1.3/reports?include=extensions&pageSize=1")?["data"][0].clone();
        if r["reportUuid"] != uuid.as_str() {
            bail!("the newest report is not the one asked for: {r}");
        }
        if r["status"] == "GENERATED" || r["status"] == "FAILED" {
            break r;
        }
        if started.elapsed() > Duration::from_secs(3600) {
            bail!("the report did not finish within an hour: {r}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let secs = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    // Counted afterwards: reading every finding first would fill the caches that idle is
    // measured without.
    let findings = get("/csapi/v1.3/vulnerabilities/aggregate?groupBy=severity")?["total"]
        .as_u64()
        .context("no findings total")?;
    drop(server);
    drop(database);

    during.sort_by(f64::total_cmp);
    let mb = |kib: u64| kib as f64 * 1024.0 / 1e6;
    let above = mb(peak.load(Ordering::Relaxed).saturating_sub(idle.0));
    let above_anon = mb(peak_anon.load(Ordering::Relaxed).saturating_sub(idle.1));
    let rows = report["rows"].as_u64().unwrap_or(0);
    let size = report["size"].as_u64().unwrap_or(0);
    let lines = [
        format!("# Report of every finding on {engine_name} (demo fleet at scale {SCALE})\n"),
        format!(
            "`CS_IMAGE_VULNERABILITY` of every finding, the template's default columns, CSV, \
             uncompressed; optimised server in a process of its own, 2 cores. Seeded in \
             {seed_secs:.0} s.\n"
        ),
        "| figure | value |\n|---|---|".into(),
        format!("| status | {} |", report["status"].as_str().unwrap_or("?")),
        format!("| rows (the fleet's findings: {findings}) | {rows} |"),
        format!("| time from POST to GENERATED | {secs:.1} s |"),
        format!("| rows per second | {:.0} |", rows as f64 / secs.max(0.001)),
        format!("| file size | {:.1} MB ({size} bytes) |", size as f64 / 1e6),
        format!("| server RSS idle | {:.0} MB |", mb(idle.0)),
        format!("| peak RSS above idle (limit {RSS_LIMIT_MB:.0} MB) | {above:.1} MB |"),
        format!(
            "| of which anonymous (RssAnon; the rest is mapped database pages) | {above_anon:.1} MB |"
        ),
        format!(
            "| GET /containers?pageSize=50 during generation ({} requests) | p50 {:.1} ms, max {:.1} ms |",
            during.len(),
            percentile(&during, 0.5),
            during.last().copied().unwrap_or(f64::NAN)
        ),
        format!(
            "| the same list idle (20 requests) | p50 {:.1} ms, max {:.1} ms |",
            percentile(&idle_list, 0.5),
            idle_list.last().copied().unwrap_or(f64::NAN)
        ),
    ];
    let text = lines.join("\n") + "\n";
    print!("{text}");
    std::fs::create_dir_all("bench-out")?;
    let out = format!("bench-out/reports-{}.md", engine.id());
    std::fs::write(&out, &text)?;
    println!("\nWritten to {out}");
    if report["status"] != "GENERATED" {
        bail!("the report did not reach GENERATED: {report}");
    }
    if rows != findings {
        bail!("the report has {rows} rows for {findings} findings");
    }
    if above >= RSS_LIMIT_MB {
        bail!("the server grew by {above:.1} MB above idle (limit {RSS_LIMIT_MB} MB)");
    }
    Ok(())
}
