//! Data retention and the sensor release: `…/settings/dataRetention` (policy with ETag and
//! If-Match, preview, run, history) and `…/settings/sensorRelease`.

use crate::common::*;
use serde_json::{json, Value as J};
use shipshape_model::Role;
use shipshape_server::jobs::retention::Schedule;
use shipshape_server::store::{now_ms, Sql};

const POLICY: &str = "/csapi/v1.3/settings/dataRetention";
const RELEASE: &str = "/csapi/v1.3/settings/sensorRelease";
const DAY: i64 = 86_400_000;

async fn put(
    app: &TestApp,
    token: &str,
    path: &str,
    body: &J,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.put(app.url(path)).bearer_auth(token).json(body);
    if let Some(e) = etag {
        req = req.header("If-Match", e);
    }
    req.send().await.unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Option<&J>) -> reqwest::Response {
    let mut req = app.client.post(app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(b);
    }
    req.send().await.unwrap()
}

async fn etag_of(app: &TestApp, token: &str, path: &str) -> (String, J) {
    let res = app.get(token, path).await;
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    (etag, res.json().await.unwrap())
}

/// Saves `policy` over whatever is stored.
async fn save(app: &TestApp, token: &str, policy: &J) {
    let (etag, _) = etag_of(app, token, POLICY).await;
    let res = put(app, token, POLICY, policy, Some(&etag)).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

fn policy(days: i64, states: &[&str]) -> J {
    json!({ "enabled": true, "rules": {
        "sensors": { "enabled": true, "days": days },
        "containers": { "enabled": true, "days": days, "states": states },
        "images": { "enabled": true, "days": days },
        "reports": { "enabled": true } } })
}

async fn count(app: &TestApp, token: &str, entity: &str, filter: &str) -> u64 {
    app.get_json(
        token,
        &format!("/csapi/v1.3/{entity}?pageSize=1&filter={}", enc(filter)),
    )
    .await["count"]
        .as_u64()
        .unwrap_or_else(|| panic!("{entity} {filter}"))
}

#[tokio::test]
async fn the_policy_is_off_until_saved_and_saves_only_with_the_current_etag() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (etag, p) = etag_of(&app, &admin, POLICY).await;
    assert_eq!(etag, "\"0\"");
    assert_eq!(p["enabled"], false);
    assert_eq!(p["rules"]["containers"]["days"], 365);
    assert_eq!(
        p["rules"]["containers"]["states"],
        json!(["DELETED", "STOPPED", "PAUSED", "UNKNOWN"])
    );

    let wanted = policy(30, &["STOPPED", "DELETED"]);
    let v = assert_error(put(&app, &admin, POLICY, &wanted, None).await, 428).await;
    assert!(v["message"].as_str().unwrap().contains("If-Match"), "{v}");
    let res = put(&app, &admin, POLICY, &wanted, Some(&etag)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let saved: J = res.json().await.unwrap();
    // States come back in the contract's order.
    assert_eq!(
        saved["rules"]["containers"]["states"],
        json!(["DELETED", "STOPPED"])
    );

    // Another tab still holding the first ETag is refused, and nothing changes.
    let v = assert_error(
        put(&app, &admin, POLICY, &policy(1, &["UNKNOWN"]), Some(&etag)).await,
        412,
    )
    .await;
    assert!(v["message"].as_str().unwrap().contains("reload"), "{v}");
    let (etag2, now) = etag_of(&app, &admin, POLICY).await;
    assert_eq!(etag2, "\"1\"");
    assert_eq!(now, saved);
    assert_error(put(&app, &admin, POLICY, &wanted, Some("\"x\"")).await, 412).await;

    // Only administrators change it; everyone can read and preview it.
    let operator = app.user_token("olga", Role::Operator).await;
    assert_error(
        put(&app, &operator, POLICY, &wanted, Some(&etag2)).await,
        403,
    )
    .await;
    assert_error(
        post(&app, &operator, &format!("{POLICY}/run"), None).await,
        403,
    )
    .await;
    let viewer = app.user_token("vic", Role::Viewer).await;
    assert_eq!(app.get(&viewer, POLICY).await.status(), 200);
    assert_eq!(
        post(&app, &viewer, &format!("{POLICY}/preview"), None)
            .await
            .status(),
        200
    );
    assert_error(app.client.get(app.url(POLICY)).send().await.unwrap(), 401).await;

    // The change is in the audit log with the policy before and after.
    #[derive(sqlx::FromRow)]
    struct Entry {
        actor: String,
        details: String,
    }
    let entries: Vec<Entry> =
        Sql::new("SELECT actor, details FROM audit_log WHERE action = 'SETTINGS_DATA_RETENTION'")
            .fetch_all(app.store.db())
            .await
            .unwrap();
    assert_eq!(
        entries.len(),
        1,
        "only the save that went through is recorded"
    );
    assert_eq!(entries[0].actor, "admin");
    let d: J = serde_json::from_str(&entries[0].details).unwrap();
    assert_eq!(d["before"], p);
    assert_eq!(d["after"], saved);
}

#[tokio::test]
async fn bad_policies_are_refused_naming_each_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (etag, _) = etag_of(&app, &admin, POLICY).await;
    let mut cases: Vec<(J, Vec<&str>)> = Vec::new();
    for (days, field) in [
        (json!(0), "rules.sensors.days"),
        (json!(366), "rules.sensors.days"),
        (json!(1.5), "rules.sensors.days"),
        (json!("7"), "rules.sensors.days"),
        (json!(9_999_999_999_999_i64), "rules.sensors.days"),
    ] {
        let mut p = policy(7, &["STOPPED"]);
        p["rules"]["sensors"]["days"] = days;
        cases.push((p, vec![field]));
    }
    let mut p = policy(7, &["RUNNING", "EXITED"]);
    p["enabled"] = json!("yes");
    cases.push((
        p,
        vec![
            "enabled",
            "rules.containers.states[0]",
            "rules.containers.states[1]",
        ],
    ));
    let mut p = policy(7, &[]);
    p["rules"].as_object_mut().unwrap().remove("images");
    cases.push((p, vec!["rules.containers.states", "rules.images"]));
    cases.push((json!([]), vec!["body"]));
    cases.push((
        json!({"enabled": true, "rules": {}, "extra": 1}),
        vec![
            "extra",
            "rules.sensors",
            "rules.containers",
            "rules.images",
            "rules.reports",
        ],
    ));
    for (body, fields) in cases {
        let v = assert_error(put(&app, &admin, POLICY, &body, Some(&etag)).await, 400).await;
        let got: Vec<&str> = v["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["field"].as_str().unwrap())
            .collect();
        assert_eq!(got, fields, "{body} → {v}");
        // The preview refuses the same policy the same way.
        let v = assert_error(
            post(&app, &admin, &format!("{POLICY}/preview"), Some(&body)).await,
            400,
        )
        .await;
        assert_eq!(v["details"].as_array().unwrap().len(), fields.len(), "{v}");
    }
    // Not JSON at all.
    let res = app
        .client
        .put(app.url(POLICY))
        .bearer_auth(&admin)
        .header("If-Match", &etag)
        .header("content-type", "application/json")
        .body("{\"enabled\": tru")
        .send()
        .await
        .unwrap();
    assert_error(res, 400).await;
    assert_eq!(
        etag_of(&app, &admin, POLICY).await.0,
        "\"0\"",
        "nothing was saved"
    );
    // History's limit is checked too.
    for bad in ["0", "101", "x"] {
        assert_error(
            app.get(&admin, &format!("{POLICY}/history?limit={bad}"))
                .await,
            400,
        )
        .await;
    }
}

/// Puts a few records at known distances from now (the demo fleet is older than a week).
async fn place_recent_records(app: &TestApp) -> (i64, i64) {
    let now = now_ms();
    let ids: Vec<i64> =
        Sql::new("SELECT id FROM containers WHERE state = 'RUNNING' ORDER BY id LIMIT 2")
            .scalars(app.store.db())
            .await
            .unwrap();
    // Stopped two days ago (kept by a 7-day rule) and ten days ago (purged by it).
    for (id, ago) in [(ids[0], 2), (ids[1], 10)] {
        Sql::new("UPDATE containers SET state = 'STOPPED', state_changed = ? WHERE id = ?")
            .bind(now - ago * DAY)
            .bind(id)
            .execute(app.store.db())
            .await
            .unwrap();
    }
    (ids[0], ids[1])
}

#[tokio::test]
async fn the_preview_counts_what_the_run_then_deletes_kind_by_kind_and_state_by_state() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (recent, old) = place_recent_records(&app).await;
    let preview_of = |p: J| {
        let (app, admin) = (&app, &admin);
        async move {
            let res = post(app, admin, &format!("{POLICY}/preview"), Some(&p)).await;
            assert_eq!(res.status(), 200);
            res.json::<J>().await.unwrap()
        }
    };
    // State by state: the counts of each state add up to the rule with both.
    let stopped = preview_of(policy(7, &["STOPPED"])).await;
    let deleted = preview_of(policy(7, &["DELETED"])).await;
    let both = preview_of(policy(7, &["STOPPED", "DELETED"])).await;
    assert_eq!(
        both["containers"].as_u64().unwrap(),
        stopped["containers"].as_u64().unwrap() + deleted["containers"].as_u64().unwrap()
    );
    assert!(
        stopped["containers"].as_u64().unwrap() > 0 && deleted["containers"].as_u64().unwrap() > 0,
        "{stopped} {deleted}"
    );
    // The same rows as the QQL a user would write for them.
    assert_eq!(
        both["containers"].as_u64().unwrap(),
        count(
            &app,
            &admin,
            "containers",
            "state:[STOPPED, DELETED] and stateChanged<now-7d"
        )
        .await
    );
    assert_eq!(
        both["sensors"].as_u64().unwrap(),
        count(
            &app,
            &admin,
            "sensors",
            "status:UNKNOWN and lastCheckedIn<now-7d"
        )
        .await
    );
    // Off (the policy or a rule) purges nothing.
    let mut off = policy(7, &["STOPPED"]);
    off["enabled"] = json!(false);
    assert_eq!(
        preview_of(off).await,
        json!({"sensors": 0, "containers": 0, "images": 0, "reports": 0})
    );
    let mut one = policy(7, &["STOPPED"]);
    one["rules"]["containers"]["enabled"] = json!(false);
    one["rules"]["images"]["enabled"] = json!(false);
    let p = preview_of(one).await;
    assert_eq!(
        (p["containers"].as_u64(), p["images"].as_u64()),
        (Some(0), Some(0))
    );

    // Run the policy with both states; an empty preview body previews the saved policy.
    let saved = policy(7, &["DELETED", "STOPPED"]);
    save(&app, &admin, &saved).await;
    let expected = post(&app, &admin, &format!("{POLICY}/preview"), None)
        .await
        .json::<J>()
        .await
        .unwrap();
    assert_eq!(expected, both);
    let used_images: Vec<i64> = Sql::new("SELECT DISTINCT image_ref FROM containers ORDER BY 1")
        .scalars(app.store.db())
        .await
        .unwrap();
    let running = count(&app, &admin, "containers", "state:RUNNING").await;
    let totals: Vec<u64> = [
        count(&app, &admin, "sensors", "").await,
        count(&app, &admin, "images", "").await,
        count(&app, &admin, "containers", "").await,
    ]
    .to_vec();

    let res = post(&app, &admin, &format!("{POLICY}/run"), None).await;
    assert_eq!(res.status(), 202);
    let id = res.json::<J>().await.unwrap()["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    let job = app.wait_job(&admin, &id).await;
    assert_eq!(job["status"], "COMPLETED", "{job}");
    assert_eq!(job["kind"], "RETENTION");
    let run = &job["retention"];
    assert_eq!(run["deleted"], expected, "{job}");
    assert_eq!(run["trigger"], "admin");
    assert_eq!(run["policy"], saved);
    assert!(run["startedAt"].as_i64().unwrap() <= run["finishedAt"].as_i64().unwrap());
    let total = ["sensors", "containers", "images"]
        .iter()
        .map(|k| expected[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(job["deleted"].as_u64().unwrap(), total);

    // What went is gone, and nothing else.
    let after = [
        count(&app, &admin, "sensors", "").await,
        count(&app, &admin, "images", "").await,
        count(&app, &admin, "containers", "").await,
    ];
    for (i, kind) in ["sensors", "images", "containers"].iter().enumerate() {
        assert_eq!(
            after[i],
            totals[i] - expected[kind].as_u64().unwrap(),
            "{kind}"
        );
    }
    assert_eq!(
        count(&app, &admin, "containers", "state:RUNNING").await,
        running
    );
    assert_eq!(
        count(
            &app,
            &admin,
            "containers",
            "state:[STOPPED, DELETED] and stateChanged<now-7d"
        )
        .await,
        0
    );
    let left: Vec<i64> = Sql::new("SELECT id FROM containers WHERE id IN (?, ?)")
        .bind(recent)
        .bind(old)
        .scalars(app.store.db())
        .await
        .unwrap();
    assert_eq!(
        left,
        [recent],
        "the container stopped 2 days ago stays, the one of 10 days goes"
    );
    // Every image a container used when the run started is still there.
    let mut sql = Sql::new("SELECT count(*) FROM images WHERE id IN (");
    sql.push_list(used_images.iter().copied());
    sql.push(")");
    assert_eq!(
        sql.scalar::<i64>(app.store.db()).await.unwrap() as usize,
        used_images.len()
    );
    assert!(shipshape_server::store::derive::drift(app.store.db())
        .await
        .unwrap()
        .is_empty());
    // A second preview finds no more sensors or containers; the images whose last containers
    // this run purged are the next run's (images go before containers, so that a preview's
    // count is what its run deletes).
    let again = post(&app, &admin, &format!("{POLICY}/preview"), None)
        .await
        .json::<J>()
        .await
        .unwrap();
    assert_eq!(
        (again["sensors"].as_u64(), again["containers"].as_u64()),
        (Some(0), Some(0))
    );
    let freed = app
        .scalar("SELECT count(*) FROM images WHERE containers_count = 0")
        .await;
    assert_eq!(again["images"].as_i64().unwrap(), freed, "{again}");

    // The run is in the history and in the audit log with its counts.
    let history = app.get_json(&admin, &format!("{POLICY}/history")).await;
    assert_eq!(history["data"][0]["jobId"], id.as_str());
    assert_eq!(history["data"][0]["deleted"], expected);
    assert_eq!(history["data"][0]["status"], "COMPLETED");
    let details: String = Sql::new(
        "SELECT details FROM audit_log WHERE action = 'RETENTION_PURGE' AND status = 'COMPLETED'",
    )
    .scalar(app.store.db())
    .await
    .unwrap();
    let details: J = serde_json::from_str(&details).unwrap();
    assert_eq!(details["deleted"], expected);
    assert_eq!(details["policy"], saved);
}

#[tokio::test]
async fn an_image_a_container_uses_survives_any_policy() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // Every image looks long unscanned; only the unused ones may go.
    Sql::new("UPDATE images SET last_scanned = 1")
        .execute(app.store.db())
        .await
        .unwrap();
    let unused = app.scalar("SELECT count(*) FROM images WHERE NOT EXISTS (SELECT 1 FROM containers c WHERE c.image_ref = images.id)").await;
    let used = app
        .scalar("SELECT count(DISTINCT image_ref) FROM containers")
        .await;
    let mut p = policy(1, &["UNKNOWN"]);
    p["rules"]["containers"]["enabled"] = json!(false);
    p["rules"]["sensors"]["enabled"] = json!(false);
    save(&app, &admin, &p).await;
    let preview = post(&app, &admin, &format!("{POLICY}/preview"), None)
        .await
        .json::<J>()
        .await
        .unwrap();
    assert_eq!(preview["images"].as_i64().unwrap(), unused);
    let id = post(&app, &admin, &format!("{POLICY}/run"), None)
        .await
        .json::<J>()
        .await
        .unwrap()["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    let job = app.wait_job(&admin, &id).await;
    assert_eq!(
        job["retention"]["deleted"]["images"].as_i64().unwrap(),
        unused,
        "{job}"
    );
    assert_eq!(app.scalar("SELECT count(*) FROM images").await, used);
    // Their software and findings went with them; nothing points at a missing image.
    for t in ["image_software", "image_vulns", "image_repos", "containers"] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT count(*) FROM {t} WHERE image_ref NOT IN (SELECT id FROM images)"
            ))
            .await,
            0,
            "{t}"
        );
    }
}

