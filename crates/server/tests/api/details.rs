use crate::common::*;

#[tokio::test]
async fn sensor_details_by_uuid_and_404_for_unknown() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let list = app.get_json(&t, "/csapi/v1.3/sensors?pageSize=1").await;
    let uuid = list["data"][0]["uuid"].as_str().unwrap();
    let s = app
        .get_json(&t, &format!("/csapi/v1.3/sensors/{uuid}"))
        .await;
    assert_eq!(s, list["data"][0]);
    for key in [
        "sensorId",
        "hostname",
        "ipv4",
        "sensorVersion",
        "sensorType",
        "status",
        "created",
        "lastCheckedIn",
        "label",
    ] {
        assert!(s.get(key).is_some(), "sensor has {key}");
    }
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
    for key in [
        "architecture",
        "layers",
        "host",
        "softwares",
        "vulnerabilities",
        "repo",
        "repoDigests",
        "operatingSystem",
    ] {
        assert!(d.get(key).is_some(), "details have {key}");
    }
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
    let list = app
        .get_json(&t, "/csapi/v1.3/containers?pageSize=1&sort=created:asc")
        .await;
    let row = &list["data"][0];
    let sha = row["sha"].as_str().unwrap();
    let d = app
        .get_json(&t, &format!("/csapi/v1.3/containers/{sha}"))
        .await;
    for key in [
        "command",
        "arguments",
        "environment",
        "portMapping",
        "label",
        "softwares",
        "vulnerabilities",
        "host",
        "state",
    ] {
        assert!(d.get(key).is_some(), "details have {key}");
    }
    for e in d["environment"].as_array().unwrap() {
        let e = e.as_str().unwrap();
        assert!(
            !e.contains('=') || e.ends_with("=***"),
            "environment values are masked: {e}"
        );
    }
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
