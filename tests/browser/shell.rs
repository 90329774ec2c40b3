//! Signing in, the top bar, and coming back to the same URL after the session expires.

use shipshape_e2e::*;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_shows_the_user_and_role_in_the_top_bar() -> anyhow::Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    d.goto(format!("{}/sensors", app.url)).await?;
    // Not signed in: the console asks for credentials and remembers where we were going.
    wait_for(d, "[data-testid=signin-form]").await?;
    let url = d.current_url().await?.to_string();
    assert!(url.contains("/signin?next=%2Fsensors"), "{url}");

    // Wrong password: a message, no session.
    fill_wrong(d).await?;
    let err = wait_for(d, "[data-testid=signin-error]").await?;
    assert!(err.text().await?.contains("Wrong username or password"));

    fill_sign_in(d, "admin", ADMIN_PASSWORD).await?;
    wait_url(d, |u| u.ends_with("/sensors")).await?;
    assert_eq!(
        wait_for(d, "[data-testid=user]").await?.text().await?,
        "admin"
    );
    assert_eq!(
        text_content(&d.find(By::Css("[data-testid=role]")).await?).await?,
        "admin"
    );
    let token: serde_json::Value = d
        .execute("return sessionStorage.getItem('shipshape.token')", vec![])
        .await?
        .json()
        .clone();
    assert_eq!(
        token.as_str().map(|t| t.split('.').count()),
        Some(3),
        "a JWT is kept in sessionStorage"
    );

    // The theme follows the system until chosen; the choice is remembered.
    let theme = "return [document.documentElement.getAttribute('data-theme'), localStorage.getItem('shipshape.theme')]";
    assert_eq!(
        d.execute(theme, vec![]).await?.json(),
        &serde_json::json!([null, null])
    );
    d.find(By::Css("[data-testid=theme-toggle]"))
        .await?
        .click()
        .await?;
    assert_eq!(
        d.execute(theme, vec![]).await?.json(),
        &serde_json::json!(["light", "light"])
    );
    d.find(By::Css("[data-testid=theme-toggle]"))
        .await?
        .click()
        .await?;
    assert_eq!(
        d.execute(theme, vec![]).await?.json(),
        &serde_json::json!(["dark", "dark"])
    );
    d.refresh().await?;
    wait_for(d, "[data-testid=user]").await?;
    assert_eq!(
        d.execute(theme, vec![]).await?.json(),
        &serde_json::json!(["dark", "dark"])
    );
    d.find(By::Css("[data-testid=theme-toggle]"))
        .await?
        .click()
        .await?;
    assert_eq!(
        d.execute(theme, vec![]).await?.json(),
        &serde_json::json!([null, null])
    );

    // The dashboard tab opens the landing dashboard.
    d.find(By::Css("[data-testid=nav-dashboard]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=widget]").await?;
    let name = wait_for(d, "[data-testid=dashboard-name]")
        .await?
        .text()
        .await?;
    assert_eq!(name, "Vulnerability overview");

    // Sign-out returns to the sign-in page and forgets the token.
    d.find(By::Css("[data-testid=sign-out]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=signin-form]").await?;
    let token = d
        .execute("return sessionStorage.getItem('shipshape.token')", vec![])
        .await?;
    assert!(token.json().is_null());
    browser.quit().await
}

async fn fill_wrong(d: &WebDriver) -> anyhow::Result<()> {
    wait_for(d, "[data-testid=username]")
        .await?
        .send_keys("admin")
        .await?;
    d.find(By::Css("[data-testid=password]"))
        .await?
        .send_keys("not-the-password")
        .await?;
    d.find(By::Css("[data-testid=signin-submit]"))
        .await?
        .click()
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_or_garbage_token_returns_to_sign_in_and_then_to_the_same_url(
) -> anyhow::Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    let path = "/images?sort=size:desc&pageNumber=2&pageSize=25";
    sign_in_at(d, &app, path, "admin", ADMIN_PASSWORD).await?;
    table_keys(d).await?;

    // A token whose exp is in the past: {"sub":"admin","role":"admin","exp":1000}.
    let expired = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiIsImV4cCI6MTAwMH0.x";
    for bad in [expired, "garbage"] {
        d.execute(
            &format!("sessionStorage.setItem('shipshape.token', '{bad}')"),
            vec![],
        )
        .await?;
        d.refresh().await?;
        wait_for(d, "[data-testid=signin-form]").await?;
        fill_sign_in(d, "admin", ADMIN_PASSWORD).await?;
        let url = wait_url(d, |u| u.contains("/images?")).await?;
        assert!(
            url.ends_with(path),
            "back on the same URL after sign-in: {url}"
        );
        assert_eq!(table_keys(d).await?.len(), 25);
    }

    // The server's own 401 (a well-formed token the server does not accept) ends the session too.
    let forged =
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiIsImV4cCI6NDEwMjQ0NDgwMH0.bad";
    d.execute(
        &format!("sessionStorage.setItem('shipshape.token', '{forged}')"),
        vec![],
    )
    .await?;
    d.find(By::Css("[data-testid=next-page]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=signin-form]").await?;
    let url = d.current_url().await?.to_string();
    assert!(url.contains("next=%2Fimages%3F"), "{url}");
    browser.quit().await
}

/// The wasm the browser has fetched so far (resource URLs' file names).
async fn fetched_wasm(d: &WebDriver) -> anyhow::Result<Vec<String>> {
    let names = d
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name.split('/').pop())\
             .filter(n => n.endsWith('.wasm'))",
            vec![],
        )
        .await?
        .json()
        .clone();
    Ok(serde_json::from_value(names)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_outside_the_first_load_are_fetched_when_first_opened() -> anyhow::Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/dashboard", "admin", ADMIN_PASSWORD).await?;
    wait_for(d, "[data-testid=widget]").await?;
    let first = fetched_wasm(d).await?;
    assert!(
        first.iter().any(|n| n.ends_with("_bg.wasm")),
        "the main module: {first:?}"
    );
    for later in ["settings_route", "library_dialog", "audit_route"] {
        assert!(
            !first.iter().any(|n| n.contains(later)),
            "{later} is not in the first load: {first:?}"
        );
    }

    // Settings: its code arrives on the first visit, and the page works.
    d.find(By::Css("[data-testid=nav-settings]"))
        .await?
        .click()
        .await?;
    wait_for(
        d,
        "[data-testid=retention-settings] [data-testid=retention-enabled]",
    )
    .await?;
    let now = fetched_wasm(d).await?;
    assert!(
        now.iter().any(|n| n.contains("settings_route")),
        "the settings chunk was fetched: {now:?}"
    );
    assert!(!now.iter().any(|n| n.contains("audit_route")), "{now:?}");

    // The widget library (templates, builder, QQL search bar) likewise, on first opening.
    d.find(By::Css("[data-testid=nav-dashboard]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=add-widget]")
        .await?
        .click()
        .await?;
    wait_for(
        d,
        "[data-testid=widget-library] [data-testid=tab-templates]",
    )
    .await?;
    let now = fetched_wasm(d).await?;
    assert!(
        now.iter().any(|n| n.contains("library_dialog")),
        "the library chunk was fetched: {now:?}"
    );
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_whose_code_cannot_be_fetched_reloads_once_then_says_so() -> anyhow::Result<()> {
    // The console as a tab opened before an upgrade would find it: Settings' chunk gone.
    let dist = tempfile::tempdir()?;
    let mut removed = 0;
    for entry in std::fs::read_dir(dist_dir())? {
        let p = entry?.path();
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.contains("settings_route") {
            removed += 1;
        } else {
            std::fs::copy(&p, dist.path().join(&name))?;
        }
    }
    assert!(removed > 0, "the build has a settings chunk");
    let app = App::start_with_dist(dist.path()).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/dashboard", "admin", ADMIN_PASSWORD).await?;
    wait_for(d, "[data-testid=widget]").await?;
    // A mark on this document: it is gone once the page has been loaded again.
    const MARK: &str = "window.shipshapeTestMark = true";
    const MARKED: &str = "return window.shipshapeTestMark === true";
    d.execute(MARK, vec![]).await?;
    d.find(By::Css("[data-testid=nav-settings]"))
        .await?
        .click()
        .await?;
    // The first failure reloads the console (a fresh session: nothing tried yet), which after an
    // upgrade brings the new build; the router had not left the dashboard yet, so it is back.
    wait_until(d, &format!("{MARKED} ? null : true")).await?;
    let tried = wait_until(d, "return sessionStorage.getItem('shipshape.chunkReload')").await?;
    assert!(tried.is_string(), "the reload was tried: {tried}");
    wait_for(d, "[data-testid=widget]").await?;
    d.execute(MARK, vec![]).await?;
    assert!(d.current_url().await?.path().ends_with("/dashboard"));
    // Failing again at once (the chunk is really missing) explains instead of reloading again.
    d.find(By::Css("[data-testid=nav-settings]"))
        .await?
        .click()
        .await?;
    let alert = wait_for(d, "[data-testid=chunk-error]").await?;
    assert!(alert.text().await?.contains("could not load"));
    assert_eq!(
        d.execute(
            "return sessionStorage.getItem('shipshape.chunkReload')",
            vec![]
        )
        .await?
        .json(),
        &tried,
        "no second reload"
    );
    assert_eq!(
        d.execute(MARKED, vec![]).await?.json(),
        &serde_json::json!(true),
        "the page explaining is the same document: not loaded again"
    );
    browser.quit().await
}

/// Polls `script` until it returns something other than null (10 s at most).
async fn wait_until(d: &WebDriver, script: &str) -> anyhow::Result<serde_json::Value> {
    for _ in 0..100 {
        let v = d.execute(script, vec![]).await?.json().clone();
        if !v.is_null() {
            return Ok(v);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("waited 10 s for `{script}`")
}
