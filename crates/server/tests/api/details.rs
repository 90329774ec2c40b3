use crate::common::*;
use serde_json::{json, Value};
use shipshape_server::store::Sql;

/// A JSON column as stored.
fn parsed(text: &str) -> Value {
    serde_json::from_str(text).expect("a stored JSON column")
}

/// The (name, version) pairs of a `softwares` array, sorted.
fn packages(v: &Value) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["version"].as_str().map(str::to_string),
            )
        })
        .collect();
    out.sort();
    out
}

/// The QIDs of a `vulnerabilities` array, sorted.
fn qids(v: &Value) -> Vec<i64> {
    let mut out: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["qid"].as_i64().unwrap())
        .collect();
    out.sort_unstable();
    out
}

/// What the database holds for an image's software and findings: (name, version) pairs and
/// distinct QIDs, sorted.
async fn stored_content(
    app: &TestApp,
    image_ref: i64,
) -> (Vec<(String, Option<String>)>, Vec<i64>) {
    let mut software: Vec<(String, Option<String>)> =
        Sql::new("SELECT name, version FROM image_software WHERE image_ref = ?")
            .bind(image_ref)
            .fetch_all(app.store.db())
            .await
            .unwrap();
    software.sort();
    let qids: Vec<i64> =
        Sql::new("SELECT DISTINCT qid FROM image_vulns WHERE image_ref = ? ORDER BY qid")
            .bind(image_ref)
            .scalars(app.store.db())
            .await
            .unwrap();
    (software, qids)
}

#[tokio::test]
async fn sensor_details_by_uuid_and_404_for_unknown() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    // A sensor with every field below stored, so a null answer cannot match.
    #[derive(sqlx::FromRow)]
    struct Stored {
        uuid: String,
        sensor_id: String,
        hostname: String,
        ipv4: String,
        sensor_version: String,
        sensor_type: String,
        status: String,
        created: i64,
        last_checked_in: i64,
        labels: String,
    }
    let db: Stored = Sql::new(
        "SELECT uuid, sensor_id, hostname, ipv4, sensor_version, sensor_type, status, created, \
         last_checked_in, labels FROM sensors WHERE hostname IS NOT NULL AND ipv4 IS NOT NULL \
         AND sensor_version IS NOT NULL AND last_checked_in IS NOT NULL AND labels <> '[]' \
         ORDER BY id LIMIT 1",
    )
    .fetch_one(app.store.db())
    .await
    .unwrap();
    let list = app
        .get_json(
            &t,
            &format!(
                "/csapi/v1.3/sensors?filter={}",
                enc(&format!("uuid:`{}`", db.uuid))
            ),
        )
        .await;
    let s = app
        .get_json(&t, &format!("/csapi/v1.3/sensors/{}", db.uuid))
        .await;
    assert_eq!(s, list["data"][0]);
    assert_eq!(s["uuid"], db.uuid);
    assert_eq!(s["sensorId"], db.sensor_id);
    assert_eq!(s["hostname"], db.hostname);
    assert_eq!(s["ipv4"], db.ipv4);
    assert_eq!(s["sensorVersion"], db.sensor_version);
    assert_eq!(s["sensorType"], db.sensor_type);
    assert_eq!(s["status"], db.status);
    assert_eq!(s["created"], db.created.to_string());
    assert_eq!(s["lastCheckedIn"], db.last_checked_in.to_string());
    assert_eq!(s["label"], parsed(&db.labels));
    assert_error(app.get(&t, "/csapi/v1.3/sensors/no-such-sensor").await, 404).await;
}

