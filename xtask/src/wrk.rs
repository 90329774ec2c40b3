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
    /// The share of the machine's CPU time the hypervisor gave to others during the run, in
    /// percent (`steal` in `/proc/stat`; none where that cannot be read).
    pub stolen: Option<f64>,
}

/// `url` under load for `secs` seconds. A request is waited for 30 s (wrk's default of 2 s would
/// leave the slowest out of the percentiles, counted only as timeouts).
pub fn load(url: &str, token: &str, secs: u32) -> Result<Load> {
    let auth = format!("Authorization: Bearer {token}");
    let duration = format!("{secs}s");
    let cpu_before = cpu_times();
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
    let stolen = cpu_before
        .zip(cpu_times())
        .and_then(|(a, b)| a.stolen_until(&b));
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
        stolen,
    })
}

/// The machine's CPU time so far, in ticks: all of it, and what the hypervisor stole.
#[derive(Clone, Copy, Debug, PartialEq)]
struct CpuTimes {
    total: u64,
    steal: u64,
}

impl CpuTimes {
    /// `/proc/stat`'s first line: `cpu user nice system idle iowait irq softirq steal …`
    /// (the guest times after `steal` are counted in `user` already).
    fn parse(stat: &str) -> Option<CpuTimes> {
        let line = stat.lines().find(|l| l.starts_with("cpu "))?;
        let ticks = line
            .split_whitespace()
            .skip(1)
            .take(8)
            .map(|t| t.parse::<u64>().ok())
            .collect::<Option<Vec<_>>>()?;
        Some(CpuTimes {
            total: ticks.iter().sum(),
            steal: *ticks.get(7)?,
        })
    }

    /// The percentage of the CPU time from `self` to `later` that was stolen.
    fn stolen_until(&self, later: &CpuTimes) -> Option<f64> {
        let total = later.total.checked_sub(self.total).filter(|t| *t > 0)?;
        let steal = later.steal.checked_sub(self.steal)?;
        Some(steal as f64 * 100.0 / total as f64)
    }
}

fn cpu_times() -> Option<CpuTimes> {
    CpuTimes::parse(&std::fs::read_to_string("/proc/stat").ok()?)
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
    use super::{parse_duration_ms, CpuTimes};

    #[test]
    fn stolen_time_is_the_share_of_all_cpu_time_between_two_readings() {
        let before = CpuTimes::parse(
            "cpu  100 5 50 800 10 0 5 30 0 0\ncpu0 50 2 25 400 5 0 2 15 0 0\nintr 1 2 3\n",
        )
        .unwrap();
        assert_eq!(
            before,
            CpuTimes {
                total: 1000,
                steal: 30
            }
        );
        // 200 more ticks, 50 of them stolen.
        let after = CpuTimes::parse("cpu  200 5 80 820 10 0 5 80 7 0\n").unwrap();
        assert_eq!(before.stolen_until(&after), Some(25.0));
        // No time passed, or a reading from before: nothing to say.
        assert_eq!(before.stolen_until(&before), None);
        assert_eq!(after.stolen_until(&before), None);
        assert_eq!(CpuTimes::parse("cpu  1 2 3\n"), None);
        assert_eq!(CpuTimes::parse("intr 1 2\n"), None);
    }

    #[test]
    fn wrk_durations_read_as_milliseconds() {
        assert_eq!(parse_duration_ms("850.00us"), 0.85);
        assert_eq!(parse_duration_ms("12.5ms"), 12.5);
        assert_eq!(parse_duration_ms("1.20s"), 1200.0);
        assert_eq!(parse_duration_ms("2.00m"), 120_000.0);
        assert!(parse_duration_ms("n/a").is_nan());
    }
}
