//! Scanner reports in (issue 12): every Trivy fixture imports and the API answers exactly its
//! findings; CycloneDX gives the software list; Grype its matches; a re-scan replaces findings
//! and keeps `firstFound`; secrets are stored without their text; a truncated or wrong-typed
//! report is refused whole with the JSON path named; only operators and admins import.

use crate::common::*;
use serde_json::{json, Value};
use shipshape_model::Role;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn trivy_fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(fixture("trivy"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().contains("cyclonedx"))
        .collect();
    out.sort();
    assert!(out.len() >= 13, "{out:?}");
    out
}

async fn import(app: &TestApp, t: &str, body: Vec<u8>, query: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/csapi/v1.3/images/import{query}")))
        .bearer_auth(t)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

fn severity(word: &str) -> i64 {
    match word {
        "CRITICAL" => 5,
        "HIGH" => 4,
        "MEDIUM" => 3,
        "LOW" => 2,
        _ => 1,
    }
}

/// (vulnerability id, package, installed version, fix version, severity) as the API answers
/// an image's findings.
async fn api_findings(
    app: &TestApp,
    t: &str,
    sha: &str,
) -> BTreeSet<(String, String, String, String, i64)> {
    let v = app
        .get_json(t, &format!("/csapi/v1.3/images/{sha}/vuln"))
        .await;
    let mut out = BTreeSet::new();
    for d in v["details"].as_array().unwrap() {
        let qid = d["qid"].as_i64().unwrap();
        assert!(
            (1_000_000_000..2_000_000_000).contains(&qid),
            "qid {qid} is outside the reserved range"
        );
        let id = d["cveids"][0]
            .as_str()
            .unwrap_or_else(|| d["title"].as_str().unwrap());
        for s in d["software"].as_array().unwrap() {
            out.insert((
                id.to_string(),
                s["name"].as_str().unwrap().to_string(),
                s["version"].as_str().unwrap_or("").to_string(),
                s["fixVersion"].as_str().unwrap_or("").to_string(),
                d["severity"].as_i64().unwrap(),
            ));
        }
    }
    out
}

#[tokio::test]
async fn every_trivy_fixture_imports_and_the_api_answers_its_findings() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    for path in trivy_fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let report: Value = serde_json::from_slice(&bytes).unwrap();
        let res = import(&app, &t, bytes, "").await;
        assert_eq!(
            res.status(),
            201,
            "{}: {}",
            path.display(),
            res.text().await.unwrap()
        );
        let done: Value = res.json().await.unwrap();
        let sha = report["Metadata"]["ImageID"]
            .as_str()
            .unwrap()
            .trim_start_matches("sha256:");
        assert_eq!(done["imageSha"], sha);
        assert_eq!(done["format"], "trivy");
        let mut expected = BTreeSet::new();
        for r in report["Results"].as_array().unwrap() {
            for v in r["Vulnerabilities"].as_array().into_iter().flatten() {
                let id = v["VulnerabilityID"].as_str().unwrap();
                // A finding with no CVE id is answered by its title (the id when untitled).
                let id = if id.starts_with("CVE-") {
                    id.to_string()
                } else {
                    v["Title"].as_str().unwrap_or(id).to_string()
                };
                expected.insert((
                    id,
                    v["PkgName"].as_str().unwrap().to_string(),
                    v["InstalledVersion"].as_str().unwrap_or("").to_string(),
                    v["FixedVersion"].as_str().unwrap_or("").to_string(),
                    severity(v["Severity"].as_str().unwrap()),
                ));
            }
        }
        assert!(!expected.is_empty(), "{}", path.display());
        assert_eq!(
            api_findings(&app, &t, sha).await,
            expected,
            "{}: the API's findings are the report's",
            path.display()
        );
        // The image row: its tag, OS and counts.
        let row = app
            .get_json(&t, &format!("/csapi/v1.3/images?filter=sha%3A{sha}"))
            .await;
        assert_eq!(row["count"], 1, "{row}");
        let img = &row["data"][0];
        if let Some(tag) = report["Metadata"]["RepoTags"][0].as_str() {
            let (repo, tag) = tag.rsplit_once(':').unwrap();
            assert_eq!(img["repo"][0]["tag"], tag, "{img}");
            assert!(
                repo.ends_with(img["repo"][0]["repository"].as_str().unwrap()),
                "{img}"
            );
        }
        match report["Metadata"]["OS"]["Family"].as_str() {
            Some(family) => assert!(
                img["operatingSystem"].as_str().unwrap().starts_with(family),
                "{img}"
            ),
            None => assert!(img["operatingSystem"].is_null(), "{img}"),
        }
        let counted: i64 = (1..=5)
            .map(|s| {
                img["vulnerabilities"][format!("severity{s}Count")]
                    .as_i64()
                    .unwrap_or(0)
            })
            .sum();
        let qids: BTreeSet<&str> = report["Results"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["Vulnerabilities"].as_array().into_iter().flatten())
            .map(|v| v["VulnerabilityID"].as_str().unwrap())
            .collect();
        assert_eq!(counted as usize, qids.len(), "{img}");
    }
    // A CVE from a report is found by QQL.
    let v = app
        .get_json(
            &t,
            "/csapi/v1.3/images?filter=vulnerabilities.cveids%3ACVE-2019-1549",
        )
        .await;
    assert!(v["count"].as_i64().unwrap() >= 1, "{v}");
    // Every import is in the audit log.
    assert!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'REPORT_IMPORT'")
            .await
            >= 13
    );
}

