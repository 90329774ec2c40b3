//! Not a test of behaviour: screenshots of each tab and detail view (into `tests/screenshots/`)
//! and two measurements, first-load transfer and time to first table rows. Run with
//! `cargo test -p shipshape-e2e --test browser screenshots -- --ignored --nocapture`.

use shipshape_e2e::*;
use std::path::Path;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn screenshots_and_measurements() -> anyhow::Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir)?;

    d.goto(format!("{}/signin", app.url)).await?;
    wait_for(d, "[data-testid=signin-form]").await?;
    d.screenshot(&dir.join("signin.png")).await?;
    fill_sign_in(d, "admin", ADMIN_PASSWORD).await?;

    // Time to first rows on a fresh navigation (the wasm is cached by then, as for a user who
    // comes back; the cold figure is the first navigation below in a new tab profile).
    for tab in ["sensors", "images", "containers"] {
        d.goto(format!("{}/{tab}", app.url)).await?;
        table_keys(d).await?;
        let ms: f64 = d
            .execute("return performance.now()", vec![])
            .await?
            .json()
            .as_f64()
            .unwrap_or(0.0);
        println!("MEASURE {tab}: first rows {ms:.0} ms after navigation start");
        d.screenshot(&dir.join(format!("{tab}.png"))).await?;
        let first = d.find(By::Css("[data-testid=row]")).await?;
        first.click().await?;
        wait_url(d, |u| u.contains(&format!("/{tab}/"))).await?;
        wait_gone(d, "[data-testid=detail-loading]").await?;
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        d.screenshot(&dir.join(format!("{tab}-detail.png"))).await?;
    }

    // A sensor with an update available, its command shown.
    d.goto(format!("{}/sensors?filter=updateAvailable%3Atrue", app.url))
        .await?;
    if !table_keys(d).await?.is_empty() {
        d.find(By::Css("[data-testid=row]")).await?.click().await?;
        wait_for(d, "[data-testid=update-command]").await?;
        d.screenshot(&dir.join("sensor-update.png")).await?;
    }

    // The API panel open, and the dark theme.
    d.goto(format!(
        "{}/images?sort=size:desc&pageSize=25&request=open",
        app.url
    ))
    .await?;
    table_keys(d).await?;
    wait_for(d, "[data-testid=api-panel]").await?;
    d.screenshot(&dir.join("images-api-panel.png")).await?;
    d.execute("localStorage.setItem('shipshape.theme','dark')", vec![])
        .await?;
    d.goto(format!("{}/containers?sort=name:asc", app.url))
        .await?;
    table_keys(d).await?;
    d.screenshot(&dir.join("containers-dark.png")).await?;
    d.execute("localStorage.removeItem('shipshape.theme')", vec![])
        .await?;

    // The dashboard (a first visit: the "Vulnerability overview" template) at 1280 and 1920
    // px, light and dark, and the widget library.
    for theme in ["light", "dark"] {
        d.execute(
            &format!("localStorage.setItem('shipshape.theme','{theme}')"),
            vec![],
        )
        .await?;
        for width in [1280u32, 1920] {
            d.set_window_rect(0, 0, width, if width == 1280 { 900 } else { 1200 })
                .await?;
            d.goto(format!("{}/dashboard", app.url)).await?;
            wait_for(d, "[data-testid=widget]").await?;
            wait_gone(d, "[data-testid=widget] [aria-busy=true]").await?;
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            d.screenshot(&dir.join(format!("dashboard-{theme}-{width}.png")))
                .await?;
        }
    }
    d.find(By::Css("[data-testid=add-widget]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=widget-library]").await?;
    d.screenshot(&dir.join("dashboard-library.png")).await?;
    d.find(By::Css("[data-testid=library-close]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=dashboard-menu-button]"))
        .await?
        .click()
        .await?;
    let runtime = d
        .find_all(By::Css("[data-testid=new-from-template]"))
        .await?;
    runtime[2].click().await?;
    wait_url(d, |u| u.contains("/dashboard?id=")).await?;
    wait_for(d, "[data-widget=containers-by-state] canvas").await?;
    wait_gone(d, "[data-testid=widget] [aria-busy=true]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    d.screenshot(&dir.join("dashboard-runtime.png")).await?;
    // A trend computed from creation dates, added from the library.
    d.find(By::Css("[data-testid=add-widget]"))
        .await?
        .click()
        .await?;
    wait_for(
        d,
        "[data-testid=add-template][data-template=images-created]",
    )
    .await?
    .click()
    .await?;
    wait_for(d, "[data-widget=images-created] canvas").await?;
    wait_gone(d, "[data-testid=widget] [aria-busy=true]").await?;
    let w = d.find(By::Css("[data-widget=images-created]")).await?;
    w.scroll_into_view().await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    w.screenshot(&dir.join("dashboard-images-created.png"))
        .await?;
    d.execute("localStorage.removeItem('shipshape.theme')", vec![])
        .await?;

    // 1024 px wide.
    d.set_window_rect(0, 0, 1024, 768).await?;
    d.goto(format!("{}/images", app.url)).await?;
    table_keys(d).await?;
    d.screenshot(&dir.join("images-1024.png")).await?;
    d.set_window_rect(0, 0, 1440, 900).await?;

    // Empty and error states.
    d.goto(format!(
        "{}/images?filter=repo.repository%3Adoes-not-exist-anywhere",
        app.url
    ))
    .await?;
    // (An empty result, or the server's error while it does not support QQL yet.)
    wait_for(d, "[data-testid=empty], [data-testid=error]").await?;
    d.screenshot(&dir.join("images-empty.png")).await?;
    d.goto(format!("{}/images?filter=nosuchtoken%3A1", app.url))
        .await?;
    wait_for(d, "[data-testid=error]").await?;
    d.screenshot(&dir.join("images-error.png")).await?;

    // Reports: the new-report form from an Images filter, the list with a report, the
    // schedule editor and the schedules.
    d.goto(format!(
        "{}/reports?new=report&template=CS_IMAGE_VULNERABILITY&filter=vulnerabilities.severity%3A5",
        app.url
    ))
    .await?;
    wait_text(d, "[data-testid=report-count]", |t| t.ends_with("rows now")).await?;
    d.screenshot(&dir.join("reports-new.png")).await?;
    d.find(By::Css("[data-testid=create-report]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=download-report]").await?;
    d.screenshot(&dir.join("reports.png")).await?;
    d.goto(format!("{}/reports?tab=schedules&new=schedule", app.url))
        .await?;
    wait_for(d, "[data-testid=schedule-editor]").await?;
    d.find(By::Css("[data-testid=schedule-name]"))
        .await?
        .send_keys("Weekly criticals")
        .await?;
    d.screenshot(&dir.join("reports-schedule-editor.png"))
        .await?;
    d.find(By::Css("[data-testid=save-schedule]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=schedule-row]").await?;
    d.screenshot(&dir.join("reports-schedules.png")).await?;

    // Cold load in a fresh browser: navigation to first rows, and what went over the wire.
    browser.quit().await?;
    let cold = Browser::start().await?;
    let d = &cold.driver;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    // A same-origin page that is not the console (its storage is the console's).
    d.goto(format!("{}/healthz", app.url)).await?;
    d.execute(
        &format!("sessionStorage.setItem('shipshape.token','{token}')"),
        vec![],
    )
    .await?;
    d.goto(format!("{}/images", app.url)).await?;
    table_keys(d).await?;
    let t: f64 = d
        .execute("return performance.now()", vec![])
        .await?
        .json()
        .as_f64()
        .unwrap_or(0.0);
    let entries = d
        .execute(
            "return performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation')).map(e => [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize, Math.round(e.startTime), Math.round(e.responseEnd)])",
            vec![],
        )
        .await?;
    println!("MEASURE cold: first rows of /images {t:.0} ms after navigation start");
    for e in entries.json().as_array().into_iter().flatten() {
        println!("MEASURE resource {e}");
    }
    cold.quit().await
}
