//! The QQL search bar: completions, the error underline and message, Enter filtering the table
//! and the URL, and a saved search that is still there after a reload.

use shipshape_e2e::*;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_bar_completes_underlines_errors_filters_and_keeps_saved_searches(
) -> anyhow::Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/containers", "admin", ADMIN_PASSWORD).await?;
    table_keys(d).await?;

    // Typing a token and half a value offers the enum value.
    let input = wait_for(d, "[data-testid=qql-input]").await?;
    input.click().await?;
    input.send_keys("state:ru").await?;
    wait_for(d, "[data-testid=qql-completions]").await?;
    let mut labels = Vec::new();
    for o in d.find_all(By::Css("[data-testid=qql-option]")).await? {
        labels.push(o.text().await?);
    }
    assert!(labels.iter().any(|l| l.contains("RUNNING")), "{labels:?}");
    input.send_keys(Key::Down).await?;
    input.send_keys(Key::Enter).await?;
    assert_eq!(
        input.prop("value").await?.unwrap_or_default().trim_end(),
        "state:RUNNING"
    );

    // A misspelt token is underlined and explained; Enter does not search.
    input.send_keys(" and vulns.severity:5").await?;
    let underline = wait_for(d, "[data-testid=qql-underline]").await?;
    assert_eq!(text_content(&underline).await?, "vulns.severity");
    let message = wait_for(d, "[data-testid=qql-error]").await?.text().await?;
    assert!(
        message.contains("Did you mean 'vulnerabilities.severity'"),
        "{message}"
    );
    assert_eq!(input.attr("aria-invalid").await?.as_deref(), Some("true"));
    let before = d.current_url().await?.to_string();
    input.send_keys(Key::Enter).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        d.current_url().await?.to_string(),
        before,
        "an invalid query is not run"
    );

    // Fixed, Enter filters the table and puts the query in the URL.
    input.clear().await?;
    input.send_keys("state:RUNNING and isRoot:true").await?;
    wait_gone(d, "[data-testid=qql-error]").await?;
    input.send_keys(Key::Escape).await?;
    input.send_keys(Key::Enter).await?;
    let url = wait_url(d, |u| u.contains("filter=state")).await?;
    assert!(url.contains("isRoot"), "{url}");
    let shown = table_keys(d).await?;
    // The rows are the API's answer to the same filter in the console's default order (newest
    // first), row for row; and that answer is the filter's: every row matches it and it leaves
    // rows out, so a console that dropped the filter would show other rows.
    let api = app
        .api_get(
            &token,
            "/csapi/v1.3/containers?filter=state%3ARUNNING%20and%20isRoot%3Atrue\
             &sort=created:desc&pageNumber=1&pageSize=50",
        )
        .await?;
    let rows = api["data"].as_array().cloned().unwrap_or_default();
    let api_keys: Vec<String> = rows
        .iter()
        .map(|r| r["sha"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        !api_keys.is_empty(),
        "the demo fleet has running root containers"
    );
    assert_eq!(shown, api_keys, "the table shows the filtered rows");
    for r in &rows {
        assert!(
            r["state"] == "RUNNING" && r["isRoot"] == true,
            "a row the filter does not select: {r}"
        );
    }
    let fleet = app
        .api_get(&token, "/csapi/v1.3/containers?pageSize=1")
        .await?;
    assert!(
        api["count"].as_u64() < fleet["count"].as_u64(),
        "the filter leaves rows out: {} of {}",
        api["count"],
        fleet["count"]
    );

    // Saved under a name, it is listed again after a reload.
    wait_for(d, "[data-testid=qql-save]").await?.click().await?;
    let name = wait_for(d, "[data-testid=qql-save-name]").await?;
    name.send_keys("Running as root").await?;
    wait_for(d, "[data-testid=qql-save-confirm]")
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=qql-note]").await?;
    d.refresh().await?;
    table_keys(d).await?;
    let input = wait_for(d, "[data-testid=qql-input]").await?;
    input.clear().await?;
    wait_for(d, "[data-testid=qql-saved-toggle]")
        .await?
        .click()
        .await?;
    let saved = wait_for(d, "[data-testid=qql-saved-item]").await?;
    assert!(text_content(&saved).await?.contains("Running as root"));
    let stored = app
        .api_get(&token, "/csapi/v1.3/searches?entity=containers")
        .await?;
    assert_eq!(stored["saved"][0]["query"], "state:RUNNING and isRoot:true");
    assert!(
        stored["recent"].as_array().is_some_and(|r| !r.is_empty()),
        "the search was recorded as recent"
    );
    browser.quit().await
}
