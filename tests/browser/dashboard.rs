//! The dashboard as a person uses it: the first visit lands on "Vulnerability overview" with
//! real counts; widgets move and resize by pointer (WebDriver pointer actions, not synthetic
//! JavaScript events) and by keyboard with live-region announcements; every change is saved and
//! survives a reload; export, delete and import give the same dashboard back; "open as list"
//! and a bar click land on the filtered list; a failing widget fails alone; a stale save gets
//! the 412 message.

use anyhow::{bail, Context, Result};
use serde_json::Value;
use shipshape_e2e::*;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

type Layouts = HashMap<String, [u64; 4]>;

/// The caller's landing dashboard, its ETag and its widgets' places.
async fn landing(app: &App, token: &str) -> Result<(Value, String, Layouts)> {
    let list = app.api_get(token, "/csapi/v1.3/dashboards").await?;
    let id = list["data"]
        .as_array()
        .and_then(|l| l.iter().find(|d| d["landing"] == true))
        .and_then(|d| d["id"].as_str())
        .context("no landing dashboard")?
        .to_string();
    let resp = reqwest::Client::new()
        .get(format!("{}/csapi/v1.3/dashboards/{id}", app.url))
        .bearer_auth(token)
        .send()
        .await?;
    let etag = resp
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let doc: Value = resp.json().await?;
    let layouts = layouts_of(&doc);
    Ok((doc, etag, layouts))
}

fn layouts_of(doc: &Value) -> Layouts {
    doc["widgets"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|w| {
            let l = &w["layout"];
            let n = |k: &str| l[k].as_u64().unwrap_or(0);
            (
                w["id"].as_str().unwrap_or("").to_string(),
                [n("x"), n("y"), n("w"), n("h")],
            )
        })
        .collect()
}

fn assert_valid_grid(layouts: &Layouts) {
    let all: Vec<(&String, &[u64; 4])> = layouts.iter().collect();
    for (i, (a, la)) in all.iter().enumerate() {
        assert!(la[0] + la[2] <= 24, "{a} leaves the grid: {la:?}");
        for (b, lb) in &all[i + 1..] {
            let overlap = la[0] < lb[0] + lb[2]
                && lb[0] < la[0] + la[2]
                && la[1] < lb[1] + lb[3]
                && lb[1] < la[1] + la[3];
            assert!(!overlap, "{a} {la:?} overlaps {b} {lb:?}");
        }
    }
}

