//! Sensor profiles: `/csapi/v1.3/sensorProfile` — validation naming each field, sensors
//! joining by id and by QQL (the latest assigned wins), Default undeletable, If-Match, the
//! audit trail, and each sensor's inactive-window state.

use crate::common::*;
use serde_json::{json, Value as J};
use shipshape_model::Role;

const PATH: &str = "/csapi/v1.3/sensorProfile";

async fn send(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<&J>,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(b);
    }
    if let Some(e) = etag {
        req = req.header("If-Match", e);
    }
    req.send().await.unwrap()
}

fn profile(name: &str) -> J {
    json!({ "profileName": name, "profileType": "GENERAL",
        "config": { "weeklyBlackoutWindowSchedules": [],
            "vulnerabilityManagement": { "containerScanningInterval": 48 }, "timeZone": "UTC" } })
}

async fn create(app: &TestApp, token: &str, body: &J) -> J {
    let res = send(app, token, reqwest::Method::POST, PATH, Some(body), None).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

async fn sensor_profiles(app: &TestApp, token: &str) -> Vec<(String, String)> {
    let v = app
        .get_json(token, "/csapi/v1.3/sensors?pageSize=1000")
        .await;
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["uuid"].as_str().unwrap().to_string(),
                s["configurationProfile"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_demo_profiles_hold_every_sensor_and_default_cannot_be_deleted() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let list = app.get_json(&admin, PATH).await;
    let data = list["data"].as_array().unwrap();
    assert_eq!(data[0]["profileName"], "Default");
    assert_eq!(data[0]["isDefault"], true);
    assert_eq!(list["count"].as_u64().unwrap() as usize, data.len());
    let names: Vec<&str> = data
        .iter()
        .map(|p| p["profileName"].as_str().unwrap())
        .collect();
    let total: u64 = data
        .iter()
        .map(|p| p["sensorCount"].as_u64().unwrap())
        .sum();
    let sensors = sensor_profiles(&app, &admin).await;
    assert_eq!(
        total as usize,
        sensors.len(),
        "every sensor is in exactly one profile"
    );
    for (uuid, p) in &sensors {
        assert!(
            names.contains(&p.as_str()),
            "sensor {uuid} is in '{p}', which is not a profile"
        );
    }
    let default_id = data[0]["id"].as_str().unwrap();
    let v = assert_error(
        send(
            &app,
            &admin,
            reqwest::Method::DELETE,
            &format!("{PATH}/{default_id}"),
            None,
            None,
        )
        .await,
        409,
    )
    .await;
    assert!(v["message"].as_str().unwrap().contains("Default"), "{v}");
    // Default keeps its name and takes no claim of its own.
    let mut d = data[0].clone();
    d["profileName"] = json!("Everything else");
    d["filter"] = json!("status:RUNNING");
    let v = assert_error(
        send(
            &app,
            &admin,
            reqwest::Method::PUT,
            &format!("{PATH}/{default_id}"),
            Some(&d),
            None,
        )
        .await,
        400,
    )
    .await;
    let fields: Vec<&str> = v["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["profileName", "filter"]);
}

#[tokio::test]
async fn bad_profiles_are_refused_naming_each_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut overlapping = profile("Overlap");
    overlapping["config"]["weeklyBlackoutWindowSchedules"] = json!([
        { "startTime": "22:00", "endTime": "02:00", "repeatOnDays": ["SATURDAY"] },
        { "startTime": "01:00", "endTime": "03:00", "repeatOnDays": ["SUNDAY"] } ]);
    let v = assert_error(
        send(
            &app,
            &admin,
            reqwest::Method::POST,
            PATH,
            Some(&overlapping),
            None,
        )
        .await,
        400,
    )
    .await;
    assert_eq!(
        v["details"][0]["field"], "config.weeklyBlackoutWindowSchedules[1]",
        "{v}"
    );
    let m = v["details"][0]["message"].as_str().unwrap();
    assert!(
        m.contains("Saturday 22:00–02:00") && m.contains("Sunday 01:00–03:00"),
        "{m}"
    );

    let cases: Vec<(J, &str)> = vec![
        (
            {
                let mut p = profile("a");
                p["config"]["vulnerabilityManagement"]["containerScanningInterval"] = json!(6);
                p
            },
            "config.vulnerabilityManagement.containerScanningInterval",
        ),
        (
            {
                let mut p = profile("a");
                p["config"]["vulnerabilityManagement"]["containerScanningInterval"] = json!(169);
                p
            },
            "config.vulnerabilityManagement.containerScanningInterval",
        ),
        (
            {
                let mut p = profile("a");
                p["config"]["vulnerabilityManagement"]["imageExclusionRegexList"] =
                    json!(["^ok$", "(unclosed"]);
                p
            },
            "config.vulnerabilityManagement.imageExclusionRegexList[1]",
        ),
        (
            {
                let mut p = profile("a");
                p["config"]["timeZone"] = json!("Mars/Olympus");
                p
            },
            "config.timeZone",
        ),
        (
            {
                let mut p = profile("a");
                p["config"]["weeklyBlackoutWindowSchedules"] = json!([{ "startTime": "24:00", "endTime": "02:00", "repeatOnDays": ["MONDAY"] }]);
                p
            },
            "config.weeklyBlackoutWindowSchedules[0].startTime",
        ),
        (
            {
                let mut p = profile("a");
                p["config"]["weeklyBlackoutWindowSchedules"] =
                    json!([{ "startTime": "9:5", "endTime": "10:00", "repeatOnDays": ["MONDAY"] }]);
                p
            },
            "config.weeklyBlackoutWindowSchedules[0].startTime",
        ),
        (
            {
                let mut p = profile("a");
                p["config"]["weeklyBlackoutWindowSchedules"] = json!([{ "startTime": "09:00", "endTime": "09:00", "repeatOnDays": ["MONDAY"] }]);
                p
            },
            "config.weeklyBlackoutWindowSchedules[0].endTime",
        ),
        (
            {
                let mut p = profile("a");
                p["config"]["weeklyBlackoutWindowSchedules"] = json!([{ "startTime": "09:00", "endTime": "10:00", "repeatOnDays": ["FUNDAY"] }]);
                p
            },
            "config.weeklyBlackoutWindowSchedules[0].repeatOnDays[0]",
        ),
        (
            {
                let mut p = profile("");
                p["profileType"] = json!("GENERAL");
                p
            },
            "profileName",
        ),
        (
            {
                let mut p = profile("a");
                p["profileType"] = json!("SERVER");
                p
            },
            "profileType",
        ),
        (json!({ "profileType": "GENERAL" }), "profileName"),
    ];
    for (body, field) in cases {
        let v = assert_error(
            send(&app, &admin, reqwest::Method::POST, PATH, Some(&body), None).await,
            400,
        )
        .await;
        assert_eq!(v["details"][0]["field"], field, "{body} → {v}");
    }
    // A filter must be QQL over sensors; the error points into it.
    let mut p = profile("Bad filter");
    p["filter"] = json!("state:RUNNING");
    let v = assert_error(
        send(&app, &admin, reqwest::Method::POST, PATH, Some(&p), None).await,
        400,
    )
    .await;
    assert!(v["span"].is_object(), "{v}");
    // Names are unique in any letter case, and Default is taken.
    create(&app, &admin, &profile("Night shift")).await;
    assert_error(
        send(
            &app,
            &admin,
            reqwest::Method::POST,
            PATH,
            Some(&profile("NIGHT SHIFT")),
            None,
        )
        .await,
        409,
    )
    .await;
    assert_error(
        send(
            &app,
            &admin,
            reqwest::Method::POST,
            PATH,
            Some(&profile("default")),
            None,
        )
        .await,
        409,
    )
    .await;
    // Only administrators change profiles.
    let op = app.user_token("olga", Role::Operator).await;
    assert_error(
        send(
            &app,
            &op,
            reqwest::Method::POST,
            PATH,
            Some(&profile("Mine")),
            None,
        )
        .await,
        403,
    )
    .await;
    assert_eq!(app.get(&op, PATH).await.status(), 200);
}

#[tokio::test]
async fn sensors_join_by_filter_and_by_id_and_the_latest_assigned_wins() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let inactive = app
        .get_json(
            &admin,
            &format!(
                "/csapi/v1.3/sensors?pageSize=1000&filter={}",
                enc("status:INACTIVE")
            ),
        )
        .await;
    let n_inactive = inactive["count"].as_u64().unwrap();
    assert!(n_inactive >= 2, "{inactive}");
    let first = inactive["data"][0]["uuid"].as_str().unwrap().to_string();
    let other = inactive["data"][1]["uuid"].as_str().unwrap().to_string();
    let before = inactive["data"][1]["configurationProfile"]
        .as_str()
        .unwrap()
        .to_string();

    let mut by_filter = profile("Quiet hosts");
    by_filter["filter"] = json!("status:INACTIVE");
    let a = create(&app, &admin, &by_filter).await;
    assert_eq!(a["sensorCount"].as_u64().unwrap(), n_inactive);
    assert_eq!(a["claimed"].as_u64().unwrap(), n_inactive);
    let now = sensor_profiles(&app, &admin).await;
    for s in inactive["data"].as_array().unwrap() {
        let uuid = s["uuid"].as_str().unwrap();
        assert_eq!(
            now.iter().find(|(u, _)| u == uuid).unwrap().1,
            "Quiet hosts"
        );
    }

    // A later profile claims one of them by id: it wins that sensor.
    let mut by_id = profile("Pinned");
    by_id["associatedSensorIds"] = json!([first]);
    let b = create(&app, &admin, &by_id).await;
    assert_eq!(b["sensorCount"], 1);
    let a = app
        .get_json(&admin, &format!("{PATH}/{}", a["id"].as_str().unwrap()))
        .await;
    assert_eq!(a["sensorCount"].as_u64().unwrap(), n_inactive - 1);
    assert_eq!(
        a["claimed"].as_u64().unwrap(),
        n_inactive,
        "it still claims the one Pinned took"
    );
    let detail = app
        .get_json(&admin, &format!("/csapi/v1.3/sensors/{first}"))
        .await;
    assert_eq!(detail["configurationProfile"], "Pinned");
    // QQL over the profile name follows.
    let pinned = app
        .get_json(
            &admin,
            &format!(
                "/csapi/v1.3/sensors?filter={}",
                enc("configurationProfile:Pinned")
            ),
        )
        .await;
    assert_eq!(pinned["count"], 1);

    // Changing A's filter makes it the latest assigned: it takes the sensor back.
    let (id_a, etag) = (
        a["id"].as_str().unwrap().to_string(),
        format!("\"{}\"", a["version"]),
    );
    let mut changed = by_filter.clone();
    changed["filter"] = json!("status:INACTIVE or status:UNKNOWN");
    let res = send(
        &app,
        &admin,
        reqwest::Method::PUT,
        &format!("{PATH}/{id_a}"),
        Some(&changed),
        Some(&etag),
    )
    .await;
    assert_eq!(res.status(), 200);
    let detail = app
        .get_json(&admin, &format!("/csapi/v1.3/sensors/{first}"))
        .await;
    assert_eq!(detail["configurationProfile"], "Quiet hosts");
    // The first ETag is stale now; a PUT without one (a script of the compatible API) is
    // taken as it always was.
    assert_error(
        send(
            &app,
            &admin,
            reqwest::Method::PUT,
            &format!("{PATH}/{id_a}"),
            Some(&by_filter),
            Some(&etag),
        )
        .await,
        412,
    )
    .await;
    let mut renamed = changed.clone();
    renamed["profileName"] = json!("Pinned");
    assert_error(
        send(
            &app,
            &admin,
            reqwest::Method::PUT,
            &format!("{PATH}/{id_a}"),
            Some(&renamed),
            None,
        )
        .await,
        409,
    )
    .await;
    let res = send(
        &app,
        &admin,
        reqwest::Method::PUT,
        &format!("{PATH}/{id_a}"),
        Some(&changed),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);

    // Deleting a profile hands its sensors to the next claim (Pinned; the demo profile that
    // lists the other one), or Default.
    let res = send(
        &app,
        &admin,
        reqwest::Method::DELETE,
        &format!("{PATH}/{id_a}"),
        None,
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let detail = app
        .get_json(&admin, &format!("/csapi/v1.3/sensors/{first}"))
        .await;
    assert_eq!(detail["configurationProfile"], "Pinned");
    let detail = app
        .get_json(&admin, &format!("/csapi/v1.3/sensors/{other}"))
        .await;
    assert_eq!(detail["configurationProfile"], before.as_str());
    assert_error(app.get(&admin, &format!("{PATH}/{id_a}")).await, 404).await;

    // Every change is in the audit log, with before and after.
    let n = app.scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'SENSOR_PROFILE_%' AND actor = 'admin'").await;
    assert_eq!(n, 5, "two creates, two updates, one delete");
    let details: String = shipshape_server::store::Sql::new(
        "SELECT details FROM audit_log WHERE action = 'SENSOR_PROFILE_UPDATE' ORDER BY id LIMIT 1",
    )
    .scalar(app.store.db())
    .await
    .unwrap();
    let d: J = serde_json::from_str(&details).unwrap();
    assert_eq!(d["before"]["filter"], "status:INACTIVE");
    assert_eq!(d["after"]["filter"], "status:INACTIVE or status:UNKNOWN");
}

#[tokio::test]
async fn a_sensor_shows_its_profiles_window_state() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let one = app.get_json(&admin, "/csapi/v1.3/sensors?pageSize=1").await;
    let uuid = one["data"][0]["uuid"].as_str().unwrap().to_string();
    let mut always = profile("Always quiet");
    always["associatedSensorIds"] = json!([uuid]);
    always["config"]["weeklyBlackoutWindowSchedules"] = json!([{ "startTime": "00:00", "endTime": "00:00", "allDay": true,
        "repeatOnDays": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"] }]);
    let p = create(&app, &admin, &always).await;
    assert_eq!(p["window"]["inside"], true, "{p}");
    let until = p["window"]["until"].as_i64().unwrap();
    assert!(
        until > shipshape_server::store::now_ms() + 7 * 86_400_000,
        "all week, every week: {p}"
    );
    let s = app
        .get_json(
            &admin,
            &format!("/csapi/v1.3/sensors/{uuid}?include=extensions"),
        )
        .await;
    assert_eq!(s["inactiveWindow"]["inside"], true, "{s}");
    // Not without extensions (strict clients), and not for another profile's sensor.
    let s = app
        .get_json(&admin, &format!("/csapi/v1.3/sensors/{uuid}"))
        .await;
    assert!(s.get("inactiveWindow").is_none());
    let list = app
        .get_json(
            &admin,
            &format!(
                "/csapi/v1.3/sensors?pageSize=50&include=extensions&filter={}",
                enc("configurationProfile:Default")
            ),
        )
        .await;
    for s in list["data"].as_array().unwrap() {
        assert_eq!(s["inactiveWindow"]["inside"], false, "{s}");
        assert!(
            s["inactiveWindow"].get("nextStart").is_none(),
            "Default has no window: {s}"
        );
    }
}

#[tokio::test]
async fn a_profile_may_name_more_sensors_than_a_statement_takes_values() {
    // The API takes 10,000 ids; the store is also written by the demo seeder, whose profiles
    // name every sensor they hold (33,000 and more at ten million containers). Forty thousand
    // ids, each compared with a sensor's uuid and its id, are more values than either engine
    // binds in one statement (32,766 on SQLite, 65,535 on PostgreSQL).
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let sensors = app
        .get_json(&admin, "/csapi/v1.3/sensors?pageSize=2&sort=created:asc")
        .await;
    let by_uuid = sensors["data"][0]["uuid"].as_str().unwrap().to_string();
    let second_uuid = sensors["data"][1]["uuid"].as_str().unwrap().to_string();
    let by_id = sensors["data"][1]["sensorId"].as_str().unwrap().to_string();
    let mut body: shipshape_model::profile::SensorProfileBody =
        serde_json::from_value(profile("Everyone listed")).unwrap();
    body.associated_sensor_ids = (0..40_000)
        .map(|i| format!("not-a-sensor-{i:05}"))
        .collect();
    body.associated_sensor_ids[17_000] = by_uuid.clone();
    body.associated_sensor_ids[39_999] = by_id;
    let made = app
        .store
        .create_profile(&body, "test")
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert_eq!(made.sensor_count, 2);
    for uuid in [&by_uuid, &second_uuid] {
        let s = app
            .get_json(&admin, &format!("/csapi/v1.3/sensors/{uuid}"))
            .await;
        assert_eq!(s["configurationProfile"], "Everyone listed", "{uuid}");
    }
    let listed = app
        .get_json(
            &admin,
            &format!(
                "/csapi/v1.3/sensors?filter={}",
                enc("configurationProfile:\"Everyone listed\"")
            ),
        )
        .await;
    assert_eq!(listed["count"], 2);
}