#[tokio::test]
async fn runs_asked_for_together_are_one_purge_and_the_schedule_runs_once_an_hour() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // Off: a run is refused, and the schedule queues nothing.
    let v = assert_error(
        post(&app, &admin, &format!("{POLICY}/run"), None).await,
        409,
    )
    .await;
    assert!(
        v["message"].as_str().unwrap().contains("switched off"),
        "{v}"
    );
    let now = now_ms();
    assert_eq!(
        shipshape_server::jobs::retention::schedule(&app.store, now)
            .await
            .unwrap(),
        Schedule::Done
    );

    save(&app, &admin, &policy(7, &["STOPPED", "DELETED"])).await;
    let expected = post(&app, &admin, &format!("{POLICY}/preview"), None)
        .await
        .json::<J>()
        .await
        .unwrap();
    let run = format!("{POLICY}/run");
    let (a, b) = tokio::join!(
        post(&app, &admin, &run, None),
        post(&app, &admin, &run, None)
    );
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (202, 202));
    let a = a.json::<J>().await.unwrap()["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    let b = b.json::<J>().await.unwrap()["jobId"]
        .as_str()
        .unwrap()
        .to_string();
    let ja = app.wait_job(&admin, &a).await;
    let jb = app.wait_job(&admin, &b).await;
    // Either one run (both got its id) or, if the first ended before the second was asked, a
    // second run that found nothing left: the records went once.
    let mut sum = ja["retention"]["deleted"]["containers"].as_u64().unwrap();
    if a != b {
        sum += jb["retention"]["deleted"]["containers"].as_u64().unwrap();
    }
    assert_eq!(sum, expected["containers"].as_u64().unwrap());

    // A policy saved during the hour waits for the next hour's run.
    let this_hour = now - now.rem_euclid(3_600_000);
    assert_eq!(
        shipshape_server::jobs::retention::schedule(&app.store, now_ms())
            .await
            .unwrap(),
        Schedule::Done
    );
    // The next hour's scheduled run is queued once, however often the processes ask (this
    // server's own sweeper among them, if the test runs across the hour).
    let hour_start = this_hour + 3_600_000;
    let first = shipshape_server::jobs::retention::schedule(&app.store, hour_start + 10)
        .await
        .unwrap();
    let id = shipshape_server::jobs::retention::scheduled_id(hour_start);
    assert!(
        first == Schedule::Done || first == Schedule::Queued(id.clone()),
        "{first:?}"
    );
    for t in [hour_start + 20, hour_start + 3_599_999] {
        assert_eq!(
            shipshape_server::jobs::retention::schedule(&app.store, t)
                .await
                .unwrap(),
            Schedule::Done
        );
    }
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM jobs WHERE kind = 'RETENTION' AND requested_by = 'schedule'"
        )
        .await,
        1
    );
    if first != Schedule::Done {
        app.state.jobs.spawn(id.clone());
    }
    let job = app.wait_job(&admin, &id).await;
    assert_eq!(job["retention"]["trigger"], "schedule", "{job}");
    assert_eq!(job["status"], "COMPLETED");
    // The next hour gets its own.
    assert!(matches!(
        shipshape_server::jobs::retention::schedule(&app.store, hour_start + 3_600_000)
            .await
            .unwrap(),
        Schedule::Queued(_)
    ));
}

