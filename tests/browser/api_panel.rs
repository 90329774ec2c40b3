//! The "Show API request" panel: the curl snippet, copied with its Copy button and run in bash,
//! returns the rows the table shows.

use shipshape_e2e::*;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copied_curl_snippet_returns_the_rows_the_table_shows() -> anyhow::Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    let path = "/images?filter=vulnerabilities.severity%3A%5B4%20..%205%5D%20and%20not%20repo.tag%3A%22x%20%24y%22&sort=size:desc&pageNumber=2&pageSize=25";
    sign_in_at(d, &app, path, "admin", ADMIN_PASSWORD).await?;
    let keys = table_keys(d).await?;
    assert!(!keys.is_empty());

    d.find(By::Css("[data-testid=api-toggle]"))
        .await?
        .click()
        .await?;
    wait_url(d, |u| u.contains("request=open")).await?;
    wait_for(d, "[data-testid=api-panel]").await?;
    d.find(By::Css("[data-testid=lang-curl]"))
        .await?
        .click()
        .await?;
    let shown = wait_for(d, "[data-testid=snippet]").await?.text().await?;
    assert!(
        shown.contains("$SHIPSHAPE_TOKEN") || shown.contains("${SHIPSHAPE_TOKEN}"),
        "the token is masked: {shown}"
    );
    assert!(shown.contains(&app.url), "the URL is absolute: {shown}");
    assert!(shown.contains("include=extensions"), "{shown}");

    d.find(By::Css("[data-testid=api-panel] [data-testid=copy-button]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=copy-button]").await?;
    let copied = poll_copied(d).await?;
    assert_eq!(
        copied.trim_end(),
        shown.trim_end(),
        "the Copy button copies the snippet shown"
    );

    let out = tokio::process::Command::new("bash")
        .arg("-c")
        .arg(&copied)
        .env("SHIPSHAPE_TOKEN", &token)
        .output()
        .await?;
    assert!(
        out.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let api_keys: Vec<String> = body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("the snippet's answer: {body}"))
        .iter()
        .map(|r| {
            r["sha"]
                .as_str()
                .unwrap_or_else(|| panic!("a row without sha: {r}"))
                .to_string()
        })
        .collect();
    assert_eq!(
        api_keys, keys,
        "the snippet returns the rows the table shows"
    );

    // The language choice is remembered.
    d.find(By::Css("[data-testid=lang-python]"))
        .await?
        .click()
        .await?;
    d.refresh().await?;
    wait_for(d, "[data-testid=api-panel]").await?;
    let selected = d
        .find(By::Css("[data-testid=lang-python]"))
        .await?
        .attr("aria-selected")
        .await?;
    assert_eq!(selected.as_deref(), Some("true"));
    browser.quit().await
}

async fn poll_copied(d: &WebDriver) -> anyhow::Result<String> {
    for _ in 0..100 {
        let t = text_content(&d.find(By::Css("[data-testid=last-copied]")).await?).await?;
        if !t.is_empty() {
            return Ok(t);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    anyhow::bail!("nothing was copied")
}
