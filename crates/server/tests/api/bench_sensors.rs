//! The sensor API's figures (issue 12), run by `cargo xtask bench --sensors [--engine …]` (an
//! ignored test: it measures, it does not judge): Trivy reports ingested per second and
//! findings per second through `POST /sensorapi/v1/scans`, and check-in latency with 10,000
//! registered sensors checking in at once. The figures go to the file `SHIPSHAPE_BENCH_OUT`
//! names (standard output otherwise).

use crate::common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
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
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let engine = app.store.engine().name();
    let admin = app.admin_token().await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(20_000)
        .build()
        .unwrap();
    let (_, key) = new_key(&app, &admin, "GENERAL", None).await;
    let mut out = vec![format!("# Sensor API on {engine}\n")];

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

    // Every sensor checks in at once; then again, spread over ten seconds.
    for (label, spread) in [
        ("all at once", Duration::ZERO),
        ("spread over 10 s", Duration::from_secs(10)),
    ] {
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(sensors);
        for (i, c) in creds.iter().enumerate() {
            let (client, url, c) = (client.clone(), app.url("/sensorapi/v1/checkin"), c.clone());
            let delay = spread.mul_f64(i as f64 / sensors as f64);
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let t = Instant::now();
                let res = client.post(url).bearer_auth(c).body("").send().await;
                let ok = matches!(&res, Ok(r) if r.status() == 200);
                if let Ok(r) = res {
                    let _ = r.bytes().await;
                }
                (t.elapsed().as_secs_f64() * 1000.0, ok)
            }));
        }
        let mut ms = Vec::with_capacity(sensors);
        let mut failed = 0;
        for t in tasks {
            let (m, ok) = t.await.unwrap();
            ms.push(m);
            failed += usize::from(!ok);
        }
        ms.sort_by(|a, b| a.total_cmp(b));
        out.push(format!(
            "- Check-in of {sensors} sensors {label}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {failed} failed, {:.1} s in all",
            percentile(&ms, 0.5),
            percentile(&ms, 0.99),
            ms.last().copied().unwrap_or(0.0),
            started.elapsed().as_secs_f64()
        ));
    }

    // Ingestion: Trivy reports of distinct images (each fixture under new image ids), four
    // sensors posting at once.
    let fixtures: Vec<Value> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/trivy"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.to_string_lossy().contains("cyclonedx"))
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect();
    let bodies: Vec<(Vec<u8>, usize)> = (0..reports)
        .map(|i| {
            let mut r = fixtures[i % fixtures.len()].clone();
            r["Metadata"]["ImageID"] = json!(format!("sha256:{:064x}", 0xbe00_0000u64 + i as u64));
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
    let started = Instant::now();
    let queue = std::sync::Arc::new(tokio::sync::Mutex::new(bodies.into_iter()));
    let mut workers = Vec::new();
    for w in 0..4 {
        let (client, url, c, queue) = (
            client.clone(),
            app.url("/sensorapi/v1/scans?format=trivy"),
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
    out.push(format!(
        "- Ingested {reports} Trivy reports ({total_findings} findings) in {secs:.1} s: {:.1} reports/s, {:.0} findings/s ({failed} failed; 4 sensors posting at once)",
        reports as f64 / secs,
        total_findings as f64 / secs
    ));
    let text = out.join("\n") + "\n";
    match std::env::var("SHIPSHAPE_BENCH_OUT") {
        Ok(path) => std::fs::write(path, &text).unwrap(),
        Err(_) => print!("{text}"),
    }
}
