//! Settings as an administrator uses them: the retention policy with its live preview (the
//! same counts the API gives), the confirmation past a tenth of a kind, a save that survives a
//! reload and a stale save that is told so; the sensor release with its field check, raised
//! until every sensor shows Update available.

use anyhow::{Context, Result};
use serde_json::{json, Value};
use shipshape_e2e::*;
use thirtyfour::prelude::*;

const POLICY: &str = "/csapi/v1.3/settings/dataRetention";

/// The number a preview cell starts with ("1,234 of 3,000 (41.1%)" → 1234).
fn leading_number(text: &str) -> Option<u64> {
    let digits: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

async fn api(
    app: &App,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
    etag: Option<&str>,
) -> Result<(u16, Value, Option<String>)> {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", app.url))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(b);
    }
    if let Some(e) = etag {
        req = req.header("If-Match", e);
    }
    let res = req.send().await?;
    let status = res.status().as_u16();
    let etag = res
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Ok((status, res.json().await.unwrap_or(Value::Null), etag))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retention_policy_is_previewed_confirmed_saved_and_a_stale_save_is_told() -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/settings", "admin", ADMIN_PASSWORD).await?;
    wait_for(
        d,
        "[data-testid=retention-settings] [data-testid=retention-enabled]",
    )
    .await?;
    // Off by default: the preview says nothing would go.
    wait_text(d, "[data-testid=preview-summary]", |t| t.contains("off")).await?;
    assert!(
        !d.find(By::Css("[data-testid=retention-enabled]"))
            .await?
            .is_selected()
            .await?
    );
    d.find(By::Css("[data-testid=retention-advice]")).await?;

    // On, containers after 1 day: the preview counts, as the API would.
    d.find(By::Css("[data-testid=retention-enabled]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=rule-containers-preset]"))
        .await?
        .click()
        .await?;
    d.find(By::Css(
        "[data-testid=rule-containers-preset] option[value='1']",
    ))
    .await?
    .click()
    .await?;
    wait_for(d, "[data-testid=unsaved]").await?;
    let shown = wait_text(d, "[data-testid=preview-containers]", |t| {
        leading_number(t).is_some()
    })
    .await?;
    let mut policy = app.api_get(&token, POLICY).await?;
    policy["enabled"] = json!(true);
    policy["rules"]["containers"]["days"] = json!(1);
    let (_, preview, _) = api(
        &app,
        &token,
        reqwest::Method::POST,
        &format!("{POLICY}/preview"),
        Some(&policy),
        None,
    )
    .await?;
    // (The preview refreshes a moment after the last edit: wait for the final one.)
    let shown = if leading_number(&shown) != preview["containers"].as_u64() {
        wait_text(d, "[data-testid=preview-containers]", |t| {
            leading_number(t) == preview["containers"].as_u64()
        })
        .await?
    } else {
        shown
    };
    assert!(
        shown.contains(" of "),
        "the share of all containers is shown: {shown}"
    );
    let total = app
        .api_get(&token, "/csapi/v1.3/containers?pageSize=1")
        .await?["count"]
        .as_u64()
        .unwrap_or(0);
    let doomed = preview["containers"].as_u64().unwrap_or(0);
    assert!(
        doomed * 10 > total,
        "the demo fleet has more than 10% of containers stopped a day ago: {doomed}/{total}"
    );

    // A bad custom period is refused next to its field, and Save is off until it is fixed.
    d.find(By::Css(
        "[data-testid=rule-images-preset] option[value='custom']",
    ))
    .await?
    .click()
    .await?;
    let days = wait_for(d, "[data-testid=rule-images-days]").await?;
    days.clear().await?;
    days.send_keys("400").await?;
    let err = wait_for(d, "[data-testid='error-rules.images.days']").await?;
    assert!(
        text_content(&err).await?.contains("365"),
        "{}",
        text_content(&err).await?
    );
    assert!(
        !d.find(By::Css("[data-testid=retention-save]"))
            .await?
            .is_enabled()
            .await?
    );
    days.clear().await?;
    days.send_keys("200").await?;
    wait_gone(d, "[data-testid='error-rules.images.days']").await?;

    // More than a tenth of the containers would go: Save asks first; Cancel keeps it unsaved.
    d.find(By::Css("[data-testid=retention-save]"))
        .await?
        .click()
        .await?;
    let dialog = wait_for(d, "[data-testid=retention-confirm]").await?;
    assert!(
        text_content(&dialog).await?.contains("containers"),
        "{}",
        text_content(&dialog).await?
    );
    d.find(By::Css("[data-testid=confirm-cancel]"))
        .await?
        .click()
        .await?;
    wait_gone(d, "[data-testid=retention-confirm]").await?;
    assert_eq!(app.api_get(&token, POLICY).await?["enabled"], false);
    d.find(By::Css("[data-testid=retention-save]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=confirm-save]")
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=saved]").await?;
    let saved = app.api_get(&token, POLICY).await?;
    assert_eq!(saved["enabled"], true);
    assert_eq!(saved["rules"]["containers"]["days"], 1);
    assert_eq!(saved["rules"]["images"]["days"], 200);

    // A reload shows the saved policy.
    d.refresh().await?;
    wait_for(d, "[data-testid=retention-enabled]").await?;
    assert!(
        d.find(By::Css("[data-testid=retention-enabled]"))
            .await?
            .is_selected()
            .await?
    );
    let preset = d
        .find(By::Css("[data-testid=rule-containers-preset]"))
        .await?;
    assert_eq!(preset.prop("value").await?.as_deref(), Some("1"));
    let custom = wait_for(d, "[data-testid=rule-images-days]").await?;
    assert_eq!(custom.prop("value").await?.as_deref(), Some("200"));

    // Someone else saves meanwhile: this tab's save is refused with a reload, not overwritten.
    let (_, current, etag) = api(&app, &token, reqwest::Method::GET, POLICY, None, None).await?;
    let mut other = current.clone();
    other["rules"]["sensors"]["days"] = json!(30);
    let (status, _, _) = api(
        &app,
        &token,
        reqwest::Method::PUT,
        POLICY,
        Some(&other),
        etag.as_deref(),
    )
    .await?;
    assert_eq!(status, 200);
    d.find(By::Css("[data-testid=state-PAUSED]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=unsaved]").await?;
    // (Unticking a state purges less: no confirmation is needed.)
    d.find(By::Css("[data-testid=retention-save]"))
        .await?
        .click()
        .await?;
    let stale = wait_for(d, "[data-testid=stale]").await?;
    assert!(
        text_content(&stale).await?.contains("reload"),
        "{}",
        text_content(&stale).await?
    );
    assert_eq!(
        app.api_get(&token, POLICY).await?["rules"]["sensors"]["days"],
        30,
        "the other save stands"
    );
    d.find(By::Css("[data-testid=reload]"))
        .await?
        .click()
        .await?;
    wait_gone(d, "[data-testid=stale]").await?;
    let sensors_preset = d.find(By::Css("[data-testid=rule-sensors-preset]")).await?;
    assert_eq!(sensors_preset.prop("value").await?.as_deref(), Some("30"));

    // The API panel shows exactly what Save sends.
    d.find(By::Css("[data-testid=api-toggle]"))
        .await?
        .click()
        .await?;
    let panel = text_content(&wait_for(d, "[data-testid=api-panel]").await?).await?;
    assert!(panel.contains("PUT") || panel.contains("-X PUT"), "{panel}");
    assert!(panel.contains("If-Match"), "{panel}");
    assert!(panel.contains("dataRetention"), "{panel}");

    // Purge now: the run appears in the list with its counts.
    d.find(By::Css("[data-testid=retention-run]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=retention-runs]").await?;
    // (The hourly run may have joined the list too, if the test ran across the hour.)
    let runs = wait_text(d, "[data-testid=retention-runs] tbody", |t| {
        t.contains("adminCOMPLETED")
    })
    .await?;
    assert!(runs.contains("admin"), "{runs}");
    let history = app.api_get(&token, &format!("{POLICY}/history")).await?;
    let purged = history["data"]
        .as_array()
        .and_then(|runs| runs.iter().find(|r| r["trigger"] == "admin"))
        .and_then(|r| r["deleted"]["containers"].as_u64())
        .context("history")?;
    assert!(
        purged > 0 && runs.contains(&thousands(purged)),
        "{runs} / {history}"
    );

    // The audit page lists these changes, newest first, and filters them by QQL.
    d.find(By::Css("[data-testid='nav-audit log']"))
        .await?
        .click()
        .await?;
    wait_url(d, |u| u.contains("/audit")).await?;
    table_keys(d).await?;
    let first = text_content(&d.find(By::Css("[data-testid=row]")).await?).await?;
    assert!(
        first.contains("RETENTION_PURGE"),
        "the purge is the newest change: {first}"
    );
    let table = text_content(&d.find(By::Css("[data-testid=list-table]")).await?).await?;
    assert!(table.contains("adminRETENTION_PURGE"), "{table}");
    d.goto(format!(
        "{}/audit?filter=action%3ASETTINGS_DATA_RETENTION",
        app.url
    ))
    .await?;
    let rows = table_keys(d).await?;
    assert_eq!(rows.len(), 2, "this tab's save and the other one");
    let text = text_content(&d.find(By::Css("[data-testid=row]")).await?).await?;
    assert!(text.contains("rules.sensors.days 365 → 30"), "{text}");
    let count = text_content(&d.find(By::Css("[data-testid=total-count]")).await?).await?;
    assert_eq!(count, "2 entries");
    browser.quit().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raising_the_sensor_release_shows_update_available_everywhere() -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/settings/release", "admin", ADMIN_PASSWORD).await?;
    let version = wait_for(d, "[data-testid=release-version]").await?;
    // The demo fleet's release is loaded, and some sensors are behind it, by deployment kind.
    let behind = wait_text(d, "[data-testid=behind-total]", |t| !t.is_empty()).await?;
    assert!(behind.contains("older version"), "{behind}");
    wait_for(d, "[data-testid^=behind-] pre").await?;

    version.clear().await?;
    version.send_keys("latest").await?;
    let err = wait_for(d, "[data-testid=error-version]").await?;
    assert!(
        text_content(&err).await?.contains("not a version"),
        "{}",
        text_content(&err).await?
    );
    assert!(
        !d.find(By::Css("[data-testid=release-save]"))
            .await?
            .is_enabled()
            .await?
    );
    version.clear().await?;
    version.send_keys("99.1.0").await?;
    wait_gone(d, "[data-testid=error-version]").await?;
    d.find(By::Css("[data-testid=release-save]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=saved]").await?;
    let total = app
        .api_get(&token, "/csapi/v1.3/sensors?pageSize=1")
        .await?["count"]
        .as_u64()
        .unwrap_or(0);
    let behind = wait_text(d, "[data-testid=behind-total]", |t| {
        t.contains(&format!("{} of {}", thousands(total), thousands(total)))
    })
    .await?;
    assert!(behind.contains("older version"), "{behind}");

    // The Sensors tab's quick filter counts them too, and toggles the filter on and off.
    d.goto(format!("{}/sensors", app.url)).await?;
    table_keys(d).await?;
    let chip = wait_for(d, "[data-testid='chip-updateAvailable:true']").await?;
    wait_text(d, "[data-testid=chip-count]", |t| {
        t.replace(',', "") == total.to_string()
    })
    .await?;
    assert_eq!(chip.attr("aria-pressed").await?.as_deref(), Some("false"));
    chip.click().await?;
    wait_url(d, |u| u.contains("updateAvailable")).await?;
    let chip = wait_for(
        d,
        "[data-testid='chip-updateAvailable:true'][aria-pressed=true]",
    )
    .await?;
    chip.click().await?;
    wait_url(d, |u| !u.contains("updateAvailable")).await?;

    // The Sensors tab, filtered from the page's link: every sensor, each with the badge.
    d.goto(format!("{}/settings/release", app.url)).await?;
    wait_for(d, "[data-testid=behind-link]").await?;
    d.find(By::Css("[data-testid=behind-link]"))
        .await?
        .click()
        .await?;
    wait_url(d, |u| {
        u.contains("/sensors") && u.contains("updateAvailable")
    })
    .await?;
    let rows = table_keys(d).await?;
    assert!(!rows.is_empty());
    let badges = d.find_all(By::Css("[data-testid=row] .badge")).await?;
    assert_eq!(badges.len(), rows.len(), "every row shows Update available");
    d.find(By::Css("[data-testid=row]")).await?.click().await?;
    let badge = wait_for(d, "[data-testid=update-available]").await?;
    assert_eq!(text_content(&badge).await?, "Update available");
    let cmd = text_content(&wait_for(d, "[data-testid=update-command]").await?).await?;
    assert!(cmd.contains("99.1.0"), "{cmd}");
    browser.quit().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_with_overlapping_windows_is_refused_naming_both_then_fixed_and_saved(
) -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/settings/profiles", "admin", ADMIN_PASSWORD).await?;
    d.goto(format!("{}/settings/profiles", app.url)).await?;
    wait_for(d, "[data-testid=profiles-table] [data-testid=profile-row]").await?;
    d.find(By::Css("[data-testid=profile-new]"))
        .await?
        .click()
        .await?;
    let name = wait_for(d, "[data-testid=profile-name]").await?;
    name.send_keys("Weekend maintenance").await?;
    // Two windows: Saturday 22:00–02:00 (the default new window) and Sunday 01:00–03:00.
    d.find(By::Css("[data-testid=window-add]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=window-add]"))
        .await?
        .click()
        .await?;
    let rows = d.find_all(By::Css("[data-testid=window-row]")).await?;
    assert_eq!(rows.len(), 2);
    let second = &rows[1];
    second
        .find(By::Css("[data-testid=window-day-SATURDAY]"))
        .await?
        .click()
        .await?;
    second
        .find(By::Css("[data-testid=window-day-SUNDAY]"))
        .await?
        .click()
        .await?;
    set_time(d, second, "window-start", "01:00").await?;
    set_time(d, second, "window-end", "03:00").await?;
    let err = text_content(&wait_for(d, "[data-testid=window-error]").await?).await?;
    assert!(
        err.contains("Saturday 22:00–02:00") && err.contains("Sunday 01:00–03:00"),
        "{err}"
    );
    assert!(
        !d.find(By::Css("[data-testid=profile-save]"))
            .await?
            .is_enabled()
            .await?
    );
    // The week strip draws both (three blocks: Saturday night, Sunday early, Sunday 01–03).
    let blocks = d
        .find_all(By::Css("[data-testid=week-strip] .week-block"))
        .await?;
    assert_eq!(blocks.len(), 3);
    // Fixed: the second window starts when the first ends.
    set_time(d, second, "window-start", "02:00").await?;
    wait_gone(d, "[data-testid=window-error]").await?;
    // A bad exclusion is caught as it is typed.
    let regex = d.find(By::Css("[data-testid=profile-regex]")).await?;
    regex.send_keys("^cache/(").await?;
    wait_for(d, "[data-testid=error-regex]").await?;
    regex.send_keys(")").await?;
    wait_gone(d, "[data-testid=error-regex]").await?;
    // Join the inactive sensors by QQL: the live count is the API's.
    let filter = d.find(By::Css("[data-testid=profile-filter]")).await?;
    filter.send_keys("status:INACTIVE").await?;
    let inactive = app
        .api_get(
            &token,
            "/csapi/v1.3/sensors?pageSize=1&filter=status%3AINACTIVE",
        )
        .await?["count"]
        .as_u64()
        .unwrap_or(0);
    wait_text(d, "[data-testid=filter-count]", |t| {
        t.starts_with(&format!("{inactive} sensor"))
    })
    .await?;
    d.find(By::Css("[data-testid=profile-save]"))
        .await?
        .click()
        .await?;
    wait_gone(d, "[data-testid=profile-editor]").await?;

    // Reload: the profile is listed with its sensors and both windows.
    d.refresh().await?;
    let row = wait_for(
        d,
        "[data-testid=profile-row][data-name='Weekend maintenance']",
    )
    .await?;
    let text = text_content(&row).await?;
    assert!(
        text.contains("Saturday 22:00–02:00") && text.contains("Sunday 02:00–03:00"),
        "{text}"
    );
    let list = app.api_get(&token, "/csapi/v1.3/sensorProfile").await?;
    let saved = list["data"]
        .as_array()
        .context("list")?
        .iter()
        .find(|p| p["profileName"] == "Weekend maintenance")
        .cloned()
        .context("saved")?;
    assert_eq!(saved["sensorCount"].as_u64(), Some(inactive));
    assert_eq!(
        saved["config"]["vulnerabilityManagement"]["imageExclusionRegexList"],
        json!(["^cache/()"])
    );
    // Opened again, the editor says when the next window starts.
    row.find(By::Css("[data-testid=profile-edit]"))
        .await?
        .click()
        .await?;
    let next = text_content(&wait_for(d, "[data-testid=editor-window]").await?).await?;
    assert!(next.contains("window") && next.contains("UTC"), "{next}");

    // Two sensors picked in the Sensors tab join it by id.
    d.goto(format!("{}/sensors?filter=status%3ARUNNING", app.url))
        .await?;
    let keys = table_keys(d).await?;
    let checks = d.find_all(By::Css("[data-testid=row-check]")).await?;
    checks[0].click().await?;
    checks[1].click().await?;
    let select = wait_for(d, "[data-testid=assign-profile-select]").await?;
    select
        .find(By::XPath(".//option[text()='Weekend maintenance']"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=assign-profile-button]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=assign-done]").await?;
    for uuid in &keys[..2] {
        let s = app
            .api_get(&token, &format!("/csapi/v1.3/sensors/{uuid}"))
            .await?;
        assert_eq!(s["configurationProfile"], "Weekend maintenance", "{s}");
    }
    browser.quit().await?;
    Ok(())
}

/// Sets a `<input type=time>` as its picker would, with an `input` event (typed keys depend on
/// the browser locale's 12- or 24-hour clock, which the test does not control).
async fn set_time(d: &WebDriver, row: &WebElement, testid: &str, hhmm: &str) -> Result<()> {
    let input = row.find(By::Css(format!("[data-testid={testid}]"))).await?;
    d.execute(
        "const el = arguments[0]; const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set; set.call(el, arguments[1]); el.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![input.to_json()?, serde_json::Value::String(hhmm.to_string())],
    )
    .await?;
    Ok(())
}

/// Not a test of behaviour: the settings pages in light and dark (`tests/screenshots/`).
/// `cargo test -p shipshape-e2e --test browser settings_screenshots -- --ignored`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn settings_screenshots() -> Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir)?;
    app.add_user("vera", "viewer", "viewer-password").await?;
    sign_in_at(d, &app, "/settings", "admin", ADMIN_PASSWORD).await?;
    d.set_window_rect(0, 0, 1280, 1000).await?;
    for theme in ["light", "dark"] {
        d.execute(
            &format!("localStorage.setItem('shipshape.theme','{theme}')"),
            vec![],
        )
        .await?;
        d.goto(format!("{}/settings/retention", app.url)).await?;
        wait_for(d, "[data-testid=retention-enabled]")
            .await?
            .click()
            .await?;
        wait_text(d, "[data-testid=preview-containers]", |t| {
            leading_number(t).is_some()
        })
        .await?;
        d.screenshot(&dir.join(format!("settings-retention-{theme}.png")))
            .await?;
        d.goto(format!("{}/settings/release", app.url)).await?;
        wait_for(d, "[data-testid^=behind-] pre").await?;
        d.screenshot(&dir.join(format!("settings-release-{theme}.png")))
            .await?;
        d.goto(format!("{}/settings/profiles", app.url)).await?;
        wait_for(
            d,
            "[data-testid=profile-row][data-name='CI pipelines'] [data-testid=profile-edit]",
        )
        .await?
        .click()
        .await?;
        wait_for(d, "[data-testid=week-strip]").await?;
        d.set_window_rect(0, 0, 1280, 1900).await?;
        d.screenshot(&dir.join(format!("settings-profiles-{theme}.png")))
            .await?;
        d.goto(format!("{}/audit", app.url)).await?;
        table_keys(d).await?;
        d.screenshot(&dir.join(format!("audit-{theme}.png")))
            .await?;
        d.set_window_rect(0, 0, 1280, 1000).await?;
        d.goto(format!("{}/settings/users", app.url)).await?;
        wait_for(d, "[data-testid=user-row][data-user=vera]").await?;
        wait_for(d, "[data-user=vera] [data-testid=reset-user]")
            .await?
            .click()
            .await?;
        let field = wait_for(d, "#reset-password").await?;
        field.send_keys("short").await?;
        d.screenshot(&dir.join(format!("settings-users-{theme}.png")))
            .await?;
        d.goto(format!("{}/settings/tokens", app.url)).await?;
        let name = wait_for(d, "#token-name").await?;
        name.send_keys(format!("CI export ({theme})")).await?;
        wait_for(d, "#token-password")
            .await?
            .send_keys(ADMIN_PASSWORD)
            .await?;
        d.find(By::Css("[data-testid=make-token]"))
            .await?
            .click()
            .await?;
        wait_for(d, "[data-testid=token-secret]").await?;
        wait_for(d, "[data-testid=tokens-table]").await?;
        d.screenshot(&dir.join(format!("settings-tokens-{theme}.png")))
            .await?;
        d.goto(format!("{}/settings/account", app.url)).await?;
        wait_for(d, "#new-password")
            .await?
            .send_keys("weak")
            .await?;
        d.screenshot(&dir.join(format!("settings-account-{theme}.png")))
            .await?;
    }
    browser.quit().await?;
    Ok(())
}
