//! Bounded work: a request whose database work runs past the time limit is stopped and
//! answered 503, and the server goes on answering everyone else.

use crate::common::*;
use shipshape_server::demo::{seed, DemoOptions};
use shipshape_server::store::StoreOptions;
use std::time::Duration;

/// A server with a 300 ms limit and 15,000 containers, and a filter that would take seconds.
async fn slow_setup() -> (TestApp, String, String) {
    let app = spawn_with(Options {
        seed: false,
        store: StoreOptions {
            query_limit: Duration::from_millis(300),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    seed(
        &app.store,
        &DemoOptions {
            scale: 5.0,
            seed: 3,
            now_ms: NOW,
        },
    )
    .await
    .unwrap();
    let token = app.admin_token().await;
    // A hundred and sixty label patterns, each a scan of every container's labels: seconds of work
    // on 15,000 containers, far past 300 ms on either engine.
    let heavy: Vec<String> = (0..160).map(|i| format!("label.value:*q{i}z*")).collect();
    let heavy = heavy.join(" or ");
    assert!(heavy.len() < 4096);
    let url = app.url(&format!("/csapi/v1.3/containers?filter={}", enc(&heavy)));
    (app, token, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_past_the_time_limit_gets_503_and_the_server_answers_others() {
    let (app, token, url) = slow_setup().await;
    let slow = {
        let (client, token) = (app.client.clone(), token.clone());
        tokio::spawn(async move { client.get(url).bearer_auth(token).send().await.unwrap() })
    };
    // While it runs, others are served.
    for _ in 0..5 {
        let v = app
            .get_json(
                &token,
                "/csapi/v1.3/sensors?pageSize=5&filter=status:RUNNING",
            )
            .await;
        assert!(v["count"].as_u64().unwrap() > 0);
    }
    let v = assert_error(slow.await.unwrap(), 503).await;
    assert!(v["message"].as_str().unwrap().contains("time limit"), "{v}");
    // Afterwards too, on connections that were interrupted.
    for _ in 0..20 {
        let v = app
            .get_json(
                &token,
                "/csapi/v1.3/containers?pageSize=1&filter=state:RUNNING",
            )
            .await;
        assert!(v["count"].as_u64().unwrap() > 0);
    }
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crowd_of_slow_queries_does_not_take_every_connection() {
    let (app, token, url) = slow_setup().await;
    // A container to look at, found before the crowd arrives.
    let sha = app
        .get_json(&token, "/csapi/v1.3/containers?pageSize=1")
        .await["data"][0]["sha"]
        .as_str()
        .unwrap()
        .to_string();
    // More slow lists at once than the pool has connections.
    let crowd: Vec<_> = (0..24)
        .map(|_| {
            let (client, token, url) = (app.client.clone(), token.clone(), url.clone());
            tokio::spawn(async move { client.get(url).bearer_auth(token).send().await.unwrap() })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    // Meanwhile sign-ins, details and health checks are answered (lists wait their turn).
    for _ in 0..5 {
        let fresh = app.admin_token().await;
        let d = app
            .get_json(&fresh, &format!("/csapi/v1.3/containers/{sha}"))
            .await;
        assert_eq!(d["sha"], sha.as_str());
        let r = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    for slow in crowd {
        let res = slow.await.unwrap();
        assert_eq!(res.status(), 503);
    }
}
