//! A sensor-like writer for the scale bench: it joins as a sensor does (an admin's activation
//! key, `POST /sensorapi/v1/register`), reports a pull of an image, then, from a thread of its
//! own, posts container `create` and `start` events of new containers of that image at a steady
//! pace (up to 4 requests in flight) until stopped. Every answer must be 2xx; failures are
//! counted, not retried.

use crate::bench::curl;
use anyhow::{Context, Result};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Requests a second, and containers in each: 100 new containers a second, issue 16's writer.
pub const REQUESTS_PER_SECOND: u32 = 10;
pub const CONTAINERS_PER_REQUEST: u64 = 10;

/// The writer's sensor's host: its containers match `host.hostname:node-1*`.
pub const HOSTNAME: &str = "node-1-bench-writer";

pub struct SensorWriter {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Written>,
}

/// What the writer did.
pub struct Written {
    /// Containers in the requests answered 2xx.
    pub added: u64,
    pub requests: u64,
    pub failed: u64,
    /// The first failure's status (or error) and body.
    pub first_failure: Option<String>,
    pub secs: f64,
    /// Each request's time, ms, sorted.
    pub latencies: Vec<f64>,
}

impl SensorWriter {
    /// Registers a sensor on the server at `base` with an activation key the admin (`token`)
    /// makes, has it report a pull of `image_sha`, and starts writing.
    pub fn start(base: &str, token: &str, image_sha: &str) -> Result<SensorWriter> {
        let admin = format!("Authorization: Bearer {token}");
        let json = "Content-Type: application/json";
        let key: serde_json::Value = serde_json::from_str(&curl(&[
            "-X",
            "POST",
            "-H",
            &admin,
            "-H",
            json,
            "-d",
            r#"{"name": "bench writer", "sensorType": "GENERAL"}"#,
            &format!("{base}/csapi/v1.3/activationKeys"),
        ])?)?;
        let key = key["activationKey"]
            .as_str()
            .context("no activation key in the answer")?;
        let body = serde_json::json!({"activationKey": key,
            "sensor": {"hostname": HOSTNAME, "sensorVersion": "1.31.0", "deployment": "DOCKER_RUN"}});
        let sensor: serde_json::Value = serde_json::from_str(&curl(&[
            "-X",
            "POST",
            "-H",
            json,
            "-d",
            &body.to_string(),
            &format!("{base}/sensorapi/v1/register"),
        ])?)?;
        let credential = sensor["credential"]
            .as_str()
            .context("no sensor credential in the answer")?
            .to_string();
        let pull = serde_json::json!({"events": [{"type": "image", "action": "pull",
            "image": {"sha": image_sha, "repoTags": ["registry.example.com/bench/writer:1.0"]}}]});
        curl(&[
            "-X",
            "POST",
            "-H",
            &format!("Authorization: Bearer {credential}"),
            "-H",
            json,
            "-d",
            &pull.to_string(),
            &format!("{base}/sensorapi/v1/events"),
        ])?;

        let addr = base
            .strip_prefix("http://")
            .context("the server's URL is not http://")?
            .to_string();
        let image_sha = image_sha.to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || write_until(&stop, &addr, &credential, &image_sha))
        };
        Ok(SensorWriter { stop, thread })
    }

    /// Stops the writer (after its request in flight); what it did.
    pub fn stop(self) -> Written {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_else(|_| Written {
            added: 0,
            requests: 0,
            failed: 0,
            first_failure: Some("the writer's thread panicked".into()),
            secs: 0.0,
            latencies: Vec::new(),
        })
    }
}

/// At most this many requests in flight: a slow answer does not hold back the next tick's
/// request (a sensor's batches and a fleet's sensors do not wait for each other), but a server
/// that cannot keep up slows the writer down instead of piling up connections.
const IN_FLIGHT: usize = 4;

fn write_until(stop: &AtomicBool, addr: &str, credential: &str, image_sha: &str) -> Written {
    // Shas no other run makes: the process, the start's clock, a counter.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos() as u64;
    let pid = std::process::id();
    let written = Mutex::new(Written {
        added: 0,
        requests: 0,
        failed: 0,
        first_failure: None,
        secs: 0.0,
        latencies: Vec::new(),
    });
    // A rendezvous channel: a tick's batch waits for a free worker.
    let (batches, next_batch) = std::sync::mpsc::sync_channel::<u64>(0);
    let next_batch = Mutex::new(next_batch);
    let tick = Duration::from_secs(1) / REQUESTS_PER_SECOND;
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..IN_FLIGHT {
            scope.spawn(|| loop {
                let Ok(batch) = next_batch.lock().map_err(|_| ()).and_then(|r| r.recv().map_err(|_| ())) else {
                    return;
                };
                let mut events = Vec::new();
                for i in 0..CONTAINERS_PER_REQUEST {
                    let n = batch * CONTAINERS_PER_REQUEST + i;
                    let sha = format!("{pid:08x}{run:024x}{n:032x}");
                    events.push(serde_json::json!({"type": "container", "action": "create",
                        "container": {"sha": sha, "imageSha": image_sha, "name": format!("bench-writer-{n}")}}));
                    events.push(serde_json::json!({"type": "container", "action": "start",
                        "container": {"sha": sha}}));
                }
                let body = serde_json::json!({ "events": events }).to_string();
                let sent = Instant::now();
                let answer = post(addr, "/sensorapi/v1/events", credential, &body);
                let ms = sent.elapsed().as_secs_f64() * 1000.0;
                let Ok(mut w) = written.lock() else { return };
                w.latencies.push(ms);
                w.requests += 1;
                match answer {
                    Ok((status, _)) if (200..300).contains(&status) => {
                        w.added += CONTAINERS_PER_REQUEST
                    }
                    failure => {
                        w.failed += 1;
                        if w.first_failure.is_none() {
                            w.first_failure = Some(match failure {
                                Ok((status, text)) => format!("{status}: {text}"),
                                Err(e) => format!("{e:#}"),
                            });
                        }
                    }
                }
            });
        }
        // A steady pace: a tick missed (every worker busy) is not made up in a burst; the rate
        // achieved is reported.
        let mut next = started;
        let mut batch = 0u64;
        while !stop.load(Ordering::Relaxed) {
            if batches.send(batch).is_err() {
                break;
            }
            batch += 1;
            next += tick;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            } else {
                next = now;
            }
        }
        // The workers end once their request in flight is answered.
        drop(batches);
    });
    let mut written = written.into_inner().unwrap_or_else(|e| e.into_inner());
    written.secs = started.elapsed().as_secs_f64();
    written.latencies.sort_by(f64::total_cmp);
    written
}

/// A POST of JSON over a connection of its own (no curl process ten times a second on two
/// cores the bench shares with the server): the status and the whole answer.
fn post(addr: &str, path: &str, token: &str, body: &str) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).context("connecting")?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .context("reading the answer")?;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status line")?;
    Ok((status, text))
}
