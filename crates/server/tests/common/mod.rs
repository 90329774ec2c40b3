//! Test harness: a real server on 127.0.0.1:0 with a fresh database (seeded with the demo
//! fleet) per test, and a client that speaks HTTP to it. The database is SQLite, or a new
//! PostgreSQL database when `SHIPSHAPE_TEST_POSTGRES_URL` names a server (`cargo xtask test`
//! runs every test both ways). The demo fleet is seeded once per test process into a template
//! that each test gets a copy of (as the browser harness does).

#![allow(dead_code)]

use axum::Router;
use shipshape_server::demo::{seed, DemoOptions, SeedStats};
use shipshape_server::jobs::JobOptions;
use shipshape_server::store::testing::{Template, TestDb};
use shipshape_server::store::{Sql, Store, StoreOptions};
use shipshape_server::{ensure_admin, listener, routes, AppState};

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
/// Fixed anchor so seeded data is identical across runs.
pub const NOW: i64 = 1_790_000_000_000;

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub state: AppState,
    pub client: reqwest::Client,
    pub stats: Option<SeedStats>,
    pub db: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub struct Options {
    pub seed: bool,
    pub wrap: Option<Box<dyn FnOnce(Router) -> Router + Send>>,
    /// A built console to serve at `/`.
    pub dist: Option<std::path::PathBuf>,
    pub store: StoreOptions,
    pub jobs: JobOptions,
    pub access: shipshape_server::auth::AccessOptions,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: true,
            wrap: None,
            dist: None,
            store: StoreOptions::default(),
            jobs: JobOptions::default(),
            // Tests send requests back to back with one token; the rate limit has its own
            // tests.
            access: shipshape_server::auth::AccessOptions {
                api_rate: 0,
                ..Default::default()
            },
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_with(Options::default()).await
}

/// The demo fleet (seed 42, anchored at [`NOW`]) in a template database, seeded by the first
/// test of this process that asks for it; the others wait for it.
async fn seeded() -> &'static (Template, SeedStats) {
    static SEEDED: tokio::sync::OnceCell<(Template, SeedStats)> =
        tokio::sync::OnceCell::const_new();
    SEEDED
        .get_or_init(|| async {
            Template::new(|store| async move {
                seed(
                    &store,
                    &DemoOptions {
                        scale: 1.0,
                        seed: 42,
                        now_ms: NOW,
                    },
                )
                .await
            })
            .await
            .expect("seeded template database")
        })
        .await
}

pub async fn spawn_with(opts: Options) -> TestApp {
    let (db, stats) = if opts.seed {
        let (template, stats) = seeded().await;
        let db = TestDb::copy_of(template).await.expect("test database");
        (db, Some(stats.clone()))
    } else {
        (TestDb::new().await.expect("test database"), None)
    };
    let store = Store::open_with(&db.url, &opts.store)
        .await
        .expect("open store");
    ensure_admin(&store, Some(ADMIN_PASSWORD.into()))
        .await
        .expect("admin");
    let state = AppState::with_options(store.clone(), opts.dist, false, opts.jobs, opts.access)
        .await
        .expect("state");
    let mut app = routes::app(state.clone());
    if let Some(wrap) = opts.wrap {
        app = wrap(app);
    }
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = tcp.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = listener::serve(tcp, app, None, async {
            let _ = rx.await;
        })
        .await;
    });
    TestApp {
        base: format!("http://{addr}"),
        store,
        state,
        client: reqwest::Client::builder().build().expect("client"),
        stats,
        db,
        shutdown: Some(tx),
    }
}