#[tokio::test]
async fn image_details_and_sub_resources_agree() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    // The image that runs the most containers.
    let list = app
        .get_json(
            &t,
            "/csapi/v1.3/images?sort=associatedContainersCount:desc&pageSize=1",
        )
        .await;
    let row = &list["data"][0];
    let sha = row["sha"].as_str().unwrap();
    let short = row["imageId"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert_eq!(short, &sha[..12]);
    let d = app.get_json(&t, &format!("/csapi/v1.3/images/{sha}")).await;
    assert_eq!(
        d,
        app.get_json(&t, &format!("/csapi/v1.3/images/{short}"))
            .await,
        "12-hex id works too"
    );
    // Each field is what the database holds for the image (and none is empty, so an answer
    // that left it out or null could not match).
    #[derive(sqlx::FromRow)]
    struct Stored {
        id: i64,
        architecture: String,
        operating_system: String,
        layers: String,
        repo_digests: String,
    }
    let db: Stored = Sql::new(
        "SELECT id, architecture, operating_system, layers, repo_digests FROM images \
         WHERE sha = ?",
    )
    .bind(sha)
    .fetch_one(app.store.db())
    .await
    .unwrap();
    assert_eq!(d["architecture"], db.architecture);
    assert_eq!(d["operatingSystem"], db.operating_system);
    assert_eq!(d["layers"], parsed(&db.layers));
    assert_ne!(d["layers"], json!([]));
    assert_eq!(d["repoDigests"], parsed(&db.repo_digests));
    assert_ne!(d["repoDigests"], json!([]));
    let repos: Vec<(Option<String>, String, Option<String>)> = Sql::new(
        "SELECT registry, repository, tag FROM image_repos WHERE image_ref = ? ORDER BY pos",
    )
    .bind(db.id)
    .fetch_all(app.store.db())
    .await
    .unwrap();
    assert!(!repos.is_empty());
    let repos: Vec<Value> = repos
        .into_iter()
        .map(|(registry, repository, tag)| {
            json!({"registry": registry, "repository": repository, "tag": tag})
        })
        .collect();
    assert_eq!(d["repo"], Value::Array(repos));
    let mut hosts: Vec<String> = Sql::new(
        "SELECT DISTINCT sensor_uuid FROM containers WHERE image_ref = ? \
         AND sensor_uuid IS NOT NULL",
    )
    .bind(db.id)
    .scalars(app.store.db())
    .await
    .unwrap();
    hosts.sort();
    let mut shown: Vec<String> = d["host"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["sensorUuid"].as_str().unwrap().to_string())
        .collect();
    shown.sort();
    assert!(!hosts.is_empty());
    assert_eq!(shown, hosts, "the hosts running the image's containers");
    let (software, findings) = stored_content(&app, db.id).await;
    assert!(!software.is_empty() && !findings.is_empty());
    assert_eq!(packages(&d["softwares"]), software);
    assert_eq!(qids(&d["vulnerabilities"]), findings);
    let vulns = d["vulnerabilities"].as_array().unwrap();
    let count = app
        .get_json(&t, &format!("/csapi/v1.3/images/{sha}/vuln/count"))
        .await;
    let mut by_sev = [0u64; 5];
    for v in vulns {
        let s = v["severity"].as_u64().unwrap();
        assert!((1..=5).contains(&s));
        assert!(v["qid"].is_i64());
        assert!(v["cveids"].is_array());
        assert!(v["typeDetected"] == "Confirmed" || v["typeDetected"] == "Potential");
        by_sev[s as usize - 1] += v["software"].as_array().unwrap().len().max(1) as u64;
    }
    let counted: u64 = (1..=5)
        .map(|i| count[format!("severity{i}Count")].as_u64().unwrap())
        .sum();
    assert_eq!(
        counted,
        by_sev.iter().sum::<u64>(),
        "counts match the findings"
    );
    assert_eq!(
        count, row["vulnerabilities"],
        "list row and count endpoint agree"
    );
    let vuln = app
        .get_json(&t, &format!("/csapi/v1.3/images/{sha}/vuln"))
        .await;
    assert_eq!(vuln["details"].as_array().unwrap().len(), vulns.len());
    assert_eq!(vuln["vulnSummary"], count);
    let sw = app
        .get_json(&t, &format!("/csapi/v1.3/images/{sha}/software"))
        .await;
    assert_eq!(
        sw["count"].as_u64().unwrap() as usize,
        sw["data"].as_array().unwrap().len()
    );
    assert!(sw["softwareCountBySeverity"].is_object());
    let assoc = app
        .get_json(&t, &format!("/csapi/v1.3/images/{sha}/association"))
        .await;
    assert_eq!(
        assoc["containers"].as_array().unwrap().len() as u64,
        row["associatedContainersCount"].as_u64().unwrap()
    );
    assert_eq!(
        assoc["hosts"].as_array().unwrap().len() as u64,
        row["associatedHostsCount"].as_u64().unwrap()
    );
    for sub in ["", "/vuln", "/vuln/count", "/software", "/association"] {
        assert_error(
            app.get(&t, &format!("/csapi/v1.3/images/{}{sub}", "0".repeat(64)))
                .await,
            404,
        )
        .await;
    }
}

