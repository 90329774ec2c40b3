//! The `shipshape` binary itself: first start, users from stdin, seeding, HTTPS.

use shipshape_server::store::testing::TestDb;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_shipshape");

/// A server process, killed when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `shipshape serve` and returns the child, its printed lines up to the URL, and the URL.
pub fn serve(
    db: &str,
    extra: &[&str],
    env_password: Option<&str>,
) -> (Killed, Vec<String>, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--bind", "127.0.0.1:0", "--database-url", db])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd.env_remove("SHIPSHAPE_ADMIN_PASSWORD");
    if let Some(p) = env_password {
        cmd.env("SHIPSHAPE_ADMIN_PASSWORD", p);
    }
    let mut child = cmd.spawn().expect("start shipshape");
    let out = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    let mut url = String::new();
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        if let Some(u) = line.strip_prefix("listening on ") {
            url = u.trim().to_string();
            break;
        }
        lines.push(line);
    }
    assert!(!url.is_empty(), "no URL printed: {lines:?}");
    (Killed(child), lines, url)
}

#[tokio::test]
async fn first_start_creates_admin_with_a_generated_password_printed_once() {
    let test_db = TestDb::new().await.unwrap();
    // On SQLite the file's directories are created too.
    let db = if test_db.is_postgres() {
        test_db.url.clone()
    } else {
        format!("sqlite:{}", test_db.dir.join("new/sub/db.sqlite").display())
    };
    let (server, lines, url) = serve(&db, &[], None);
    let line = lines
        .iter()
        .find(|l| l.contains("password:"))
        .expect("password printed");
    let password = line.rsplit(": ").next().unwrap().trim().to_string();
    assert!(password.len() >= 16);
    let res = reqwest::Client::new()
        .post(format!("{url}/auth"))
        .form(&[
            ("username", "admin"),
            ("password", password.as_str()),
            ("token", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    drop(server);
    // The second start prints no password.
    let (_server, lines, _) = serve(&db, &[], None);
    assert!(!lines.iter().any(|l| l.contains("password:")), "{lines:?}");
}

#[tokio::test]
async fn user_add_reads_the_password_from_stdin() {
    let test_db = TestDb::new().await.unwrap();
    let db = test_db.url.clone();
    let mut child = Command::new(BIN)
        .args([
            "user",
            "add",
            "alice",
            "--role",
            "viewer",
            "--database-url",
            &db,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"alices-long-password\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let short = Command::new(BIN)
        .args([
            "user",
            "add",
            "bob",
            "--role",
            "admin",
            "--database-url",
            &db,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut short = short;
    short.stdin.take().unwrap().write_all(b"short\n").unwrap();
    assert!(
        !short.wait().unwrap().success(),
        "short passwords are refused"
    );
    let bad_role = Command::new(BIN)
        .args([
            "user",
            "add",
            "carl",
            "--role",
            "root",
            "--database-url",
            &db,
        ])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!bad_role.success());

    let (_server, _, url) = serve(&db, &[], Some("admin-pass-xyz-123"));
    let client = reqwest::Client::new();
    let token = client
        .post(format!("{url}/auth"))
        .form(&[("username", "alice"), ("password", "alices-long-password")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = client
        .delete(format!("{url}/csapi/v1.3/images?imageIds=x"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "alice is a viewer");
}

#[tokio::test]
async fn seed_command_fills_a_new_database_and_serve_lists_it() {
    let test_db = TestDb::new().await.unwrap();
    let db = test_db.url.clone();
    let out = Command::new(BIN)
        .args(["seed", "--demo", "--scale", "0.1", "--database-url", &db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("300 containers"));
    let again = Command::new(BIN)
        .args(["seed", "--demo", "--database-url", &db])
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "a non-empty database is not seeded twice"
    );
    let bad = Command::new(BIN)
        .args(["seed", "--demo", "--scale", "-1", "--database-url", &db])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let (_server, _, url) = serve(&db, &[], Some("admin-pass-xyz-123"));
    let v: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}/csapi/v1.3/containers"))
        .basic_auth("admin", Some("admin-pass-xyz-123"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["count"], 300);
}

#[tokio::test]
async fn self_signed_tls_serves_https() {
    let test_db = TestDb::new().await.unwrap();
    let db = test_db.url.clone();
    let (_server, _, url) = serve(&db, &["--tls-self-signed"], Some("admin-pass-xyz-123"));
    assert!(url.starts_with("https://"), "{url}");
    let client = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let res = client.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // Over TLS, browsers are told to keep to HTTPS.
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    // Plain HTTP to the TLS port does not get an answer.
    let plain = reqwest::Client::new()
        .get(url.replace("https://", "http://") + "/healthz")
        .send()
        .await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
}

#[tokio::test]
async fn keys_rotate_ends_every_token_of_a_running_server() {
    let test_db = TestDb::new().await.unwrap();
    let db = test_db.url.clone();
    let (_server, _, url) = serve(&db, &[], Some("admin-pass-xyz-123"));
    let client = reqwest::Client::new();
    let token = client
        .post(format!("{url}/auth"))
        .form(&[("username", "admin"), ("password", "admin-pass-xyz-123")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let me = |t: String| {
        client
            .get(format!("{url}/csapi/v1.3/me"))
            .bearer_auth(t)
            .send()
    };
    assert_eq!(me(token.clone()).await.unwrap().status(), 200);
    let out = Command::new(BIN)
        .args(["keys", "rotate", "--database-url", &db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("signing key rotated"));
    // The server notices within its session cache's time.
    tokio::time::sleep(
        shipshape_server::auth::session::SESSION_CACHE + std::time::Duration::from_millis(300),
    )
    .await;
    let res = me(token).await.unwrap();
    assert_eq!(res.status(), 401);
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("rotated"), "{v}");
    let fresh = client
        .post(format!("{url}/auth"))
        .form(&[("username", "admin"), ("password", "admin-pass-xyz-123")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(me(fresh).await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_weak_admin_password_in_the_environment_is_refused_at_start() {
    let test_db = TestDb::new().await.unwrap();
    let out = Command::new(BIN)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &test_db.url,
        ])
        .env("SHIPSHAPE_ADMIN_PASSWORD", "admin123")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("SHIPSHAPE_ADMIN_PASSWORD must have at least 12 characters"),
        "{err}"
    );
}
