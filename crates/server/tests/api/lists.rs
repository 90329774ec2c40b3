use crate::common::*;
use shipshape_server::store::Sql;
use std::collections::HashSet;

fn uuids(v: &serde_json::Value) -> Vec<String> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uuid"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn lists_answer_count_and_data_with_the_default_page_size() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let stats = app.stats.clone().unwrap();
    for (path, total) in [
        ("/csapi/v1.3/sensors", stats.sensors),
        ("/csapi/v1.3/images", stats.images),
        ("/csapi/v1.3/containers", stats.containers),
    ] {
        let v = app.get_json(&t, path).await;
        assert_eq!(v["count"].as_u64().unwrap(), total, "{path}");
        assert_eq!(
            v["data"].as_array().unwrap().len() as u64,
            total.min(50),
            "{path}"
        );
    }
}

#[tokio::test]
async fn default_sort_is_created_descending() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let v = app
        .get_json(&t, "/csapi/v1.3/containers?pageSize=100")
        .await;
    let created: Vec<i64> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["created"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "not newest first");
}

#[tokio::test]
async fn paging_visits_every_row_once_in_a_stable_order_for_each_sort() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    // state has many ties: the row id breaks them, so pages never overlap.
    for sort in [
        "state:asc",
        "state:desc",
        "created:asc",
        "isRoot:desc",
        "host.hostname:asc",
    ] {
        let mut seen = HashSet::new();
        let mut total = 0;
        for page in 1..=4 {
            let v = app
                .get_json(
                    &t,
                    &format!("/csapi/v1.3/containers?sort={sort}&pageSize=1000&pageNumber={page}"),
                )
                .await;
            total = v["count"].as_u64().unwrap();
            for u in uuids(&v) {
                assert!(seen.insert(u), "row repeated across pages with sort {sort}");
            }
        }
        assert_eq!(
            seen.len() as u64,
            total,
            "every row visited with sort {sort}"
        );
    }
}

#[tokio::test]
async fn page_number_aliases_and_zero_mean_the_same_page() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let a = app
        .get_json(&t, "/csapi/v1.3/images?pageSize=10&pageNumber=2")
        .await;
    let b = app
        .get_json(&t, "/csapi/v1.3/images?pageSize=10&pageNo=2")
        .await;
    assert_eq!(uuids(&a), uuids(&b));
    let first = app
        .get_json(&t, "/csapi/v1.3/images?pageSize=10&pageNumber=1")
        .await;
    let zero = app
        .get_json(&t, "/csapi/v1.3/images?pageSize=10&pageNumber=0")
        .await;
    assert_eq!(uuids(&first), uuids(&zero));
    assert_ne!(uuids(&first), uuids(&a));
    let beyond = app
        .get_json(&t, "/csapi/v1.3/images?pageSize=10&pageNumber=999")
        .await;
    assert_eq!(beyond["data"].as_array().unwrap().len(), 0);
    assert_eq!(beyond["count"], a["count"]);
}

#[tokio::test]
async fn page_size_bounds_are_1_to_1000() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    assert_eq!(
        app.get_json(&t, "/csapi/v1.3/containers?pageSize=1").await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.get_json(&t, "/csapi/v1.3/containers?pageSize=1000")
            .await["data"]
            .as_array()
            .unwrap()
            .len(),
        1000
    );
    for bad in ["0", "1001", "-5", "abc", "99999999999999999999999", "1.5"] {
        let v = assert_error(
            app.get(&t, &format!("/csapi/v1.3/containers?pageSize={bad}"))
                .await,
            400,
        )
        .await;
        assert_eq!(v["details"][0]["field"], "pageSize", "{bad}: {v}");
    }
}

