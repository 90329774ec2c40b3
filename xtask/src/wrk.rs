//! wrk, the load generator of the benches: one thread, 4 connections, a bearer token, and the
//! latency figures read back from its `--latency` report.

use anyhow::{Context, Result};
use std::process::Command;

/// What one wrk run measured.
#[derive(Clone, Debug)]
pub struct Load {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub rps: f64,
    /// wrk's `Non-2xx or 3xx responses: N` line, or nothing.
    pub non2xx: String,
    /// Answers not 2xx or 3xx, and connect, read, write errors and timeouts.
    pub errors: u64,
}

/// `url` under load for `secs` seconds. A request is waited for 30 s (wrk's default of 2 s would
/// leave the slowest out of the percentiles, counted only as timeouts).
pub fn load(url: &str, token: &str, secs: u32) -> Result<Load> {
    let auth = format!("Authorization: Bearer {token}");
    let duration = format!("{secs}s");
    let out = Command::new("wrk")
        .args([
            "-t1",
            "-c4",
            "-d",
            &duration,
            "--timeout",
            "30s",
            "--latency",
        ])
        .args(["-H", &auth, url])
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let ms = |label: &str| -> f64 {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(parse_duration_ms)
            .unwrap_or(f64::NAN)
    };
    let rps = text
        .lines()
        .find(|l| l.starts_with("Requests/sec:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(f64::NAN);
    let non2xx = text
        .lines()
        .find(|l| l.contains("Non-2xx"))
        .map(str::trim)
        .unwrap_or("");
    // "Latency   avg   stdev   max   +/-stdev"
    let max = text
        .lines()
        .find(|l| l.trim_start().starts_with("Latency"))
        .and_then(|l| l.split_whitespace().nth(3))
        .map(parse_duration_ms)
        .unwrap_or(f64::NAN);
    let numbers = |l: &str| -> u64 {
        l.split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse::<u64>().ok())
            .sum()
    };
    // "Socket errors: connect 0, read 0, write 0, timeout 0"
    let socket_errors = text
        .lines()
        .find(|l| l.trim_start().starts_with("Socket errors"))
        .map(numbers)
        .unwrap_or(0);
    Ok(Load {
        p50: ms("50%"),
        p99: ms("99%"),
        max,
        rps,
        errors: numbers(non2xx.split(':').nth(1).unwrap_or("")) + socket_errors,
        non2xx: non2xx.to_string(),
    })
}

fn parse_duration_ms(v: &str) -> f64 {
    let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
    let n: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => n,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration_ms;

    #[test]
    fn wrk_durations_read_as_milliseconds() {
        assert_eq!(parse_duration_ms("850.00us"), 0.85);
        assert_eq!(parse_duration_ms("12.5ms"), 12.5);
        assert_eq!(parse_duration_ms("1.20s"), 1200.0);
        assert_eq!(parse_duration_ms("2.00m"), 120_000.0);
        assert!(parse_duration_ms("n/a").is_nan());
    }
}
