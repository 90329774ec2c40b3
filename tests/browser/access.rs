//! Access in the console: it runs under its Content-Security-Policy with no violation, the
//! sign-in return path stays inside the console, and users, service tokens and one's own
//! password are managed from Settings.

use shipshape_e2e::*;
use thirtyfour::prelude::*;

/// Types `text` into the field `css` (cleared first).
async fn type_into(d: &WebDriver, css: &str, text: &str) -> anyhow::Result<()> {
    let el = wait_for(d, css).await?;
    el.clear().await?;
    el.send_keys(text).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_runs_under_its_csp_and_sign_in_never_leaves_it() -> anyhow::Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    // Each `next` would send a careless console to another site (or run a script) after
    // sign-in; every one lands on a console page.
    for next in [
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "%252F%252Fevil.example",
        "https%3A%2F%2Fevil.example",
        "javascript%3Aalert(1)",
        "%2F%09%2Fevil.example",
    ] {
        d.goto(format!("{}/signin?next={next}", app.url)).await?;
        fill_sign_in(d, "admin", ADMIN_PASSWORD).await?;
        let url = wait_url(d, |u| u.starts_with(&app.url) && !u.contains("/signin")).await?;
        assert_eq!(url, format!("{}/sensors", app.url), "next={next}");
        d.execute("sessionStorage.clear()", vec![]).await?;
    }
    // A console path is followed.
    d.goto(format!(
        "{}/signin?next=%2Fcontainers%3Ffilter%3Dstate%253ARUNNING",
        app.url
    ))
    .await?;
    fill_sign_in(d, "admin", ADMIN_PASSWORD).await?;
    wait_url(d, |u| u.contains("/containers?filter=state")).await?;

    // Pages whose code is fetched on demand, a chart, the settings forms: no CSP violation
    // and no script error anywhere.
    for (path, ready) in [
        ("/dashboard", "[data-testid=widget]"),
        ("/containers", "[data-testid=row]"),
        ("/settings/account", "[data-testid=password-form]"),
        ("/settings/users", "[data-testid=users-table]"),
    ] {
        d.goto(format!("{}{path}", app.url)).await?;
        wait_for(d, ready).await?;
    }
    // The sensor-profile editor checks regexes and time zones with the browser's own engines.
    d.goto(format!("{}/settings/profiles", app.url)).await?;
    wait_for(d, "[data-testid=profile-new]")
        .await?
        .click()
        .await?;
    type_into(d, "[data-testid=profile-regex]", "^(nginx|redis").await?;
    wait_for(d, "[data-testid=error-regex]").await?;
    type_into(d, "[data-testid=profile-tz]", "Mars/Olympus").await?;
    wait_text(d, "[data-testid='error-config.timeZone']", |t| {
        t.contains("IANA")
    })
    .await?;
    let messages = browser.console_messages().await?;
    let bad: Vec<_> = messages
        .iter()
        .filter(|m| m.contains("Content Security Policy") || m.starts_with("SEVERE"))
        .collect();
    assert!(bad.is_empty(), "console messages under the CSP: {bad:#?}");
    // Nothing in the console's code evaluates strings (the CSP would stop it at run time).
    for f in std::fs::read_dir(dist_dir())? {
        let path = f?.path();
        if path.extension().is_some_and(|e| e == "js") {
            let js = std::fs::read_to_string(&path)?;
            for bad in ["new Function(", "eval("] {
                assert!(!js.contains(bad), "{} contains {bad}", path.display());
            }
        }
    }
    // The theme chosen before the app loads comes from the (hashed) inline script.
    d.execute("localStorage.setItem('shipshape.theme', 'dark')", vec![])
        .await?;
    d.goto(format!("{}/sensors", app.url)).await?;
    let theme = d
        .execute(
            "return document.documentElement.getAttribute('data-theme')",
            vec![],
        )
        .await?;
    assert_eq!(theme.json(), "dark");
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_manages_users_and_tokens_and_a_user_changes_their_password() -> anyhow::Result<()>
{
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/settings/users", "admin", ADMIN_PASSWORD).await?;
    wait_for(d, "[data-testid=users-table]").await?;

    // A weak password is refused as it is typed, with the rule.
    type_into(d, "#user-name", "rita").await?;
    type_into(d, "#user-password", "short").await?;
    let err = wait_for(d, "[data-testid=error-user-password]").await?;
    assert!(
        err.text().await?.contains("at least 12"),
        "{}",
        err.text().await?
    );
    type_into(d, "#user-password", "rita's passphrase").await?;
    wait_gone(d, "[data-testid=error-user-password]").await?;
    d.find(By::Css("[data-testid=new-user-role]"))
        .await?
        .find(By::Css("option[value=operator]"))
        .await?
        .click()
        .await?;
    d.find(By::Css("[data-testid=add-user]"))
        .await?
        .click()
        .await?;
    wait_text(d, "[data-testid=done]", |t| t.contains("User rita added.")).await?;
    let row = wait_for(d, "[data-testid=user-row][data-user=rita]").await?;
    let role: String = d
        .execute(
            "return document.querySelector('[data-user=rita] [data-testid=user-role]').value",
            vec![],
        )
        .await?
        .convert()?;
    assert_eq!(role, "operator");

    // Disabled: rita cannot sign in; enabled again, she can.
    row.find(By::Css("[data-testid=toggle-user]"))
        .await?
        .click()
        .await?;
    wait_text(d, "[data-user=rita] [data-testid=user-status]", |t| {
        t.contains("disabled")
    })
    .await?;
    let refused = reqwest::Client::new()
        .post(format!("{}/auth", app.url))
        .form(&[("username", "rita"), ("password", "rita's passphrase")])
        .send()
        .await?;
    assert_eq!(refused.status(), 401);
    wait_for(d, "[data-user=rita] [data-testid=toggle-user]")
        .await?
        .click()
        .await?;
    wait_text(d, "[data-user=rita] [data-testid=user-status]", |t| {
        t.contains("enabled")
    })
    .await?;

    // A service token: shown once, works, listed without its secret, revoked.
    d.goto(format!("{}/settings/tokens", app.url)).await?;
    wait_for(d, "[data-testid=tokens-empty]").await?;
    type_into(d, "#token-name", "nightly export").await?;
    type_into(d, "#token-password", ADMIN_PASSWORD).await?;
    d.find(By::Css("[data-testid=make-token]"))
        .await?
        .click()
        .await?;
    let secret = text_content(&wait_for(d, "[data-testid=token-secret]").await?).await?;
    assert!(secret.starts_with("ssp_"), "{secret}");
    let me = app.api_get(&secret, "/csapi/v1.3/me").await?;
    assert_eq!(me["role"], "viewer", "the default role: {me}");
    let table = wait_for(d, "[data-testid=tokens-table]").await?;
    assert!(
        !table.text().await?.contains(&secret[20..]),
        "the secret is not listed"
    );
    assert!(table.text().await?.contains("nightly export"));
    d.find(By::Css("[data-testid=revoke-token]"))
        .await?
        .click()
        .await?;
    wait_gone(d, "[data-testid=revoke-token]").await?;
    let gone = reqwest::Client::new()
        .get(format!("{}/csapi/v1.3/me", app.url))
        .bearer_auth(&secret)
        .send()
        .await?;
    assert_eq!(gone.status(), 401);

    // Rita changes her own password: the wrong current one is refused; then her old session
    // ends and the new password signs in.
    d.find(By::Css("[data-testid=sign-out]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=signin-form]").await?;
    let old_rita = app.token("rita", "rita's passphrase").await?;
    sign_in_at(d, &app, "/settings/account", "rita", "rita's passphrase").await?;
    type_into(d, "#current-password", "not my password").await?;
    type_into(d, "#new-password", "rita's better passphrase").await?;
    type_into(d, "#confirm-password", "rita's better passphrase").await?;
    d.find(By::Css("[data-testid=change-password]"))
        .await?
        .click()
        .await?;
    wait_text(d, "[data-testid=failed]", |t| {
        t.contains("current password")
    })
    .await?;
    type_into(d, "#current-password", "rita's passphrase").await?;
    d.find(By::Css("[data-testid=change-password]"))
        .await?
        .click()
        .await?;
    wait_text(d, "[data-testid=done]", |t| t.contains("Password changed")).await?;
    let ended = reqwest::Client::new()
        .get(format!("{}/csapi/v1.3/me", app.url))
        .bearer_auth(&old_rita)
        .send()
        .await?;
    assert_eq!(ended.status(), 401);
    // This tab goes on with the new token.
    d.goto(format!("{}/settings/tokens", app.url)).await?;
    wait_for(d, "[data-testid=tokens-empty]").await?;
    app.token("rita", "rita's better passphrase").await?;
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_the_token_on_the_server() -> anyhow::Result<()> {
    let app = App::start().await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/sensors", "admin", ADMIN_PASSWORD).await?;
    let token: String = d
        .execute("return sessionStorage.getItem('shipshape.token')", vec![])
        .await?
        .convert()?;
    d.find(By::Css("[data-testid=sign-out]"))
        .await?
        .click()
        .await?;
    wait_for(d, "[data-testid=signin-form]").await?;
    let res = reqwest::Client::new()
        .get(format!("{}/csapi/v1.3/me", app.url))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(res.status(), 401, "a signed-out token is refused");
    browser.quit().await
}