#[tokio::test]
async fn sorting_by_each_sortable_token_works_and_orders_rows() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    // Every sortable token of the QQL catalogue, both ways, over every row: the rows come in
    // exactly the order the test works out from their values (missing values first when
    // ascending, as on SQLite; ties by row id, so paging is stable), the same on both engines.
    use shipshape_qql::{catalogue, Entity as QE};
    let mut failures = Vec::new();
    for (entity, table) in [
        (QE::Sensor, "sensors"),
        (QE::Image, "images"),
        (QE::Container, "containers"),
    ] {
        // The row ids that break ties are not on the wire: read them from the database.
        let ids: std::collections::HashMap<String, i64> =
            Sql::new(format!("SELECT uuid, id FROM {table}"))
                .fetch_all::<(String, i64)>(app.store.db())
                .await
                .unwrap()
                .into_iter()
                .collect();
        // The values: list rows lack some tokens' fields (an image's architecture), which
        // the bulk lists' full objects have.
        let every = if table == "sensors" {
            every_row(&app, &t, table, None).await
        } else {
            every_object(&app, &t, table).await
        };
        assert_eq!(every.len(), ids.len(), "{table}");
        let tokens: Vec<&str> = catalogue(entity)
            .iter()
            .filter(|d| d.sortable)
            .map(|d| d.name)
            .collect();
        assert!(!tokens.is_empty(), "{table}");
        for token in tokens {
            let mut expected: Vec<(SortValue, i64, String)> = every
                .iter()
                .map(|r| {
                    let uuid = r["uuid"].as_str().unwrap().to_string();
                    (sort_value(r, token), ids[&uuid], uuid)
                })
                .collect();
            expected.sort_by(|a, b| {
                a.0.partial_cmp(&b.0)
                    .unwrap_or_else(|| panic!("{table} {token}: {:?} and {:?}", a.0, b.0))
                    .then(a.1.cmp(&b.1))
            });
            let distinct = expected.windows(2).filter(|w| w[0].0 != w[1].0).count() + 1;
            if expected.iter().all(|e| e.0 == SortValue::Missing) {
                failures.push(format!("{table} {token}: no row has a value to order by"));
                continue;
            }
            let asc: Vec<String> = expected.into_iter().map(|e| e.2).collect();
            let desc: Vec<String> = asc.iter().rev().cloned().collect();
            for (order, want) in [("asc", asc), ("desc", desc)] {
                let got: Vec<String> =
                    every_row(&app, &t, table, Some(&format!("{token}:{order}")))
                        .await
                        .iter()
                        .map(|r| r["uuid"].as_str().unwrap().to_string())
                        .collect();
                if got != want {
                    let at = got.iter().zip(&want).position(|(g, w)| g != w);
                    failures.push(format!(
                        "{table} sort={token}:{order} ({distinct} distinct values): \
                         rows differ from position {at:?} (of {})",
                        want.len()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every object of a bulk list (`/images/list`, `/containers/list`), with extensions.
async fn every_object(app: &TestApp, t: &str, table: &str) -> Vec<serde_json::Value> {
    let mut url = app.url(&format!(
        "/csapi/v1.3/{table}/list?limit=250&include=extensions"
    ));
    let mut rows = Vec::new();
    loop {
        let res = app.client.get(&url).bearer_auth(t).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let link = res
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_string());
        let v: serde_json::Value = res.json().await.unwrap();
        rows.extend(v["data"].as_array().unwrap().iter().cloned());
        match link {
            Some(l) => url = l[1..l.len() - ">;rel=next".len()].to_string(),
            None => return rows,
        }
    }
}

/// Every row of a list (pages of 1,000, with extensions), in the order asked for.
async fn every_row(
    app: &TestApp,
    t: &str,
    table: &str,
    sort: Option<&str>,
) -> Vec<serde_json::Value> {
    let sort = sort.map(|s| format!("&sort={s}")).unwrap_or_default();
    let mut rows = Vec::new();
    for page in 1.. {
        let v = app
            .get_json(
                t,
                &format!(
                    "/csapi/v1.3/{table}?pageSize=1000&pageNumber={page}&include=extensions{sort}"
                ),
            )
            .await;
        let data = v["data"].as_array().unwrap();
        rows.extend(data.iter().cloned());
        if data.len() < 1000 {
            return rows;
        }
    }
    unreachable!()
}

/// A row's value for a sort token, ordered as the server must order it: missing first,
/// numbers and timestamps as numbers, versions as versions, text byte-wise.
#[derive(Debug, PartialEq, PartialOrd)]
enum SortValue {
    Missing,
    Bool(bool),
    Number(i64),
    Version(Vec<u64>),
    Text(String),
}

fn sort_value(row: &serde_json::Value, token: &str) -> SortValue {
    let mut v = row;
    // Counts of an image's extension findings are flat fields on the wire.
    let path = match token {
        "secrets.count" => "secretsCount",
        "malware.count" => "malwareCount",
        t => t,
    };
    for part in path.split('.') {
        v = match (part, v) {
            ("cluster", _) if token == "cluster.name" || token == "cluster.namespace" => {
                &v["cluster"]["k8s"]
            }
            ("name", _) if token == "cluster.name" => &v["clusterName"],
            _ => &v[part],
        };
    }
    match v {
        serde_json::Value::Null => SortValue::Missing,
        serde_json::Value::Bool(b) => SortValue::Bool(*b),
        serde_json::Value::Number(n) => SortValue::Number(n.as_i64().unwrap()),
        // Versions compare as versions, `1.2` as `1.2.0.0`; what follows `-` or `+` is not
        // compared.
        serde_json::Value::String(s) if token == "sensorVersion" => {
            let mut parts: Vec<u64> = s
                .split(['-', '+'])
                .next()
                .unwrap()
                .split('.')
                .map(|p| p.parse().unwrap_or(0))
                .collect();
            parts.resize(parts.len().max(4), 0);
            SortValue::Version(parts)
        }
        // Timestamps are epoch milliseconds written as strings.
        serde_json::Value::String(s)
            if [
                "created",
                "updated",
                "lastScanned",
                "lastUsedDate",
                "lastCheckedIn",
                "stateChanged",
            ]
            .contains(&token) =>
        {
            SortValue::Number(s.parse().unwrap())
        }
        serde_json::Value::String(s) => SortValue::Text(s.clone()),
        other => panic!("{token}: unexpected {other}"),
    }
}

#[tokio::test]
async fn bulk_list_follows_link_headers_and_visits_each_row_exactly_once() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let mut url = app.url("/csapi/v1.3/containers/list?limit=250");
    let mut seen = HashSet::new();
    let mut pages = 0;
    loop {
        let res = app.client.get(&url).bearer_auth(&t).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let link = res
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_string());
        let v: serde_json::Value = res.json().await.unwrap();
        let rows = v["data"].as_array().unwrap();
        assert!(rows.len() <= 250);
        // Bulk rows are full details: the first of each page is the detail endpoint's answer.
        let sha = rows[0]["sha"].as_str().unwrap();
        assert_eq!(
            rows[0],
            app.get_json(&t, &format!("/csapi/v1.3/containers/{sha}"))
                .await
        );
        for r in rows {
            assert!(
                seen.insert(r["uuid"].as_str().unwrap().to_string()),
                "row seen twice"
            );
        }
        pages += 1;
        match link {
            Some(l) => {
                assert!(l.starts_with('<') && l.ends_with(">;rel=next"), "{l}");
                url = l[1..l.len() - ">;rel=next".len()].to_string();
                assert!(url.starts_with(&app.base), "absolute URL: {url}");
                let q = url.split_once('?').unwrap().1;
                assert!(q.starts_with("limit=250&"), "request params first: {url}");
                assert!(q.contains("&paginationQuery="), "cursor last: {url}");
            }
            None => break,
        }
    }
    assert_eq!(seen.len() as u64, app.stats.as_ref().unwrap().containers);
    assert_eq!(pages, 12);
}

#[tokio::test]
async fn bulk_image_rows_are_each_images_details() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    // A page's details are read together for all its images: each row must still be its own
    // image's (software, findings, hosts).
    let v = app.get_json(&t, "/csapi/v1.3/images/list?limit=250").await;
    let rows = v["data"].as_array().unwrap();
    assert_eq!(rows.len(), 250);
    for r in rows {
        let sha = r["sha"].as_str().unwrap();
        assert_eq!(
            r,
            &app.get_json(&t, &format!("/csapi/v1.3/images/{sha}")).await,
            "{sha}"
        );
    }
    assert!(rows
        .iter()
        .any(|r| r["vulnerabilities"] != serde_json::json!([])));
    assert!(rows.iter().any(|r| r["host"] != serde_json::json!([])));
}

#[tokio::test]
async fn bulk_list_sees_rows_added_while_paging() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let res = app
        .client
        .get(app.url("/csapi/v1.3/images/list?limit=100"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    let link = res.headers()["link"].to_str().unwrap().to_string();
    // A new image arrives (copy of an existing row with a new id/sha) while the client pages.
    app.store
        .upsert_image(&image_record("new-uuid", &"f".repeat(64)))
        .await
        .unwrap();
    let mut url = link[1..link.len() - ">;rel=next".len()].to_string();
    let mut seen = 100;
    let mut found_new = false;
    loop {
        let res = app.client.get(&url).bearer_auth(&t).send().await.unwrap();
        let next = res
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_string());
        let v: serde_json::Value = res.json().await.unwrap();
        for r in v["data"].as_array().unwrap() {
            seen += 1;
            found_new |= r["uuid"] == "new-uuid";
        }
        match next {
            Some(l) => url = l[1..l.len() - ">;rel=next".len()].to_string(),
            None => break,
        }
    }
    assert!(found_new);
    assert_eq!(seen, app.stats.as_ref().unwrap().images + 1);
}

#[tokio::test]
async fn link_header_is_written_capitalised_on_the_wire() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let addr = app.base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET /csapi/v1.3/images/list?limit=5 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {t}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf);
    let head = text.split("\r\n\r\n").next().unwrap();
    assert!(
        head.lines().any(|l| l.starts_with("Link: <http://")),
        "{head}"
    );
}

