use crate::common::*;
use shipshape_model::Role;

async fn delete(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let mut req = app.client.delete(app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn deleting_containers_by_query_ids_runs_a_job_and_updates_counts() {
    let app = spawn_app().await;
    let t = app.user_token("olga", Role::Operator).await;
    let list = app.get_json(&t, "/csapi/v1.3/containers?pageSize=3").await;
    let shas: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sha"].as_str().unwrap())
        .collect();
    let before = list["count"].as_u64().unwrap();
    let path = format!(
        "/csapi/v1.3/containers?containerIds={}&containerIds=sha256%3A{}&containerIds={}",
        shas[0],
        shas[1].to_uppercase(),
        &shas[2][..12]
    );
    let res = delete(&app, &t, &path, None).await;
    assert_eq!(res.status(), 200);
    let v: serde_json::Value = res.json().await.unwrap();
    let job_id = v["deletionJobId"].as_str().unwrap();
    let job = app.wait_job(&t, job_id).await;
    assert_eq!(job["status"], "COMPLETED");
    assert_eq!(job["deleted"], 3);
    assert_eq!(
        job["skipped"],
        serde_json::json!([]),
        "every id form was found: {job}"
    );
    assert_eq!(job["requestedBy"], "olga");
    let after = app.get_json(&t, "/csapi/v1.3/containers?pageSize=1").await["count"]
        .as_u64()
        .unwrap();
    assert_eq!(after, before - 3);
    assert_error(
        app.get(&t, &format!("/csapi/v1.3/containers/{}", shas[0]))
            .await,
        404,
    )
    .await;
    let audit = app
        .scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'DELETE_CONTAINERS' AND actor = 'olga'",
        )
        .await;
    assert_eq!(audit, 1, "the delete is in the audit log");
}

#[tokio::test]
async fn only_unknown_sensors_are_deleted_and_others_are_reported() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let all = app.get_json(&t, "/csapi/v1.3/sensors?pageSize=1000").await;
    let rows = all["data"].as_array().unwrap();
    let unknown = rows.iter().find(|s| s["status"] == "UNKNOWN").unwrap()["uuid"]
        .as_str()
        .unwrap();
    let running = rows.iter().find(|s| s["status"] == "RUNNING").unwrap()["uuid"]
        .as_str()
        .unwrap();
    let res = delete(
        &app,
        &t,
        "/csapi/v1.3/sensors",
        Some(serde_json::json!({"sensorIds": [unknown, running, "nope"]})),
    )
    .await;
    let job_id = res.json::<serde_json::Value>().await.unwrap()["deletionJobId"]
        .as_str()
        .unwrap()
        .to_string();
    let job = app.wait_job(&t, &job_id).await;
    assert_eq!(job["deleted"], 1);
    let skipped = job["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2, "{job}");
    assert!(skipped
        .iter()
        .any(|s| s["id"] == running && s["reason"].as_str().unwrap().contains("RUNNING")));
    assert!(skipped
        .iter()
        .any(|s| s["id"] == "nope" && s["reason"] == "not found"));
    assert_error(
        app.get(&t, &format!("/csapi/v1.3/sensors/{unknown}")).await,
        404,
    )
    .await;
    assert_eq!(
        app.get(&t, &format!("/csapi/v1.3/sensors/{running}"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn an_image_used_by_running_containers_is_not_deleted() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let used = app
        .get_json(
            &t,
            "/csapi/v1.3/images?sort=associatedContainersCount:desc&pageSize=1",
        )
        .await["data"][0]
        .clone();
    let unused = app
        .get_json(
            &t,
            "/csapi/v1.3/images?sort=associatedContainersCount:asc&pageSize=1",
        )
        .await["data"][0]
        .clone();
    assert_eq!(unused["associatedContainersCount"], 0);
    let body = serde_json::json!({"imageIds": [used["sha"], unused["imageId"]]});
    let res = delete(&app, &t, "/csapi/v1.3/images", Some(body)).await;
    let job_id = res.json::<serde_json::Value>().await.unwrap()["deletionJobId"]
        .as_str()
        .unwrap()
        .to_string();
    let job = app.wait_job(&t, &job_id).await;
    assert_eq!(job["deleted"], 1, "{job}");
    assert!(job["skipped"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("running container"));
    assert_eq!(
        app.get(
            &t,
            &format!("/csapi/v1.3/images/{}", used["sha"].as_str().unwrap())
        )
        .await
        .status(),
        200
    );
    assert_error(
        app.get(
            &t,
            &format!("/csapi/v1.3/images/{}", unused["sha"].as_str().unwrap()),
        )
        .await,
        404,
    )
    .await;
    // What belonged only to the image went with it.
    let orphans = app.scalar("SELECT count(*) FROM image_software s WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.id = s.image_ref)")
        .await;
    assert_eq!(orphans, 0);
}

#[tokio::test]
async fn delete_requests_without_ids_or_with_bad_bodies_are_400() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    assert_error(delete(&app, &t, "/csapi/v1.3/containers", None).await, 400).await;
    let res = app
        .client
        .delete(app.url("/csapi/v1.3/images"))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_error(res, 400).await;
    let wrong_type = delete(
        &app,
        &t,
        "/csapi/v1.3/images",
        Some(serde_json::json!({"imageIds": "abc"})),
    )
    .await;
    assert_error(wrong_type, 400).await;
    let unknown_field = delete(
        &app,
        &t,
        "/csapi/v1.3/images",
        Some(serde_json::json!({"ids": ["abc"]})),
    )
    .await;
    assert_error(unknown_field, 400).await;
    let both = delete(
        &app,
        &t,
        "/csapi/v1.3/images?imageIds=a",
        Some(serde_json::json!({"filter": "size>1"})),
    )
    .await;
    assert_error(both, 400).await;
    assert_error(app.get(&t, "/csapi/v1.3/jobs/does-not-exist").await, 404).await;
}
