//! Real data in (issue 12), as a person does it: an operator imports a Trivy report from the
//! Images tab and finds its CVE through the search bar; the image's detail shows the secrets
//! the report found by where they are, never their text. An admin makes an activation key (shown
//! once), a sensor registers with it and reports an image, and the sensor's detail shows the
//! scan it is due and its last event.

use shipshape_e2e::*;
use thirtyfour::prelude::*;

const SECRET: &str = "AKIAIOSFODNN7SHIPSHAPEwJalrXUtnFEMIK7MDENG";

/// alpine-39's Trivy report with a secret added (its `Match` holds the secret's text).
fn report_with_a_secret(dir: &std::path::Path) -> anyhow::Result<(std::path::PathBuf, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/server/tests/fixtures/trivy/alpine-39.json");
    let mut report: serde_json::Value = serde_json::from_slice(&std::fs::read(path)?)?;
    let sha = report["Metadata"]["ImageID"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("sha256:")
        .to_string();
    report["Results"]
        .as_array_mut()
        .expect("results")
        .push(serde_json::json!({
            "Target": "/etc/app/credentials", "Class": "secret",
            "Secrets": [{"RuleID": "aws-access-key-id", "Category": "AWS", "Severity": "CRITICAL",
                         "Title": "AWS Access Key ID", "StartLine": 7, "EndLine": 7,
                         "Match": format!("aws_access_key_id = {SECRET}")}]}));
    let file = dir.join("alpine-39-trivy.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&report)?)?;
    Ok((file, sha))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_report_is_searchable_and_its_secrets_show_without_their_text(
) -> anyhow::Result<()> {
    let app = App::start().await?;
    app.add_user("olga", "operator", "olga-password-123")
        .await?;
    let token = app.token("olga", "olga-password-123").await?;
    let dir = tempfile::tempdir()?;
    let (file, sha) = report_with_a_secret(dir.path())?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/images", "olga", "olga-password-123").await?;
    table_keys(d).await?;

    wait_for(d, "[data-testid=import-report]")
        .await?
        .click()
        .await?;
    let input = wait_for(d, "[data-testid=report-file]").await?;
    input.send_keys(file.display().to_string()).await?;
    // The request the Import button sends is on show, ready to copy.
    let request = wait_for(d, "[data-testid=import-request]").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while request.attr("disabled").await?.is_some() {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the file was never read"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    request.click().await?;
    let snippet = wait_text(d, "[data-testid=snippet]", |t| t.contains("/images/import")).await?;
    assert!(
        snippet.contains("CVE-2019-14697"),
        "the exact body is shown"
    );
    wait_for(d, "[data-testid=import-send]")
        .await?
        .click()
        .await?;
    let done = wait_text(d, "[data-testid=import-done]", |t| !t.is_empty()).await?;
    assert!(
        done.contains("trivy report of image 055936d39205"),
        "{done}"
    );
    assert!(
        done.contains("6 findings") && done.contains("1 secrets"),
        "{done}"
    );

    // Its CVE through the search bar: the rows are the API's for the same filter.
    let q = wait_for(d, "[data-testid=qql-input]").await?;
    q.click().await?;
    q.send_keys("vulnerabilities.cveids:CVE-2019-14697").await?;
    q.send_keys(Key::Escape).await?;
    q.send_keys(Key::Enter).await?;
    wait_url(d, |u| u.contains("CVE-2019-14697")).await?;
    let api = app
        .api_get(
            &token,
            "/csapi/v1.3/images?filter=vulnerabilities.cveids%3ACVE-2019-14697&sort=created%3Adesc&pageSize=50",
        )
        .await?;
    let want: Vec<String> = api["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["sha"].as_str().map(str::to_string))
        .collect();
    assert!(want.contains(&sha), "{api}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let shown = table_keys(d).await?;
        if shown == want {
            break;
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "table {shown:?}, API {want:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // The detail: the secret by rule and place, never its text.
    d.goto(format!("{}/images/{sha}", app.url)).await?;
    let row = wait_for(d, "[data-testid=secret-row]").await?;
    let text = text_content(&row).await?;
    assert!(
        text.contains("AWS Access Key ID") && text.contains("/etc/app/credentials:7"),
        "{text}"
    );
    let page = d.source().await?;
    assert!(
        !page.contains(SECRET) && !page.contains("AKIA"),
        "the secret's text is on the page"
    );
    wait_for(d, "[data-testid=malware-none]").await?;
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_activation_key_registers_a_sensor_whose_detail_shows_due_work() -> anyhow::Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/settings/keys", "admin", ADMIN_PASSWORD).await?;
    let name = wait_for(d, "[data-testid=key-name]").await?;
    name.send_keys("Build hosts").await?;
    wait_for(d, "[data-testid=make-key]").await?.click().await?;
    let key = wait_text(d, "[data-testid=key-secret]", |t| t.starts_with("ssk_")).await?;
    let row = wait_for(d, "[data-testid=key-row]").await?;
    assert!(text_content(&row).await?.contains("Build hosts"));
    let listed = d.source().await?;
    wait_for(d, "[data-testid=key-done]").await?.click().await?;
    wait_gone(d, "[data-testid=key-made]").await?;
    assert!(listed.contains(&key), "shown once, right after it was made");
    let body = d.find(By::Css("body")).await?.text().await?;
    assert!(!body.contains(&key), "and not again");

    // A sensor registers with it and reports a pulled image.
    let http = reqwest::Client::new();
    let reg: serde_json::Value = http
        .post(format!("{}/sensorapi/v1/register", app.url))
        .json(&serde_json::json!({"activationKey": key,
            "sensor": {"hostname": "build-77", "sensorVersion": "1.31.0"}}))
        .send()
        .await?
        .json()
        .await?;
    let uuid = reg["sensorUuid"].as_str().unwrap_or_default().to_string();
    let cred = reg["credential"].as_str().unwrap_or_default().to_string();
    let image = "ab".repeat(32);
    let res = http
        .post(format!("{}/sensorapi/v1/events", app.url))
        .bearer_auth(&cred)
        .json(
            &serde_json::json!({"events": [{"type": "image", "action": "pull",
            "image": {"sha": image, "repoTags": ["registry.acme.io/build/runner:7"]}}]}),
        )
        .send()
        .await?;
    assert_eq!(res.status(), 200);

    d.goto(format!("{}/sensors/{uuid}", app.url)).await?;
    let due = wait_text(d, "[data-testid=due-summary]", |t| !t.is_empty()).await?;
    assert!(
        due.contains("1 images and 0 running containers are due"),
        "{due}"
    );
    let event = wait_for(d, "[data-testid=sensor-event]").await?;
    let text = text_content(&event).await?;
    assert!(
        text.contains("pull") && text.contains(&image[..12]),
        "{text}"
    );

    // Revoked, the key registers nothing more.
    d.goto(format!("{}/settings/keys", app.url)).await?;
    wait_for(d, "[data-testid=revoke-key]")
        .await?
        .click()
        .await?;
    wait_gone(d, "[data-testid=revoke-key]").await?;
    let res = http
        .post(format!("{}/sensorapi/v1/register", app.url))
        .json(&serde_json::json!({"activationKey": key,
            "sensor": {"hostname": "build-78", "sensorVersion": "1.31.0"}}))
        .send()
        .await?;
    assert_eq!(res.status(), 401);
    browser.quit().await
}