#[tokio::test]
async fn cyclonedx_gives_the_software_list_and_grype_its_matches() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    let bom = std::fs::read(fixture("trivy/centos-7.cyclonedx.json")).unwrap();
    let res = import(&app, &t, bom.clone(), "").await;
    assert_eq!(res.status(), 201);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["format"], "cyclonedx");
    let bom: Value = serde_json::from_slice(&bom).unwrap();
    let expected: BTreeSet<(String, String)> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "library")
        .map(|c| {
            (
                c["name"].as_str().unwrap().into(),
                c["version"].as_str().unwrap().into(),
            )
        })
        .collect();
    let sha = done["imageSha"].as_str().unwrap();
    let sw = app
        .get_json(&t, &format!("/csapi/v1.3/images/{sha}/software"))
        .await;
    let got: BTreeSet<(String, String)> = sw["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().into(),
                s["version"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(!got.is_empty());

    let grype = std::fs::read(fixture("grype/image-two-matches.json")).unwrap();
    let report: Value = serde_json::from_slice(&grype).unwrap();
    let res = import(&app, &t, grype, "?format=grype").await;
    assert_eq!(res.status(), 201);
    let sha = report["source"]["target"]["imageID"]
        .as_str()
        .unwrap()
        .trim_start_matches("sha256:");
    let expected: BTreeSet<(String, String, String, String, i64)> = report["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let v = &m["vulnerability"];
            let fixed = v["fix"]["state"] == "fixed";
            (
                v["id"].as_str().unwrap().to_string(),
                m["artifact"]["name"].as_str().unwrap().to_string(),
                m["artifact"]["version"].as_str().unwrap().to_string(),
                if fixed {
                    v["fix"]["versions"][0].as_str().unwrap().to_string()
                } else {
                    String::new()
                },
                severity(&v["severity"].as_str().unwrap().to_ascii_uppercase()),
            )
        })
        .collect();
    assert_eq!(api_findings(&app, &t, sha).await, expected);
}

