//! Access: who may call what (the role matrix, generated from the router's document), ending
//! sessions, users and service tokens through the API, the sign-in throttle under a flood,
//! security headers, job visibility, absolute links and the request rate.

use crate::common::*;
use serde_json::{json, Value};
use shipshape_model::Role;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The least role each documented operation needs (`None`: no credentials at all), and
/// whether a service token may call it. A route missing here fails the matrix test: say who
/// may call a new route when adding it.
fn needs() -> BTreeMap<&'static str, (Option<Role>, bool)> {
    use Role::*;
    let viewer = (Some(Viewer), true);
    let operator = (Some(Operator), true);
    let admin = (Some(Admin), true);
    let public = (None, true);
    let mut m = BTreeMap::new();
    for v in ["v1.1", "v1.3"] {
        for e in ["containers", "images"] {
            for p in [
                "",
                "/list",
                "/{sha}",
                "/{sha}/software",
                "/{sha}/vuln",
                "/{sha}/vuln/count",
            ] {
                m.insert(format!("GET /csapi/{v}/{e}{p}"), viewer);
            }
            m.insert(format!("DELETE /csapi/{v}/{e}"), operator);
        }
        m.insert(format!("GET /csapi/{v}/images/{{sha}}/association"), viewer);
        m.insert(format!("GET /csapi/{v}/sensors"), viewer);
        m.insert(format!("GET /csapi/{v}/sensors/{{uuid}}"), viewer);
        m.insert(format!("DELETE /csapi/{v}/sensors"), operator);
    }
    for e in ["containers", "images", "sensors"] {
        m.insert(format!("GET /csapi/v1.3/{e}/aggregate"), viewer);
        m.insert(format!("GET /csapi/v1.3/{e}/trend"), viewer);
    }
    let rest = [
        ("POST /auth", public),
        ("GET /healthz", public),
        ("GET /readyz", public),
        ("GET /csapi/v1.2/images", viewer),
        ("GET /csapi/v1.3/vulnerabilities/aggregate", viewer),
        ("GET /csapi/v1.3/audit", admin),
        ("GET /csapi/v1.3/dashboards", viewer),
        ("POST /csapi/v1.3/dashboards", operator),
        ("PUT /csapi/v1.3/dashboards/landing", viewer),
        ("GET /csapi/v1.3/dashboards/{id}", viewer),
        ("PUT /csapi/v1.3/dashboards/{id}", operator),
        ("DELETE /csapi/v1.3/dashboards/{id}", operator),
        ("POST /csapi/v1.3/dashboards/{id}/duplicate", operator),
        ("PUT /csapi/v1.3/dashboards/{id}/sharing", operator),
        ("GET /csapi/v1.3/jobs/{id}", viewer),
        ("GET /csapi/v1.3/me", viewer),
        ("PUT /csapi/v1.3/me/password", (Some(Viewer), false)),
        ("GET /csapi/v1.3/searches", viewer),
        ("POST /csapi/v1.3/searches/recent", viewer),
        ("POST /csapi/v1.3/searches/saved", viewer),
        ("DELETE /csapi/v1.3/searches/saved/{id}", viewer),
        ("GET /csapi/v1.3/sensorProfile", viewer),
        ("POST /csapi/v1.3/sensorProfile", admin),
        ("GET /csapi/v1.3/sensorProfile/{id}", viewer),
        ("PUT /csapi/v1.3/sensorProfile/{id}", admin),
        ("DELETE /csapi/v1.3/sensorProfile/{id}", admin),
        ("GET /csapi/v1.3/settings/dataRetention", viewer),
        ("PUT /csapi/v1.3/settings/dataRetention", admin),
        ("GET /csapi/v1.3/settings/dataRetention/history", viewer),
        ("POST /csapi/v1.3/settings/dataRetention/preview", viewer),
        ("POST /csapi/v1.3/settings/dataRetention/run", admin),
        ("GET /csapi/v1.3/settings/sensorRelease", viewer),
        ("PUT /csapi/v1.3/settings/sensorRelease", admin),
        ("GET /csapi/v1.3/tokens", viewer),
        ("POST /csapi/v1.3/tokens", (Some(Viewer), false)),
        ("DELETE /csapi/v1.3/tokens/{id}", viewer),
        ("GET /csapi/v1.3/users", admin),
        ("POST /csapi/v1.3/users", admin),
        ("GET /csapi/v1.3/users/{name}", admin),
        ("PATCH /csapi/v1.3/users/{name}", admin),
        ("PUT /csapi/v1.3/users/{name}/password", admin),
        // Admins for anyone; users for themselves (the matrix names another user).
        ("POST /csapi/v1.3/users/{name}/signout", admin),
        // Checked on its own below: it ends the caller's session.
        ("POST /auth/logout", viewer),
        ("GET /csapi/v1.3/activationKeys", operator),
        ("POST /csapi/v1.3/activationKeys", admin),
        ("DELETE /csapi/v1.3/activationKeys/{id}", admin),
        ("POST /csapi/v1.3/images/import", operator),
        ("GET /csapi/v1.3/images/{sha}/secrets", viewer),
        ("GET /csapi/v1.3/images/{sha}/malware", viewer),
        ("GET /csapi/v1.3/sensors/{uuid}/activity", viewer),
        ("GET /csapi/v1.3/reports", viewer),
        ("POST /csapi/v1.3/reports", operator),
        ("DELETE /csapi/v1.3/reports", operator),
        ("GET /csapi/v1.3/reports/{reportUuid}/download", viewer),
        ("GET /csapi/v1.3/reports/count", viewer),
        ("GET /csapi/v1.3/reports/schedule", viewer),
        ("POST /csapi/v1.3/reports/schedule", operator),
        (
            "GET /csapi/v1.3/reports/schedule/{reportingScheduleId}",
            viewer,
        ),
        (
            "PUT /csapi/v1.3/reports/schedule/{reportingScheduleId}",
            operator,
        ),
        (
            "DELETE /csapi/v1.3/reports/schedule/{reportingScheduleId}",
            operator,
        ),
        (
            "POST /csapi/v1.3/reports/schedule/{reportingScheduleId}/pause",
            operator,
        ),
        (
            "POST /csapi/v1.3/reports/schedule/{reportingScheduleId}/resume",
            operator,
        ),
        (
            "POST /csapi/v1.3/reports/schedule/{reportingScheduleId}/run",
            operator,
        ),
        // Guarded by the activation key in its body.
        ("POST /sensorapi/v1/register", public),
        // Sensor credentials only (see SENSOR_ONLY).
        ("POST /sensorapi/v1/checkin", public),
        ("POST /sensorapi/v1/events", public),
        ("POST /sensorapi/v1/scans", public),
    ];
    let mut out: BTreeMap<&'static str, (Option<Role>, bool)> = m
        .into_iter()
        .map(|(k, v)| (&*Box::leak(k.into_boxed_str()), v))
        .collect();
    out.extend(rest);
    out
}