impl TestApp {
    /// One number from the database (test-side checks of stored values).
    pub async fn scalar(&self, sql: &str) -> i64 {
        Sql::new(sql)
            .scalar(self.store.db())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Runs a statement on the database directly (test-side setup of stored values).
    pub async fn exec(&self, sql: &str) {
        Sql::new(sql)
            .execute(self.store.db())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A token for `user` through `POST /auth`.
    pub async fn token_for(&self, user: &str, password: &str) -> String {
        let res = self
            .client
            .post(self.url("/auth"))
            .form(&[
                ("username", user),
                ("password", password),
                ("token", "true"),
            ])
            .send()
            .await
            .expect("auth");
        assert_eq!(res.status(), 201, "auth for {user}");
        res.text().await.expect("token")
    }

    pub async fn admin_token(&self) -> String {
        self.token_for("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user with a role and returns a token for them.
    pub async fn user_token(&self, name: &str, role: shipshape_model::Role) -> String {
        let password = format!("{name}-password-123");
        let hash = shipshape_server::auth::password::hash_password(&password).expect("hash");
        self.store
            .upsert_user(name, &hash, role)
            .await
            .expect("user");
        self.token_for(name, &password).await
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, token: &str, path: &str) -> serde_json::Value {
        let res = self.get(token, path).await;
        let status = res.status();
        let body = res.text().await.expect("body");
        assert!(status.is_success(), "GET {path} → {status}: {body}");
        serde_json::from_str(&body).expect("json")
    }

    /// Deletes the containers of a list answer (`{"data": [{"sha": …}, …]}`) through
    /// `DELETE /containers?containerIds=…` and returns the finished job.
    pub async fn delete_listed_containers(
        &self,
        token: &str,
        list: &serde_json::Value,
    ) -> serde_json::Value {
        let ids: Vec<String> = list["data"]
            .as_array()
            .expect("a list answer")
            .iter()
            .map(|r| format!("containerIds={}", r["sha"].as_str().unwrap()))
            .collect();
        assert!(!ids.is_empty(), "nothing listed to delete");
        let res = self
            .client
            .delete(self.url(&format!("/csapi/v1.3/containers?{}", ids.join("&"))))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let job: serde_json::Value = res.json().await.unwrap();
        self.wait_job(token, job["deletionJobId"].as_str().unwrap())
            .await
    }

    /// Waits for a deletion job to finish and returns it.
    pub async fn wait_job(&self, token: &str, id: &str) -> serde_json::Value {
        for _ in 0..200 {
            let job = self
                .get_json(token, &format!("/csapi/v1.3/jobs/{id}"))
                .await;
            if job["status"] == "COMPLETED" || job["status"] == "FAILED" {
                return job;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("job {id} did not finish");
    }
}

/// Asserts the compatible error body: `errorCode` like "400 BAD_REQUEST", a message, a timestamp.
pub async fn assert_error(res: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = res.text().await.expect("body");
    assert!(
        ct.starts_with("application/json"),
        "content-type {ct} for body {body}"
    );
    let v: serde_json::Value = serde_json::from_str(&body).expect("error body is JSON");
    assert!(
        v["errorCode"]
            .as_str()
            .unwrap_or("")
            .starts_with(&status.to_string()),
        "{v}"
    );
    assert!(!v["message"].as_str().unwrap_or("").is_empty(), "{v}");
    assert!(v["timestamp"].as_i64().is_some(), "{v}");
    v
}

/// A minimal image to write through the store.
pub fn image_record(uuid: &str, sha: &str) -> shipshape_server::store::records::ImageRecord {
    shipshape_server::store::records::ImageRecord::new(uuid, sha)
}

/// A query parameter's value, percent-encoded.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An activation key made by `admin` through the API: (its id, its text `ssk_…`).
pub async fn new_key(
    app: &TestApp,
    admin: &str,
    sensor_type: &str,
    profile: Option<&str>,
) -> (String, String) {
    let res = app
        .client
        .post(app.url("/csapi/v1.3/activationKeys"))
        .bearer_auth(admin)
        .json(&serde_json::json!({"name": format!("{sensor_type} hosts"),
                                  "sensorType": sensor_type, "profileId": profile}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let v: serde_json::Value = res.json().await.unwrap();
    let key = v["activationKey"].as_str().unwrap().to_string();
    assert!(key.starts_with("ssk_"), "{v}");
    (v["info"]["id"].as_str().unwrap().to_string(), key)
}

/// A sensor registered with `key`: (uuid, credential `ssn_…`, the first check-in answer).
pub async fn register(
    app: &TestApp,
    key: &str,
    hostname: &str,
) -> (String, String, serde_json::Value) {
    let res = app
        .client
        .post(app.url("/sensorapi/v1/register"))
        .json(
            &serde_json::json!({"activationKey": key, "sensor": {"hostname": hostname,
              "sensorVersion": "1.31.0", "deployment": "DOCKER_RUN", "ipv4": "10.0.0.7"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let v: serde_json::Value = res.json().await.unwrap();
    let cred = v["credential"].as_str().unwrap().to_string();
    assert!(cred.starts_with("ssn_"), "{v}");
    (
        v["sensorUuid"].as_str().unwrap().to_string(),
        cred,
        v["checkIn"].clone(),
    )
}
