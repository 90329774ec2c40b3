//! `GET /csapi/v1.3/audit`: every change, with the lists' conventions (QQL over the entry's
//! fields, sort, paging), for administrators only.

use crate::common::*;
use serde_json::{json, Value as J};
use shipshape_model::Role;

async fn audit(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    app.get(token, &format!("/csapi/v1.3/audit?{query}")).await
}

#[tokio::test]
async fn changes_are_listed_newest_first_and_filtered_by_qql() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // The demo fleet's profiles were made by `demo`.
    let v: J = audit(&app, &admin, "").await.json().await.unwrap();
    let demo = v["count"].as_u64().unwrap();
    assert!(demo >= 3, "{v}");
    assert!(v["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "demo"));

    // A settings change and a profile change, made by two administrators.
    let res = app.get(&admin, "/csapi/v1.3/settings/dataRetention").await;
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let mut policy: J = res.json().await.unwrap();
    policy["enabled"] = json!(true);
    let put = app
        .client
        .put(app.url("/csapi/v1.3/settings/dataRetention"))
        .bearer_auth(&admin)
        .header("If-Match", etag)
        .json(&policy)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let ada = app.user_token("ada", Role::Admin).await;
    let made = app
        .client
        .post(app.url("/csapi/v1.3/sensorProfile"))
        .bearer_auth(&ada)
        .json(
            &json!({ "profileName": "Audit me", "profileType": "GENERAL",
            "config": { "vulnerabilityManagement": { "containerScanningInterval": 24 } } }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);

    let v: J = audit(&app, &admin, "").await.json().await.unwrap();
    assert_eq!(v["count"].as_u64().unwrap(), demo + 2);
    let first = &v["data"][0];
    assert_eq!(first["action"], "SENSOR_PROFILE_CREATE");
    assert_eq!(first["actor"], "ada");
    assert_eq!(first["details"]["after"]["profileName"], "Audit me");
    assert_eq!(first["details"]["before"], J::Null);
    assert_eq!(v["data"][1]["details"]["before"]["enabled"], false);
    assert_eq!(v["data"][1]["details"]["after"]["enabled"], true);
    assert!(first["at"].as_i64().unwrap() >= v["data"][1]["at"].as_i64().unwrap());

    let count = |q: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let r = audit(app, admin, &format!("filter={}", enc(q))).await;
            assert_eq!(r.status(), 200, "{q}");
            r.json::<J>().await.unwrap()["count"].as_u64().unwrap()
        }
    };
    assert_eq!(count("action:SETTINGS_DATA_RETENTION").await, 1);
    assert_eq!(count("actor:ada").await, 1);
    assert_eq!(count("actor:demo").await, demo);
    assert_eq!(count("details:\"Audit me\"").await, 1);
    assert_eq!(count("at>now-1h and not actor:demo").await, 2);
    assert_eq!(count("at<1").await, 0);

    // Sorted and paged like the asset lists.
    let v: J = audit(&app, &admin, "sort=at:asc&pageSize=1&pageNumber=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    assert_eq!(v["count"].as_u64().unwrap(), demo + 2);
    assert_eq!(v["data"][0]["actor"], "demo");
}

#[tokio::test]
async fn bad_requests_and_other_roles_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let v = assert_error(
        audit(&app, &admin, &format!("filter={}", enc("action:(("))).await,
        400,
    )
    .await;
    assert!(v["span"].is_object(), "{v}");
    // The assets' tokens are not the log's.
    let v = assert_error(
        audit(&app, &admin, &format!("filter={}", enc("uuid:abc"))).await,
        400,
    )
    .await;
    assert!(v["message"].as_str().unwrap().contains("uuid"), "{v}");
    assert_error(
        audit(&app, &admin, &format!("filter={}", enc("action:DANCED"))).await,
        400,
    )
    .await;
    assert_error(audit(&app, &admin, "sort=created:desc").await, 400).await;
    assert_error(audit(&app, &admin, "pageSize=100000").await, 400).await;
    assert_error(audit(&app, &admin, "pageNumber=-1").await, 400).await;
    let op = app.user_token("olga", Role::Operator).await;
    assert_error(audit(&app, &op, "").await, 403).await;
    assert_error(
        app.client
            .get(app.url("/csapi/v1.3/audit"))
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
}
