//! Trends: `GET /{entity}/trend` gives the count of a filter per UTC day, one point a day (the
//! first count taken that day), and the daily snapshot of every trend and count widget runs once
//! a day across runs, processes and restarts (on both engines).

use crate::common::*;
use serde_json::{json, Value};
use shipshape_server::jobs::trends::{tick, Tick};
use shipshape_server::store::trends::{day_of, DAY_MS};
use shipshape_server::store::{now_ms, Store};

fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn reading_a_trend_takes_todays_point_once_and_equal_queries_share_it() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let listed = app
        .get_json(
            &t,
            &format!(
                "/csapi/v1.3/images?pageSize=1&filter={}",
                enc("vulnerabilities.severity:5")
            ),
        )
        .await["count"]
        .as_u64()
        .unwrap();
    let path = |f: &str| format!("/csapi/v1.3/images/trend?days=7&filter={}", enc(f));
    let first = app.get_json(&t, &path("vulnerabilities.severity:5")).await;
    assert_eq!(first["days"], 7);
    assert_eq!(
        first["points"],
        json!([{ "day": today(), "count": listed }]),
        "one point, today's, with the list's count"
    );
    // The same question written differently reads the same point; nothing new is stored.
    let again = app
        .get_json(&t, &path("(vulnerabilities.severity:5)"))
        .await;
    assert_eq!(again["points"], first["points"]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM trend_points").await, 1);
    // A different question is a different series.
    let all = app.get_json(&t, "/csapi/v1.3/images/trend").await;
    assert_eq!(all["days"], 30, "the default");
    assert_ne!(all["points"][0]["count"], first["points"][0]["count"]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM trend_points").await, 2);
}

/// A dashboard with trend widgets: two asking the same question, one another.
fn trend_dashboard() -> Value {
    json!({
        "schemaVersion": 1, "name": "Trends", "columns": 24,
        "widgets": [
            {"id": "a", "kind": "trend", "title": "Critical images", "entity": "image",
             "query": "vulnerabilities.severity:5", "days": 30,
             "layout": {"x": 0, "y": 0, "w": 12, "h": 6}},
            {"id": "b", "kind": "trend", "title": "Same, again", "entity": "image",
             "query": "vulnerabilities.severity:5", "days": 7,
             "layout": {"x": 12, "y": 0, "w": 12, "h": 6}},
            {"id": "c", "kind": "trend", "title": "Running", "entity": "container",
             "query": "state:RUNNING", "days": 30,
             "layout": {"x": 0, "y": 6, "w": 12, "h": 6}},
            {"id": "d", "kind": "count", "title": "Its change is read from its days",
             "entity": "sensor", "query": "", "layout": {"x": 12, "y": 6, "w": 6, "h": 4}},
            {"id": "e", "kind": "bar", "title": "No days", "entity": "sensor", "query": "",
             "groupBy": "status", "layout": {"x": 18, "y": 6, "w": 6, "h": 4}},
            {"id": "f", "kind": "count", "title": "Findings have no days",
             "entity": "vulnerability", "query": "severity:5",
             "layout": {"x": 0, "y": 12, "w": 6, "h": 4}}
        ]
    })
}

#[tokio::test]
async fn the_daily_snapshot_runs_once_a_day_across_runs_processes_and_restarts() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let res = app
        .client
        .post(app.url("/csapi/v1.3/dashboards"))
        .bearer_auth(&t)
        .json(&trend_dashboard())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let now = now_ms();
    let stale = now - 30_000;
    assert_eq!(
        tick(&app.store, "one", now, stale).await.unwrap(),
        Tick::Took(3)
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM trend_points").await, 3);
    // Later the same day, here and in another process: nothing more.
    assert_eq!(
        tick(&app.store, "one", now + 1000, stale).await.unwrap(),
        Tick::Elsewhere
    );
    assert_eq!(
        tick(&app.store, "two", now + 2000, stale).await.unwrap(),
        Tick::Elsewhere
    );
    // A restart: a new store on the same database.
    let reopened = Store::open(&app.db.url).await.unwrap();
    assert_eq!(
        tick(&reopened, "three", now + 3000, stale).await.unwrap(),
        Tick::Elsewhere
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM trend_points").await, 3);
    // The point the snapshot took is the one the API reads.
    let read = app
        .get_json(
            &t,
            &format!(
                "/csapi/v1.3/containers/trend?filter={}",
                enc("state:RUNNING")
            ),
        )
        .await;
    assert_eq!(read["points"].as_array().unwrap().len(), 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM trend_points").await, 3);

    // The next day, two processes at once: one takes it, and each question gets one point.
    let tomorrow = now + DAY_MS;
    let (a, b) = tokio::join!(
        tick(&app.store, "one", tomorrow, tomorrow - 30_000),
        tick(&reopened, "two", tomorrow, tomorrow - 30_000)
    );
    let took: Vec<Tick> = [a.unwrap(), b.unwrap()]
        .into_iter()
        .filter(|t| *t != Tick::Elsewhere)
        .collect();
    assert_eq!(took, [Tick::Took(3)]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM trend_points").await, 6);

    // A run whose process died (its claim unfinished and silent) is taken over.
    let later = tomorrow + DAY_MS;
    assert!(app
        .store
        .claim_trend_day(day_of(later), "dead", later - 60_000, 0)
        .await
        .unwrap());
    assert_eq!(
        tick(&reopened, "two", later, later - 120_000)
            .await
            .unwrap(),
        Tick::Elsewhere,
        "a claim that still beats is left to its owner"
    );
    assert_eq!(
        tick(&reopened, "two", later, later - 10_000).await.unwrap(),
        Tick::Took(3)
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM trend_points").await, 9);
    reopened.close().await;
}

#[tokio::test]
async fn bad_trend_requests_are_refused_with_the_parameter_named() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    for (query, field) in [
        ("days=0", "days"),
        ("days=366", "days"),
        ("days=abc", "days"),
        ("days=99999999999999999999", "days"),
        ("filter=nosuchtoken%3A1", "filter"),
        ("filter=state%3A", "filter"),
        ("series=daily", "series"),
        ("series=", "series"),
    ] {
        let res = app
            .get(&t, &format!("/csapi/v1.3/containers/trend?{query}"))
            .await;
        let body = assert_error(res, 400).await;
        let text = body.to_string();
        assert!(
            text.contains(field) || body["span"].is_object(),
            "{query}: {text}"
        );
    }
    let res = app
        .client
        .get(app.url("/csapi/v1.3/images/trend"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM trend_points").await, 0);
}

#[tokio::test]
async fn the_created_series_counts_rows_created_each_day_from_their_timestamps() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    // The demo fleet is seeded as of `NOW`: move its creation dates to end today, as if seeded
    // now (before anything was read, so nothing kept is stale).
    let shift = now_ms() - NOW;
    for table in ["containers", "images", "sensors"] {
        app.exec(&format!("UPDATE {table} SET created = created + {shift}"))
            .await;
    }
    let today = day_of(now_ms());
    for (entity, table, filter, cond) in [
        ("containers", "containers", "", "1 = 1"),
        (
            "containers",
            "containers",
            "state:RUNNING",
            "state = 'RUNNING'",
        ),
        ("images", "images", "vulnerabilities.severity:5", "sev5 > 0"),
    ] {
        let body = app
            .get_json(
                &t,
                &format!(
                    "/csapi/v1.3/{entity}/trend?series=created&days=30&filter={}",
                    enc(filter)
                ),
            )
            .await;
        assert_eq!(body["series"], "created");
        assert_eq!(body["days"], 30);
        let points = body["points"].as_array().unwrap();
        assert_eq!(
            points.len(),
            30,
            "{entity} {filter}: every day has its point"
        );
        let mut nonzero = 0;
        for (i, p) in points.iter().enumerate() {
            let day = today - 29 + i as i64;
            let date = chrono::DateTime::from_timestamp_millis(day * DAY_MS)
                .unwrap()
                .format("%Y-%m-%d")
                .to_string();
            assert_eq!(p["day"], date.as_str(), "oldest first, consecutive days");
            let expected = app
                .scalar(&format!(
                    "SELECT COUNT(*) FROM {table} WHERE {cond} AND created >= {} AND created < {}",
                    day * DAY_MS,
                    (day + 1) * DAY_MS
                ))
                .await;
            assert_eq!(p["count"], expected, "{entity} {filter} on {date}");
            nonzero += usize::from(expected > 0);
        }
        assert!(
            nonzero >= 2,
            "{entity} {filter}: the demo data spreads over days"
        );
    }
    // Computed, not recorded: nothing is stored for it.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM trend_points").await, 0);

    // A write moves the points at once (the kept answer is for the data's version): the three
    // newest containers deleted through the API leave the last 30 days three fewer.
    let sum = |b: Value| -> i64 {
        b["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["count"].as_i64().unwrap())
            .sum()
    };
    let path = "/csapi/v1.3/containers/trend?series=created&days=30";
    let before = sum(app.get_json(&t, path).await);
    let newest = app.get_json(&t, "/csapi/v1.3/containers?pageSize=3").await;
    let job = app.delete_listed_containers(&t, &newest).await;
    assert_eq!(job["deleted"], 3);
    assert_eq!(sum(app.get_json(&t, path).await), before - 3);
}
