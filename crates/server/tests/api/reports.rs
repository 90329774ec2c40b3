//! Reports (`/csapi/v1.3/reports`): each template's rows are the API's records and findings for
//! the same filter, columns come in the asked order, the file parses back with a standard CSV
//! parser (and unpacks from gzip and zip), formula-like text is defused, bad requests get a
//! 400 naming the field, and an expired report's file is gone.

use crate::common::*;
use serde_json::{json, Value};
use shipshape_model::Role;
use std::collections::BTreeSet;
use std::io::Read;

async fn create(app: &TestApp, t: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url("/csapi/v1.3/reports"))
        .bearer_auth(t)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Asks for a report and waits until it is GENERATED: its uuid.
pub async fn generated(app: &TestApp, t: &str, body: Value) -> String {
    let res = create(app, t, body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let uuid: String = res.json().await.unwrap();
    wait_generated(app, t, &uuid).await;
    uuid
}

/// Waits until the report is GENERATED (a failure or 30 s fail the test).
async fn wait_generated(app: &TestApp, t: &str, uuid: &str) {
    for _ in 0..600 {
        let list = app
            .get_json(t, "/csapi/v1.3/reports?include=extensions&pageSize=1000")
            .await;
        let r = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["reportUuid"] == uuid)
            .cloned()
            .expect("listed");
        match r["status"].as_str().unwrap() {
            "GENERATED" => return,
            "FAILED" => panic!("report failed: {r}"),
            _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
    panic!("report {uuid} not generated in 30 s")
}

async fn download(app: &TestApp, t: &str, uuid: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let res = app
        .get(t, &format!("/csapi/v1.3/reports/{uuid}/download"))
        .await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    (headers, res.bytes().await.unwrap().to_vec())
}

/// A CSV file read back with the csv crate: the header and the rows.
fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Every record of a list, through its pages.
async fn all(app: &TestApp, t: &str, path: &str, filter: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let v = app
            .get_json(
                t,
                &format!(
                    "{path}?filter={}&pageSize=200&pageNumber={page}",
                    enc(filter)
                ),
            )
            .await;
        let data = v["data"].as_array().unwrap().clone();
        let done = data.len() < 200;
        out.extend(data);
        if done {
            break;
        }
    }
    out
}

#[tokio::test]
async fn each_template_lists_what_the_api_answers_for_the_same_filter() {
    let app = spawn_app().await;
    let t = app.user_token("ops", Role::Operator).await;
    let filter = "vulnerabilities.severity:5 and operatingSystem:Ubuntu*";

    // Image vulnerabilities: one row per (image, QID), columns in the asked order.
    let uuid = generated(
        &app,
        &t,
        json!({"name": "Critical on Ubuntu", "templateName": "CS_IMAGE_VULNERABILITY",
               "filter": filter, "displayColumns": ["sha", "qid", "severity", "title", "cveids"]}),
    )
    .await;
    let (headers, bytes) = download(&app, &t, &uuid).await;
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Critical_on_Ubuntu.csv"));
    let (header, rows) = parse_csv(&bytes);
    assert_eq!(header, ["sha", "qid", "severity", "title", "cveids"]);
    let images = all(&app, &t, "/csapi/v1.3/images", filter).await;
    assert!(!images.is_empty(), "the filter selects images");
    let mut expected = BTreeSet::new();
    for image in &images {
        let sha = image["sha"].as_str().unwrap();
        let v = app
            .get_json(&t, &format!("/csapi/v1.3/images/{sha}/vuln?pageSize=1000"))
            .await;
        for f in v["details"].as_array().unwrap() {
            expected.insert((
                sha.to_string(),
                f["qid"].as_i64().unwrap().to_string(),
                f["severity"].as_i64().unwrap().to_string(),
                f["title"].as_str().unwrap().to_string(),
            ));
        }
    }
    let got: BTreeSet<_> = rows
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()))
        .collect();
    assert_eq!(got.len(), rows.len(), "one row per image and QID");
    assert_eq!(got, expected);

    // Images and containers: one row per record the list answers.
    let uuid = generated(
        &app,
        &t,
        json!({"name": "Images", "templateName": "CS_Images", "filter": filter,
               "displayColumns": ["sha", "severity5Count"]}),
    )
    .await;
    let (_, rows) = parse_csv(&download(&app, &t, &uuid).await.1);
    let got: BTreeSet<(String, String)> = rows
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = images
        .iter()
        .map(|i| {
            (
                i["sha"].as_str().unwrap().to_string(),
                i["vulnerabilities"]["severity5Count"].to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected);

    let cfilter = "state:RUNNING and vulnerabilities.severity:5";
    let uuid = generated(
        &app,
        &t,
        json!({"name": "Running", "templateName": "CS_Containers", "filter": cfilter,
               "displayColumns": ["containerId", "state", "hostName"], "fileFormat": "json"}),
    )
    .await;
    let (headers, bytes) = download(&app, &t, &uuid).await;
    assert_eq!(headers["content-type"], "application/json");
    let rows: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
    let containers = all(&app, &t, "/csapi/v1.3/containers", cfilter).await;
    assert!(!containers.is_empty());
    let got: BTreeSet<String> = rows
        .iter()
        .map(|r| {
            assert_eq!(r["state"], "RUNNING");
            r["containerId"].as_str().unwrap().to_string()
        })
        .collect();
    let expected: BTreeSet<String> = containers
        .iter()
        .map(|c| c["containerId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, expected);

    // Container vulnerabilities: each container's rows are its image's findings.
    let one = containers[0]["sha"].as_str().unwrap();
    let one_filter = format!("sha:{one}");
    let uuid = generated(
        &app,
        &t,
        json!({"name": "One container", "templateName": "CS_CONTAINER_VULNERABILITY",
               "filter": one_filter, "displayColumns": ["containerId", "qid", "imageId"], "compression": "gzip"}),
    )
    .await;
    let (headers, gz) = download(&app, &t, &uuid).await;
    assert_eq!(headers["content-type"], "application/gzip");
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut bytes)
        .unwrap();
    let (_, rows) = parse_csv(&bytes);
    let v = app
        .get_json(
            &t,
            &format!("/csapi/v1.3/containers/{one}/vuln?pageSize=1000"),
        )
        .await;
    let expected: BTreeSet<String> = v["details"]["vulns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["qid"].to_string())
        .collect();
    let got: BTreeSet<String> = rows.iter().map(|r| r[1].clone()).collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    assert!(rows
        .iter()
        .all(|r| r[0] == containers[0]["containerId"].as_str().unwrap()));

    // The list: sorted newest first, with extensions on request.
    let list = app
        .get_json(&t, "/csapi/v1.3/reports?include=extensions")
        .await;
    assert_eq!(list["count"], 4);
    assert_eq!(list["data"][0]["reportName"], "One container");
    assert_eq!(list["data"][0]["reportType"], "ON_DEMAND");
    assert!(list["data"][0]["rows"].as_u64().unwrap() > 0);
    let plain = app.get_json(&t, "/csapi/v1.3/reports").await;
    assert!(
        plain["data"][0].get("rows").is_none(),
        "extensions are opt-in"
    );
    let named = app
        .get_json(
            &t,
            &format!(
                "/csapi/v1.3/reports?filter={}",
                enc("report.name:Running and status:GENERATED")
            ),
        )
        .await;
    assert_eq!(named["count"], 1);
    assert_eq!(named["data"][0]["templateName"], "CS_Containers");

    // The count the console shows while a report is being asked for is the rows it then has,
    // for every template (secrets and malware over the whole fleet).
    // (The demo fleet has neither: one image gets two malware findings, and a scanned image
    // comes with two secrets.)
    let sha = images[0]["sha"].as_str().unwrap();
    let mut trivy: Value = serde_json::from_slice(
        &std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/trivy/debian-buster.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let secret = |rule: &str, line: i64| {
        json!({"RuleID": rule, "Category": "Generic", "Severity": "HIGH", "Title": rule,
               "StartLine": line, "EndLine": line, "Match": "token=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"})
    };
    trivy["Results"].as_array_mut().unwrap().push(json!({
        "Target": "/srv/app/.env", "Class": "secret",
        "Secrets": [secret("github-pat", 1), secret("generic-api-key", 9)]}));
    let res = send(
        &app,
        &t,
        reqwest::Method::POST,
        "/csapi/v1.3/images/import",
        Some(trivy),
    )
    .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let malware = json!({"schema": "shipshape-malware/1", "image": format!("sha256:{sha}"),
        "findings": [{"name": "EICAR-Test-File", "category": "test-file", "severity": "HIGH", "file": "/tmp/eicar.com"},
                     {"name": "Linux.Miner", "category": "miner", "severity": "CRITICAL", "file": "/usr/bin/xmr"}]});
    let res = send(
        &app,
        &t,
        reqwest::Method::POST,
        "/csapi/v1.3/images/import",
        Some(malware),
    )
    .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    for template in ["CS_IMAGE_SECRETS", "CS_IMAGE_MALWARE"] {
        generated(
            &app,
            &t,
            json!({"name": template, "templateName": template, "displayColumns": []}),
        )
        .await;
    }
    let list = app
        .get_json(&t, "/csapi/v1.3/reports?include=extensions")
        .await;
    assert_eq!(list["count"], 6);
    for r in list["data"].as_array().unwrap() {
        let path = format!(
            "/csapi/v1.3/reports/count?templateName={}&filter={}",
            r["templateName"].as_str().unwrap(),
            enc(r["filter"].as_str().unwrap())
        );
        let c = app.get_json(&t, &path).await;
        assert_eq!(c["count"], r["rows"], "{r}");
        assert!(r["rows"].as_u64().unwrap() > 0, "{r}");
    }
    for (query, field) in [
        ("templateName=CS_NOPE", "templateName"),
        ("filter=os:x", "templateName"),
    ] {
        let e = assert_error(
            app.get(&t, &format!("/csapi/v1.3/reports/count?{query}"))
                .await,
            400,
        )
        .await;
        assert_eq!(e["details"][0]["field"], field, "{e}");
    }
    let res = app
        .get(
            &t,
            &format!(
                "/csapi/v1.3/reports/count?templateName=CS_Images&filter={}",
                enc("size >")
            ),
        )
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn csv_parses_back_and_formula_like_text_is_defused_in_every_packing() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    // A report whose title and package start like spreadsheet formulas.
    let mut report: Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/trivy/alpine-310.json"
        ))
        .unwrap(),
    )
    .unwrap();
    report["Results"][0]["Vulnerabilities"][0]["Title"] =
        json!("=HYPERLINK(\"http://x\",\"click\")");
    report["Results"][0]["Vulnerabilities"][0]["PkgName"] = json!("@evil, \"pkg\"");
    let res = app
        .client
        .post(app.url("/csapi/v1.3/images/import"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&report).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let body = |compression: &str| {
        json!({"name": "Formulas", "templateName": "CS_IMAGE_VULNERABILITY",
               "displayColumns": ["title", "software", "qid"], "compression": compression})
    };
    let mut files = Vec::new();
    for packing in ["none", "gzip", "zip"] {
        let uuid = generated(&app, &admin, body(packing)).await;
        let (_, bytes) = download(&app, &admin, &uuid).await;
        let plain = match packing {
            "gzip" => {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }
            "zip" => {
                let plain = unzip_one(&bytes);
                // And as a real unzip reads it (Python's zipfile checks the CRC and sizes).
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("r.zip");
                std::fs::write(&path, &bytes).unwrap();
                let out = std::process::Command::new("python3")
                    .args(["-c", "import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nassert z.namelist()==['Formulas.csv'], z.namelist()\nsys.stdout.buffer.write(z.read('Formulas.csv'))"])
                    .arg(&path)
                    .output()
                    .expect("python3");
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_eq!(out.stdout, plain);
                plain
            }
            _ => bytes,
        };
        files.push(plain);
    }
    assert_eq!(files[0], files[1]);
    assert_eq!(files[0], files[2]);
    let (header, rows) = parse_csv(&files[0]);
    assert_eq!(header, ["title", "software", "qid"]);
    let sha = "961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4";
    let api = app
        .get_json(&admin, &format!("/csapi/v1.3/images/{sha}/vuln"))
        .await;
    assert_eq!(
        rows.len(),
        api["details"].as_array().unwrap().len(),
        "a row per finding"
    );
    let hyper = rows
        .iter()
        .find(|r| r[0].contains("HYPERLINK"))
        .expect("the formula-like title");
    assert_eq!(hyper[0], "'=HYPERLINK(\"http://x\",\"click\")");
    assert!(hyper[1].starts_with("'@evil, \"pkg\""), "{hyper:?}");
    assert!(rows.iter().all(|r| r[2].parse::<i64>().is_ok()));
}

/// The one file of a zip, found through its central directory, inflated.
fn unzip_one(zip: &[u8]) -> Vec<u8> {
    let eocd = zip.len() - 22;
    assert_eq!(&zip[eocd..eocd + 4], b"PK\x05\x06");
    let at = u32::from_le_bytes(zip[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let c = &zip[at..];
    let compressed = u32::from_le_bytes(c[20..24].try_into().unwrap()) as usize;
    let offset = u32::from_le_bytes(c[42..46].try_into().unwrap()) as usize;
    let name = u16::from_le_bytes(zip[offset + 26..offset + 28].try_into().unwrap()) as usize;
    let data = &zip[offset + 30 + name..offset + 30 + name + compressed];
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn bad_report_requests_get_a_400_naming_the_field_and_roles_are_enforced() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let viewer = app.user_token("viewer", Role::Viewer).await;
    for (body, field) in [
        (json!({"name": "", "templateName": "CS_Images"}), "name"),
        (
            json!({"name": "x".repeat(151), "templateName": "CS_Images"}),
            "name",
        ),
        (
            json!({"name": "r", "description": "d".repeat(251), "templateName": "CS_Images"}),
            "description",
        ),
        (
            json!({"name": "r", "templateName": "CS_NOPE"}),
            "templateName",
        ),
        (
            json!({"name": "r", "templateName": "CS_Images", "displayColumns": ["sha", "nope"]}),
            "displayColumns[1]",
        ),
        (
            json!({"name": "r", "templateName": "CS_Images", "expireAfter": 3}),
            "expireAfter",
        ),
        (json!({"name": 5, "templateName": "CS_Images"}), "name"),
    ] {
        let v = assert_error(create(&app, &admin, body.clone()).await, 400).await;
        assert!(v.to_string().contains(field), "{body} → {v}");
    }
    let v = assert_error(
        create(
            &app,
            &admin,
            json!({"name": "r", "templateName": "CS_Images", "filter": "state:"}),
        )
        .await,
        400,
    )
    .await;
    assert!(v["message"].is_string(), "{v}");
    assert_error(
        create(
            &app,
            &viewer,
            json!({"name": "r", "templateName": "CS_Images"}),
        )
        .await,
        403,
    )
    .await;
    let res = app
        .client
        .post(app.url("/csapi/v1.3/reports"))
        .json(&json!({"name": "r", "templateName": "CS_Images"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    for q in [
        "pageSize=0",
        "pageSize=abc",
        "pageNumber=-1",
        "sort=size:desc",
        "filter=owner:me",
        "filter=status:DONE",
    ] {
        assert_error(
            app.get(&viewer, &format!("/csapi/v1.3/reports?{q}")).await,
            400,
        )
        .await;
    }
    assert_error(
        app.get(&viewer, "/csapi/v1.3/reports/no-such-report/download")
            .await,
        404,
    )
    .await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM reports").await,
        0,
        "nothing stored"
    );
}

#[tokio::test]
async fn deleted_and_expired_reports_lose_their_files() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let keep = generated(
        &app,
        &admin,
        json!({"name": "Keep", "templateName": "CS_Images", "displayColumns": []}),
    )
    .await;
    let (_, bytes) = download(&app, &admin, &keep).await;
    let (header, rows) = parse_csv(&bytes);
    assert_eq!(
        header,
        shipshape_model::report::Template::Images.default_columns(),
        "an empty list asks for the defaults"
    );
    assert_eq!(
        rows.len() as i64,
        app.scalar("SELECT count(*) FROM images").await
    );
    let gone = generated(
        &app,
        &admin,
        json!({"name": "Gone", "templateName": "CS_Images"}),
    )
    .await;
    let res = app
        .client
        .delete(app.url(&format!("/csapi/v1.3/reports?reportUuids={gone},nope")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["data"], json!([gone]));
    assert_error(
        app.get(&admin, &format!("/csapi/v1.3/reports/{gone}/download"))
            .await,
        404,
    )
    .await;
    // Time is up for the other: the sweep expires it and deletes its file.
    app.exec(&format!(
        "UPDATE reports SET expires = 1 WHERE uuid = '{keep}'"
    ))
    .await;
    app.state.jobs.sweep().await;
    let list = app.get_json(&admin, "/csapi/v1.3/reports").await;
    assert_eq!(list["data"][0]["status"], "EXPIRED");
    assert_error(
        app.get(&admin, &format!("/csapi/v1.3/reports/{keep}/download"))
            .await,
        404,
    )
    .await;
    assert_eq!(app.scalar("SELECT count(*) FROM report_chunks").await, 0);
}

async fn send(
    app: &TestApp,
    t: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(t);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

pub fn weekly(days: &[&str]) -> Value {
    json!({"name": "Weekly criticals", "templateName": "CS_IMAGE_VULNERABILITY",
           "filter": "vulnerabilities.severity:5", "displayColumns": [], "expireAfter": 7,
           "eventTime": "2030-01-07T09:00:00Z", "action": "CREATE", "zip": false,
           "reportScheduleDetails": {"recurrenceType": "WEEKLY", "selectedDayOfWeeks": days}})
}

#[tokio::test]
async fn schedules_show_their_next_run_pause_resume_and_make_reports_when_due() {
    let app = spawn_app().await;
    let t = app.user_token("ops", Role::Operator).await;
    let res = send(
        &app,
        &t,
        reqwest::Method::POST,
        "/csapi/v1.3/reports/schedule",
        Some(weekly(&["THURSDAY", "MONDAY"])),
    )
    .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let id: String = res.json().await.unwrap();
    let path = format!("/csapi/v1.3/reports/schedule/{id}");
    let s = app.get_json(&t, &path).await;
    assert_eq!(s["status"], "ACTIVE");
    assert_eq!(s["nextRun"], "2030-01-07T09:00:00Z", "{s}");
    assert_eq!(s["timeZone"], "UTC");
    // Changed to Tuesdays only: the next run follows.
    let res = send(
        &app,
        &t,
        reqwest::Method::PUT,
        &path,
        Some(weekly(&["TUESDAY"])),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let s: Value = res.json().await.unwrap();
    assert_eq!(s["nextRun"], "2030-01-08T09:00:00Z");
    // Paused: no next run; resumed: back.
    let s: Value = send(
        &app,
        &t,
        reqwest::Method::POST,
        &format!("{path}/pause"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(s["status"], "PAUSED");
    assert_eq!(s["nextRun"], Value::Null);
    let s: Value = send(
        &app,
        &t,
        reqwest::Method::POST,
        &format!("{path}/resume"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(s["status"], "ACTIVE");
    assert_eq!(s["nextRun"], "2030-01-08T09:00:00Z");

    // Its run comes (here: the run is moved into the past): the sweep makes one SCHEDULED
    // report, the schedule moves on to its following run, and a second sweep makes no other.
    app.exec(&format!(
        "UPDATE report_schedules SET next_run = 1 WHERE id = '{id}'"
    ))
    .await;
    app.state.jobs.sweep().await;
    app.state.jobs.sweep().await;
    let list = app.get_json(&t, "/csapi/v1.3/reports").await;
    assert_eq!(list["count"], 1, "{list}");
    assert_eq!(list["data"][0]["reportType"], "SCHEDULED");
    assert_eq!(list["data"][0]["reportName"], "Weekly criticals");
    let s = app.get_json(&t, &path).await;
    assert_eq!(s["nextRun"], "2030-01-08T09:00:00Z");
    assert!(s["lastRun"].is_string());
    let uuid = list["data"][0]["reportUuid"].as_str().unwrap().to_string();
    wait_generated(&app, &t, &uuid).await;
    let (_, bytes) = download(&app, &t, &uuid).await;
    let (header, rows) = parse_csv(&bytes);
    assert_eq!(
        header,
        shipshape_model::report::Template::ImageVulnerability.default_columns()
    );
    assert!(!rows.is_empty());

    // Run now: one more SCHEDULED report at once, with the same rows; the next run stays.
    let res = send(
        &app,
        &t,
        reqwest::Method::POST,
        &format!("{path}/run"),
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    let now_uuid: String = res.json().await.unwrap();
    assert_ne!(now_uuid, uuid);
    let list = app.get_json(&t, "/csapi/v1.3/reports").await;
    assert_eq!(list["count"], 2, "{list}");
    assert_eq!(list["data"][0]["reportUuid"], now_uuid.as_str());
    assert_eq!(list["data"][0]["reportType"], "SCHEDULED");
    assert_eq!(
        app.get_json(&t, &path).await["nextRun"],
        "2030-01-08T09:00:00Z"
    );
    wait_generated(&app, &t, &now_uuid).await;
    assert_eq!(download(&app, &t, &now_uuid).await.1, bytes);
    let viewer = app.user_token("vic", Role::Viewer).await;
    let res = send(
        &app,
        &viewer,
        reqwest::Method::POST,
        &format!("{path}/run"),
        None,
    )
    .await;
    assert_eq!(res.status(), 403);
    let res = send(
        &app,
        &t,
        reqwest::Method::POST,
        "/csapi/v1.3/reports/schedule/no-such-schedule/run",
        None,
    )
    .await;
    assert_eq!(res.status(), 404);

    // A one-shot in the past has no run left.
    let mut once = weekly(&[]);
    once["reportScheduleDetails"] = Value::Null;
    once["eventTime"] = json!("2020-01-01T00:00:00Z");
    let res = send(
        &app,
        &t,
        reqwest::Method::POST,
        "/csapi/v1.3/reports/schedule",
        Some(once),
    )
    .await;
    let once_id: String = res.json().await.unwrap();
    let s = app
        .get_json(&t, &format!("/csapi/v1.3/reports/schedule/{once_id}"))
        .await;
    assert_eq!(s["status"], "ENDED");
    let all = app.get_json(&t, "/csapi/v1.3/reports/schedule").await;
    assert_eq!(all["count"], 2);
    let res = send(&app, &t, reqwest::Method::DELETE, &path, None).await;
    assert_eq!(res.status(), 204);
    assert_error(app.get(&t, &path).await, 404).await;
}

#[tokio::test]
async fn bad_schedules_get_a_400_naming_the_field() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let viewer = app.user_token("viewer", Role::Viewer).await;
    let with = |k: &str, v: Value| {
        let mut b = weekly(&["MONDAY"]);
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("expireAfter", json!(2)), "expireAfter"),
        (with("eventTime", json!("next monday")), "eventTime"),
        (
            with("eventEndTime", json!("2029-01-01T00:00:00Z")),
            "eventEndTime",
        ),
        (with("timeZone", json!("Mars/Olympus")), "timeZone"),
        (
            with("reportScheduleDetails", json!({"recurrenceType": "HOURLY"})),
            "recurrenceType",
        ),
        (
            with(
                "reportScheduleDetails",
                json!({"recurrenceType": "WEEKLY", "selectedDayOfWeeks": []}),
            ),
            "selectedDayOfWeeks",
        ),
        (
            with(
                "reportScheduleDetails",
                json!({"recurrenceType": "WEEKLY", "selectedDayOfWeeks": ["MONDAY", "FUNDAY"]}),
            ),
            "selectedDayOfWeeks[1]",
        ),
        (with("templateName", json!("CS_NOPE")), "templateName"),
        (with("expireAfter", json!("seven")), "expireAfter"),
    ] {
        let res = send(
            &app,
            &admin,
            reqwest::Method::POST,
            "/csapi/v1.3/reports/schedule",
            Some(body.clone()),
        )
        .await;
        let v = assert_error(res, 400).await;
        assert!(v.to_string().contains(field), "{body} → {v}");
    }
    let res = send(
        &app,
        &viewer,
        reqwest::Method::POST,
        "/csapi/v1.3/reports/schedule",
        Some(weekly(&["MONDAY"])),
    )
    .await;
    assert_error(res, 403).await;
    let res = send(
        &app,
        &admin,
        reqwest::Method::PUT,
        "/csapi/v1.3/reports/schedule/nope",
        Some(weekly(&["MONDAY"])),
    )
    .await;
    assert_error(res, 404).await;
    assert_eq!(app.scalar("SELECT count(*) FROM report_schedules").await, 0);
}

/// `GET /reports?filter=createdAt…` compares the report's creation time with a date written
/// as QQL writes dates (ISO-8601, epoch ms, `now-1d`), with `>`, `>=`, `<`, `<=`, `=` and an
/// inclusive `[lo .. hi]`, alone or with the other clauses; the answer is compared with the
/// same question asked of the known creation times. A value that is not a date, an empty range
/// or a comparison on another field gets a 400 naming the filter and saying what is wrong.
#[tokio::test]
async fn the_reports_list_filters_on_created_at_like_qql_dates() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    const NEW_YEAR: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    const MARCH: i64 = 1_772_323_200_000; // 2026-03-01T00:00:00Z
    let now = shipshape_server::store::now_ms();
    let mut made = Vec::new();
    for (name, created) in [
        ("a", Some(NEW_YEAR - 1)),
        ("b", Some(NEW_YEAR)),
        ("c", Some(MARCH)),
        ("d", None),
    ] {
        let res = create(
            &app,
            &admin,
            json!({"name": name, "templateName": "CS_Images"}),
        )
        .await;
        assert_eq!(res.status(), 201);
        let uuid: String = res.json().await.unwrap();
        let created = match created {
            Some(ms) => {
                app.exec(&format!(
                    "UPDATE reports SET created = {ms} WHERE uuid = '{uuid}'"
                ))
                .await;
                ms
            }
            None => {
                app.scalar(&format!(
                    "SELECT created FROM reports WHERE uuid = '{uuid}'"
                ))
                .await
            }
        };
        made.push((uuid, name, created));
    }
    type Wanted = fn(&str, i64, i64) -> bool;
    let cases: [(&str, Wanted); 10] = [
        ("createdAt>2026-01-01", |_, c, _| c > NEW_YEAR),
        ("createdAt>=2026-01-01", |_, c, _| c >= NEW_YEAR),
        ("createdAt<2026-01-01", |_, c, _| c < NEW_YEAR),
        ("createdAt <= 2026-01-01T00:00:00Z", |_, c, _| c <= NEW_YEAR),
        ("createdAt=1767225600000", |_, c, _| c == NEW_YEAR),
        ("createdAt:[2026-01-01 .. 2026-03-01]", |_, c, _| {
            (NEW_YEAR..=MARCH).contains(&c)
        }),
        ("createdAt>now-1d", |_, c, now| c > now - 86_400_000),
        ("createdAt>2025-12-01 and createdAt<now-1d", |_, c, now| {
            c > 1_764_547_200_000 && c < now - 86_400_000
        }),
        ("report.name:c and createdAt>=2026-03-01", |n, c, _| {
            n == "c" && c >= MARCH
        }),
        (
            "createdAt>2026-03-01 and templateName:CS_Images",
            |_, c, _| c > MARCH,
        ),
    ];
    for (filter, wanted) in cases {
        let list = app
            .get_json(
                &admin,
                &format!("/csapi/v1.3/reports?pageSize=100&filter={}", enc(filter)),
            )
            .await;
        let got: BTreeSet<String> = list["data"]
            .as_array()
            .unwrap_or_else(|| panic!("{filter}: {list}"))
            .iter()
            .map(|r| r["reportName"].as_str().unwrap().to_string())
            .collect();
        let expected: BTreeSet<String> = made
            .iter()
            .filter(|(_, n, c)| wanted(n, *c, now))
            .map(|(_, n, _)| n.to_string())
            .collect();
        assert_eq!(got, expected, "{filter}");
        assert_eq!(list["count"], expected.len(), "{filter}");
    }
    for (filter, names) in [
        ("createdAt>yesterday", "createdAt"),
        ("createdAt>2026-02-30", "day 30 does not exist"),
        ("createdAt:[2026-03-01 .. 2026-01-01]", "createdAt"),
        ("createdAt>", "a date is missing"),
        ("createdAt:[2026-01-01 ..]", "createdAt"),
        ("status>GENERATED", "only createdAt takes"),
    ] {
        let v = assert_error(
            app.get(
                &admin,
                &format!("/csapi/v1.3/reports?filter={}", enc(filter)),
            )
            .await,
            400,
        )
        .await;
        assert_eq!(v["details"][0]["field"], "filter", "{filter}: {v}");
        let why = v["details"][0]["message"].as_str().unwrap();
        assert!(why.contains(names), "{filter}: {why}");
    }
}