#[tokio::test]
async fn raising_the_sensor_release_shows_update_available_on_older_sensors() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (etag, r) = etag_of(&app, &admin, RELEASE).await;
    // The demo fleet sets the newest version its sensors run.
    let release = shipshape_model::SensorVersion::parse(r["version"].as_str().unwrap()).unwrap();
    let fleet = app
        .get_json(&admin, "/csapi/v1.3/sensors?pageSize=1000")
        .await;
    let running = fleet["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["sensorVersion"].as_str())
        .map(|v| shipshape_model::SensorVersion::parse(v).unwrap())
        .max()
        .unwrap();
    assert_eq!(release, running);
    let behind = count(&app, &admin, "sensors", "updateAvailable:true").await;
    let total = count(&app, &admin, "sensors", "").await;
    assert!(
        behind > 0 && behind < total,
        "some demo sensors are behind: {behind}/{total}"
    );

    let body = json!({"version": "99.0.0", "releaseNotesUrl": "https://example.com/99", "releaseDate": "2026-12-01"});
    assert_error(put(&app, &admin, RELEASE, &body, None).await, 428).await;
    let res = put(&app, &admin, RELEASE, &body, Some(&etag)).await;
    assert_eq!(res.status(), 200);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(res.json::<J>().await.unwrap(), body);
    assert_error(put(&app, &admin, RELEASE, &body, Some(&etag)).await, 412).await;
    assert_eq!(
        count(&app, &admin, "sensors", "updateAvailable:true").await,
        total
    );
    let one = app.get_json(&admin, "/csapi/v1.3/sensors?pageSize=1").await;
    let uuid = one["data"][0]["uuid"].as_str().unwrap();
    // (An extension field: the compatible object has it only when extensions are asked for.)
    let detail = app
        .get_json(
            &admin,
            &format!("/csapi/v1.3/sensors/{uuid}?include=extensions"),
        )
        .await;
    assert_eq!(detail["updateAvailable"], true, "{detail}");

    // Versions compare as versions: 1.10.0 is newer than 1.9.3.
    let (etag, _) = etag_of(&app, &admin, RELEASE).await;
    let res = put(
        &app,
        &admin,
        RELEASE,
        &json!({"version": "0.10.0"}),
        Some(&etag),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        count(&app, &admin, "sensors", "updateAvailable:true").await,
        0,
        "every demo sensor runs 1.x, newer than 0.10.0"
    );

    let (etag, _) = etag_of(&app, &admin, RELEASE).await;
    for (body, field) in [
        (json!({"version": "latest"}), "version"),
        (json!({}), "version"),
        (
            json!({"version": "1.2", "releaseNotesUrl": "notes.html"}),
            "releaseNotesUrl",
        ),
        (
            json!({"version": "1.2", "releaseDate": "2026-02-30"}),
            "releaseDate",
        ),
        (json!({"version": "1.2", "colour": "red"}), "colour"),
    ] {
        let v = assert_error(put(&app, &admin, RELEASE, &body, Some(&etag)).await, 400).await;
        assert_eq!(v["details"][0]["field"], field, "{v}");
    }
    let operator = app.user_token("olga", Role::Operator).await;
    assert_error(
        put(
            &app,
            &operator,
            RELEASE,
            &json!({"version": "2.0"}),
            Some(&etag),
        )
        .await,
        403,
    )
    .await;
    let n = app
        .scalar("SELECT count(*) FROM audit_log WHERE action = 'SETTINGS_SENSOR_RELEASE'")
        .await;
    assert_eq!(n, 2);
}

