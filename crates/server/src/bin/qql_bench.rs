//! Micro-benchmark: QQL parse + SQL build for a typical 5-clause query (run by `cargo xtask bench`).

use shipshape_server::store::Entity;
use std::time::Instant;

fn main() {
    let q = "state:RUNNING and vulnerabilities.severity:[4 .. 5] and host.hostname:node-1* and created>=now-30d and not isRoot:true";
    let now = 1_790_000_000_000;
    // Warm up, then time many iterations and report the mean and the 99th percentile of batches.
    for _ in 0..1000 {
        let _ = shipshape_server::filter::compile(Entity::Container, Some(q), now);
    }
    let mut samples = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        for _ in 0..100 {
            let r = shipshape_server::filter::compile(Entity::Container, Some(q), now);
            std::hint::black_box(&r);
        }
        samples.push(t.elapsed().as_secs_f64() * 1e6 / 100.0);
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    let mean: f64 = samples.iter().sum::<f64>() / samples.len() as f64;
    let ok = shipshape_server::filter::compile(Entity::Container, Some(q), now).is_ok();
    println!(
        "QQL parse + SQL build, 5-clause query ({}): mean {mean:.1} µs, p99 {:.1} µs per query",
        if ok { "compiles" } else { "ERROR" },
        samples[samples.len() * 99 / 100]
    );
}
