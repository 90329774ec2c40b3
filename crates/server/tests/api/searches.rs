use crate::common::*;
use shipshape_model::Role;

async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn recent_searches_are_kept_newest_first_per_user_and_entity() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    for q in ["state:RUNNING", "isRoot:true", "state:RUNNING"] {
        let res = post(
            &app,
            &t,
            "/csapi/v1.3/searches/recent",
            serde_json::json!({"entity": "containers", "query": q}),
        )
        .await;
        assert_eq!(res.status(), 204);
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let v = app
        .get_json(&t, "/csapi/v1.3/searches?entity=containers")
        .await;
    let recent: Vec<&str> = v["recent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["query"].as_str().unwrap())
        .collect();
    assert_eq!(
        recent,
        ["state:RUNNING", "isRoot:true"],
        "deduplicated, newest first"
    );
    assert_eq!(
        app.get_json(&t, "/csapi/v1.3/searches?entity=images").await["recent"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let other = app.user_token("vic", Role::Viewer).await;
    assert_eq!(
        app.get_json(&other, "/csapi/v1.3/searches?entity=containers")
            .await["recent"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    for i in 0..25 {
        post(
            &app,
            &t,
            "/csapi/v1.3/searches/recent",
            serde_json::json!({"entity": "containers", "query": format!("name:c{i}")}),
        )
        .await;
    }
    assert_eq!(
        app.get_json(&t, "/csapi/v1.3/searches?entity=containers")
            .await["recent"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
}

#[tokio::test]
async fn saved_searches_are_created_listed_and_deleted_by_their_owner_only() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    let res = post(&app, &t, "/csapi/v1.3/searches/saved", serde_json::json!({"entity": "images", "name": "Critical", "query": "vulnerabilities.severity:5"})).await;
    assert_eq!(res.status(), 201);
    let saved: serde_json::Value = res.json().await.unwrap();
    let id = saved["id"].as_str().unwrap().to_string();
    let dup = post(
        &app,
        &t,
        "/csapi/v1.3/searches/saved",
        serde_json::json!({"entity": "images", "name": "Critical", "query": "size>1"}),
    )
    .await;
    assert_error(dup, 409).await;
    let list = app.get_json(&t, "/csapi/v1.3/searches?entity=images").await;
    assert_eq!(list["saved"][0]["name"], "Critical");
    assert_eq!(list["saved"][0]["query"], "vulnerabilities.severity:5");
    let other = app.user_token("otto", Role::Operator).await;
    let res = app
        .client
        .delete(app.url(&format!("/csapi/v1.3/searches/saved/{id}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_error(res, 404).await;
    let res = app
        .client
        .delete(app.url(&format!("/csapi/v1.3/searches/saved/{id}")))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        app.get_json(&t, "/csapi/v1.3/searches?entity=images").await["saved"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn bad_searches_are_refused_with_field_or_qql_errors() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    assert_error(app.get(&t, "/csapi/v1.3/searches").await, 400).await;
    assert_error(
        app.get(&t, "/csapi/v1.3/searches?entity=dashboards").await,
        400,
    )
    .await;
    let cases = [
        serde_json::json!({"entity": "images", "name": "", "query": "size>1"}),
        serde_json::json!({"entity": "images", "name": "x".repeat(101), "query": "size>1"}),
        serde_json::json!({"entity": "images", "name": "n", "query": ""}),
        serde_json::json!({"entity": "images", "name": "n", "query": "vulns.severity:5"}),
        serde_json::json!({"entity": "images", "name": "n"}),
        serde_json::json!({"entity": "images", "name": 5, "query": "size>1"}),
        serde_json::json!({"entity": "boats", "name": "n", "query": "size>1"}),
    ];
    for body in cases {
        assert_error(
            post(&app, &t, "/csapi/v1.3/searches/saved", body.clone()).await,
            400,
        )
        .await;
    }
    let v = assert_error(
        post(
            &app,
            &t,
            "/csapi/v1.3/searches/recent",
            serde_json::json!({"entity": "containers", "query": "state:NAPPING"}),
        )
        .await,
        400,
    )
    .await;
    assert!(v["span"].is_object(), "QQL errors carry a span: {v}");
    let anon = app
        .client
        .get(app.url("/csapi/v1.3/searches?entity=images"))
        .send()
        .await
        .unwrap();
    assert_error(anon, 401).await;
}
