//! Clean exits and backups: every command leaves an SQLite database whose file alone holds
//! every write (a plain copy of it is complete), `serve` does so on SIGTERM, and
//! `shipshape backup` copies a live database consistently while it is being written.

use crate::cli::{serve, Killed, BIN};
use shipshape_server::store::derive::drift;
use shipshape_server::store::testing::TestDb;
use shipshape_server::store::{Sql, Store};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Row counts and the sums of the derived columns: equal numbers, equal data.
async fn fingerprint(url: &str) -> Vec<i64> {
    let store = Store::open(url).await.unwrap();
    let mut out = Vec::new();
    for sql in [
        "SELECT count(*) FROM containers",
        "SELECT count(*) FROM images",
        "SELECT count(*) FROM image_vulns",
        "SELECT CAST(coalesce(sum(containers_count), 0) AS BIGINT) FROM images",
        "SELECT CAST(coalesce(sum(hosts_count), 0) AS BIGINT) FROM images",
        "SELECT CAST(coalesce(sum(sev5), 0) AS BIGINT) FROM containers",
    ] {
        out.push(Sql::new(sql).scalar(store.db()).await.unwrap());
    }
    store.close().await;
    out
}

fn wal(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

/// The write-ahead log is gone or empty: the database file holds everything.
fn assert_folded(db: &Path) {
    let size = std::fs::metadata(wal(db)).map(|m| m.len()).unwrap_or(0);
    assert_eq!(size, 0, "write-ahead log left beside {}", db.display());
}

/// A copy of the database file alone, as a backup tool that knows nothing of SQLite takes it.
fn plain_copy(db: &Path, dir: &Path) -> String {
    let copy = dir.join("copy.db");
    std::fs::copy(db, &copy).unwrap();
    format!("sqlite:{}", copy.display())
}

#[tokio::test]
async fn after_seed_a_plain_copy_of_the_file_holds_every_write() {
    let test_db = TestDb::new().await.unwrap();
    if test_db.is_postgres() {
        return; // A PostgreSQL database is not a file.
    }
    let file = test_db.dir.join("seeded.db");
    let url = format!("sqlite:{}", file.display());
    let out = Command::new(BIN)
        .args(["seed", "--demo", "--database-url", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_folded(&file);
    let copy = plain_copy(&file, &test_db.dir);
    let (original, copied) = (fingerprint(&url).await, fingerprint(&copy).await);
    assert_eq!(original, copied);
    assert_eq!(original[0], 3000);
    assert!(
        original[3] == 3000,
        "every container counted on its image: {original:?}"
    );
}

fn sigterm(server: &mut Killed) {
    let pid = server.0.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let t = Instant::now();
    loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            assert!(status.success(), "serve exits cleanly on SIGTERM: {status}");
            return;
        }
        assert!(t.elapsed() < Duration::from_secs(30), "serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn serve_folds_its_writes_into_the_file_on_sigterm() {
    let test_db = TestDb::new().await.unwrap();
    if test_db.is_postgres() {
        return;
    }
    let file = test_db.dir.join("served.db");
    let url = format!("sqlite:{}", file.display());
    let out = Command::new(BIN)
        .args(["seed", "--demo", "--scale", "0.2", "--database-url", &url])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (mut server, _, base) = serve(&url, &[], Some("lifecycle-password"));
    let client = reqwest::Client::new();
    let res = client
        .delete(format!("{base}/csapi/v1.3/containers"))
        .basic_auth("admin", Some("lifecycle-password"))
        .json(&serde_json::json!({"filter": "state:RUNNING"}))
        .send()
        .await
        .unwrap();
    let id = res.json::<serde_json::Value>().await.unwrap()["deletionJobId"]
        .as_str()
        .unwrap()
        .to_string();
    loop {
        let job: serde_json::Value = client
            .get(format!("{base}/csapi/v1.3/jobs/{id}"))
            .basic_auth("admin", Some("lifecycle-password"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if job["status"] == "COMPLETED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(std::fs::metadata(wal(&file)).map(|m| m.len()).unwrap_or(0) > 0);
    sigterm(&mut server);
    assert_folded(&file);
    let copy = plain_copy(&file, &test_db.dir);
    let fp = fingerprint(&copy).await;
    assert_eq!(fp, fingerprint(&url).await);
    let store = Store::open(&copy).await.unwrap();
    let running: i64 = Sql::new("SELECT count(*) FROM containers WHERE state = 'RUNNING'")
        .scalar(store.db())
        .await
        .unwrap();
    assert_eq!(running, 0, "the delete is in the copy");
    assert!(fp[0] > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_is_consistent() {
    let test_db = TestDb::new().await.unwrap();
    if test_db.is_postgres() {
        // Refused with directions instead.
        let out = Command::new(BIN)
            .args([
                "backup",
                "/tmp/never-written.db",
                "--database-url",
                &test_db.url,
            ])
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        return;
    }
    let file = test_db.dir.join("live.db");
    let url = format!("sqlite:{}", file.display());
    let out = Command::new(BIN)
        .args(["seed", "--demo", "--scale", "5", "--database-url", &url])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (_server, _, base) = serve(&url, &[], Some("lifecycle-password"));
    let client = reqwest::Client::new();
    // A long delete: thousands of small transactions while the backup runs.
    let res = client
        .delete(format!("{base}/csapi/v1.3/containers"))
        .basic_auth("admin", Some("lifecycle-password"))
        .json(&serde_json::json!({"filter": "created>0"}))
        .send()
        .await
        .unwrap();
    let id = res.json::<serde_json::Value>().await.unwrap()["deletionJobId"]
        .as_str()
        .unwrap()
        .to_string();
    let job_url = format!("{base}/csapi/v1.3/jobs/{id}");
    let job = |client: reqwest::Client, url: String| async move {
        client
            .get(url)
            .basic_auth("admin", Some("lifecycle-password"))
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    while job(client.clone(), job_url.clone()).await["deleted"]
        .as_u64()
        .unwrap_or(0)
        == 0
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let backup = test_db.dir.join("backup.db");
    let out = Command::new(BIN)
        .args(["backup", backup.to_str().unwrap(), "--database-url", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A second backup to the same path is refused, not overwritten.
    let again = Command::new(BIN)
        .args(["backup", backup.to_str().unwrap(), "--database-url", &url])
        .output()
        .unwrap();
    assert!(!again.status.success());

    let store = Store::open(&format!("sqlite:{}", backup.display()))
        .await
        .unwrap();
    let check: String = Sql::new("PRAGMA integrity_check")
        .scalar(store.db())
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let wrong = drift(store.db()).await.unwrap();
    assert!(wrong.is_empty(), "{wrong:?}");
    // The copy is one instant of the job: its containers and the job's progress agree.
    let left: i64 = Sql::new("SELECT count(*) FROM containers")
        .scalar(store.db())
        .await
        .unwrap();
    // Taken while the job wrote: the copy holds the job mid-way. (Whether the job is still
    // running once the backup command returns depends on the machine's speed: not asked.)
    let job_there = store.job(&id).await.unwrap().unwrap();
    assert_eq!(
        job_there.status,
        shipshape_model::JobStatus::Running,
        "{job_there:?}"
    );
    assert_eq!(left as u64 + job_there.deleted, 15_000, "{job_there:?}");
    assert!(left > 0 && left < 15_000);
}