#[tokio::test]
async fn a_rescan_replaces_findings_and_keeps_first_found_and_secrets_lose_their_text() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    let mut report: Value =
        serde_json::from_slice(&std::fs::read(fixture("trivy/alpine-39.json")).unwrap()).unwrap();
    let sha = report["Metadata"]["ImageID"]
        .as_str()
        .unwrap()
        .trim_start_matches("sha256:")
        .to_string();
    const SECRET: &str = "AKIAIOSFODNN7EXAMPLEwJalrXUtnFEMIK7MDENG";
    report["Results"].as_array_mut().unwrap().push(json!({
        "Target": "/app/config.env",
        "Class": "secret",
        "Secrets": [{
            "RuleID": "aws-access-key-id",
            "Category": "AWS",
            "Severity": "CRITICAL",
            "Title": "AWS Access Key ID",
            "StartLine": 3,
            "EndLine": 3,
            "Match": format!("AWS_ACCESS_KEY_ID={SECRET}"),
            "Code": {"Lines": [{"Number": 3, "Content": SECRET}]}
        }]
    }));
    let body = serde_json::to_vec(&report).unwrap();
    assert_eq!(import(&app, &t, body, "").await.status(), 201);
    let first = app
        .get_json(&t, &format!("/csapi/v1.3/images/{sha}/vuln"))
        .await;
    let first_found: Vec<(i64, String)> = first["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["qid"].as_i64().unwrap(), d["firstFound"].to_string()))
        .collect();
    let ids: BTreeSet<&str> = report["Results"][0]["Vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["VulnerabilityID"].as_str().unwrap())
        .collect();
    assert_eq!(first_found.len(), ids.len());

    // Secrets: where and what, never the text, in any answer about the image.
    let secrets = app
        .get(&t, &format!("/csapi/v1.3/images/{sha}/secrets"))
        .await;
    assert_eq!(secrets.status(), 200);
    let text = secrets.text().await.unwrap();
    assert!(!text.contains(SECRET) && !text.contains("AKIA"), "{text}");
    let secrets: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(secrets["count"], 1);
    assert_eq!(
        secrets["data"][0],
        json!({"ruleId": "aws-access-key-id", "category": "AWS", "title": "AWS Access Key ID",
               "severity": 5, "file": "/app/config.env", "line": 3})
    );
    for path in [
        format!("/csapi/v1.3/images/{sha}"),
        "/csapi/v1.3/audit".to_string(),
    ] {
        let body = app.get(&t, &path).await.text().await.unwrap();
        assert!(!body.contains(SECRET), "{path}");
    }

    // A newer scan without the first finding: it is gone, the others keep firstFound.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let vulns = report["Results"][0]["Vulnerabilities"]
        .as_array_mut()
        .unwrap();
    let removed = vulns[0].clone();
    vulns.retain(|v| v["VulnerabilityID"] != removed["VulnerabilityID"]);
    let body = serde_json::to_vec(&report).unwrap();
    assert_eq!(import(&app, &t, body, "").await.status(), 201);
    let second = app
        .get_json(&t, &format!("/csapi/v1.3/images/{sha}/vuln"))
        .await;
    let details = second["details"].as_array().unwrap();
    let removed_id = removed["VulnerabilityID"].as_str().unwrap();
    assert!(
        details.iter().all(|d| d["cveids"][0] != removed_id),
        "{removed_id} is still listed"
    );
    for d in details {
        let qid = d["qid"].as_i64().unwrap();
        let before = first_found.iter().find(|(q, _)| *q == qid).unwrap();
        assert_eq!(
            d["firstFound"].to_string(),
            before.1,
            "qid {qid} firstFound moved"
        );
        assert!(d["lastFound"].as_str().unwrap() > d["firstFound"].as_str().unwrap());
    }
    // The image is still one image.
    let n = app
        .get_json(&t, &format!("/csapi/v1.3/images?filter=sha%3A{sha}"))
        .await;
    assert_eq!(n["count"], 1);
}

#[tokio::test]
async fn a_truncated_or_wrong_typed_report_is_refused_whole() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    let good = std::fs::read(fixture("trivy/alpine-310.json")).unwrap();
    let images = || app.scalar("SELECT COUNT(*) FROM images");
    let defs = || app.scalar("SELECT COUNT(*) FROM vuln_defs");
    let (i0, d0) = (images().await, defs().await);

    let res = import(&app, &t, good[..good.len() / 2].to_vec(), "").await;
    let e = assert_error(res, 400).await;
    assert!(e["message"].as_str().unwrap().contains("ends early"), "{e}");

    let mut wrong: Value = serde_json::from_slice(&good).unwrap();
    wrong["Results"][0]["Vulnerabilities"][2]["Severity"] = json!(5);
    let res = import(&app, &t, serde_json::to_vec(&wrong).unwrap(), "").await;
    let e = assert_error(res, 400).await;
    assert_eq!(
        e["details"][0]["field"], "$.Results[0].Vulnerabilities[2].Severity",
        "{e}"
    );

    let mut unknown: Value = serde_json::from_slice(&good).unwrap();
    unknown["Results"][0]["Vulnerabilities"][3]["Severity"] = json!("SEVERE");
    let res = import(&app, &t, serde_json::to_vec(&unknown).unwrap(), "").await;
    let e = assert_error(res, 400).await;
    assert_eq!(
        e["details"][0]["field"],
        "$.Results[0].Vulnerabilities[3].Severity"
    );

    let mut no_id: Value = serde_json::from_slice(&good).unwrap();
    no_id["Metadata"]["ImageID"] = json!("sha256:1234");
    let e = assert_error(
        import(&app, &t, serde_json::to_vec(&no_id).unwrap(), "").await,
        400,
    )
    .await;
    assert_eq!(e["details"][0]["field"], "$.Metadata.ImageID");

    for (body, query) in [
        (b"{\"hello\": 1}".to_vec(), ""),
        (b"[]".to_vec(), ""),
        (Vec::new(), ""),
        (good.clone(), "?format=grype"),
        (good.clone(), "?format=sbom"),
        (good.clone(), "?formats=trivy"),
    ] {
        let res = import(&app, &t, body, query).await;
        assert_error(res, 400).await;
    }
    assert_eq!(
        (images().await, defs().await),
        (i0, d0),
        "nothing was stored"
    );

    // Only operators and admins import; everyone reads.
    let viewer = app.user_token("vera", Role::Viewer).await;
    assert_error(import(&app, &viewer, good.clone(), "").await, 403).await;
    let res = app
        .client
        .post(app.url("/csapi/v1.3/images/import"))
        .body(good.clone())
        .send()
        .await
        .unwrap();
    assert_error(res, 401).await;
    let operator = app.user_token("otto", Role::Operator).await;
    assert_eq!(import(&app, &operator, good, "").await.status(), 201);
    let sha = "961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4";
    let secrets = app
        .get_json(&viewer, &format!("/csapi/v1.3/images/{sha}/secrets"))
        .await;
    assert_eq!(secrets, json!({"count": 0, "data": []}));
    assert_error(
        app.get(&viewer, "/csapi/v1.3/images/ffffffffffff/secrets")
            .await,
        404,
    )
    .await;
}

