//! The three asset tabs: rows and counts, paging, sorting, reload, and opening a detail view.

use shipshape_e2e::*;
use thirtyfour::prelude::*;

fn count_in(text: &str) -> u64 {
    text.chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(u64::MAX)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_tab_lists_rows_and_shows_the_apis_count() -> anyhow::Result<()> {
    let app = App::start().await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/sensors", "admin", ADMIN_PASSWORD).await?;
    for (tab, key) in [
        ("sensors", "uuid"),
        ("images", "sha"),
        ("containers", "sha"),
    ] {
        d.find(By::Css(format!("[data-testid=nav-{tab}]")))
            .await?
            .click()
            .await?;
        wait_for(d, &format!("[data-testid={tab}-page]")).await?;
        let keys = table_keys(d).await?;
        let api = app
            .api_get(
                &token,
                &format!("/csapi/v1.3/{tab}?sort=created:desc&pageNumber=1&pageSize=50"),
            )
            .await?;
        let count = api["count"].as_u64().unwrap();
        assert!(count > 0, "{tab}: the demo fleet has rows");
        let shown = count_in(
            &wait_for(d, "[data-testid=total-count]")
                .await?
                .text()
                .await?,
        );
        assert_eq!(shown, count, "{tab}: the count shown is the API's count");
        let api_keys: Vec<String> = api["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[key].as_str().unwrap().to_string())
            .collect();
        assert_eq!(keys, api_keys, "{tab}: the rows are the API's first page");
    }
    // Export fetches every matching row (not just the page) and saves it.
    d.goto(format!("{}/sensors?pageSize=25", app.url)).await?;
    table_keys(d).await?;
    d.find(By::Css("[data-testid=export-csv]"))
        .await?
        .click()
        .await?;
    let status = d.find(By::Css("[data-testid=export-status]")).await?;
    let mut text = String::new();
    for _ in 0..100 {
        text = status.text().await?;
        if text.starts_with("Exported") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let n = app
        .api_get(&token, "/csapi/v1.3/sensors?pageSize=1")
        .await?["count"]
        .as_u64()
        .unwrap();
    assert_eq!(text, format!("Exported {n} rows"));
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_and_sorting_change_the_rows_and_the_url_and_reload_restores_them(
) -> anyhow::Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/containers", "admin", ADMIN_PASSWORD).await?;
    let first = table_keys(d).await?;
    assert_eq!(first.len(), 50);

    // Next page: new rows, pageNumber=2 in the URL.
    d.find(By::Css("[data-testid=next-page]"))
        .await?
        .click()
        .await?;
    wait_url(d, |u| u.contains("pageNumber=2")).await?;
    let second = table_keys(d).await?;
    assert_eq!(second.len(), 50);
    assert!(
        second.iter().all(|k| !first.contains(k)),
        "page 2 repeats no row of page 1"
    );

    // Page size 25.
    d.find(By::Css("[data-testid=page-size]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=page-size] option[value='25']"))
        .await?
        .click()
        .await?;
    wait_url(d, |u| {
        u.contains("pageSize=25") && u.contains("pageNumber=1")
    })
    .await?;
    assert_eq!(table_keys(d).await?.len(), 25);

    // The pager is at the bottom; sortable headers are at the top (under the sticky top bar).
    d.execute("window.scrollTo(0, 0)", vec![]).await?;
    // Sort by name: ascending, then descending on a second click.
    d.find(By::Css("[data-testid=sort-name]"))
        .await?
        .click()
        .await?;
    wait_url(d, |u| u.contains("sort=name:asc")).await?;
    let asc = table_keys(d).await?;
    d.find(By::Css("[data-testid=sort-name]"))
        .await?
        .click()
        .await?;
    wait_url(d, |u| u.contains("sort=name:desc")).await?;
    let desc = table_keys(d).await?;
    assert_ne!(asc, desc, "sorting changes the rows");

    // Columns chosen, page 3: reload shows the same screen.
    let url = format!(
        "{}/containers?sort=name:asc&pageNumber=3&pageSize=25&columns=name,state,host",
        app.url
    );
    d.goto(&url).await?;
    let before = table_keys(d).await?;
    let headers_before = d
        .find_all(By::Css("[data-testid=list-table] thead th"))
        .await?
        .len();
    d.refresh().await?;
    let after = table_keys(d).await?;
    assert_eq!(before, after, "reload restores the rows");
    assert_eq!(
        d.find_all(By::Css("[data-testid=list-table] thead th"))
            .await?
            .len(),
        headers_before
    );
    assert_eq!(headers_before, 4, "checkbox, name, state, host");
    assert_eq!(
        column_texts(d, "state").await?.len(),
        25,
        "the chosen columns are drawn"
    );
    assert!(
        column_texts(d, "created").await?.is_empty(),
        "the others are not"
    );
    assert!(d
        .find(By::Css("[data-testid=page-number]"))
        .await?
        .text()
        .await?
        .starts_with("Page 3"));

    // Back returns to the previous view.
    d.back().await?;
    wait_url(d, |u| u.contains("sort=name:desc")).await?;
    assert_eq!(table_keys(d).await?, desc);
    browser.quit().await
}

async fn column_texts(d: &WebDriver, col: &str) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for td in d
        .find_all(By::Css(format!("[data-testid=row] td[data-col={col}]")))
        .await?
    {
        out.push(td.text().await?);
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detail_view_opens_from_a_row_by_click_and_by_keyboard() -> anyhow::Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/sensors", "admin", ADMIN_PASSWORD).await?;
    let keys = table_keys(d).await?;
    d.find(By::Css("[data-testid=row]")).await?.click().await?;
    wait_url(d, |u| u.ends_with(&format!("/sensors/{}", keys[0]))).await?;
    let title = wait_for(
        d,
        "[data-testid=detail-title] span:not(.skeleton), [data-testid=detail-title]",
    )
    .await?;
    wait_gone(d, "[data-testid=detail-loading]").await?;
    assert!(!title.text().await?.trim().is_empty());

    // Images: focus a row and press Enter.
    d.goto(format!("{}/images", app.url)).await?;
    let keys = table_keys(d).await?;
    let row = d.find(By::Css("[data-testid=row]")).await?;
    row.focus().await?;
    row.send_keys(Key::Enter).await?;
    wait_url(d, |u| u.ends_with(&format!("/images/{}", keys[0]))).await?;
    wait_gone(d, "[data-testid=detail-loading]").await?;
    wait_for(d, "[data-testid=vuln-table], [data-testid=vulnerabilities]").await?;
    wait_for(d, "[data-testid=association-containers]").await?;

    // Containers: the detail links to its image.
    d.goto(format!("{}/containers", app.url)).await?;
    table_keys(d).await?;
    d.find(By::Css("[data-testid=row]")).await?.click().await?;
    wait_url(d, |u| u.contains("/containers/")).await?;
    wait_for(d, "[data-testid=image-link]")
        .await?
        .click()
        .await?;
    wait_url(d, |u| u.contains("/images/")).await?;
    wait_gone(d, "[data-testid=detail-loading]").await?;
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_applies_on_enter_lives_in_the_url_and_empty_or_bad_filters_say_so(
) -> anyhow::Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/containers", "admin", ADMIN_PASSWORD).await?;
    table_keys(d).await?;

    let input = d.find(By::Css("[data-testid=qql-input]")).await?;
    input.send_keys("state:RUNNING").await?;
    input.send_keys(Key::Enter).await?;
    wait_url(d, |u| u.contains("filter=state:RUNNING")).await?;
    table_keys(d).await?;
    for state in column_texts(d, "state").await? {
        assert_eq!(state, "RUNNING");
    }
    d.refresh().await?;
    table_keys(d).await?;
    let input = d.find(By::Css("[data-testid=qql-input]")).await?;
    assert_eq!(
        input.prop("value").await?.unwrap_or_default(),
        "state:RUNNING"
    );

    // Nothing matches: the empty state shows the filter that produced it.
    let none = "name:no-such-container-anywhere";
    d.goto(format!(
        "{}/containers?filter={}",
        app.url,
        none.replace(':', "%3A")
    ))
    .await?;
    let empty = wait_for(d, "[data-testid=empty-filter]").await?;
    assert_eq!(empty.text().await?, none);

    // A filter the server refuses: its message, and a Retry button.
    d.goto(format!("{}/images?filter=nosuchtoken%3A1", app.url))
        .await?;
    let msg = wait_for(d, "[data-testid=error-message]")
        .await?
        .text()
        .await?;
    assert!(msg.contains("Unknown token 'nosuchtoken'"), "{msg}");
    d.find(By::Css("[data-testid=retry]")).await?;
    browser.quit().await
}
