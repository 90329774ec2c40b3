//! `GET /{entity}/aggregate`: each group's count is the list's count for the filter with the
//! group's value added, for every token that can be grouped by (on both engines: the suite runs
//! again on PostgreSQL).

use crate::common::*;
use serde_json::Value;

/// The `groupBy` tokens the document lists for `entity`.
fn group_tokens(doc: &Value, entity: &str) -> Vec<String> {
    let op = &doc["paths"][format!("/csapi/v1.3/{entity}/aggregate")]["get"];
    let p = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "groupBy")
        .unwrap_or_else(|| panic!("{entity}/aggregate documents groupBy"));
    assert_eq!(p["required"], true, "groupBy is required");
    p["schema"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// `token` selecting exactly `key`, as QQL writes it.
fn clause(token: &str, key: &str) -> String {
    let plain = key.parse::<i64>().is_ok()
        || key == "true"
        || key == "false"
        || key.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    if plain {
        format!("{token}:{key}")
    } else {
        format!("{token}:`{key}`")
    }
}

#[tokio::test]
async fn each_group_counts_the_rows_the_list_gives_for_its_value() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let doc = app.get_json(&t, "/csapi/openapi.json").await;
    let mut compared = 0;
    for (entity, narrow) in [
        ("sensors", "status:RUNNING"),
        ("images", "vulnerabilities.severity:[4 .. 5]"),
        ("containers", "state:RUNNING"),
    ] {
        let tokens = group_tokens(&doc, entity);
        assert!(tokens.len() >= 8, "{entity}: {tokens:?}");
        for filter in ["", narrow] {
            let listed = app
                .get_json(
                    &t,
                    &format!("/csapi/v1.3/{entity}?pageSize=1&filter={}", enc(filter)),
                )
                .await["count"]
                .as_u64()
                .unwrap();
            for token in &tokens {
                let agg = app
                    .get_json(
                        &t,
                        &format!(
                            "/csapi/v1.3/{entity}/aggregate?groupBy={token}&limit=100&filter={}",
                            enc(filter)
                        ),
                    )
                    .await;
                assert_eq!(agg["total"].as_u64().unwrap(), listed, "{entity} {filter}");
                let groups = agg["groups"].as_array().unwrap();
                let counts: Vec<u64> = groups
                    .iter()
                    .map(|g| g["count"].as_u64().unwrap())
                    .collect();
                assert!(
                    counts.windows(2).all(|w| w[0] >= w[1]),
                    "{entity} {token}: most rows first: {counts:?}"
                );
                assert!(counts.iter().all(|c| *c > 0 && *c <= listed));
                for g in groups.iter().take(4) {
                    let key = g["key"].as_str().unwrap();
                    let q = if filter.is_empty() {
                        clause(token, key)
                    } else {
                        format!("({filter}) and {}", clause(token, key))
                    };
                    let n = app
                        .get_json(
                            &t,
                            &format!("/csapi/v1.3/{entity}?pageSize=1&filter={}", enc(&q)),
                        )
                        .await["count"]
                        .as_u64()
                        .unwrap();
                    assert_eq!(n, g["count"].as_u64().unwrap(), "{entity}: {q}");
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 200, "{compared} groups compared");
}

#[tokio::test]
async fn scalar_groups_add_up_and_collections_may_overlap() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let state = app
        .get_json(&t, "/csapi/v1.3/containers/aggregate?groupBy=state")
        .await;
    let sum: u64 = state["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        sum,
        state["total"].as_u64().unwrap(),
        "every container has one state"
    );
    let sev = app
        .get_json(
            &t,
            "/csapi/v1.3/images/aggregate?groupBy=vulnerabilities.severity",
        )
        .await;
    let keys: Vec<&str> = sev["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.iter().all(|k| ["1", "2", "3", "4", "5"].contains(k)),
        "{keys:?}"
    );
    let sum: u64 = sev["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .sum();
    assert!(
        sum > sev["total"].as_u64().unwrap(),
        "images have findings of several severities"
    );
    let top = app
        .get_json(
            &t,
            "/csapi/v1.3/images/aggregate?groupBy=software.name&limit=3",
        )
        .await;
    assert_eq!(top["groups"].as_array().unwrap().len(), 3);
}

/// `vulnerabilities/aggregate` counts findings (a vulnerability in an image), which have no list:
/// the unfiltered total is every finding; each group's count is the total of the same question
/// with the group's value added to the filter; a scalar token's groups add up to the total.
#[tokio::test]
async fn findings_are_counted_per_group_like_their_filter() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let doc = app.get_json(&t, "/csapi/openapi.json").await;
    let tokens = group_tokens(&doc, "vulnerabilities");
    for want in [
        "severity",
        "qid",
        "cveids",
        "patchAvailable",
        "software.name",
    ] {
        assert!(tokens.iter().any(|t| t == want), "{want} in {tokens:?}");
    }
    let total = |filter: &str| {
        let app = &app;
        let t = &t;
        let filter = filter.to_string();
        async move {
            app.get_json(
                t,
                &format!(
                    "/csapi/v1.3/vulnerabilities/aggregate?groupBy=severity&filter={}",
                    enc(&filter)
                ),
            )
            .await["total"]
                .as_u64()
                .unwrap()
        }
    };
    let findings = app.scalar("SELECT count(*) FROM image_vulns").await as u64;
    assert!(findings > 100, "the demo data has findings");
    assert_eq!(total("").await, findings);
    assert_eq!(
        total("severity:5").await,
        app.scalar("SELECT count(*) FROM image_vulns WHERE severity = 5")
            .await as u64
    );
    let mut compared = 0;
    for narrow in ["", "severity:[4 .. 5]"] {
        for token in &tokens {
            let agg = app
                .get_json(
                    &t,
                    &format!(
                        "/csapi/v1.3/vulnerabilities/aggregate?groupBy={token}&limit=100&filter={}",
                        enc(narrow)
                    ),
                )
                .await;
            let all = agg["total"].as_u64().unwrap();
            assert_eq!(all, total(narrow).await);
            let groups = groups(&agg);
            assert!(groups.windows(2).all(|w| w[0].1 >= w[1].1), "{token}");
            if ["severity", "typeDetected", "patchAvailable"].contains(&token.as_str()) {
                let sum: u64 = groups.iter().map(|g| g.1).sum();
                assert_eq!(sum, all, "every finding has one {token}");
            }
            for (key, n) in groups.iter().take(3) {
                let q = if narrow.is_empty() {
                    clause(token, key)
                } else {
                    format!("({narrow}) and {}", clause(token, key))
                };
                assert_eq!(total(&q).await, *n, "{q}");
                compared += 1;
            }
        }
    }
    assert!(compared > 40, "{compared} groups compared");
    // Findings have no list, and tokens of other entities are not theirs.
    assert_error(app.get(&t, "/csapi/v1.3/vulnerabilities").await, 404).await;
    assert_error(
        app.get(&t, "/csapi/v1.3/vulnerabilities/aggregate?groupBy=state")
            .await,
        400,
    )
    .await;
}

/// `(key, count)` of each group, in the order given.
fn groups(v: &Value) -> Vec<(String, u64)> {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["key"].as_str().unwrap().to_string(),
                g["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn groups_come_most_first_within_the_limit_and_follow_every_write() {
    let app = spawn_app().await;
    let t = app
        .user_token("olga", shipshape_model::Role::Operator)
        .await;
    let all = groups(
        &app.get_json(
            &t,
            "/csapi/v1.3/images/aggregate?groupBy=vulnerabilities.severity",
        )
        .await,
    );
    assert!(all.windows(2).all(|w| w[0].1 >= w[1].1), "{all:?}");
    let two = groups(
        &app.get_json(
            &t,
            "/csapi/v1.3/images/aggregate?groupBy=vulnerabilities.severity&limit=2",
        )
        .await,
    );
    assert_eq!(two, all[..2].to_vec());

    // Asked twice (the second answer may come from memory), then after a delete: the groups
    // and the total move with the data.
    let by_state = "/csapi/v1.3/containers/aggregate?groupBy=state";
    let before = app.get_json(&t, by_state).await;
    assert_eq!(app.get_json(&t, by_state).await, before);
    let running = |v: &Value| {
        groups(v)
            .into_iter()
            .find(|(k, _)| k == "RUNNING")
            .map(|(_, n)| n)
            .unwrap_or(0)
    };
    let list = app
        .get_json(
            &t,
            "/csapi/v1.3/containers?pageSize=3&filter=state%3ARUNNING",
        )
        .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 3);
    let job = app.delete_listed_containers(&t, &list).await;
    assert_eq!(job["deleted"], 3, "{job}");
    let after = app.get_json(&t, by_state).await;
    assert_eq!(running(&after), running(&before) - 3);
    assert_eq!(
        after["total"].as_u64().unwrap(),
        before["total"].as_u64().unwrap() - 3
    );
}

#[tokio::test]
async fn bad_aggregate_requests_are_400_naming_the_parameter() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    for (path, field) in [
        ("/csapi/v1.3/containers/aggregate", "groupBy"),
        (
            "/csapi/v1.3/containers/aggregate?groupBy=created",
            "groupBy",
        ),
        ("/csapi/v1.3/containers/aggregate?groupBy=label", "groupBy"),
        ("/csapi/v1.3/containers/aggregate?groupBy=nosuch", "groupBy"),
        ("/csapi/v1.3/sensors/aggregate?groupBy=state", "groupBy"),
        ("/csapi/v1.3/images/aggregate?groupBy=size&limit=0", "limit"),
        (
            "/csapi/v1.3/images/aggregate?groupBy=size&limit=101",
            "limit",
        ),
        (
            "/csapi/v1.3/images/aggregate?groupBy=size&limit=lots",
            "limit",
        ),
    ] {
        let v = assert_error(app.get(&t, path).await, 400).await;
        assert_eq!(v["details"][0]["field"], field, "{path}: {v}");
    }
    let v = assert_error(
        app.get(
            &t,
            "/csapi/v1.3/images/aggregate?groupBy=size&filter=size%3E%3E1",
        )
        .await,
        400,
    )
    .await;
    assert!(v["span"].is_object(), "{v}");
    let res = app
        .client
        .get(app.url("/csapi/v1.3/images/aggregate?groupBy=size"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}