#[tokio::test]
async fn a_release_written_by_hand_is_in_step_once_a_server_starts_and_reads_never_write() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let total = count(&app, &admin, "sensors", "").await;
    let behind = count(&app, &admin, "sensors", "updateAvailable:true").await;
    assert!(behind < total, "{behind}/{total}");
    // A release written by hand (or before its key existed): the key still says the old one.
    app.exec(r#"UPDATE settings SET value = '{"version":"99.0.0"}' WHERE key = 'sensorRelease'"#)
        .await;
    let writes = "SELECT version FROM store_version WHERE id = 1";
    let before = app.scalar(writes).await;
    let list = app
        .get_json(&admin, "/csapi/v1.3/sensors?include=extensions&pageSize=5")
        .await;
    assert_eq!(list["data"][0]["latestVersion"], "99.0.0", "{list}");
    app.get_json(&admin, "/csapi/v1.3/settings/sensorRelease")
        .await;
    assert_eq!(app.scalar(writes).await, before, "reading wrote");
    assert_eq!(
        count(&app, &admin, "sensors", "updateAvailable:true").await,
        behind
    );
    // A server opening the database brings the key in step (and its version moves, so
    // cached counts are recounted).
    let started = shipshape_server::store::Store::open(&app.db.url)
        .await
        .unwrap();
    assert!(app.scalar(writes).await > before);
    assert_eq!(
        count(&app, &admin, "sensors", "updateAvailable:true").await,
        total
    );
    // In step already: opening writes nothing.
    let again = app.scalar(writes).await;
    drop(started);
    shipshape_server::store::Store::open(&app.db.url)
        .await
        .unwrap();
    assert_eq!(app.scalar(writes).await, again);
}

