//! `/csapi/v1.3/dashboards`: stored per user, checked on the way in, versioned with ETags,
//! shared read-only, duplicated, chosen as the landing page.

use crate::common::*;
use serde_json::{json, Value};
use shipshape_model::Role;

/// A valid dashboard document.
pub fn sample(name: &str) -> Value {
    json!({
        "schemaVersion": 1, "name": name, "columns": 24,
        "widgets": [
            {"id": "crit", "kind": "count", "title": "Critical images", "entity": "image",
             "query": "vulnerabilities.severity:5", "layout": {"x": 0, "y": 0, "w": 6, "h": 3}},
            {"id": "state", "kind": "pie", "title": "Containers by state", "entity": "container",
             "query": "", "groupBy": "state", "layout": {"x": 6, "y": 0, "w": 6, "h": 6}}
        ]
    })
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Option<&Value>,
    if_match: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(b);
    }
    if let Some(m) = if_match {
        req = req.header("if-match", m);
    }
    req.send().await.unwrap()
}

fn etag(res: &reqwest::Response) -> String {
    res.headers()["etag"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_dashboard_is_created_read_updated_with_if_match_and_deleted() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.user_token("olga", Role::Operator).await;
    let res = send(
        &app,
        reqwest::Method::POST,
        &t,
        "/csapi/v1.3/dashboards",
        Some(&sample("Ops")),
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    let v1 = etag(&res);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert!(!id.is_empty());
    assert_eq!(created["widgets"], sample("Ops")["widgets"]);

    let path = format!("/csapi/v1.3/dashboards/{id}");
    let res = app.get(&t, &path).await;
    assert_eq!(etag(&res), v1);
    assert_eq!(res.json::<Value>().await.unwrap(), created);

    let mut changed = sample("Ops, renamed");
    changed["widgets"][1]["layout"]["x"] = 12.into();
    let res = send(
        &app,
        reqwest::Method::PUT,
        &t,
        &path,
        Some(&changed),
        Some(&v1),
    )
    .await;
    assert_eq!(res.status(), 200);
    let v2 = etag(&res);
    assert_ne!(v1, v2);
    // A save from a tab that loaded the first version is refused, and says why.
    let stale = send(
        &app,
        reqwest::Method::PUT,
        &t,
        &path,
        Some(&sample("Stale")),
        Some(&v1),
    )
    .await;
    let e = assert_error(stale, 412).await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("since you loaded it"),
        "{e}"
    );
    let e = assert_error(
        send(
            &app,
            reqwest::Method::PUT,
            &t,
            &path,
            Some(&sample("x")),
            None,
        )
        .await,
        428,
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("If-Match"), "{e}");
    assert_eq!(app.get_json(&t, &path).await["name"], "Ops, renamed");

    let list = app.get_json(&t, "/csapi/v1.3/dashboards").await;
    let row = &list["data"][0];
    assert_eq!(
        (row["id"].as_str(), row["owner"].as_str()),
        (Some(id.as_str()), Some("olga"))
    );
    assert_eq!(
        (row["widgets"].as_u64(), row["shared"].as_bool()),
        (Some(2), Some(false))
    );

    let res = send(&app, reqwest::Method::DELETE, &t, &path, None, None).await;
    assert_eq!(res.status(), 204);
    assert_error(app.get(&t, &path).await, 404).await;
}

#[tokio::test]
async fn others_see_a_dashboard_only_when_shared_and_change_only_their_copy() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let owner = app.user_token("olga", Role::Operator).await;
    let other = app.user_token("omar", Role::Operator).await;
    let viewer = app.user_token("vera", Role::Viewer).await;
    let created: Value = send(
        &app,
        reqwest::Method::POST,
        &owner,
        "/csapi/v1.3/dashboards",
        Some(&sample("Mine")),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let id = created["id"].as_str().unwrap();
    let path = format!("/csapi/v1.3/dashboards/{id}");
    assert_error(app.get(&other, &path).await, 404).await;
    assert_eq!(
        app.get_json(&viewer, "/csapi/v1.3/dashboards").await["data"],
        json!([])
    );

    let shared = send(
        &app,
        reqwest::Method::PUT,
        &owner,
        &format!("{path}/sharing"),
        Some(&json!({"shared": true})),
        None,
    )
    .await;
    assert_eq!(shared.status(), 200);
    assert_eq!(app.get_json(&viewer, &path).await["name"], "Mine");
    let v = etag(&app.get(&other, &path).await);
    assert_error(
        send(
            &app,
            reqwest::Method::PUT,
            &other,
            &path,
            Some(&sample("Theirs")),
            Some(&v),
        )
        .await,
        403,
    )
    .await;
    assert_error(
        send(&app, reqwest::Method::DELETE, &other, &path, None, None).await,
        403,
    )
    .await;
    assert_error(
        send(
            &app,
            reqwest::Method::POST,
            &viewer,
            "/csapi/v1.3/dashboards",
            Some(&sample("V")),
            None,
        )
        .await,
        403,
    )
    .await;

    let copy = send(
        &app,
        reqwest::Method::POST,
        &other,
        &format!("{path}/duplicate"),
        None,
        None,
    )
    .await;
    assert_eq!(copy.status(), 201);
    let copy: Value = copy.json().await.unwrap();
    assert_eq!(copy["name"], "Copy of Mine");
    assert_ne!(copy["id"], created["id"]);
    let names: Vec<Value> = app.get_json(&other, "/csapi/v1.3/dashboards").await["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| json!([d["name"], d["owner"]]))
        .collect();
    assert_eq!(
        names,
        vec![json!(["Copy of Mine", "omar"]), json!(["Mine", "olga"])]
    );

    // The landing page: any role may choose one it can see.
    let res = send(
        &app,
        reqwest::Method::PUT,
        &viewer,
        "/csapi/v1.3/dashboards/landing",
        Some(&json!({"id": id})),
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let list = app.get_json(&viewer, "/csapi/v1.3/dashboards").await;
    assert_eq!(list["data"][0]["landing"], true);
    let res = send(
        &app,
        reqwest::Method::PUT,
        &viewer,
        "/csapi/v1.3/dashboards/landing",
        Some(&json!({"id": copy["id"]})),
        None,
    )
    .await;
    assert_error(res, 404).await;
}

#[tokio::test]
async fn an_invalid_document_is_refused_naming_the_widget_and_the_field() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.user_token("olga", Role::Operator).await;
    let mut bad = sample("Bad");
    bad["widgets"][1]["groupBy"] = "created".into();
    let e = assert_error(
        send(
            &app,
            reqwest::Method::POST,
            &t,
            "/csapi/v1.3/dashboards",
            Some(&bad),
            None,
        )
        .await,
        400,
    )
    .await;
    assert_eq!(e["details"][0]["field"], "widgets[state].groupBy", "{e}");
    let mut newer = sample("Newer");
    newer["schemaVersion"] = 2.into();
    let e = assert_error(
        send(
            &app,
            reqwest::Method::POST,
            &t,
            "/csapi/v1.3/dashboards",
            Some(&newer),
            None,
        )
        .await,
        400,
    )
    .await;
    assert_eq!(e["details"][0]["field"], "schemaVersion", "{e}");
    let res = app
        .client
        .get(app.url("/csapi/v1.3/dashboards"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}
