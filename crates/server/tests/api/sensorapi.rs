//! The sensor API (issue 12), spoken by a simulated sensor: it registers with an activation
//! key, checks in, posts events and scan results, and sees its due work change; inside an
//! inactive window nothing is due and its data is refused with 409 until the window ends;
//! its credential works nowhere else; revoked keys register nothing; silent sensors become
//! UNKNOWN.

use crate::common::*;
use futures_util::future::join_all;
use serde_json::{json, Value};
use shipshape_model::Role;
use std::path::PathBuf;

const KEYS: &str = "/csapi/v1.3/activationKeys";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(path),
    )
    .unwrap()
}

/// alpine-310.json's image.
const ALPINE: &str = "961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4";

async fn send(
    app: &TestApp,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

async fn post(app: &TestApp, token: Option<&str>, path: &str, body: Value) -> reqwest::Response {
    send(app, token, reqwest::Method::POST, path, Some(body)).await
}

async fn check_in(app: &TestApp, cred: &str) -> Value {
    let res = post(
        app,
        Some(cred),
        "/sensorapi/v1/checkin",
        json!({"hostname": "web-1", "sensorVersion": "1.31.0"}),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

async fn events(app: &TestApp, cred: &str, events: Value) -> reqwest::Response {
    post(
        app,
        Some(cred),
        "/sensorapi/v1/events",
        json!({"events": events}),
    )
    .await
}

async fn scan(app: &TestApp, cred: &str, report: Vec<u8>, query: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/sensorapi/v1/scans{query}")))
        .bearer_auth(cred)
        .header("content-type", "application/json")
        .body(report)
        .send()
        .await
        .unwrap()
}

fn due_images(v: &Value) -> Vec<String> {
    v["due"]["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn due_containers(v: &Value) -> Vec<String> {
    v["due"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn hex(c: char) -> String {
    std::iter::repeat_n(c, 64).collect()
}

/// `create` events of new containers `shas` of the image `image`.
fn creates(image: &str, shas: impl Iterator<Item = String>) -> Value {
    shas.map(|sha| {
        json!({"type": "container", "action": "create", "container":
            {"sha": sha, "name": "web", "imageSha": image}})
    })
    .collect()
}

#[tokio::test]
async fn a_sensor_registers_checks_in_and_sees_its_due_work_change() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let (_, key) = new_key(&app, &admin, "GENERAL", None).await;
    let (uuid, cred, first) = register(&app, &key, "web-1").await;
    assert_eq!(first["profile"]["name"], "Default");
    assert_eq!(first["profile"]["containerScanningInterval"], 48);
    assert_eq!(first["inactiveWindow"]["inside"], false);
    assert_eq!(due_images(&first), Vec::<String>::new());

    // The sensor is in the compatible API.
    let s = app
        .get_json(&admin, &format!("/csapi/v1.3/sensors/{uuid}"))
        .await;
    assert_eq!(s["status"], "RUNNING");
    assert_eq!(s["sensorType"], "GENERAL");
    assert_eq!(s["hostname"], "web-1");
    assert_eq!(s["sensorVersion"], "1.31.0");
    assert_eq!(s["configurationProfile"], "Default");
    let checked = s["lastCheckedIn"].as_str().unwrap().parse::<i64>().unwrap();
    assert!((shipshape_server::store::now_ms() - checked).abs() < 60_000);

    // A bare check-in is a heartbeat: answered at once, written within a second or so.
    app.exec(&format!(
        "UPDATE sensors SET last_checked_in = 1, status = 'UNKNOWN' WHERE uuid = '{uuid}'"
    ))
    .await;
    let res = app
        .client
        .post(app.url("/sensorapi/v1/checkin"))
        .bearer_auth(&cred)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["profile"]["name"], "Default");
    let mut waited = 0;
    loop {
        let s = app
            .get_json(&admin, &format!("/csapi/v1.3/sensors/{uuid}"))
            .await;
        let at = s["lastCheckedIn"].as_str().unwrap().parse::<i64>().unwrap();
        if s["status"] == "RUNNING" && (shipshape_server::store::now_ms() - at).abs() < 60_000 {
            break;
        }
        waited += 1;
        assert!(waited < 50, "the heartbeat was never written: {s}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Image pulled → due.
    let res = events(&app, &cred, json!([{"type": "image", "action": "pull",
        "image": {"sha": format!("sha256:{ALPINE}"), "repoTags": ["registry.example.com/shop/web:1.0"],
                  "repoDigests": [format!("registry.example.com/shop/web@sha256:{}", hex('d'))]}}])).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let v = check_in(&app, &cred).await;
    assert_eq!(due_images(&v), [ALPINE]);
    let img = app
        .get_json(&admin, &format!("/csapi/v1.3/images/{ALPINE}"))
        .await;
    assert_eq!(
        img["repo"][0],
        json!({"registry": "registry.example.com", "repository": "shop/web", "tag": "1.0"})
    );
    assert_eq!(img["source"], json!(["GENERAL"]));

    // Scanned → not due; the findings are the report's.
    let res = scan(&app, &cred, fixture("trivy/alpine-310.json"), "").await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let v = check_in(&app, &cred).await;
    assert_eq!(due_images(&v), Vec::<String>::new());
    let vulns = app
        .get_json(&admin, &format!("/csapi/v1.3/images/{ALPINE}/vuln"))
        .await;
    assert!(!vulns["details"].as_array().unwrap().is_empty());

    // A re-tag of the scanned image is recorded, not re-scanned.
    let res = events(
        &app,
        &cred,
        json!([{"type": "image", "action": "tag",
        "image": {"sha": ALPINE, "repoTags": ["registry.example.com/shop/web:stable"]}}]),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        due_images(&check_in(&app, &cred).await),
        Vec::<String>::new()
    );
    let img = app
        .get_json(&admin, &format!("/csapi/v1.3/images/{ALPINE}"))
        .await;
    let tags: Vec<&str> = img["repo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["tag"].as_str().unwrap())
        .collect();
    // The report named its own tag too.
    assert_eq!(tags, ["1.0", "alpine-310", "stable"]);
    // A new manifest is due again.
    let res = events(&app, &cred, json!([{"type": "image", "action": "tag",
        "image": {"sha": ALPINE, "repoDigests": [format!("registry.example.com/shop/web@sha256:{}", hex('e'))]}}])).await;
    assert_eq!(res.status(), 200);
    assert_eq!(due_images(&check_in(&app, &cred).await), [ALPINE]);
    assert_eq!(
        scan(&app, &cred, fixture("trivy/alpine-310.json"), "")
            .await
            .status(),
        201
    );

    // A container starts → it runs here, never scanned: due.
    let c = hex('c');
    let res = events(&app, &cred, json!([
        {"type": "container", "action": "create", "container": {"sha": c, "name": "web", "imageSha": ALPINE}},
        {"type": "container", "action": "start", "container": {"sha": c}}])).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let row = app
        .get_json(&admin, &format!("/csapi/v1.3/containers/{c}"))
        .await;
    assert_eq!(row["state"], "RUNNING");
    assert_eq!(row["host"]["sensorUuid"], uuid.as_str());
    assert_eq!(row["imageSha"], ALPINE);
    assert_eq!(due_containers(&check_in(&app, &cred).await), [c.as_str()]);
    let res = scan(
        &app,
        &cred,
        fixture("trivy/alpine-310.json"),
        &format!("?containerSha={c}"),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        due_containers(&check_in(&app, &cred).await),
        Vec::<String>::new()
    );

    // Older than 12 h with a 12 h profile → due; with the 48 h Default it is not.
    let hour = 3_600_000;
    let now = shipshape_server::store::now_ms();
    app.exec(&format!(
        "UPDATE containers SET last_scanned = {} WHERE sha = '{c}'",
        now - 13 * hour
    ))
    .await;
    assert_eq!(
        due_containers(&check_in(&app, &cred).await),
        Vec::<String>::new()
    );
    let res = post(
        &app,
        Some(&admin),
        "/csapi/v1.3/sensorProfile",
        json!({
        "profileName": "Twice a day", "profileType": "GENERAL", "associatedSensorIds": [uuid],
        "config": {"weeklyBlackoutWindowSchedules": [], "timeZone": "UTC",
                   "vulnerabilityManagement": {"containerScanningInterval": 12}}}),
    )
    .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let v = check_in(&app, &cred).await;
    assert_eq!(v["profile"]["name"], "Twice a day");
    assert_eq!(v["profile"]["containerScanningInterval"], 12);
    assert_eq!(due_containers(&v), [c.as_str()]);
    app.exec(&format!(
        "UPDATE containers SET last_scanned = {} WHERE sha = '{c}'",
        now - 11 * hour
    ))
    .await;
    assert_eq!(
        due_containers(&check_in(&app, &cred).await),
        Vec::<String>::new()
    );
    app.exec(&format!(
        "UPDATE containers SET last_scanned = {} WHERE sha = '{c}'",
        now - 13 * hour
    ))
    .await;
    // A stopped container is not scanned.
    let res = events(
        &app,
        &cred,
        json!([{"type": "container", "action": "stop", "container": {"sha": c}}]),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        due_containers(&check_in(&app, &cred).await),
        Vec::<String>::new()
    );
    let row = app
        .get_json(&admin, &format!("/csapi/v1.3/containers/{c}"))
        .await;
    assert_eq!(row["state"], "STOPPED");

    // Image exclusions: an excluded image is never due.
    let excluded = hex('a');
    let res = events(
        &app,
        &cred,
        json!([{"type": "image", "action": "pull",
        "image": {"sha": excluded, "repoTags": ["docker.io/library/busybox:1.36"]}}]),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        due_images(&check_in(&app, &cred).await),
        [excluded.as_str()]
    );
    let profiles = app.get_json(&admin, "/csapi/v1.3/sensorProfile").await;
    let id = profiles["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["profileName"] == "Twice a day")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = send(&app, Some(&admin), reqwest::Method::PUT, &format!("/csapi/v1.3/sensorProfile/{id}"), Some(json!({
        "profileName": "Twice a day", "profileType": "GENERAL", "associatedSensorIds": [uuid],
        "config": {"weeklyBlackoutWindowSchedules": [], "timeZone": "UTC",
                   "vulnerabilityManagement": {"containerScanningInterval": 12,
                                               "imageExclusionRegexList": ["^library/busybox:"]}}}))).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let v = check_in(&app, &cred).await;
    assert_eq!(
        v["profile"]["imageExclusions"],
        json!(["^library/busybox:"])
    );
    assert_eq!(due_images(&v), Vec::<String>::new());

    // The console's view of the sensor: due work and the last events, newest first.
    let a = app
        .get_json(&admin, &format!("/csapi/v1.3/sensors/{uuid}/activity"))
        .await;
    assert_eq!(a["registered"], true);
    let first_event = &a["events"][0];
    assert_eq!(first_event["kind"], "image");
    assert_eq!(first_event["action"], "pull");
    assert_eq!(first_event["sha"], excluded.as_str());
    assert!(a["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "start" && e["sha"] == c.as_str()));
    assert_error(
        app.get(&admin, "/csapi/v1.3/sensors/nope/activity").await,
        404,
    )
    .await;
}

/// A profile whose window covers now (all day today, UTC), and its id.
async fn window_now(app: &TestApp, admin: &str, sensor: &str) -> String {
    let today = chrono::Utc::now().format("%A").to_string().to_uppercase();
    let res = post(
        app,
        Some(admin),
        "/csapi/v1.3/sensorProfile",
        json!({
        "profileName": "Quiet today", "profileType": "GENERAL", "associatedSensorIds": [sensor],
        "config": {"timeZone": "UTC", "vulnerabilityManagement": {"containerScanningInterval": 48},
                   "weeklyBlackoutWindowSchedules": [{"startTime": "00:00", "endTime": "00:00",
                       "repeatOnDays": [today], "allDay": true}]}}),
    )
    .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let v: Value = res.json().await.unwrap();
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn inside_a_window_nothing_is_due_and_data_is_refused_until_it_ends() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let (_, key) = new_key(&app, &admin, "GENERAL", None).await;
    let (uuid, cred, _) = register(&app, &key, "quiet-1").await;
    // Due before the window starts.
    assert_eq!(
        events(
            &app,
            &cred,
            json!([{"type": "image", "action": "load", "image": {"sha": ALPINE}}])
        )
        .await
        .status(),
        200
    );
    assert_eq!(due_images(&check_in(&app, &cred).await), [ALPINE]);

    let id = window_now(&app, &admin, &uuid).await;
    let midnight = (chrono::Utc::now().date_naive() + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    // Check-in still works and says so; nothing is due, deferred to the window's end.
    let v = check_in(&app, &cred).await;
    assert_eq!(v["inactiveWindow"]["inside"], true);
    assert_eq!(v["inactiveWindow"]["until"], midnight);
    assert_eq!(due_images(&v), Vec::<String>::new());
    assert_eq!(v["due"]["deferredUntil"], midnight.to_string());

    // Events and results are refused, with the end of the window; nothing is stored.
    let c = hex('b');
    for res in [
        events(&app, &cred, json!([{"type": "container", "action": "start", "container": {"sha": c, "imageSha": ALPINE}}])).await,
        scan(&app, &cred, fixture("trivy/alpine-310.json"), "").await,
    ] {
        assert_eq!(res.status(), 409);
        let retry: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        let left = (midnight - shipshape_server::store::now_ms()) / 1000;
        assert!((retry - left).abs() <= 2, "Retry-After {retry}, {left} s left");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["errorCode"], "409 CONFLICT");
        assert_eq!(body["profile"], "Quiet today");
        assert_eq!(body["inactiveWindow"]["until"], midnight);
        assert!(body["message"].as_str().unwrap().contains("inactive window"), "{body}");
    }
    assert_error(
        app.get(&admin, &format!("/csapi/v1.3/containers/{c}"))
            .await,
        404,
    )
    .await;
    let vulns = app
        .get_json(&admin, &format!("/csapi/v1.3/images/{ALPINE}/vuln"))
        .await;
    assert_eq!(
        vulns["details"],
        json!([]),
        "the refused scan stored nothing"
    );

    // The window ends (here: the operator moves it to another day): accepted, and the
    // deferred scan is due again.
    let other = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%A")
        .to_string()
        .to_uppercase();
    let res = send(
        &app,
        Some(&admin),
        reqwest::Method::PUT,
        &format!("/csapi/v1.3/sensorProfile/{id}"),
        Some(json!({
        "profileName": "Quiet today", "profileType": "GENERAL", "associatedSensorIds": [uuid],
        "config": {"timeZone": "UTC", "vulnerabilityManagement": {"containerScanningInterval": 48},
                   "weeklyBlackoutWindowSchedules": [{"startTime": "00:00", "endTime": "00:00",
                       "repeatOnDays": [other], "allDay": true}]}})),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let v = check_in(&app, &cred).await;
    assert_eq!(v["inactiveWindow"]["inside"], false);
    assert_eq!(due_images(&v), [ALPINE]);
    assert_eq!(events(&app, &cred, json!([{"type": "container", "action": "start", "container": {"sha": c, "imageSha": ALPINE}}])).await.status(), 200);
    assert_eq!(
        scan(&app, &cred, fixture("trivy/alpine-310.json"), "")
            .await
            .status(),
        201
    );
    assert_eq!(
        due_images(&check_in(&app, &cred).await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn sensor_credentials_work_on_the_sensor_api_only_and_revoked_keys_register_nothing() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let (key_id, key) = new_key(&app, &admin, "CLUSTER", None).await;
    let (uuid, cred, _) = register(&app, &key, "node-1").await;
    let s = app
        .get_json(&admin, &format!("/csapi/v1.3/sensors/{uuid}"))
        .await;
    assert_eq!(s["sensorType"], "CLUSTER", "the key's type");

    // The credential is refused everywhere but the sensor API.
    for path in [
        "/csapi/v1.3/sensors",
        "/csapi/v1.3/images",
        "/csapi/v1.3/me",
        "/csapi/v1.3/activationKeys",
    ] {
        let e = assert_error(app.get(&cred, path).await, 401).await;
        assert!(
            e["message"].as_str().unwrap().contains("sensor API"),
            "{path}: {e}"
        );
    }
    let e = assert_error(
        post(
            &app,
            Some(&cred),
            KEYS,
            json!({"name": "x", "sensorType": "GENERAL"}),
        )
        .await,
        401,
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("sensor API"));
    // And nothing else works on the sensor API.
    for token in [
        Some(admin.as_str()),
        None,
        Some("ssn_nope_nope"),
        Some("ssn_"),
        Some(key.as_str()),
    ] {
        let res = post(&app, token, "/sensorapi/v1/checkin", json!({})).await;
        assert_error(res, 401).await;
    }
    let tampered = format!("{}x", &cred[..cred.len() - 1]);
    assert_error(
        post(&app, Some(&tampered), "/sensorapi/v1/checkin", json!({})).await,
        401,
    )
    .await;

    // Keys: admins make and revoke them, operators list them, viewers do neither; no secret
    // is ever listed.
    let viewer = app.user_token("vera", Role::Viewer).await;
    let operator = app.user_token("otto", Role::Operator).await;
    assert_error(app.get(&viewer, KEYS).await, 403).await;
    let list = app.get(&operator, KEYS).await;
    assert_eq!(list.status(), 200);
    let text = list.text().await.unwrap();
    assert!(
        !text.contains("ssk_") && !text.contains(key.rsplit('_').next().unwrap()),
        "{text}"
    );
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list["count"], 1);
    assert_eq!(list["data"][0]["registered"], 1);
    assert_eq!(list["data"][0]["sensorType"], "CLUSTER");
    assert_error(
        post(
            &app,
            Some(&operator),
            KEYS,
            json!({"name": "x", "sensorType": "GENERAL"}),
        )
        .await,
        403,
    )
    .await;
    assert_error(
        send(
            &app,
            Some(&operator),
            reqwest::Method::DELETE,
            &format!("{KEYS}/{key_id}"),
            None,
        )
        .await,
        403,
    )
    .await;

    // A wrong secret and a revoked key register nothing.
    // The last character changed (whatever it was: a key may well end in '0').
    let last = if key.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &key[..key.len() - 1]);
    assert_ne!(wrong, key);
    let body = |k: &str| json!({"activationKey": k, "sensor": {"hostname": "node-2", "sensorVersion": "1.31.0"}});
    assert_error(
        post(&app, None, "/sensorapi/v1/register", body(&wrong)).await,
        401,
    )
    .await;
    let res = send(
        &app,
        Some(&admin),
        reqwest::Method::DELETE,
        &format!("{KEYS}/{key_id}"),
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let e = assert_error(
        post(&app, None, "/sensorapi/v1/register", body(&key)).await,
        401,
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("revoked"), "{e}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sensors").await, 1);
    let list = app.get_json(&admin, KEYS).await;
    assert!(list["data"][0]["revoked"].is_string(), "{list}");
    // The sensor it registered before keeps working.
    assert_eq!(
        post(
            &app,
            Some(&cred),
            "/sensorapi/v1/checkin",
            json!({"hostname": "node-1", "sensorVersion": "1.31.1"})
        )
        .await
        .status(),
        200
    );
    assert_error(
        send(
            &app,
            Some(&admin),
            reqwest::Method::DELETE,
            &format!("{KEYS}/nope"),
            None,
        )
        .await,
        404,
    )
    .await;

    // A key with a profile puts its sensors in it.
    let profile: Value = post(
        &app,
        Some(&admin),
        "/csapi/v1.3/sensorProfile",
        json!({
        "profileName": "Clusters", "profileType": "CLUSTER",
        "config": {"weeklyBlackoutWindowSchedules": [], "timeZone": "UTC",
                   "vulnerabilityManagement": {"containerScanningInterval": 24}}}),
    )
    .await
    .json()
    .await
    .unwrap();
    let pid = profile["id"].as_str().unwrap();
    let (_, key2) = new_key(&app, &admin, "CLUSTER", Some(pid)).await;
    let (uuid2, _, first) = register(&app, &key2, "node-3").await;
    assert_eq!(first["profile"]["name"], "Clusters");
    assert_eq!(first["profile"]["containerScanningInterval"], 24);
    let p = app
        .get_json(&admin, &format!("/csapi/v1.3/sensorProfile/{pid}"))
        .await;
    assert_eq!(p["associatedSensorIds"], json!([uuid2]));
    let e = assert_error(
        post(
            &app,
            Some(&admin),
            KEYS,
            json!({"name": "x", "sensorType": "GENERAL", "profileId": "nope"}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(e["details"][0]["field"], "profileId");
    // Each registration and key change is audited.
    for action in [
        "ACTIVATION_KEY_CREATE",
        "ACTIVATION_KEY_REVOKE",
        "SENSOR_REGISTER",
    ] {
        assert!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
            ))
            .await
                >= 1,
            "{action}"
        );
    }
}

#[tokio::test]
async fn bad_sensor_input_gets_a_clear_400_and_changes_nothing() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let (_, key) = new_key(&app, &admin, "GENERAL", None).await;
    for (body, field) in [
        (
            json!({"activationKey": key, "sensor": {"hostname": " ", "sensorVersion": "1.31.0"}}),
            "sensor.hostname",
        ),
        (
            json!({"activationKey": key, "sensor": {"hostname": "h", "sensorVersion": "one"}}),
            "sensor.sensorVersion",
        ),
        (
            json!({"activationKey": key, "sensor": {"hostname": "h", "sensorVersion": "1.2.3", "color": "red"}}),
            "$.sensor.color",
        ),
        (
            json!({"activationKey": key, "sensor": {"hostname": 7, "sensorVersion": "1.2.3"}}),
            "$.sensor.hostname",
        ),
        (
            json!({"activationKey": key, "sensor": {"hostname": "h", "sensorVersion": "1.2.3", "sensorType": "ROBOT"}}),
            "$.sensor.sensorType",
        ),
        (
            json!({"activationKey": key, "sensor": {"hostname": "h".repeat(300), "sensorVersion": "1.2.3"}}),
            "sensor.hostname",
        ),
    ] {
        let e = assert_error(
            post(&app, None, "/sensorapi/v1/register", body.clone()).await,
            400,
        )
        .await;
        let got = e["details"][0]["field"].as_str().unwrap_or_default();
        assert!(got.starts_with(field) || got == field, "{body}: {e}");
    }
    assert_error(
        post(&app, None, "/sensorapi/v1/register", json!([])).await,
        400,
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sensors").await, 0);

    let (_, cred, _) = register(&app, &key, "h").await;
    let good = json!({"type": "image", "action": "pull", "image": {"sha": hex('1')}});
    for (list, field) in [
        (
            json!([good, {"type": "image", "action": "pull", "image": {"sha": "abc"}}]),
            "events[1].image.sha",
        ),
        (
            json!([good, {"type": "image", "action": "delete", "image": {"sha": hex('2')}}]),
            "$.events[1]",
        ),
        (
            json!([good, {"type": "volume", "action": "pull"}]),
            "$.events[1]",
        ),
        (
            json!([good, {"type": "container", "action": "start", "container": {"sha": hex('3')}}]),
            "events[1].container.imageSha",
        ),
        (
            json!([good, {"type": "container", "action": "start", "container": {"sha": "xyz", "imageSha": hex('1')}}]),
            "events[1].container.sha",
        ),
        (
            json!([good, {"type": "image", "action": "pull", "time": "yesterday", "image": {"sha": hex('2')}}]),
            "$.events[1]",
        ),
        (Value::Array(vec![good.clone(); 1001]), "events"),
    ] {
        let e = assert_error(events(&app, &cred, list).await, 400).await;
        let got = e["details"][0]["field"].as_str().unwrap_or_default();
        assert!(got.starts_with(field), "want {field}: {e}");
    }
    assert_error(
        post(
            &app,
            Some(&cred),
            "/sensorapi/v1/events",
            json!({"evts": []}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM images").await,
        0,
        "no event of a refused list was applied"
    );

    let report = fixture("trivy/alpine-310.json");
    assert_error(scan(&app, &cred, report[..500].to_vec(), "").await, 400).await;
    let e = assert_error(
        scan(&app, &cred, report.clone(), "?containerSha=12").await,
        400,
    )
    .await;
    assert_eq!(e["details"][0]["field"], "containerSha");
    assert_error(scan(&app, &cred, report.clone(), "?format=xml").await, 400).await;
    assert_error(scan(&app, &cred, report, "?colour=red").await, 400).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM images").await, 0);
    let e = assert_error(
        post(
            &app,
            Some(&cred),
            "/sensorapi/v1/checkin",
            json!({"hostname": "", "sensorVersion": "1"}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(e["details"][0]["field"], "hostname");
    // Keys: a name is needed, the type must be one.
    for body in [
        json!({"name": "", "sensorType": "GENERAL"}),
        json!({"name": "k", "sensorType": "ROBOT"}),
        json!({"name": "k"}),
        json!({"name": "k".repeat(101), "sensorType": "GENERAL"}),
    ] {
        assert_error(post(&app, Some(&admin), KEYS, body).await, 400).await;
    }
}

#[tokio::test]
async fn sensors_that_stop_checking_in_become_unknown() {
    let app = spawn_with(Options {
        seed: false,
        jobs: shipshape_server::jobs::JobOptions {
            sweep_every: std::time::Duration::from_millis(100),
            sensor_silence: std::time::Duration::from_secs(60),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let sweeper = app.state.jobs.start_sweeper();
    let admin = app.admin_token().await;
    let (_, key) = new_key(&app, &admin, "GENERAL", None).await;
    let (silent, silent_cred, _) = register(&app, &key, "silent").await;
    // It reported an image before it went silent (an event and a reported image to delete).
    let res = events(
        &app,
        &silent_cred,
        json!([{"type": "image", "action": "pull", "image": {"sha": hex('5')}}]),
    )
    .await;
    assert_eq!(res.status(), 200);
    for table in ["sensor_events", "sensor_images"] {
        let n = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE sensor_uuid = '{silent}'"
            ))
            .await;
        assert_eq!(n, 1, "{table}");
    }
    let (chatty, cred, _) = register(&app, &key, "chatty").await;
    let long_ago = shipshape_server::store::now_ms() - 120_000;
    app.exec(&format!("UPDATE sensors SET last_checked_in = {long_ago}"))
        .await;
    // A sensor the server cannot hear from (no credential) is left alone.
    app.store
        .upsert_sensor(&shipshape_server::store::records::SensorRecord {
            uuid: "imported".into(),
            sensor_id: "1".into(),
            name: "imported".into(),
            hostname: None,
            host_uuid: None,
            ipv4: None,
            ipv6: None,
            mac_address: None,
            sensor_version: None,
            vuln_sig_version: None,
            docker_version: None,
            os: None,
            platform: None,
            sensor_type: shipshape_model::SensorType::General,
            status: shipshape_model::SensorStatus::Running,
            deployment: None,
            configuration_profile: None,
            privileged: false,
            created: 1,
            last_checked_in: Some(long_ago),
            labels: vec![],
            cluster: None,
        })
        .await
        .unwrap();
    assert_eq!(
        post(
            &app,
            Some(&cred),
            "/sensorapi/v1/checkin",
            json!({"hostname": "chatty", "sensorVersion": "1.31.0"})
        )
        .await
        .status(),
        200
    );
    let status = |uuid: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.get_json(&admin, &format!("/csapi/v1.3/sensors/{uuid}"))
                .await["status"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let mut waited = 0;
    while status(silent.clone()).await != "UNKNOWN" {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
        assert!(waited < 100, "the silent sensor never became UNKNOWN");
    }
    assert_eq!(status(chatty).await, "RUNNING");
    assert_eq!(status("imported".into()).await, "RUNNING");
    sweeper.abort();
    // Deleting the UNKNOWN sensor takes what the sensor API kept of it.
    let res = app
        .client
        .delete(app.url(&format!("/csapi/v1.3/sensors?sensorIds={silent}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let job: Value = res.json().await.unwrap();
    app.wait_job(&admin, job["deletionJobId"].as_str().unwrap())
        .await;
    for table in ["sensor_credentials", "sensor_events", "sensor_images"] {
        let n = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE sensor_uuid = '{silent}'"
            ))
            .await;
        assert_eq!(n, 0, "{table}");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sensor_credentials").await,
        1
    );
}

/// Sensors send their events in several requests at once. However the requests interleave, an
/// image counts each sensor running its containers once (`associatedHostsCount`) and each
/// container once: on PostgreSQL a request counting an image's hosts while another request's
/// container of that image is not yet committed must see it once committed, or both count the
/// sensor as new.
#[tokio::test]
async fn containers_sent_at_once_count_each_host_once() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let (_, key) = new_key(&app, &admin, "GENERAL", None).await;
    let mut creds = Vec::new();
    for host in ["web-1", "web-2", "web-3"] {
        creds.push(register(&app, &key, host).await.1);
    }
    const REQUESTS: usize = 8;
    const PER_REQUEST: usize = 2;
    for round in 0..5usize {
        let image = format!("{:064x}", 0xfeed_0000 + round);
        for cred in &creds {
            let pull = json!([{"type": "image", "action": "pull", "image": {"sha": image}}]);
            assert_eq!(events(&app, cred, pull).await.status(), 200);
        }
        let mut sent = Vec::new();
        for (s, cred) in creds.iter().enumerate() {
            for r in 0..REQUESTS {
                let shas = (0..PER_REQUEST)
                    .map(|k| format!("{:064x}", (round << 16) | (s << 12) | (r << 8) | k));
                sent.push(events(&app, cred, creates(&image, shas)));
            }
        }
        for res in join_all(sent).await {
            assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        }
        let img = app
            .get_json(&admin, &format!("/csapi/v1.3/images/{image}"))
            .await;
        assert_eq!(img["associatedHostsCount"], creds.len(), "round {round}");
        assert_eq!(
            img["associatedContainersCount"],
            creds.len() * REQUESTS * PER_REQUEST,
            "round {round}"
        );
    }
}

/// A deletion job takes an image's containers away while a sensor adds more of it: the image's
/// counts after both are its containers' (a job's recount must not write over a container a
/// sensor committed while the recount waited for the image).
#[tokio::test]
async fn an_image_counts_its_containers_after_a_deletion_and_a_sensor_race() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let (_, key) = new_key(&app, &admin, "GENERAL", None).await;
    let old = register(&app, &key, "web-1").await.1;
    let new = register(&app, &key, "web-2").await.1;
    let image = hex('7');
    let create = |sensor: usize, from: usize, to: usize| {
        creates(
            &image,
            (from..to).map(move |n| format!("{:064x}", (sensor << 20) | n)),
        )
    };
    // The old host's containers: three chunks of the deletion job.
    const OLD: usize = 1_500;
    for from in (0..OLD).step_by(250) {
        let res = events(&app, &old, create(1, from, from + 250)).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    let res = app
        .client
        .delete(app.url("/csapi/v1.3/containers"))
        .bearer_auth(&admin)
        .json(&json!({"filter": "host.hostname:web-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let job: Value = res.json().await.unwrap();
    // The new host adds containers of the image while the job runs.
    const NEW: usize = 200;
    let sent = (0..NEW)
        .step_by(5)
        .map(|from| events(&app, &new, create(2, from, from + 5)));
    for res in join_all(sent).await {
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    let done = app
        .wait_job(&admin, job["deletionJobId"].as_str().unwrap())
        .await;
    assert_eq!(done["deleted"], OLD, "{done}");
    let listed = app
        .get_json(
            &admin,
            &format!("/csapi/v1.3/containers?pageSize=1&filter=imageSha:{image}"),
        )
        .await;
    assert_eq!(listed["count"], NEW);
    let img = app
        .get_json(&admin, &format!("/csapi/v1.3/images/{image}"))
        .await;
    assert_eq!(img["associatedContainersCount"], NEW, "{img}");
    assert_eq!(img["associatedHostsCount"], 1, "{img}");
}