#[test]
fn the_import_command_loads_files_and_refuses_a_bad_one_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/s.db", dir.path().display());
    let bad = dir.path().join("bad.json");
    let mut v: Value =
        serde_json::from_slice(&std::fs::read(fixture("trivy/debian-buster.json")).unwrap())
            .unwrap();
    v["Results"][0]["Vulnerabilities"][0]["PkgName"] = json!(42);
    std::fs::write(&bad, serde_json::to_vec(&v).unwrap()).unwrap();
    let run = |files: Vec<PathBuf>| {
        std::process::Command::new(crate::cli::BIN)
            .arg("import")
            .args(files)
            .args(["--database-url", &db])
            .env_remove("RUST_BACKTRACE")
            .output()
            .unwrap()
    };
    let out = run(vec![fixture("trivy/ubuntu-1804.json"), bad.clone()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json") && err.contains("$.Results[0].Vulnerabilities[0].PkgName"),
        "{err}"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let images = || {
        rt.block_on(async {
            let store = shipshape_server::store::Store::open(&db).await.unwrap();
            let n: i64 = shipshape_server::store::Sql::new("SELECT COUNT(*) FROM images")
                .scalar(store.db())
                .await
                .unwrap();
            store.close().await;
            n as usize
        })
    };
    assert_eq!(
        images(),
        0,
        "the good file before the bad one was not stored either"
    );
    let mut files = trivy_fixtures();
    files.push(fixture("grype/image-two-matches.json"));
    let out = run(files.clone());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("imported {} reports", files.len())),
        "{stdout}"
    );
    assert_eq!(images(), files.len(), "one image per report");
}