/// The operations only a sensor credential may call: every user's credentials get 401 there,
/// and a sensor credential gets 401 everywhere else.
const SENSOR_ONLY: [&str; 3] = [
    "POST /sensorapi/v1/checkin",
    "POST /sensorapi/v1/events",
    "POST /sensorapi/v1/scans",
];

/// Every documented operation: `METHOD path`.
async fn operations(app: &TestApp, t: &str) -> Vec<String> {
    let doc = app.get_json(t, "/csapi/openapi.json").await;
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            ops.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    ops
}

/// `POST /csapi/v1.3/tokens` with `body` as the user of `t`.
async fn post_tokens(app: &TestApp, t: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/csapi/v1.3/tokens"))
        .bearer_auth(t)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A service token made through the API by the user of `t` (whose password is `password`).
async fn service_token(app: &TestApp, t: &str, password: &str, name: &str, role: &str) -> Value {
    let res = post_tokens(
        app,
        t,
        &json!({ "name": name, "role": role, "currentPassword": password }),
    )
    .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn send(app: &TestApp, token: Option<&str>, op: &str) -> (u16, String) {
    let (method, path) = op.split_once(' ').unwrap();
    let path = path
        .replace(
            "{sha}",
            "0000000000000000000000000000000000000000000000000000000000000000",
        )
        .replace("{uuid}", "no-such-sensor")
        .replace("{id}", "no-such-id")
        .replace("{name}", "sam");
    let mut req = app.client.request(method.parse().unwrap(), app.url(&path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if matches!(method, "POST" | "PUT" | "PATCH") && path != "/auth" {
        req = req.json(&json!({}));
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

#[tokio::test]
async fn every_route_answers_each_kind_of_caller_as_the_role_matrix_says() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let viewer = app.user_token("vera", Role::Viewer).await;
    let operator = app.user_token("otto", Role::Operator).await;
    app.user_token("sam", Role::Viewer).await;
    // A service token acting as an operator (its owner is an admin).
    let svc = service_token(&app, &admin, ADMIN_PASSWORD, "ci", "operator").await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let needs = needs();
    let ops = operations(&app, &admin).await;
    let missing: Vec<_> = ops
        .iter()
        .filter(|o| !needs.contains_key(o.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in the role matrix (say who may call them): {missing:?}"
    );
    let stale: Vec<_> = needs
        .keys()
        .filter(|k| !ops.iter().any(|o| o == *k))
        .collect();
    assert!(
        stale.is_empty(),
        "matrix entries for routes that are gone: {stale:?}"
    );

    // A sensor credential (from an activation key the admin makes).
    let (_, key) = new_key(&app, &admin, "GENERAL", None).await;
    let (_, sensor, _) = register(&app, &key, "matrix").await;
    let callers: [(&str, Option<&str>, Option<Role>, bool); 5] = [
        ("anonymous", None, None, false),
        ("viewer", Some(&viewer), Some(Role::Viewer), false),
        ("operator", Some(&operator), Some(Role::Operator), false),
        ("admin", Some(&admin), Some(Role::Admin), false),
        ("service token", Some(&svc), Some(Role::Operator), true),
    ];
    let mut wrong = Vec::new();
    let mut checked = 0;
    for op in ops.iter().filter(|o| *o != "POST /auth/logout") {
        let (least, service_ok) = needs[op.as_str()];
        let sensor_only = SENSOR_ONLY.contains(&op.as_str());
        // The sensor: its own operations and the public ones, nothing else.
        let (status, body) = send(&app, Some(&sensor), op).await;
        checked += 1;
        let allowed = sensor_only || least.is_none();
        if (status == 401 || status == 403) == allowed || status >= 500 {
            wrong.push(format!("{op} as a sensor: {status}: {body}"));
        }
        for (who, token, role, is_service) in &callers {
            let (status, body) = send(&app, *token, op).await;
            checked += 1;
            let expected = match (least, role) {
                _ if sensor_only => "401",
                (None, _) => "not 401/403",
                (Some(_), None) => "401",
                (Some(l), Some(r)) if !r.allows(l) => "403",
                (Some(_), Some(_)) if *is_service && !service_ok => "403",
                _ => "not 401/403",
            };
            let ok = match expected {
                "401" => status == 401,
                "403" => status == 403,
                _ => status != 401 && status != 403,
            } && status < 500;
            if !ok {
                wrong.push(format!(
                    "{op} as {who}: {status}, expected {expected}: {body}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} calls answered wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(checked >= 90 * 6, "{checked} calls");

    // Signing out: each session's own token ends; a service token is not a session.
    for (who, token, _, is_service) in &callers {
        let (status, body) = send(&app, *token, "POST /auth/logout").await;
        let expected = match (token, is_service) {
            (None, _) => 401,
            (Some(_), true) => 400,
            _ => 204,
        };
        assert_eq!(status, expected, "logout as {who}: {body}");
        if let (Some(t), false) = (token, is_service) {
            let v = assert_error(app.get(t, "/csapi/v1.3/me").await, 401).await;
            assert!(v["message"].as_str().unwrap().contains("signed out"), "{v}");
        }
    }
    // The service token still works; a new sign-in does too.
    assert_eq!(app.get(&svc, "/csapi/v1.3/me").await.status(), 200);
    let again = app.admin_token().await;
    assert_eq!(app.get(&again, "/csapi/v1.3/me").await.status(), 200);
}

async fn patch_user(app: &TestApp, t: &str, name: &str, body: Value) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/csapi/v1.3/users/{name}")))
        .bearer_auth(t)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sessions_end_when_the_role_is_lowered_the_password_changes_or_the_user_is_disabled() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let otto = app.user_token("otto", Role::Operator).await;
    let create = |t: &str| {
        app.client
            .post(app.url("/csapi/v1.3/dashboards"))
            .bearer_auth(t.to_string())
            .json(&crate::dashboards::sample("Mine"))
            .send()
    };
    assert_eq!(create(&otto).await.unwrap().status(), 201);
    // Role lowered: the same token's next operator call is 403, reads still work.
    let res = patch_user(&app, &admin, "otto", json!({"role": "viewer"})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["role"], "viewer");
    assert_error(create(&otto).await.unwrap(), 403).await;
    assert_eq!(app.get(&otto, "/csapi/v1.3/me").await.status(), 200);
    // Raised again: the token follows.
    patch_user(&app, &admin, "otto", json!({"role": "operator"})).await;
    assert_eq!(create(&otto).await.unwrap().status(), 201);

    // An admin resets the password: the old token is 401, the new password signs in.
    let res = app
        .client
        .put(app.url("/csapi/v1.3/users/otto/password"))
        .bearer_auth(&admin)
        .json(&json!({"newPassword": "a brand new passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let v = assert_error(app.get(&otto, "/csapi/v1.3/me").await, 401).await;
    assert!(
        v["message"].as_str().unwrap().contains("session has ended"),
        "{v}"
    );
    let otto = app.token_for("otto", "a brand new passphrase").await;

    // Disabled: the token is 401 and signing in says so; enabled again, signing in works.
    let res = patch_user(&app, &admin, "otto", json!({"disabled": true})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["disabled"], true);
    assert_error(app.get(&otto, "/csapi/v1.3/me").await, 401).await;
    let res = app
        .client
        .post(app.url("/auth"))
        .form(&[("username", "otto"), ("password", "a brand new passphrase")])
        .send()
        .await
        .unwrap();
    let v = assert_error(res, 401).await;
    assert!(v["message"].as_str().unwrap().contains("disabled"), "{v}");
    patch_user(&app, &admin, "otto", json!({"disabled": false})).await;
    let otto = app.token_for("otto", "a brand new passphrase").await;

    // Sign out everywhere (the user themselves): every token of theirs ends.
    let second = app.token_for("otto", "a brand new passphrase").await;
    let res = app
        .client
        .post(app.url("/csapi/v1.3/users/otto/signout"))
        .bearer_auth(&otto)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_error(app.get(&otto, "/csapi/v1.3/me").await, 401).await;
    assert_error(app.get(&second, "/csapi/v1.3/me").await, 401).await;

    // Every change is in the audit log.
    let audit = app.get_json(&admin, "/csapi/v1.3/audit?pageSize=100").await;
    let actions: Vec<&str> = audit["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in ["USER_CHANGE", "PASSWORD_RESET", "SIGN_OUT_EVERYWHERE"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

#[tokio::test]
async fn a_rotated_signing_key_ends_every_token_with_a_message_saying_so() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let old = app.admin_token().await;
    assert_eq!(app.get(&old, "/csapi/v1.3/me").await.status(), 200);
    // Rotated as `shipshape keys rotate` does, by another process: this server learns of it
    // from the database within the session cache's time.
    app.store.rotate_jwt_key("command line").await.unwrap();
    tokio::time::sleep(shipshape_server::auth::session::SESSION_CACHE + Duration::from_millis(200))
        .await;
    let v = assert_error(app.get(&old, "/csapi/v1.3/me").await, 401).await;
    assert!(v["message"].as_str().unwrap().contains("rotated"), "{v}");
    // Still refused once this process holds the new key; new tokens work.
    assert_error(app.get(&old, "/csapi/v1.3/me").await, 401).await;
    let new = app.admin_token().await;
    assert_eq!(app.get(&new, "/csapi/v1.3/me").await.status(), 200);
}

#[tokio::test]
async fn admins_manage_users_with_the_password_rules_and_the_last_admin_kept() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let post = |body: Value| {
        app.client
            .post(app.url("/csapi/v1.3/users"))
            .bearer_auth(admin.clone())
            .json(&body)
            .send()
    };
    let v = assert_error(
        post(json!({"username": "a b", "role": "viewer", "password": "short"}))
            .await
            .unwrap(),
        400,
    )
    .await;
    let fields: Vec<&str> = v["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "password"], "{v}");
    assert_error(
        post(json!({"username": "x", "role": "root", "password": "long enough password"}))
            .await
            .unwrap(),
        400,
    )
    .await;
    let res =
        post(json!({"username": "rita", "role": "operator", "password": "rita's passphrase"}))
            .await
            .unwrap();
    assert_eq!(res.status(), 201);
    let rita: Value = res.json().await.unwrap();
    assert_eq!(rita["role"], "operator");
    assert_eq!(rita["disabled"], false);
    assert!(rita.get("passwordHash").is_none() && rita.get("password_hash").is_none());
    let res = post(json!({"username": "rita", "role": "viewer", "password": "another passphrase"}))
        .await
        .unwrap();
    assert_error(res, 409).await;
    let rita_token = app.token_for("rita", "rita's passphrase").await;
    let list = app.get_json(&admin, "/csapi/v1.3/users").await;
    assert_eq!(list["count"], 2);
    assert!(list["data"][1]["lastSignIn"].as_i64().is_some(), "{list}");
    // Not for operators.
    assert_error(app.get(&rita_token, "/csapi/v1.3/users").await, 403).await;

    // The last enabled admin is kept, and nobody disables themselves.
    let v = assert_error(
        patch_user(&app, &admin, "admin", json!({"role": "viewer"})).await,
        409,
    )
    .await;
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("last enabled admin"),
        "{v}"
    );
    assert_error(
        patch_user(&app, &admin, "admin", json!({"disabled": true})).await,
        409,
    )
    .await;
    assert_error(
        patch_user(&app, &admin, "nobody", json!({"disabled": true})).await,
        404,
    )
    .await;
    assert_error(patch_user(&app, &admin, "rita", json!({})).await, 400).await;
    assert_error(
        patch_user(&app, &admin, "rita", json!({"role": 3})).await,
        400,
    )
    .await;
    // With a second admin, the first may step down.
    patch_user(&app, &admin, "rita", json!({"role": "admin"})).await;
    let res = patch_user(&app, &admin, "admin", json!({"role": "operator"})).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn users_change_their_own_password_with_the_current_one() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let vera = app.user_token("vera", Role::Viewer).await;
    let other = app.token_for("vera", "vera-password-123").await;
    let put = |t: &str, body: Value| {
        app.client
            .put(app.url("/csapi/v1.3/me/password"))
            .bearer_auth(t.to_string())
            .json(&body)
            .send()
    };
    let v = assert_error(
        put(
            &vera,
            json!({"currentPassword": "wrong one!", "newPassword": "vera's new passphrase"}),
        )
        .await
        .unwrap(),
        403,
    )
    .await;
    assert!(
        v["message"].as_str().unwrap().contains("current password"),
        "{v}"
    );
    let v = assert_error(
        put(
            &vera,
            json!({"currentPassword": "vera-password-123", "newPassword": "tiny"}),
        )
        .await
        .unwrap(),
        400,
    )
    .await;
    assert_eq!(v["details"][0]["field"], "newPassword");
    assert_error(
        put(&vera, json!({"newPassword": "vera's new passphrase"}))
            .await
            .unwrap(),
        400,
    )
    .await;
    let res = put(
        &vera,
        json!({"currentPassword": "vera-password-123", "newPassword": "vera's new passphrase"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let fresh = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    // This session goes on with the new token; the others have ended.
    assert_eq!(app.get(&fresh, "/csapi/v1.3/me").await.status(), 200);
    assert_error(app.get(&vera, "/csapi/v1.3/me").await, 401).await;
    assert_error(app.get(&other, "/csapi/v1.3/me").await, 401).await;
    app.token_for("vera", "vera's new passphrase").await;
}

#[tokio::test]
async fn service_tokens_are_shown_once_role_limited_revocable_and_note_their_use() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let otto = app.user_token("otto", Role::Operator).await;
    // At most the owner's role.
    let res = post_tokens(
        &app,
        &otto,
        &json!({"name": "ci", "role": "admin", "currentPassword": "otto-password-123"}),
    )
    .await;
    let v = assert_error(res, 400).await;
    assert_eq!(v["details"][0]["field"], "role");
    for bad in [
        json!({"name": "", "role": "viewer", "currentPassword": "otto-password-123"}),
        json!({"name": "x", "role": "viewer", "expiresInDays": 0, "currentPassword": "otto-password-123"}),
        json!({"name": "x", "role": "viewer", "expiresInDays": 99999, "currentPassword": "otto-password-123"}),
        json!({"name": "x", "role": "viewer", "expiresInDays": "soon", "currentPassword": "otto-password-123"}),
        // Without the password (a session alone cannot make a token).
        json!({"name": "x", "role": "viewer"}),
        json!({"name": "x", "role": "viewer", "extra": 1, "currentPassword": "otto-password-123"}),
    ] {
        let res = post_tokens(&app, &otto, &bad).await;
        assert_error(res, 400).await;
    }
    let made = service_token(&app, &otto, "otto-password-123", "nightly export", "viewer").await;
    let secret = made["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("ssp_"), "{made}");
    let id = made["info"]["id"].as_str().unwrap().to_string();
    assert_eq!(made["info"]["owner"], "otto");
    assert!(made["info"]["lastUsed"].is_null());

    // It works as a Bearer token, as a viewer even though its owner is an operator.
    assert_eq!(app.get(&secret, "/csapi/v1.3/images").await.status(), 200);
    let me = app.get_json(&secret, "/csapi/v1.3/me").await;
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str()),
        (Some("otto"), Some("viewer"))
    );
    let res = app
        .client
        .delete(app.url("/csapi/v1.3/containers?containerIds=000000000000"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_error(res, 403).await;
    // A wrong secret for a real id, and garbage, are 401.
    let forged = format!("ssp_{id}_{}", "0".repeat(64));
    assert_error(app.get(&forged, "/csapi/v1.3/me").await, 401).await;
    assert_error(app.get("ssp_garbage", "/csapi/v1.3/me").await, 401).await;

    // Listed without the secret, with its last use; only the owner's (admins see all).
    let list = app.get_json(&otto, "/csapi/v1.3/tokens").await;
    assert_eq!(list["count"], 1);
    assert!(list["data"][0]["lastUsed"].as_i64().is_some(), "{list}");
    assert!(
        !list.to_string().contains(&secret[10..]),
        "the secret is never listed"
    );
    assert!(
        app.scalar(
            "SELECT count(*) FROM service_tokens WHERE secret_hash LIKE '%' || 'ssp' || '%'"
        )
        .await
            == 0
    );
    let vera = app.user_token("vera", Role::Viewer).await;
    assert_eq!(app.get_json(&vera, "/csapi/v1.3/tokens").await["count"], 0);
    assert_eq!(app.get_json(&admin, "/csapi/v1.3/tokens").await["count"], 1);
    // Someone else's token is not found to them.
    let res = app
        .client
        .delete(app.url(&format!("/csapi/v1.3/tokens/{id}")))
        .bearer_auth(&vera)
        .send()
        .await
        .unwrap();
    assert_error(res, 404).await;

    // The owner disabled: the token stops too; enabled, it works again.
    patch_user(&app, &admin, "otto", json!({"disabled": true})).await;
    assert_error(app.get(&secret, "/csapi/v1.3/me").await, 401).await;
    patch_user(&app, &admin, "otto", json!({"disabled": false})).await;
    assert_eq!(app.get(&secret, "/csapi/v1.3/me").await.status(), 200);

    // Revoked: 401 at once, and audited.
    let otto = app.token_for("otto", "otto-password-123").await;
    let res = app
        .client
        .delete(app.url(&format!("/csapi/v1.3/tokens/{id}")))
        .bearer_auth(&otto)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.json::<Value>().await.unwrap()["revoked"]
        .as_i64()
        .is_some());
    let v = assert_error(app.get(&secret, "/csapi/v1.3/me").await, 401).await;
    assert!(v["message"].as_str().unwrap().contains("revoked"), "{v}");
    let audit = app
        .get_json(&admin, "/csapi/v1.3/audit?pageSize=100")
        .await
        .to_string();
    assert!(
        audit.contains("TOKEN_CREATE") && audit.contains("TOKEN_REVOKE"),
        "{audit}"
    );
}

#[tokio::test]
async fn an_expired_service_token_is_refused() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let res = post_tokens(&app, &admin, &json!({"name": "short-lived", "role": "viewer", "expiresInDays": 1, "currentPassword": ADMIN_PASSWORD})).await;
    let made: Value = res.json().await.unwrap();
    let secret = made["token"].as_str().unwrap();
    let expires = made["info"]["expires"].as_i64().unwrap();
    let in_a_day = shipshape_server::store::now_ms() + 86_400_000;
    assert!((expires - in_a_day).abs() < 60_000, "{made}");
    assert_eq!(app.get(secret, "/csapi/v1.3/me").await.status(), 200);
    app.exec("UPDATE service_tokens SET expires = 1").await;
    tokio::time::sleep(shipshape_server::auth::session::SESSION_CACHE + Duration::from_millis(200))
        .await;
    let v = assert_error(app.get(secret, "/csapi/v1.3/me").await, 401).await;
    assert!(v["message"].as_str().unwrap().contains("expired"), "{v}");
}

#[tokio::test]
async fn jobs_are_visible_to_their_owner_and_admins_only() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let otto = app.user_token("otto", Role::Operator).await;
    let olga = app.user_token("olga", Role::Operator).await;
    let job: Value = app
        .client
        .delete(app.url("/csapi/v1.3/containers?containerIds=000000000000"))
        .bearer_auth(&otto)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = job["deletionJobId"].as_str().unwrap();
    let path = format!("/csapi/v1.3/jobs/{id}");
    assert_eq!(app.get(&otto, &path).await.status(), 200);
    assert_eq!(app.get(&admin, &path).await.status(), 200);
    assert_error(app.get(&olga, &path).await, 404).await;
}

#[tokio::test]
async fn the_request_rate_is_limited_per_token() {
    let app = spawn_with(Options {
        seed: false,
        access: shipshape_server::auth::AccessOptions {
            api_rate: 5,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let a = app.admin_token().await;
    let b = app.admin_token().await;
    let mut statuses = Vec::new();
    for _ in 0..15 {
        let res = app.get(&a, "/csapi/v1.3/me").await;
        statuses.push(res.status().as_u16());
        if res.status() == 429 {
            let wait: u64 = res.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=2).contains(&wait), "Retry-After {wait}");
            let v: Value = res.json().await.unwrap();
            assert!(v["message"].as_str().unwrap().contains("5 a second"), "{v}");
        }
    }
    let allowed = statuses.iter().filter(|s| **s == 200).count();
    assert!(
        (10..=11).contains(&allowed),
        "a burst of 10, then 429: {statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&429));
    // Another token has its own allowance; the first gets more after a second.
    assert_eq!(app.get(&b, "/csapi/v1.3/me").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(app.get(&a, "/csapi/v1.3/me").await.status(), 200);
}

/// A console with an inline script and a hashed asset.
fn console_dist() -> tempfile::TempDir {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><html><head><script type=\"module\">\nimport init from '/app-0123456789abcdef.js';\n</script><script>var t = 1;</script></head><body></body></html>",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("app-0123456789abcdef.js"),
        "export default 1;",
    )
    .unwrap();
    std::fs::write(dist.path().join("robots.txt"), "User-agent: *").unwrap();
    dist
}

#[tokio::test]
async fn answers_carry_security_headers_and_the_right_cache_rules() {
    let dist = console_dist();
    let app = spawn_with(Options {
        seed: false,
        dist: Some(dist.path().to_path_buf()),
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    use base64::Engine;
    use sha2::Digest;
    let hash = |s: &str| {
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(s.as_bytes()))
    };
    let module = hash("\nimport init from '/app-0123456789abcdef.js';\n");
    let theme = hash("var t = 1;");
    for (path, cache) in [
        ("/", "no-cache"),
        ("/index.html", "no-cache"),
        ("/sensors", "no-cache"),
        (
            "/app-0123456789abcdef.js",
            "public, max-age=31536000, immutable",
        ),
        ("/robots.txt", "no-cache"),
        ("/csapi/v1.3/me", "no-store"),
    ] {
        let res = app.get(&t, path).await;
        assert_eq!(res.status(), 200, "{path}");
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        for part in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "'wasm-unsafe-eval'",
            &format!("'sha256-{module}'"),
            &format!("'sha256-{theme}'"),
            "object-src 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {part} missing from {csp}");
        }
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["cache-control"], cache, "{path}");
        // Plain HTTP: no HSTS (it would pin a name to HTTPS that does not serve it).
        assert!(h.get("strict-transport-security").is_none(), "{path}");
    }
    // A console deployed while the server runs: the policy follows its new inline script.
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><html><head><script>var deployed = 2;</script></head><body></body></html>",
    )
    .unwrap();
    let res = app.get(&t, "/").await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains(&format!("'sha256-{}'", hash("var deployed = 2;"))),
        "{csp}"
    );
    assert!(!csp.contains(&theme), "{csp}");
    // A missing hashed file is not cached for a year.
    let res = app.get(&t, "/app-fedcba9876543210.js").await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn links_use_the_public_url_or_the_servers_own_address_never_the_clients_host() {
    async fn link(app: &TestApp, t: &str, headers: &[(&str, &str)]) -> String {
        let mut req = app
            .client
            .get(app.url("/csapi/v1.3/images/list?limit=2"))
            .bearer_auth(t);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        res.headers()["link"].to_str().unwrap().to_string()
    }
    let spoof = [
        ("host", "evil.example"),
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "https"),
    ];
    let plain = spawn_app().await;
    let t = plain.admin_token().await;
    let l = link(&plain, &t, &spoof).await;
    assert!(
        l.starts_with(&format!("<{}/csapi/v1.3/images/list?", plain.base)),
        "{l}"
    );

    let public = spawn_with(Options {
        access: shipshape_server::auth::AccessOptions {
            public_url: Some("https://shipshape.example.com".into()),
            api_rate: 0,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let t = public.admin_token().await;
    let l = link(&public, &t, &spoof).await;
    assert!(
        l.starts_with("<https://shipshape.example.com/csapi/v1.3/images/list?"),
        "{l}"
    );

    let proxied = spawn_with(Options {
        access: shipshape_server::auth::AccessOptions {
            trust_proxy: true,
            api_rate: 0,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let t = proxied.admin_token().await;
    let l = link(
        &proxied,
        &t,
        &[
            ("x-forwarded-host", "console.example"),
            ("x-forwarded-proto", "https"),
        ],
    )
    .await;
    assert!(
        l.starts_with("<https://console.example/csapi/v1.3/images/list?"),
        "{l}"
    );
}

#[tokio::test]
async fn the_sqlite_database_file_is_readable_by_its_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("db.sqlite");
    // A file left world-readable by an older version is tightened too.
    std::fs::write(&file, b"").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = shipshape_server::store::Store::open(&format!("sqlite:{}", file.display()))
        .await
        .unwrap();
    store.jwt_key().await.unwrap();
    for f in ["db.sqlite", "db.sqlite-wal", "db.sqlite-shm"] {
        let mode = std::fs::metadata(dir.path().join(f))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{f} is {mode:o}");
    }
    store.close().await;
}

/// Peak memory of a process, in KB.
fn peak_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test]
async fn a_flood_of_bad_passwords_is_throttled_and_starves_nothing() {
    let test_db = shipshape_server::store::testing::TestDb::new()
        .await
        .unwrap();
    let password = "flood-admin-password";
    let (server, _, url) = crate::cli::serve(
        &test_db.url,
        &["--signin-window-secs", "4", "--api-rate-limit", "0"],
        Some(password),
    );
    let pid = server.0.id();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(400)
        .build()
        .unwrap();
    let token = client
        .post(format!("{url}/auth"))
        .form(&[("username", "admin"), ("password", password)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The flood guesses the password of a user who never signed in from here (an address a
    // name signed in from lately is not held back by that name's failures elsewhere).
    let res = client
        .post(format!("{url}/csapi/v1.3/users"))
        .bearer_auth(&token)
        .json(
            &json!({"username": "rita", "role": "operator", "password": "rita's long passphrase"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let before = peak_kb(pid);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Health and a signed-in request, timed all through the flood.
    let probe = {
        let (client, url, token, stop) = (client.clone(), url.clone(), token.clone(), stop.clone());
        tokio::spawn(async move {
            let mut worst = (Duration::ZERO, Duration::ZERO);
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let t = Instant::now();
                let h = client.get(format!("{url}/healthz")).send().await.unwrap();
                assert_eq!(h.status(), 200);
                worst.0 = worst.0.max(t.elapsed());
                let t = Instant::now();
                let me = client
                    .get(format!("{url}/csapi/v1.3/me"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(me.status(), 200);
                worst.1 = worst.1.max(t.elapsed());
                n += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (worst, n)
        })
    };
    let started = Instant::now();
    let flood: Vec<_> = (0..300)
        .map(|i| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let res = client
                    .get(format!("{url}/csapi/v1.3/images"))
                    .basic_auth("rita", Some(format!("guess-{i}")))
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let retry = res.headers().get("retry-after").is_some();
                (status, retry, res.text().await.unwrap())
            })
        })
        .collect();
    let mut counts = BTreeMap::new();
    for f in flood {
        let (status, retry, body) = f.await.unwrap();
        assert!(status == 401 || status == 429, "{status}: {body}");
        if status == 429 {
            assert!(retry, "429 without Retry-After: {body}");
        }
        *counts.entry(status).or_insert(0) += 1;
    }
    let flood_time = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let ((health, signed_in), probes) = probe.await.unwrap();
    let grown_mb = (peak_kb(pid).saturating_sub(before)) / 1024;
    println!(
        "flood of 300 bad Basic credentials: {counts:?} in {flood_time:?}; /healthz worst {health:?}, \
         signed-in worst {signed_in:?} over {probes} probes; peak memory grew {grown_mb} MB"
    );
    // Attempts are counted before their password is checked: however many arrive at once, at
    // most the name's limit (5) are checked and refused; every other one is a 429.
    assert!(counts.get(&401).copied().unwrap_or(0) <= 5, "{counts:?}");
    assert_eq!(counts.values().sum::<i32>(), 300);
    assert!(probes >= 3, "{probes} probes");
    assert!(
        health < Duration::from_millis(200),
        "/healthz took {health:?}"
    );
    assert!(
        signed_in < Duration::from_millis(500),
        "a signed-in request took {signed_in:?}"
    );
    // 300 argon2 checks at once would hold 300 × 19 MB.
    assert!(grown_mb < 150, "memory grew {grown_mb} MB");

    // Unknown names get the same answers, throttled the same way.
    let mut ghost = Vec::new();
    for i in 0..7 {
        let res = client
            .post(format!("{url}/auth"))
            .form(&[("username", "ghost"), ("password", &format!("guess-{i}"))])
            .send()
            .await
            .unwrap();
        ghost.push(res.status().as_u16());
    }
    // Refused, and within a few attempts by the throttle (the address is near its limit).
    assert!(ghost.iter().all(|s| *s == 401 || *s == 429), "{ghost:?}");
    assert_eq!(ghost.last(), Some(&429), "{ghost:?}");

    // After the window, the right password works again.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let res = client
        .get(format!("{url}/csapi/v1.3/images?pageSize=1"))
        .basic_auth("rita", Some("rita's long passphrase"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    drop(server);
}

#[tokio::test]
async fn known_and_unknown_names_are_refused_alike_and_throttled_per_name() {
    let app = spawn_with(Options {
        seed: false,
        access: shipshape_server::auth::AccessOptions {
            api_rate: 0,
            signin: shipshape_server::auth::signin::SignInLimits {
                per_name: 3,
                per_address: 1000,
                ..Default::default()
            },
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let attempt = |user: &'static str, pass: &'static str| {
        app.client
            .post(app.url("/auth"))
            .form(&[("username", user), ("password", pass)])
            .send()
    };
    // Per name: (status, has Retry-After, the message's words) of each attempt, and their time.
    type Seen = (Vec<(u16, bool, String)>, Duration);
    let mut bodies: BTreeMap<&str, Seen> = BTreeMap::new();
    // The names take turns, so that whatever else the machine is doing slows both alike.
    for _ in 0..4 {
        for user in ["admin", "ghost"] {
            let t = Instant::now();
            let res = attempt(user, "not the password").await.unwrap();
            let took = t.elapsed();
            let status = res.status().as_u16();
            let retry = res
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
            let v: Value = res.json().await.unwrap();
            // The wait in the message may differ by a second.
            let words: String = v["message"]
                .as_str()
                .unwrap()
                .chars()
                .filter(|c| !c.is_ascii_digit())
                .collect();
            let entry = bodies.entry(user).or_default();
            entry.0.push((status, retry.is_some(), words));
            entry.1 += took;
        }
    }
    let (admin, admin_took) = &bodies["admin"];
    let (ghost, ghost_took) = &bodies["ghost"];
    // Three 401s, then 429 with Retry-After, for both; the same words.
    for seen in [admin, ghost] {
        let statuses: Vec<_> = seen.iter().map(|s| (s.0, s.1)).collect();
        assert_eq!(
            statuses,
            [(401, false), (401, false), (401, false), (429, true)]
        );
    }
    assert_eq!(
        admin, ghost,
        "a known and an unknown name are told the same"
    );
    // An unknown name is checked against a hash too (equal work): not answered at once.
    assert!(
        *ghost_took * 3 > *admin_took && *admin_took * 3 > *ghost_took,
        "unknown {ghost_took:?} vs known {admin_took:?}"
    );
    // Another name is not throttled by these; the right password for the throttled one is.
    let res = attempt("admin", ADMIN_PASSWORD).await.unwrap();
    assert_eq!(res.status(), 429);
    app.user_token("vera", Role::Viewer).await;
    // Failures are audited.
    let n = app
        .scalar("SELECT count(*) FROM audit_log WHERE action = 'SIGN_IN_FAILED'")
        .await;
    assert_eq!(n, 6);
}

#[tokio::test]
async fn a_token_needs_its_owners_password_follows_their_role_and_ends_with_a_reset() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let otto = app.user_token("otto", Role::Operator).await;
    // A session alone (a stolen one) cannot make a token: the password is asked again.
    let res = post_tokens(
        &app,
        &otto,
        &json!({"name": "x", "role": "viewer", "currentPassword": "a guess, not it"}),
    )
    .await;
    assert_error(res, 403).await;
    let made = service_token(&app, &otto, "otto-password-123", "deploys", "operator").await;
    let secret = made["token"].as_str().unwrap().to_string();
    assert_eq!(
        app.get_json(&secret, "/csapi/v1.3/me").await["role"],
        "operator"
    );
    // The owner demoted: the token drops with them.
    patch_user(&app, &admin, "otto", json!({"role": "viewer"})).await;
    assert_eq!(
        app.get_json(&secret, "/csapi/v1.3/me").await["role"],
        "viewer"
    );
    // An admin's password reset (how a taken-over account is won back) revokes it.
    let res = app
        .client
        .put(app.url("/csapi/v1.3/users/otto/password"))
        .bearer_auth(&admin)
        .json(&json!({"newPassword": "otto's fresh passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let v = assert_error(app.get(&secret, "/csapi/v1.3/me").await, 401).await;
    assert!(v["message"].as_str().unwrap().contains("revoked"), "{v}");
}

#[tokio::test]
async fn another_server_on_the_same_database_ends_sessions_too() {
    let a = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    // A second server process on the same database (as several do on PostgreSQL).
    let store = shipshape_server::store::Store::open(&a.db.url)
        .await
        .unwrap();
    let state = shipshape_server::AppState::new(store, None, false)
        .await
        .unwrap();
    let app = shipshape_server::routes::app(state);
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let b_url = format!("http://{}", tcp.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = shipshape_server::listener::serve(tcp, app, None, std::future::pending()).await;
    });
    let otto = a.user_token("otto", Role::Operator).await;
    let vera = a.user_token("vera", Role::Viewer).await;
    assert_eq!(a.get(&otto, "/csapi/v1.3/me").await.status(), 200);
    assert_eq!(a.get(&vera, "/csapi/v1.3/me").await.status(), 200);
    // On B: the admin disables otto, and vera signs out.
    let admin_b = a
        .client
        .post(format!("{b_url}/auth"))
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = a
        .client
        .patch(format!("{b_url}/csapi/v1.3/users/otto"))
        .bearer_auth(&admin_b)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = a
        .client
        .post(format!("{b_url}/auth/logout"))
        .bearer_auth(&vera)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    // A learns of both within its session cache's time.
    tokio::time::sleep(shipshape_server::auth::session::SESSION_CACHE + Duration::from_millis(200))
        .await;
    assert_error(a.get(&otto, "/csapi/v1.3/me").await, 401).await;
    assert_error(a.get(&vera, "/csapi/v1.3/me").await, 401).await;
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let admin = app.admin_token().await;
    let res = app
        .client
        .post(app.url("/csapi/v1.3/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "ada", "role": "admin", "password": "ada's long passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let ada = app.token_for("ada", "ada's long passphrase").await;
    let (x, y) = tokio::join!(
        patch_user(&app, &admin, "ada", json!({"role": "viewer"})),
        patch_user(&app, &ada, "admin", json!({"role": "viewer"})),
    );
    let mut statuses = [x.status().as_u16(), y.status().as_u16()];
    statuses.sort();
    // One wins; the other is refused (409 as the last admin, or 403: its caller is no admin
    // any more).
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(statuses[1] == 409 || statuses[1] == 403, "{statuses:?}");
    assert_eq!(
        app.scalar("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0")
            .await,
        1
    );
}