/// Issue 13: report files are "purged at expiry by the retention job". A run with the reports
/// rule on expires every report whose time is up (the preview counts them first, the run's
/// history says how many went): the list says EXPIRED, the download answers 404 and the file's
/// chunks are gone, while a report not yet due keeps its file. With the rule off the run leaves
/// them alone.
#[tokio::test]
async fn the_retention_run_expires_reports_whose_time_is_up() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json!({"name": "Inventory", "templateName": "CS_Images", "displayColumns": []});
    let due = crate::reports::generated(&app, &admin, body.clone()).await;
    let kept = crate::reports::generated(&app, &admin, body).await;
    app.exec(&format!(
        "UPDATE reports SET expires = {} WHERE uuid = '{due}'",
        now_ms() - 1
    ))
    .await;
    let reports_only = |on: bool| {
        json!({ "enabled": true, "rules": {
            "sensors": { "enabled": false, "days": 1 },
            "containers": { "enabled": false, "days": 1, "states": ["DELETED"] },
            "images": { "enabled": false, "days": 1 },
            "reports": { "enabled": on } } })
    };
    async fn run(app: &TestApp, admin: &str) -> J {
        let res = post(app, admin, &format!("{POLICY}/run"), None).await;
        assert_eq!(res.status(), 202);
        let id = res.json::<J>().await.unwrap()["jobId"]
            .as_str()
            .unwrap()
            .to_string();
        let job = app.wait_job(admin, &id).await;
        assert_eq!(job["status"], "COMPLETED", "{job}");
        job
    }
    let status = |uuid: String| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let list = app.get_json(&admin, "/csapi/v1.3/reports").await;
            list["data"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["reportUuid"] == uuid.as_str())
                .map(|r| r["status"].as_str().unwrap().to_string())
                .unwrap()
        }
    };
    let download = |uuid: String| {
        let (app, admin) = (&app, admin.clone());
        async move {
            app.get(&admin, &format!("/csapi/v1.3/reports/{uuid}/download"))
                .await
        }
    };

    save(&app, &admin, &reports_only(false)).await;
    let job = run(&app, &admin).await;
    assert_eq!(job["retention"]["deleted"]["reports"], 0, "{job}");
    assert_eq!(status(due.clone()).await, "GENERATED");
    assert_eq!(download(due.clone()).await.status(), 200);

    save(&app, &admin, &reports_only(true)).await;
    let preview = post(&app, &admin, &format!("{POLICY}/preview"), None)
        .await
        .json::<J>()
        .await
        .unwrap();
    assert_eq!(
        preview,
        json!({"sensors": 0, "containers": 0, "images": 0, "reports": 1})
    );
    let job = run(&app, &admin).await;
    assert_eq!(job["retention"]["deleted"]["reports"], 1, "{job}");
    assert_eq!(job["deleted"], 1, "{job}");
    assert_eq!(status(due.clone()).await, "EXPIRED");
    let v = assert_error(download(due.clone()).await, 404).await;
    assert!(v["message"].as_str().unwrap().contains("expired"), "{v}");
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM report_chunks WHERE report_uuid = '{due}'"
        ))
        .await,
        0
    );
    assert_eq!(status(kept.clone()).await, "GENERATED");
    assert_eq!(download(kept.clone()).await.status(), 200);
    // Expired once: the next run finds nothing more.
    let job = run(&app, &admin).await;
    assert_eq!(job["retention"]["deleted"]["reports"], 0, "{job}");
}
