//! Reports as an operator makes them: from an Images filter ("Report on this filter") to a
//! generated report whose downloaded file holds the API's findings for that filter; a weekly
//! schedule whose next run the list shows (in the user's zone and in UTC), run at once.

use anyhow::{bail, Context, Result};
use serde_json::Value;
use shipshape_e2e::*;
use shipshape_model::report::Template;
use shipshape_model::request::percent_encode;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

const FILTER: &str = "vulnerabilities.severity:5 and operatingSystem:Ubuntu*";

/// Waits for a report row whose status is `status`; returns the row.
async fn wait_status(d: &WebDriver, name: &str, status: &str) -> Result<WebElement> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        for row in d.find_all(By::Css("[data-testid=report-row]")).await? {
            let text = text_content(&row).await.unwrap_or_default();
            if !text.contains(name) {
                continue;
            }
            let badge = row.find(By::Css("[data-testid=report-status]")).await?;
            if badge.attr("data-status").await?.as_deref() == Some(status) {
                return Ok(row);
            }
        }
        if Instant::now() > deadline {
            bail!("no report “{name}” reached {status}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_on_an_images_filter_is_generated_and_downloads_the_apis_findings() -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let downloads = tempfile::tempdir()?;
    let browser = Browser::start_with_downloads(downloads.path()).await?;
    let d = &browser.driver;
    sign_in_at(
        d,
        &app,
        &format!("/images?filter={}", percent_encode(FILTER)),
        "admin",
        ADMIN_PASSWORD,
    )
    .await?;
    wait_for(d, "[data-testid=report-on-filter]")
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=new-report]").await?;
    // Prefilled: the findings template, the Images filter, and the rows it would have now
    // (the same count the API gives).
    let template = d.find(By::Css("[data-testid=report-template]")).await?;
    assert_eq!(
        template.prop("value").await?.as_deref(),
        Some("CS_IMAGE_VULNERABILITY")
    );
    let input = d
        .find(By::Css("[data-testid=new-report] [data-testid=qql-input]"))
        .await?;
    assert_eq!(input.prop("value").await?.as_deref(), Some(FILTER));
    let count = app
        .api_get(
            &token,
            &format!(
                "/csapi/v1.3/reports/count?templateName=CS_IMAGE_VULNERABILITY&filter={}",
                percent_encode(FILTER)
            ),
        )
        .await?["count"]
        .as_u64()
        .context("count")?;
    assert!(count > 0);
    wait_text(d, "[data-testid=report-count]", |t| {
        t == format!("{} rows now", thousands(count))
    })
    .await?;
    // The count follows the filter as it is typed (no Enter): narrower, fewer rows.
    input.send_keys(" and repo.tag:latest").await?;
    wait_text(d, "[data-testid=report-count]", |t| {
        t.ends_with("rows now") && t != format!("{} rows now", thousands(count))
    })
    .await?;
    for _ in 0.." and repo.tag:latest".len() {
        input.send_keys(Key::Backspace).await?;
    }
    wait_text(d, "[data-testid=report-count]", |t| {
        t == format!("{} rows now", thousands(count))
    })
    .await?;

    let name = d.find(By::Css("[data-testid=report-name]")).await?;
    name.clear().await?;
    name.send_keys("Ubuntu criticals").await?;
    d.find(By::Css("[data-testid=create-report]"))
        .await?
        .click()
        .await?;
    let row = wait_status(d, "Ubuntu criticals", "GENERATED").await?;
    let rows_cell = row.find(By::Css("[data-testid=report-rows]")).await?;
    assert_eq!(text_content(&rows_cell).await?, thousands(count));
    row.find(By::Css("[data-testid=download-report]"))
        .await?
        .click()
        .await?;
    let file = downloads.path().join("Ubuntu_criticals.csv");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !file.exists() {
        if Instant::now() > deadline {
            bail!("no download in {}", downloads.path().display());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Read back with a CSV parser: the default columns, one row per finding, and exactly
    // the images the Images list answers for the filter.
    let mut reader = csv::Reader::from_path(&file)?;
    let header: Vec<String> = reader.headers()?.iter().map(str::to_string).collect();
    assert_eq!(
        header,
        Template::ImageVulnerability.default_columns().to_vec()
    );
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(records.len() as u64, count);
    let listed: Value = app
        .api_get(
            &token,
            &format!(
                "/csapi/v1.3/images?filter={}&pageSize=1000",
                percent_encode(FILTER)
            ),
        )
        .await?;
    let expected: BTreeSet<String> = listed["data"]
        .as_array()
        .context("images")?
        .iter()
        .map(|i| i["imageId"].as_str().unwrap_or_default().to_string())
        .collect();
    let got: BTreeSet<String> = records.iter().map(|r| r[1].to_string()).collect();
    assert_eq!(got, expected);
    browser.quit().await
}

/// Sets a `datetime-local` field the way typing would end (a locale-free value, then `input`).
async fn set_datetime(d: &WebDriver, css: &str, value: &str) -> Result<()> {
    d.execute(
        "const el = document.querySelector(arguments[0]); el.value = arguments[1]; \
         el.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![Value::from(css), Value::from(value)],
    )
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weekly_schedule_shows_its_next_run_and_runs_now() -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/reports", "admin", ADMIN_PASSWORD).await?;
    wait_for(d, "[data-testid=new-schedule-button]")
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=schedule-editor]").await?;
    d.find(By::Css("[data-testid=schedule-name]"))
        .await?
        .send_keys("Weekly criticals")
        .await?;
    d.find(By::Css("[data-testid=recurrence-weekly]"))
        .await?
        .click()
        .await?;
    // Mondays and Thursdays only.
    for day in [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ] {
        let b = d.find(By::Css(format!("[data-testid=day-{day}]"))).await?;
        let want = day == "monday" || day == "thursday";
        if b.is_selected().await? != want {
            b.click().await?;
        }
    }
    // 3 January 2030 is a Thursday: the first run is then, on the user's clock.
    set_datetime(d, "[data-testid=schedule-first]", "2030-01-03T09:00").await?;
    let hint = wait_text(d, "[data-testid=schedule-first-utc]", |t| t.contains("UTC")).await?;
    assert!(hint.contains("Thu"), "{hint}");
    d.find(By::Css("[data-testid=save-schedule]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=schedule-row]").await?;

    let list = app.api_get(&token, "/csapi/v1.3/reports/schedule").await?;
    let s = &list["data"][0];
    assert_eq!(list["count"], 1);
    assert_eq!(s["name"], "Weekly criticals");
    assert_eq!(
        s["reportScheduleDetails"]["selectedDayOfWeeks"],
        serde_json::json!(["MONDAY", "THURSDAY"])
    );
    assert_eq!(s["nextRun"], s["eventTime"], "{s}");
    // The UTC line of the next run is the API's next run; the hint said the same instant.
    let next = s["nextRun"].as_str().context("nextRun")?;
    let utc = format!("{} {} UTC", &next[0..10], &next[11..19]);
    assert!(hint.contains(&utc), "{hint} vs {utc}");
    wait_text(
        d,
        "[data-testid=schedule-row] [data-testid=utc-time]",
        |t| t == utc,
    )
    .await?;
    let recurrence =
        text_content(&d.find(By::Css("[data-testid=schedule-recurrence]")).await?).await?;
    assert!(recurrence.starts_with("Weekly on Mon, Thu"), "{recurrence}");

    // Run now: a scheduled report appears under Reports; the next run stays.
    d.find(By::Css("[data-testid=run-schedule]"))
        .await?
        .click()
        .await?;
    wait_text(d, "[data-testid=schedule-note]", |t| {
        t.contains("being made")
    })
    .await?;
    d.find(By::Css("[data-testid=tab-reports]"))
        .await?
        .click()
        .await?;
    let row = wait_status(d, "Weekly criticals", "GENERATED").await?;
    assert!(text_content(&row).await?.contains("scheduled"));
    let again = app.api_get(&token, "/csapi/v1.3/reports/schedule").await?;
    assert_eq!(again["data"][0]["nextRun"], s["nextRun"]);
    browser.quit().await
}
