//! Roles: viewers see no delete control and the API refuses their deletes; operators delete
//! with a confirmation and see the job's outcome.

use shipshape_e2e::*;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_sees_no_delete_control_and_a_forced_delete_gets_403() -> anyhow::Result<()> {
    let app = App::start().await?;
    app.add_user("vera", "viewer", "viewer-password").await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/containers", "vera", "viewer-password").await?;
    assert_eq!(
        text_content(&wait_for(d, "[data-testid=role]").await?).await?,
        "viewer"
    );
    let keys = table_keys(d).await?;
    assert!(d
        .find_all(By::Css("[data-testid=delete-selected]"))
        .await?
        .is_empty());
    assert!(d
        .find_all(By::Css("[data-testid=row-check]"))
        .await?
        .is_empty());

    let token = app.token("vera", "viewer-password").await?;
    let resp = reqwest::Client::new()
        .delete(format!("{}/csapi/v1.3/containers", app.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "containerIds": [keys[0]] }))
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 403);
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_deletes_selected_rows_after_confirming_the_count() -> anyhow::Result<()> {
    let app = App::start().await?;
    app.add_user("otto", "operator", "operator-password")
        .await?;
    let token = app.token("admin", ADMIN_PASSWORD).await?;
    let browser = Browser::start().await?;
    let d = &browser.driver;
    sign_in_at(d, &app, "/containers", "otto", "operator-password").await?;
    let before = app
        .api_get(&token, "/csapi/v1.3/containers?pageSize=1")
        .await?["count"]
        .as_u64()
        .unwrap();
    let keys = table_keys(d).await?;
    assert!(keys.len() >= 2);
    let checks = d.find_all(By::Css("[data-testid=row-check]")).await?;
    checks[0].click().await?;
    checks[1].click().await?;
    wait_url(d, |u| u.contains("selected=")).await?;
    d.find(By::Css("[data-testid=delete-selected]"))
        .await?
        .click()
        .await?;
    let dialog = wait_for(d, "[data-testid=delete-dialog]").await?;
    assert!(dialog.text().await?.contains("Delete 2 containers?"));
    d.find(By::Css("[data-testid=delete-confirm]"))
        .await?
        .click()
        .await?;
    let outcome = wait_for(d, "[data-testid=delete-outcome]")
        .await?
        .text()
        .await?;
    assert!(outcome.contains("Deleted 2 of 2 containers"), "{outcome}");
    let after = app
        .api_get(&token, "/csapi/v1.3/containers?pageSize=1")
        .await?["count"]
        .as_u64()
        .unwrap();
    assert_eq!(after, before - 2);
    let now = table_keys(d).await?;
    assert!(!now.contains(&keys[0]) && !now.contains(&keys[1]));
    browser.quit().await
}
