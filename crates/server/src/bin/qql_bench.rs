//! Micro-benchmark: QQL parse + SQL build (SQLite and PostgreSQL) for a typical 5-clause query
//! (run by `cargo xtask bench`).

use shipshape_server::store::filter::{compile, Filter};
use shipshape_server::store::{Engine, Entity};
use std::time::Instant;

/// Parse, then build the SQL for both engines (as a request on either would).
fn build(q: &str, now: i64) -> bool {
    match Filter::parse(Entity::Container, Some(q), now) {
        Ok(f) => {
            let a = compile(Engine::Sqlite.dialect(), &f);
            let b = compile(Engine::Postgres.dialect(), &f);
            std::hint::black_box((&a, &b));
            !a.text.is_empty() && !b.text.is_empty()
        }
        Err(_) => false,
    }
}

fn main() {
    let q = "state:RUNNING and vulnerabilities.severity:[4 .. 5] and host.hostname:node-1* and created>=now-30d and not isRoot:true";
    let now = 1_790_000_000_000;
    // Warm up, then time many iterations and report the mean and the 99th percentile of batches.
    for _ in 0..1000 {
        let _ = build(q, now);
    }
    let mut samples = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        for _ in 0..100 {
            std::hint::black_box(build(q, now));
        }
        samples.push(t.elapsed().as_secs_f64() * 1e6 / 100.0);
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    let mean: f64 = samples.iter().sum::<f64>() / samples.len() as f64;
    let ok = build(q, now);
    println!(
        "QQL parse + SQL build for both engines, 5-clause query ({}): mean {mean:.1} µs, p99 {:.1} µs per query",
        if ok { "compiles" } else { "ERROR" },
        samples[samples.len() * 99 / 100]
    );
}