#[tokio::test]
async fn container_details_and_sub_resources_agree() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    // A container with every field below stored and none empty, so an answer that left one
    // out or null could not match.
    #[derive(sqlx::FromRow)]
    struct Stored {
        sha: String,
        image_ref: i64,
        command: String,
        arguments: String,
        environment: String,
        ports: String,
        labels: String,
        state: String,
        sensor_uuid: String,
        host_hostname: String,
        host_ip: String,
    }
    let db: Stored = Sql::new(
        "SELECT sha, image_ref, command, arguments, environment, ports, labels, state, \
         sensor_uuid, host_hostname, host_ip FROM containers WHERE command IS NOT NULL \
         AND arguments <> '[]' AND environment <> '[]' AND ports <> '[]' AND labels <> '[]' \
         AND sensor_uuid IS NOT NULL AND host_hostname IS NOT NULL AND host_ip IS NOT NULL \
         AND sev1 + sev2 + sev3 + sev4 + sev5 > 0 ORDER BY created, id LIMIT 1",
    )
    .fetch_one(app.store.db())
    .await
    .unwrap();
    let sha = db.sha.as_str();
    let list = app
        .get_json(&t, &format!("/csapi/v1.3/containers?filter=sha:{sha}"))
        .await;
    let row = &list["data"][0];
    assert_eq!(row["sha"], sha);
    let d = app
        .get_json(&t, &format!("/csapi/v1.3/containers/{sha}"))
        .await;
    assert_eq!(d["command"], db.command);
    assert_eq!(d["arguments"], parsed(&db.arguments));
    assert_eq!(d["portMapping"], parsed(&db.ports));
    assert_eq!(d["label"], parsed(&db.labels));
    assert_eq!(d["state"], db.state);
    assert_eq!(d["host"]["sensorUuid"], db.sensor_uuid);
    assert_eq!(d["host"]["hostname"], db.host_hostname);
    assert_eq!(d["host"]["ipAddress"], db.host_ip);
    // The environment is the stored one with its values masked.
    let stored_env = parsed(&db.environment);
    let masked: Vec<String> = stored_env
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let e = e.as_str().unwrap();
            match e.split_once('=') {
                Some((name, _)) => format!("{name}=***"),
                None => e.to_string(),
            }
        })
        .collect();
    assert!(masked.iter().any(|e| e.ends_with("=***")), "{stored_env}");
    assert_eq!(
        d["environment"],
        json!(masked),
        "environment values are masked"
    );
    // Its software and findings are its image's.
    let (software, findings) = stored_content(&app, db.image_ref).await;
    assert!(!software.is_empty() && !findings.is_empty());
    assert_eq!(packages(&d["softwares"]), software);
    assert_eq!(qids(&d["vulnerabilities"]), findings);
    let count = app
        .get_json(&t, &format!("/csapi/v1.3/containers/{sha}/vuln/count"))
        .await;
    assert_eq!(count, row["vulnerabilities"]);
    let vuln = app
        .get_json(&t, &format!("/csapi/v1.3/containers/{sha}/vuln"))
        .await;
    assert_eq!(
        vuln["details"]["vulns"].as_array().unwrap().len(),
        d["vulnerabilities"].as_array().unwrap().len()
    );
    let sw = app
        .get_json(&t, &format!("/csapi/v1.3/containers/{sha}/software"))
        .await;
    assert_eq!(
        sw["count"].as_u64().unwrap() as usize,
        d["softwares"].as_array().unwrap().len()
    );
    // The container's image exists and is the one named.
    let image = app
        .get_json(
            &t,
            &format!("/csapi/v1.3/images/{}", row["imageSha"].as_str().unwrap()),
        )
        .await;
    assert_eq!(image["uuid"], row["imageUuid"]);
    assert_error(
        app.get(&t, "/csapi/v1.3/containers/abcdefabcdef").await,
        404,
    )
    .await;
}
