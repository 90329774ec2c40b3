use crate::common::*;
use shipshape_model::Role;

#[tokio::test]
async fn auth_returns_201_with_a_bare_jwt_as_text() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let res = app
        .client
        .post(app.url("/auth"))
        .body(format!(
            "username=admin&password={ADMIN_PASSWORD}&token=true&permissions=true"
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let token = res.text().await.unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    // The claims carry sub, exp, role and modulesAllowed containing CS.
    use base64::Engine;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(claims["sub"], "admin");
    assert_eq!(claims["role"], "admin");
    assert!(claims["modulesAllowed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "CS"));
    let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(lifetime, 4 * 3600);
}

#[tokio::test]
async fn wrong_password_or_unknown_user_is_401() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    for body in [
        "username=admin&password=nope&token=true",
        "username=ghost&password=x&token=true",
    ] {
        let res = app
            .client
            .post(app.url("/auth"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_error(res, 401).await;
    }
    let res = app
        .client
        .post(app.url("/auth"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=admin")
        .send()
        .await
        .unwrap();
    let v = assert_error(res, 400).await;
    assert_eq!(v["details"][0]["field"], "password");
}

#[tokio::test]
async fn bearer_and_basic_are_accepted_and_missing_credentials_are_401() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    assert_eq!(app.get(&token, "/csapi/v1.3/sensors").await.status(), 200);
    let basic = app
        .client
        .get(app.url("/csapi/v1.3/sensors"))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 200);
    let bad_basic = app
        .client
        .get(app.url("/csapi/v1.3/sensors"))
        .basic_auth("admin", Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_error(bad_basic, 401).await;
    let none = app
        .client
        .get(app.url("/csapi/v1.3/sensors"))
        .send()
        .await
        .unwrap();
    assert!(none.headers().contains_key("www-authenticate"));
    assert_error(none, 401).await;
    let garbage = app.get("not-a-jwt", "/csapi/v1.3/sensors").await;
    assert_error(garbage, 401).await;
    let scheme = app
        .client
        .get(app.url("/csapi/v1.3/sensors"))
        .header("authorization", "Digest abc")
        .send()
        .await
        .unwrap();
    assert_error(scheme, 401).await;
}

#[tokio::test]
async fn an_expired_jwt_is_401_saying_jwt_expired() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let now = chrono::Utc::now().timestamp();
    let expired = app
        .state
        .tokens
        .issue_at("admin", Role::Admin, now - 5 * 3600, now - 3600)
        .unwrap();
    let v = assert_error(app.get(&expired, "/csapi/v1.3/images").await, 401).await;
    assert!(
        v["message"].as_str().unwrap().contains("JWT expired"),
        "{v}"
    );
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_refused() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let other =
        shipshape_server::auth::token::TokenKeys::new(b"someone else's secret, 32 bytes!", 3600);
    let forged = other.issue("admin", Role::Admin, 0).unwrap();
    assert_error(app.get(&forged, "/csapi/v1.3/images").await, 401).await;
}

#[tokio::test]
async fn a_viewer_reads_but_cannot_delete() {
    let app = spawn_app().await;
    let viewer = app.user_token("vera", Role::Viewer).await;
    assert_eq!(
        app.get(&viewer, "/csapi/v1.3/containers").await.status(),
        200
    );
    let res = app
        .client
        .delete(app.url("/csapi/v1.3/containers?containerIds=abc"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    let v = assert_error(res, 403).await;
    assert!(v["message"].as_str().unwrap().contains("operator"), "{v}");
}