#[tokio::test]
async fn malware_and_secret_counts_are_extensions_and_qql_tokens() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    // A Trivy report with two secrets, and a malware report for the same image.
    let mut report: Value =
        serde_json::from_slice(&std::fs::read(fixture("trivy/debian-buster.json")).unwrap())
            .unwrap();
    let sha = report["Metadata"]["ImageID"]
        .as_str()
        .unwrap()
        .trim_start_matches("sha256:")
        .to_string();
    let secret = |rule: &str, line: i64| {
        json!({"RuleID": rule, "Category": "Generic", "Severity": "HIGH", "Title": rule,
               "StartLine": line, "EndLine": line, "Match": "token=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"})
    };
    report["Results"].as_array_mut().unwrap().push(json!({
        "Target": "/srv/app/.env", "Class": "secret",
        "Secrets": [secret("github-pat", 1), secret("generic-api-key", 9)]}));
    assert_eq!(
        import(&app, &t, serde_json::to_vec(&report).unwrap(), "")
            .await
            .status(),
        201
    );
    let eicar = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
    let malware = json!({"schema": "shipshape-malware/1", "image": format!("sha256:{sha}"),
        "findings": [{"name": "EICAR-Test-File", "category": "test-file", "severity": "HIGH",
                      "file": "/tmp/eicar.com", "sha256": eicar}]});
    let res = import(&app, &t, serde_json::to_vec(&malware).unwrap(), "").await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["format"], "malware");
    assert_eq!(done["malware"], 1);

    let m = app
        .get_json(&t, &format!("/csapi/v1.3/images/{sha}/malware"))
        .await;
    assert_eq!(
        m,
        json!({"count": 1, "data": [{"name": "EICAR-Test-File", "category": "test-file",
               "severity": 4, "file": "/tmp/eicar.com", "sha256": eicar}]})
    );
    // The malware report left the vulnerability scan as it was.
    let v = app
        .get_json(&t, &format!("/csapi/v1.3/images/{sha}/vuln"))
        .await;
    assert_eq!(v["details"].as_array().unwrap().len(), 2);

    // Counts: extensions only when asked for; QQL finds by them.
    let plain = app
        .get_json(&t, &format!("/csapi/v1.3/images?filter=sha%3A{sha}"))
        .await;
    assert!(plain["data"][0].get("secretsCount").is_none(), "{plain}");
    let ext = app
        .get_json(
            &t,
            &format!("/csapi/v1.3/images?filter=sha%3A{sha}&include=extensions"),
        )
        .await;
    assert_eq!(ext["data"][0]["secretsCount"], 2);
    assert_eq!(ext["data"][0]["malwareCount"], 1);
    let details = app
        .get_json(&t, &format!("/csapi/v1.3/images/{sha}?include=extensions"))
        .await;
    assert_eq!(
        (
            details["secretsCount"].clone(),
            details["malwareCount"].clone()
        ),
        (json!(2), json!(1))
    );
    // Another image without any.
    assert_eq!(
        import(
            &app,
            &t,
            std::fs::read(fixture("trivy/alpine-310.json")).unwrap(),
            ""
        )
        .await
        .status(),
        201
    );
    for (q, n) in [
        ("secrets.count%3E0", 1),
        ("secrets.count%3A2", 1),
        ("malware.count%3E0", 1),
        ("malware.count%3A0", 1),
        ("secrets.count%3E0%20and%20malware.count%3E0", 1),
        ("not%20secrets.count%3E0", 1),
    ] {
        let v = app
            .get_json(&t, &format!("/csapi/v1.3/images?filter={q}"))
            .await;
        assert_eq!(v["count"], n, "{q}: {v}");
    }
    // A new report without secrets clears them; an empty malware report clears the malware.
    report["Results"].as_array_mut().unwrap().pop();
    assert_eq!(
        import(&app, &t, serde_json::to_vec(&report).unwrap(), "")
            .await
            .status(),
        201
    );
    let mut clean = malware.clone();
    clean["findings"] = json!([]);
    assert_eq!(
        import(&app, &t, serde_json::to_vec(&clean).unwrap(), "")
            .await
            .status(),
        201
    );
    let v = app
        .get_json(
            &t,
            "/csapi/v1.3/images?filter=secrets.count%3E0%20or%20malware.count%3E0",
        )
        .await;
    assert_eq!(v["count"], 0, "{v}");
    // A bad malware report names its field.
    let mut bad = malware.clone();
    bad["findings"][0]["severity"] = json!("DANGEROUS");
    let e = assert_error(
        import(&app, &t, serde_json::to_vec(&bad).unwrap(), "").await,
        400,
    )
    .await;
    assert_eq!(e["details"][0]["field"], "$.findings[0].severity");
}