#[tokio::test]
async fn bulk_limit_bounds_and_bad_cursors_are_400() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    for q in [
        "limit=0",
        "limit=251",
        "limit=x",
        "paginationQuery=garbage",
        "paginationQuery=c1.-4",
    ] {
        assert_error(
            app.get(&t, &format!("/csapi/v1.3/images/list?{q}")).await,
            400,
        )
        .await;
    }
    let v = app.get_json(&t, "/csapi/v1.3/images/list").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 50);
}

#[tokio::test]
async fn older_api_versions_are_served_too() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let v13 = app.get_json(&t, "/csapi/v1.3/images?pageSize=5").await;
    let v12 = app.get_json(&t, "/csapi/v1.2/images?pageSize=5").await;
    let v11 = app.get_json(&t, "/csapi/v1.1/images?pageSize=5").await;
    assert_eq!(v13, v12);
    assert_eq!(v13, v11);
    for path in ["/csapi/v1.1/sensors", "/csapi/v1.1/containers"] {
        assert_eq!(app.get(&t, path).await.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn extensions_appear_only_when_asked_for() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let plain = app.get_json(&t, "/csapi/v1.3/sensors?pageSize=100").await;
    for s in plain["data"].as_array().unwrap() {
        assert!(
            s.get("deployment").is_none() && s.get("updateAvailable").is_none(),
            "{s}"
        );
    }
    let ext = app
        .get_json(&t, "/csapi/v1.3/sensors?pageSize=100&include=extensions")
        .await;
    let rows = ext["data"].as_array().unwrap();
    assert!(rows
        .iter()
        .all(|s| s["deployment"].is_string() && s["updateAvailable"].is_boolean()));
    // Outdated sensors (below the latest release, compared as versions) are flagged.
    for s in rows {
        let v = s["sensorVersion"].as_str().unwrap();
        let latest = s["latestVersion"].as_str().unwrap();
        assert_eq!(
            s["updateAvailable"].as_bool().unwrap(),
            shipshape_model::version::update_available(v, latest)
        );
    }
    assert!(rows.iter().any(|s| s["updateAvailable"] == true));
    assert!(rows.iter().any(|s| s["updateAvailable"] == false));
    // Bulk and detail objects: `vulnSummary` is an extension too, and equals the row's counts.
    for entity in ["images", "containers"] {
        let plain = app
            .get_json(&t, &format!("/csapi/v1.3/{entity}/list?limit=20"))
            .await;
        let plain = plain["data"].as_array().unwrap();
        assert_eq!(plain.len(), 20);
        assert!(
            plain.iter().all(|o| o.get("vulnSummary").is_none()),
            "{entity}"
        );
        let sha = plain[0]["sha"].as_str().unwrap();
        let detail = app
            .get_json(&t, &format!("/csapi/v1.3/{entity}/{sha}"))
            .await;
        assert!(detail.get("vulnSummary").is_none(), "{entity} details");
        let ext = app
            .get_json(
                &t,
                &format!("/csapi/v1.3/{entity}/list?limit=20&include=extensions"),
            )
            .await;
        for o in ext["data"].as_array().unwrap() {
            let sha = o["sha"].as_str().unwrap();
            let row = app
                .get_json(&t, &format!("/csapi/v1.3/{entity}?filter=sha:{sha}"))
                .await;
            assert_eq!(row["count"], 1, "{entity} {sha}");
            assert!(
                o["vulnSummary"]["severity5Count"].is_u64(),
                "{entity} {sha}"
            );
            assert_eq!(
                o["vulnSummary"], row["data"][0]["vulnerabilities"],
                "{entity} {sha}"
            );
        }
    }
}

#[tokio::test]
async fn counts_of_relative_date_windows_follow_the_clock_exactly() {
    use shipshape_server::store::records::ContainerRecord;
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let image = app.get_json(&t, "/csapi/v1.3/images?pageSize=1").await["data"][0]["sha"]
        .as_str()
        .unwrap()
        .to_string();
    // Twenty containers "created" 100 ms apart, starting a little in the future.
    let start = shipshape_server::store::now_ms() + 300;
    for i in 0..20 {
        app.store
            .upsert_container(&ContainerRecord {
                uuid: format!("window-{i}"),
                container_id: format!("{i:012x}"),
                sha: format!("{:064x}", 0xabc000 + i),
                name: Some(format!("windowprobe-{i}")),
                image_sha: image.clone(),
                created: start + 100 * i,
                updated: start,
                state_changed: None,
                last_scanned: None,
                state: shipshape_model::ContainerState::Running,
                host: None,
                is_root: false,
                privileged: false,
                cluster: None,
                command: None,
                arguments: vec![],
                environment: vec![],
                ports: vec![],
                labels: vec![],
                operating_system: None,
            })
            .await
            .unwrap();
    }
    let path = format!(
        "/csapi/v1.3/containers?pageSize=100&filter={}",
        enc("name:windowprobe* and created:[now-1d .. now]")
    );
    let mut seen = Vec::new();
    let until = start + 100 * 20 + 300;
    while shipshape_server::store::now_ms() < until {
        let v = app.get_json(&t, &path).await;
        let count = v["count"].as_u64().unwrap();
        // The count and the page were taken at the same instant: they agree, always.
        assert_eq!(count, v["data"].as_array().unwrap().len() as u64, "{v}");
        seen.push(count);
        tokio::time::sleep(std::time::Duration::from_millis(15)).await;
    }
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!(seen.first(), Some(&0));
    assert_eq!(seen.last(), Some(&20));
    assert!(seen.len() > 40, "{}", seen.len());
}