/// Polls the landing dashboard until `pred` holds (the console saves after each change).
async fn saved_until(app: &App, token: &str, pred: impl Fn(&Layouts) -> bool) -> Result<Layouts> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (_, _, l) = landing(app, token).await?;
        if pred(&l) {
            return Ok(l);
        }
        if Instant::now() > deadline {
            bail!("the saved layout never changed as expected: {l:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn widget_css(id: &str) -> String {
    format!("[data-testid=widget][data-widget='{id}']")
}

/// Signs in on the dashboard and waits for every widget to finish loading.
/// Runs a Python `script` (writing into the test's database as another program would) with
/// `args`; its trimmed output.
async fn python(script: &str, args: &[&str]) -> Result<String> {
    let out = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .await?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

async fn open_dashboard(d: &WebDriver, app: &App) -> Result<()> {
    sign_in_at(d, app, "/dashboard", "admin", ADMIN_PASSWORD).await?;
    settle(d).await
}

async fn settle(d: &WebDriver) -> Result<()> {
    wait_for(d, "[data-testid=widget]").await?;
    wait_gone(d, "[data-testid=widget] [aria-busy=true]").await?;
    Ok(())
}

/// Where a widget is drawn, in grid cells, read off the page (not the document).
async fn drawn_cell(d: &WebDriver, id: &str) -> Result<(i64, i64)> {
    let grid = d
        .find(By::Css("[data-testid=dash-grid]"))
        .await?
        .rect()
        .await?;
    let w = d.find(By::Css(widget_css(id))).await?.rect().await?;
    let col = (grid.width + 12.0) / 24.0;
    Ok((
        ((w.x - grid.x) / col).round() as i64,
        ((w.y - grid.y) / 44.0).round() as i64,
    ))
}

async fn live_text(d: &WebDriver) -> Result<String> {
    text_content(&d.find(By::Css("[data-testid=dash-live]")).await?).await
}

async fn wait_live(d: &WebDriver, needle: &str) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let t = live_text(d).await?;
        if t.contains(needle) {
            return Ok(t);
        }
        if Instant::now() > deadline {
            bail!("the live region says {t:?}, not {needle:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_visit_lands_on_the_vulnerability_overview_filled_with_real_counts() -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    open_dashboard(d, &app).await?;
    assert_eq!(
        wait_for(d, "[data-testid=dashboard-name]")
            .await?
            .text()
            .await?,
        "Vulnerability overview"
    );
    let (doc, _, layouts) = landing(&app, &token).await?;
    assert_eq!(doc["name"], "Vulnerability overview");
    assert_eq!(
        d.find_all(By::Css("[data-testid=widget]")).await?.len(),
        layouts.len()
    );
    assert!(d
        .find_all(By::Css("[data-testid=widget-error]"))
        .await?
        .is_empty());
    // The count widget shows what the list API counts.
    let want = app
        .api_get(
            &token,
            "/csapi/v1.3/images?pageSize=1&filter=vulnerabilities.severity%3A5",
        )
        .await?["count"]
        .as_u64()
        .unwrap();
    assert!(want > 0, "the demo data has critical images");
    let shown = d
        .find(By::Css(format!(
            "{} [data-testid=widget-count] .big",
            widget_css("critical-images")
        )))
        .await?
        .text()
        .await?;
    assert_eq!(shown.replace(',', ""), want.to_string());
    // With no earlier day recorded, no change is shown.
    assert!(d
        .find_all(By::Css(format!(
            "{} [data-testid=widget-change]",
            widget_css("critical-images")
        )))
        .await?
        .is_empty());
    // A count recorded three days ago (fewer by 5): the count shows its change since then.
    let three_days_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs()
        / 86_400
        - 3;
    let db = app.database_url.trim_start_matches("sqlite:").to_string();
    let script = "import datetime, sqlite3, sys\n\
        c = sqlite3.connect(sys.argv[1])\n\
        c.execute(\"INSERT INTO trend_points (entity, query, day, count, taken) \
        VALUES ('images', 'vulnerabilities.severity:5', ?, ?, 0)\", \
        (int(sys.argv[2]), int(sys.argv[3])))\n\
        c.commit()\n\
        print(datetime.date(1970, 1, 1) + datetime.timedelta(days=int(sys.argv[2])))\n";
    let day = python(
        script,
        &[&db, &three_days_ago.to_string(), &(want - 5).to_string()],
    )
    .await?;
    d.refresh().await?;
    settle(d).await?;
    let change = wait_for(
        d,
        &format!(
            "{} [data-testid=widget-change]",
            widget_css("critical-images")
        ),
    )
    .await?
    .text()
    .await?;
    assert!(change.starts_with("▲ +5 ("), "{change}");
    assert!(change.ends_with(&format!(" since {day}")), "{change}");
    // The bar chart's text alternative carries every group of the aggregate answer.
    let agg = app
        .api_get(
            &token,
            "/csapi/v1.3/images/aggregate?groupBy=vulnerabilities.severity&limit=5",
        )
        .await?;
    let links = d
        .find_all(By::Css(format!(
            "{} [data-testid=group-link]",
            widget_css("images-by-severity")
        )))
        .await?;
    assert_eq!(links.len(), agg["groups"].as_array().unwrap().len());
    // A second visit opens the same dashboard, not a second copy.
    d.refresh().await?;
    settle(d).await?;
    let list = app.api_get(&token, "/csapi/v1.3/dashboards").await?;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pointer_drag_and_corner_resize_rearrange_without_overlap_and_survive_a_reload(
) -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    open_dashboard(d, &app).await?;
    let (_, _, before) = landing(&app, &token).await?;
    let a = before["critical-images"];
    let b = before["high-images"];
    assert_eq!((a[0], a[1]), (0, 0));

    // Drag the first widget by its header onto the second one's place.
    let grid = d
        .find(By::Css("[data-testid=dash-grid]"))
        .await?
        .rect()
        .await?;
    let col = (grid.width + 12.0) / 24.0;
    let head = d
        .find(By::Css(format!(
            "{} .widget-head h2",
            widget_css("critical-images")
        )))
        .await?;
    let dx = ((b[0] - a[0]) as f64 * col).round() as i64;
    d.action_chain()
        .move_to_element_center(&head)
        .click_and_hold()
        .move_by_offset(dx / 3, 5)
        .move_by_offset(dx / 3, 0)
        .perform()
        .await?;
    // Mid-drag: the placeholder shows where it will land.
    wait_for(d, "[data-testid=placeholder]").await?;
    d.action_chain()
        .move_by_offset(dx - 2 * (dx / 3), -5)
        .release()
        .perform()
        .await?;
    wait_gone(d, "[data-testid=placeholder]").await?;
    let after = saved_until(&app, &token, |l| l["critical-images"][0] == b[0]).await?;
    assert_eq!(after["critical-images"][..2], [b[0], 0]);
    assert_ne!(
        after["high-images"], b,
        "the widget it landed on moved aside"
    );
    assert_valid_grid(&after);
    assert!(wait_live(
        d,
        "Moved Images with critical vulnerabilities to column 7, row 1"
    )
    .await
    .is_ok());

    // Resize by the corner: two columns wider, one row taller (once the drop has settled).
    tokio::time::sleep(Duration::from_millis(400)).await;
    let corner = d
        .find(By::Css(format!(
            "{} [data-testid=widget-resize]",
            widget_css("critical-images")
        )))
        .await?;
    d.action_chain()
        .move_to_element_center(&corner)
        .click_and_hold()
        .move_by_offset((2.0 * col).round() as i64, 20)
        .move_by_offset(0, 24)
        .release()
        .perform()
        .await?;
    let resized = match saved_until(&app, &token, |l| l["critical-images"][2] == 8).await {
        Ok(l) => l,
        Err(e) => {
            d.screenshot(std::path::Path::new("/tmp/resize-fail.png"))
                .await?;
            bail!("{e}; live: {}", live_text(d).await?);
        }
    };
    assert_eq!(resized["critical-images"][2..], [8, 5]);
    assert_valid_grid(&resized);

    // A reload draws the saved layout.
    d.refresh().await?;
    settle(d).await?;
    for (id, l) in &resized {
        assert_eq!(
            drawn_cell(d, id).await?,
            (l[0] as i64, l[1] as i64),
            "{id} after reload"
        );
    }
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_lifts_moves_resizes_drops_and_cancels_with_announcements() -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    open_dashboard(d, &app).await?;
    let (_, _, before) = landing(&app, &token).await?;
    let p = before["patchable-images"];
    assert_eq!(p, [18, 0, 6, 4]);
    let handle = d
        .find(By::Css(format!(
            "{} [data-testid=widget-handle]",
            widget_css("patchable-images")
        )))
        .await?;
    handle.focus().await?;
    handle.send_keys(Key::Enter).await?;
    wait_live(
        d,
        "Picked up Images with a patch available at column 19, row 1",
    )
    .await?;
    handle.send_keys(Key::Left).await?;
    wait_live(
        d,
        "Moved Images with a patch available to column 18, row 1, 6 columns by 4 rows",
    )
    .await?;
    handle.send_keys(Key::Shift + Key::Down).await?;
    wait_live(
        d,
        "Resized Images with a patch available to column 18, row 1, 6 columns by 5 rows",
    )
    .await?;
    handle.send_keys(Key::Enter).await?;
    wait_live(
        d,
        "Dropped Images with a patch available at column 18, row 1, 6 columns by 5 rows",
    )
    .await?;
    let after = saved_until(&app, &token, |l| l["patchable-images"] == [17, 0, 6, 5]).await?;
    assert_valid_grid(&after);

    // Escape puts it back where it was and saves nothing.
    handle.send_keys(Key::Enter).await?;
    handle.send_keys(Key::Left).await?;
    wait_live(d, "Moved Images with a patch available to column 17, row 1").await?;
    handle.send_keys(Key::Escape).await?;
    wait_live(
        d,
        "Cancelled. Images with a patch available is back at column 18, row 1",
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, _, still) = landing(&app, &token).await?;
    assert_eq!(still, after);
    assert_eq!(drawn_cell(d, "patchable-images").await?, (17, 0));
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_delete_import_gives_the_same_dashboard_back() -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let downloads = tempfile::tempdir()?;
    let browser = Browser::start_with_downloads(downloads.path()).await?;
    let d = &browser.driver;
    open_dashboard(d, &app).await?;
    let (original, _, _) = landing(&app, &token).await?;

    d.find(By::Css("[data-testid=dashboard-menu-button]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=export]"))
        .await?
        .click()
        .await?;
    let file = downloads
        .path()
        .join("vulnerability-overview.dashboard.json");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !file.exists() {
        if Instant::now() > deadline {
            bail!("no export in {}", downloads.path().display());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
    assert_eq!(exported, original);

    d.find(By::Css("[data-testid=dashboard-menu-button]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=delete-dashboard]"))
        .await?
        .click()
        .await?;
    d.accept_alert().await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let list = app.api_get(&token, "/csapi/v1.3/dashboards").await?;
        if !list["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == original["id"])
        {
            break;
        }
        if Instant::now() > deadline {
            bail!("the dashboard was not deleted");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    d.find(By::Css("[data-testid=dashboard-menu-button]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=import]"))
        .await?
        .click()
        .await?;
    let input = wait_for(d, "[data-testid=import-file]").await?;
    input.send_keys(file.display().to_string()).await?;
    let preview = wait_for(d, "[data-testid=import-preview]").await?;
    assert!(preview
        .text()
        .await?
        .contains("Creates the dashboard \"Vulnerability overview\" with 8 widgets"));
    d.find(By::Css("[data-testid=import-create]"))
        .await?
        .click()
        .await?;
    wait_url(d, |u| u.contains("/dashboard?id=")).await?;
    settle(d).await?;
    let url = d.current_url().await?.to_string();
    let id = url.rsplit("id=").next().unwrap_or("").to_string();
    assert_ne!(id, original["id"].as_str().unwrap());
    let back = app
        .api_get(&token, &format!("/csapi/v1.3/dashboards/{id}"))
        .await?;
    let strip = |mut v: Value| {
        v["id"] = Value::Null;
        v
    };
    assert_eq!(strip(back), strip(original));

    // A broken document is refused before anything is created, naming the widget and field.
    d.find(By::Css("[data-testid=dashboard-menu-button]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=import]"))
        .await?
        .click()
        .await?;
    let mut bad = exported.clone();
    bad["widgets"][1]["groupBy"] = "created".into();
    bad["widgets"][1]["kind"] = "bar".into();
    let text = wait_for(d, "[data-testid=import-text]").await?;
    text.send_keys(bad.to_string()).await?;
    let err = wait_for(d, "[data-testid=import-error]")
        .await?
        .text()
        .await?;
    assert!(err.contains("widget 'high-images', groupBy"), "{err}");
    assert!(d
        .find_all(By::Css("[data-testid=import-create]"))
        .await?
        .is_empty());
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_as_list_and_a_bar_click_land_on_the_filtered_list() -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    open_dashboard(d, &app).await?;

    let w = widget_css("critical-images");
    let shown = d
        .find(By::Css(format!("{w} [data-testid=widget-count] .big")))
        .await?
        .text()
        .await?;
    d.find(By::Css(format!("{w} [data-testid=widget-menu-button]")))
        .await?
        .click()
        .await?;
    d.find(By::Css(format!("{w} [data-testid=widget-open-list]")))
        .await?
        .click()
        .await?;
    let url = wait_url(d, |u| u.contains("/images?")).await?;
    assert!(url.contains("filter=vulnerabilities.severity:5"), "{url}");
    table_keys(d).await?;
    let total = wait_for(d, "[data-testid=total-count]")
        .await?
        .text()
        .await?;
    assert!(
        total.contains(&shown),
        "list says {total:?}, widget said {shown}"
    );

    // A click on the first bar of "Images by vulnerability severity".
    d.back().await?;
    settle(d).await?;
    let agg = app
        .api_get(
            &token,
            "/csapi/v1.3/images/aggregate?groupBy=vulnerabilities.severity&limit=5",
        )
        .await?;
    // The chart draws severities most severe first.
    let first = agg["groups"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|g| g["key"].as_str().unwrap_or("").to_string())
        .unwrap();
    let key = first["key"].as_str().unwrap().to_string();
    let count = first["count"].as_u64().unwrap();
    let canvas = d
        .find(By::Css(format!(
            "{} canvas",
            widget_css("images-by-severity")
        )))
        .await?;
    let r = canvas.rect().await?;
    let n = agg["groups"].as_array().unwrap().len() as f64;
    let row = (r.height / n).clamp(18.0, 36.0);
    let top = 2.0;
    // Hover first: the tooltip names the group.
    let y = (top + row / 2.0 - r.height / 2.0).round() as i64;
    d.action_chain()
        .move_to_element_with_offset(&canvas, 0, y)
        .perform()
        .await?;
    let tip = wait_for(d, "[data-testid=chart-tip]").await?.text().await?;
    assert!(tip.contains(&thousands(count)), "{tip}");
    d.action_chain().click().perform().await?;
    let url = wait_url(d, |u| u.contains("/images?")).await?;
    assert!(
        url.contains(&format!("filter=vulnerabilities.severity:{key}")),
        "{url}"
    );
    table_keys(d).await?;
    let total = wait_for(d, "[data-testid=total-count]")
        .await?
        .text()
        .await?;
    let digits: String = total.chars().filter(|c| c.is_ascii_digit()).collect();
    assert!(digits.starts_with(&count.to_string()), "{total} vs {count}");
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_widget_shows_its_error_while_the_others_render() -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    open_dashboard(d, &app).await?;
    // A document stored by an earlier version whose query names a token this one no longer
    // has: the server refuses to save such a query now, so it goes straight into the database.
    let (doc, _, _) = landing(&app, &token).await?;
    let id = doc["id"].as_str().unwrap().to_string();
    let db = app.database_url.trim_start_matches("sqlite:").to_string();
    let script = "import json, sqlite3, sys\n\
        c = sqlite3.connect(sys.argv[1])\n\
        (doc,) = c.execute('SELECT doc FROM dashboards WHERE id = ?', (sys.argv[2],)).fetchone()\n\
        d = json.loads(doc)\n\
        d['widgets'][0]['query'] = 'osName:debian'\n\
        c.execute('UPDATE dashboards SET doc = ? WHERE id = ?', (json.dumps(d), sys.argv[2]))\n\
        c.commit()\n";
    python(script, &[&db, &id]).await?;
    d.refresh().await?;
    settle(d).await?;
    let errors = d.find_all(By::Css("[data-testid=widget-error]")).await?;
    assert_eq!(errors.len(), 1);
    let broken = d
        .find(By::Css(format!(
            "{} [data-testid=widget-error]",
            widget_css("critical-images")
        )))
        .await?;
    assert!(!broken.text().await?.is_empty());
    assert_eq!(
        d.find_all(By::Css("[data-testid=widget-count]"))
            .await?
            .len(),
        2,
        "the other count widgets still render"
    );
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_over_a_newer_version_gets_the_412_message_and_reloads() -> Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    open_dashboard(d, &app).await?;
    // "Another tab" saves first.
    let (mut doc, etag, _) = landing(&app, &token).await?;
    doc["name"] = "Renamed elsewhere".into();
    let resp = reqwest::Client::new()
        .put(format!(
            "{}/csapi/v1.3/dashboards/{}",
            app.url,
            doc["id"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .header("If-Match", etag)
        .json(&doc)
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 200);
    // This tab moves a widget by keyboard and tries to save.
    let handle = d
        .find(By::Css(format!(
            "{} [data-testid=widget-handle]",
            widget_css("critical-images")
        )))
        .await?;
    handle.focus().await?;
    handle.send_keys(Key::Enter).await?;
    handle.send_keys(Key::Right).await?;
    handle.send_keys(Key::Enter).await?;
    let banner = wait_for(d, "[data-testid=stale-banner]").await?;
    assert!(banner.text().await?.contains("was saved elsewhere"));
    assert_eq!(
        wait_for(d, "[data-testid=save-state]")
            .await?
            .text()
            .await?,
        "Not saved"
    );
    let (kept, _, _) = landing(&app, &token).await?;
    assert_eq!(
        kept["name"], "Renamed elsewhere",
        "the newer version was not overwritten"
    );
    d.find(By::Css("[data-testid=stale-reload]"))
        .await?
        .click()
        .await?;
    wait_gone(d, "[data-testid=stale-banner]").await?;
    assert_eq!(
        wait_for(d, "[data-testid=dashboard-name]")
            .await?
            .text()
            .await?,
        "Renamed elsewhere"
    );
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_widget_added_from_a_template_and_one_built_with_qql_appear_and_are_saved() -> Result<()>
{
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    open_dashboard(d, &app).await?;
    d.find(By::Css("[data-testid=add-widget]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=widget-library]").await?;
    d.find(By::Css(
        "[data-testid=add-template][data-template=containers-by-state]",
    ))
    .await?
    .click()
    .await?;
    wait_gone(d, "[data-testid=widget-library]").await?;
    let l = saved_until(&app, &token, |l| l.contains_key("containers-by-state")).await?;
    assert_valid_grid(&l);
    wait_for(d, &format!("{} canvas", widget_css("containers-by-state"))).await?;

    // Build your own: a count of privileged containers, previewed before it is added.
    d.find(By::Css("[data-testid=add-widget]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=tab-custom]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=builder-title]"))
        .await?
        .send_keys("Privileged containers")
        .await?;
    d.find(By::Css("[data-testid=builder-entity]"))
        .await?
        .find(By::Css("option[value=containers]"))
        .await?
        .click()
        .await?;
    let input = wait_for(d, "[data-testid=widget-library] [data-testid=qql-input]").await?;
    input.send_keys("privileged:true").await?;
    input.send_keys(Key::Enter).await?;
    let want = app
        .api_get(
            &token,
            "/csapi/v1.3/containers?pageSize=1&filter=privileged%3Atrue",
        )
        .await?["count"]
        .as_u64()
        .unwrap();
    let preview = wait_for(
        d,
        "[data-testid=builder-preview] [data-testid=widget-count] .big",
    )
    .await?;
    assert_eq!(preview.text().await?.replace(',', ""), want.to_string());
    d.find(By::Css("[data-testid=builder-save]"))
        .await?
        .click()
        .await?;
    let l = saved_until(&app, &token, |l| l.contains_key("custom")).await?;
    assert_valid_grid(&l);
    let (doc, _, _) = landing(&app, &token).await?;
    let custom = doc["widgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == "custom")
        .unwrap();
    assert_eq!(custom["query"], "privileged:true");
    assert_eq!(custom["entity"], "container");
    assert_eq!(custom["title"], "Privileged containers");
    browser.quit().await
}
