//! Not a test of behaviour: `cargo xtask bench` runs this against its server on the seeded
//! 1,000,000-container database to time a dashboard of 12 widgets in a real browser, from
//! navigation start until every widget has drawn its answer. It needs
//! `SHIPSHAPE_BENCH_URL` and `SHIPSHAPE_BENCH_PASSWORD` (the admin's) and prints `MEASURE` lines.

use shipshape_e2e::*;
use shipshape_model::dashboard::templates;
use shipshape_model::grid;
use thirtyfour::prelude::*;

/// The Vulnerability overview (8 widgets) and four of the Runtime template's: 12 widgets that
/// ask the questions the bench's request-level dashboard figure asks.
fn twelve_widgets() -> anyhow::Result<serde_json::Value> {
    let mut d = templates::vulnerability_overview();
    d.name = "Bench: 12 widgets".into();
    for id in [
        "root-containers",
        "privileged-containers",
        "containers-by-state",
        "containers-by-cluster",
    ] {
        let mut w = templates::widget_template(id)
            .ok_or_else(|| anyhow::anyhow!("no widget template {id}"))?;
        let layouts: Vec<grid::Layout> = d.widgets.iter().map(|w| w.layout).collect();
        let at = grid::place_new(&layouts, w.layout.w, w.layout.h);
        w.layout.x = at.x;
        w.layout.y = at.y;
        d.widgets.push(w);
    }
    anyhow::ensure!(d.widgets.len() == 12);
    Ok(serde_json::to_value(&d)?)
}

/// Resolves with `performance.now()` once `n` widgets are on the page and none is still
/// loading (each has its chart, table, number or error).
const RENDERED: &str = r#"
const [n, done] = arguments;
(function poll() {
  const widgets = document.querySelectorAll('[data-testid=widget]');
  if (widgets.length === n && !document.querySelector('.widget-loading')) {
    done(performance.now());
  } else {
    requestAnimationFrame(poll);
  }
})();
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn dashboard_of_12_widgets_render_time() -> anyhow::Result<()> {
    let (Ok(url), Ok(password)) = (
        std::env::var("SHIPSHAPE_BENCH_URL"),
        std::env::var("SHIPSHAPE_BENCH_PASSWORD"),
    ) else {
        anyhow::bail!(
            "run by `cargo xtask bench`: SHIPSHAPE_BENCH_URL and SHIPSHAPE_BENCH_PASSWORD"
        );
    };
    let http = reqwest::Client::new();
    let created: serde_json::Value = http
        .post(format!("{url}/csapi/v1.3/dashboards"))
        .basic_auth("admin", Some(&password))
        .json(&twelve_widgets()?)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = created["id"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("the created dashboard has no id: {created}"))?
        .to_string();

    let browser = Browser::start().await?;
    let d = &browser.driver;
    d.set_window_rect(0, 0, 1920, 1200).await?;
    let page = format!("/dashboard?id={id}");
    d.goto(format!("{url}/signin")).await?;
    fill_sign_in(d, "admin", &password).await?;
    let mut times = Vec::new();
    let mut failures = Vec::new();
    for run in 0..6 {
        d.goto(format!("{url}{page}")).await?;
        let ms = d
            .execute_async(RENDERED, vec![serde_json::json!(12)])
            .await?
            .json()
            .as_f64()
            .unwrap_or(f64::NAN);
        // A widget that failed (its request refused or out of time) has drawn its error: the
        // time counts it as drawn, and which ones failed is reported beside the time.
        for w in d
            .find_all(By::Css(
                "[data-testid=widget]:has([data-testid=widget-error])",
            ))
            .await?
        {
            failures.push(format!(
                "run {run}: {}",
                w.attr("data-widget").await?.unwrap_or_default()
            ));
        }
        if run == 0 {
            // The dashboard's first opening (the console's files already fetched by sign-in).
            println!(
                "MEASURE dashboard of 12 widgets, first open: {ms:.0} ms from navigation start \
                 to the last widget drawn"
            );
        } else {
            times.push(ms);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "MEASURE dashboard of 12 widgets, reloaded 5 times (cached console, data as the server \
         keeps it): median {:.0} ms, worst {:.0} ms from navigation start to the last widget drawn",
        times[times.len() / 2],
        times[times.len() - 1]
    );
    println!(
        "MEASURE widgets that showed an error instead of their answer: {}",
        if failures.is_empty() {
            "none".to_string()
        } else {
            failures.join(", ")
        }
    );
    browser.quit().await
}
