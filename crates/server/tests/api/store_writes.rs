//! The store's write side: whatever sequence of writes, every derived value equals a recount
//! from the base rows, and the bulk loader stores exactly what single writes store.

use crate::common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shipshape_model::{ContainerState, HostRef, SensorStatus, SensorType, ThreatIntel};
use shipshape_server::demo::{seed, seed_one_by_one, DemoOptions};
use shipshape_server::store::derive::drift;
use shipshape_server::store::records::{
    ContainerRecord, FindingRecord, ImageRecord, SensorRecord, SoftwareRecord, VulnDefRecord,
    WriteError,
};
use shipshape_server::store::testing::TestDb;
use shipshape_server::store::{Sql, Store};

fn sensor(i: usize) -> SensorRecord {
    SensorRecord {
        uuid: format!("sensor-{i}"),
        sensor_id: format!("{}", 1000 + i),
        name: format!("s{i}"),
        hostname: Some(format!("host-{i}")),
        host_uuid: None,
        ipv4: None,
        ipv6: None,
        mac_address: None,
        sensor_version: Some("1.30.0".into()),
        vuln_sig_version: None,
        docker_version: None,
        os: None,
        platform: None,
        sensor_type: SensorType::General,
        status: SensorStatus::Running,
        deployment: None,
        configuration_profile: None,
        privileged: false,
        created: 1,
        last_checked_in: None,
        labels: vec![],
        cluster: None,
    }
}

fn sha(kind: char, i: usize) -> String {
    format!("{kind}{i:063x}")
}

fn random_image(rng: &mut ChaCha8Rng, i: usize, qids: &[i64]) -> ImageRecord {
    let mut r = image_record(&format!("image-{i}"), &sha('a', i));
    r.updated = rng.gen_range(1..1000);
    r.software = (0..rng.gen_range(0..4))
        .map(|k| SoftwareRecord {
            name: format!("pkg{k}"),
            version: Some("1.0".into()),
            fix_version: None,
            package_path: None,
        })
        .collect();
    // Findings may repeat a QID across packages: the image counts it once.
    r.findings = (0..rng.gen_range(0..8))
        .map(|k| FindingRecord {
            qid: qids[rng.gen_range(0..qids.len())],
            severity: rng.gen_range(1..=5),
            type_detected: "Confirmed".into(),
            first_found: Some(1),
            last_found: Some(2),
            software_name: Some(format!("pkg{}", k % 3)),
            software_version: Some("1.0".into()),
            fix_version: None,
        })
        .collect();
    r
}

fn random_container(
    rng: &mut ChaCha8Rng,
    i: usize,
    images: usize,
    sensors: usize,
) -> ContainerRecord {
    let states = ContainerState::ALL;
    ContainerRecord {
        uuid: format!("container-{i}"),
        container_id: sha('c', i)[..12].to_string(),
        sha: sha('c', i),
        name: Some(format!("c{i}")),
        image_sha: sha('a', rng.gen_range(0..images)),
        created: 1,
        updated: rng.gen_range(1..10_000),
        state_changed: None,
        last_scanned: None,
        state: states[rng.gen_range(0..states.len())],
        host: rng.gen_bool(0.9).then(|| HostRef {
            sensor_uuid: format!("sensor-{}", rng.gen_range(0..sensors)),
            hostname: None,
            ip_address: None,
            uuid: None,
        }),
        is_root: rng.gen_bool(0.5),
        privileged: false,
        cluster: None,
        command: None,
        arguments: vec![],
        environment: vec![],
        ports: vec![],
        labels: vec![],
        operating_system: None,
    }
}

async fn ids(store: &Store, table: &str) -> Vec<i64> {
    Sql::new(format!("SELECT id FROM {table} ORDER BY id"))
        .scalars(store.db())
        .await
        .unwrap()
}

#[tokio::test]
async fn any_sequence_of_writes_keeps_every_derived_value_equal_to_a_recount() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let store = &app.store;
    let qids: Vec<i64> = (1..=12).collect();
    store
        .upsert_vuln_defs(
            &qids
                .iter()
                .map(|q| VulnDefRecord {
                    qid: *q,
                    title: format!("v{q}"),
                    severity: (*q % 5 + 1) as u8,
                    cveids: vec![],
                    cvss_base: None,
                    cvss3_base: None,
                    category: None,
                    published: None,
                    patch_available: false,
                    threat_intel: ThreatIntel::default(),
                })
                .collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    let (n_images, n_containers, n_sensors) = (12, 60, 4);
    for i in 0..n_sensors {
        store.upsert_sensor(&sensor(i)).await.unwrap();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for i in 0..n_images {
        store
            .upsert_image(&random_image(&mut rng, i, &qids))
            .await
            .unwrap();
    }
    let mut version = store.version().await.unwrap();
    for step in 0..400 {
        let op = rng.gen_range(0..100);
        let what = match op {
            0..=14 => {
                let i = rng.gen_range(0..n_images);
                store
                    .upsert_image(&random_image(&mut rng, i, &qids))
                    .await
                    .unwrap();
                "re-scan an image"
            }
            15..=54 => {
                let i = rng.gen_range(0..n_containers);
                let c = random_container(&mut rng, i, n_images, n_sensors);
                match store.upsert_container(&c).await {
                    Ok(_) => {}
                    // Its image was deleted earlier: refused, and nothing changes.
                    Err(WriteError::UnknownImage(_)) => {}
                    Err(e) => panic!("{e}"),
                }
                "write a container"
            }
            55..=69 => {
                let i = rng.gen_range(0..n_containers);
                let state = ContainerState::ALL[rng.gen_range(0..ContainerState::ALL.len())];
                store
                    .set_container_state(&sha('c', i), state, rng.gen_range(1..20_000))
                    .await
                    .unwrap();
                "change a container's state"
            }
            70..=82 => {
                let all = ids(store, "containers").await;
                let pick: Vec<i64> = all.into_iter().filter(|_| rng.gen_bool(0.1)).collect();
                store.delete_containers(&pick).await.unwrap();
                "delete containers"
            }
            83..=90 => {
                let all = ids(store, "images").await;
                let pick: Vec<i64> = all.into_iter().filter(|_| rng.gen_bool(0.2)).collect();
                let (_, kept) = store.delete_images(&pick).await.unwrap();
                assert!(kept.iter().all(|k| k.reason.contains("running")));
                "delete images"
            }
            91..=95 => {
                let i = rng.gen_range(0..n_sensors);
                let status = SensorStatus::ALL[rng.gen_range(0..SensorStatus::ALL.len())];
                store
                    .set_sensor_status(&format!("sensor-{i}"), status, 5)
                    .await
                    .unwrap();
                "change a sensor's status"
            }
            _ => {
                let all = ids(store, "sensors").await;
                store.delete_sensors(&all).await.unwrap();
                "delete unknown sensors"
            }
        };
        let wrong = drift(store.db()).await.unwrap();
        assert!(wrong.is_empty(), "after step {step} ({what}): {wrong:?}");
        let now = store.version().await.unwrap();
        assert!(now >= version, "the version never goes back");
        version = now;
    }
    // The run exercised what it claims to.
    assert!(app.scalar("SELECT count(*) FROM containers").await > 10);
    assert!(
        app.scalar("SELECT count(*) FROM images WHERE sev5 > 0 OR sev4 > 0")
            .await
            > 0
    );
    assert!(
        app.scalar("SELECT count(*) FROM images WHERE hosts_count > 1")
            .await
            > 0
    );
    // And the check finds a value that is wrong.
    Sql::new(
        "UPDATE images SET hosts_count = hosts_count + 1 WHERE id = (SELECT min(id) FROM images)",
    )
    .execute(store.db())
    .await
    .unwrap();
    let wrong = drift(store.db()).await.unwrap();
    assert_eq!(wrong.len(), 1, "{wrong:?}");
    assert_eq!(wrong[0].what, "image usage");
}

#[tokio::test]
async fn a_container_of_an_unknown_image_is_refused_and_changes_nothing() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let c = random_container(&mut rng, 1, 1, 1);
    let before = app.store.version().await.unwrap();
    match app.store.upsert_container(&c).await {
        Err(WriteError::UnknownImage(s)) => assert_eq!(s, c.image_sha),
        other => panic!("{other:?}"),
    }
    assert_eq!(app.scalar("SELECT count(*) FROM containers").await, 0);
    assert_eq!(app.store.version().await.unwrap(), before);
    let mut image = image_record("i", &sha('a', 0));
    image.findings.push(FindingRecord {
        qid: 424242,
        severity: 3,
        type_detected: "Confirmed".into(),
        first_found: None,
        last_found: None,
        software_name: None,
        software_version: None,
        fix_version: None,
    });
    assert!(matches!(
        app.store.upsert_image(&image).await,
        Err(WriteError::UnknownQid(424242))
    ));
    assert_eq!(app.scalar("SELECT count(*) FROM images").await, 0);
}

/// Every stored column of the asset tables, keyed by the rows' identities, as text.
async fn table_dump(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for (table, key, cols) in [
        ("sensors", "uuid", "uuid, sensor_id, name, hostname, status, version_key, cluster_name, labels, cluster"),
        ("images", "sha", "sha, uuid, image_id, created, updated, last_used_date, size, sev1, sev2, sev3, sev4, sev5, containers_count, hosts_count, source, layers, repo_digests"),
        ("containers", "sha", "sha, uuid, image_ref, image_id, image_uuid, image_sha, created, updated, state, sensor_uuid, host_hostname, sev1, sev2, sev3, sev4, sev5, cluster_name, cluster_namespace, environment, labels"),
        ("image_vulns", "image_ref, qid, software_name", "image_ref, qid, severity, software_name, fix_version"),
        ("image_repos", "image_ref, pos", "image_ref, pos, registry, repository, tag"),
    ] {
        let concat: Vec<String> = cols
            .split(", ")
            .map(|c| format!("coalesce(CAST({c} AS TEXT), '∅')"))
            .collect();
        let rows: Vec<String> = Sql::new(format!(
            "SELECT {} FROM {table} ORDER BY {key}",
            concat.join(" || '|' || ")
        ))
        .scalars(store.db())
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"));
        out.extend(rows.into_iter().map(|r| format!("{table}: {r}")));
    }
    out
}

#[tokio::test]
async fn the_bulk_loader_and_single_writes_store_the_same_rows() {
    let opts = DemoOptions {
        scale: 0.1,
        seed: 11,
        now_ms: NOW,
    };
    let unseeded = || Options {
        seed: false,
        ..Default::default()
    };
    let (a, b) = (spawn_with(unseeded()).await, spawn_with(unseeded()).await);
    let sa = seed(&a.store, &opts).await.unwrap();
    let sb = seed_one_by_one(&b.store, &opts).await.unwrap();
    assert_eq!(sa, sb);
    assert!(drift(a.store.db()).await.unwrap().is_empty());
    assert!(drift(b.store.db()).await.unwrap().is_empty());
    let (da, db) = (table_dump(&a.store).await, table_dump(&b.store).await);
    assert_eq!(da.len(), db.len());
    for (x, y) in da.iter().zip(&db) {
        assert_eq!(x, y);
    }
    assert!(da.iter().any(|r| r.starts_with("containers: ")));
}

#[tokio::test]
async fn the_demo_fleet_is_the_same_on_both_engines() {
    let pg = TestDb::new().await.unwrap();
    if !pg.is_postgres() {
        return; // The PostgreSQL run compares it with SQLite.
    }
    let sqlite_url = format!("sqlite:{}", pg.dir.join("fleet.db").display());
    let (a, b) = (
        Store::open(&pg.url).await.unwrap(),
        Store::open(&sqlite_url).await.unwrap(),
    );
    let opts = DemoOptions {
        scale: 0.2,
        seed: 5,
        now_ms: NOW,
    };
    assert_eq!(
        seed(&a, &opts).await.unwrap(),
        seed(&b, &opts).await.unwrap()
    );
    let (da, db) = (table_dump(&a).await, table_dump(&b).await);
    assert_eq!(da.len(), db.len());
    for (x, y) in da.iter().zip(&db) {
        assert_eq!(x, y, "PostgreSQL and SQLite differ");
    }
    // Row ids too: the same seed gives the same rows on either engine.
    for table in ["sensors", "images", "containers"] {
        assert_eq!(ids(&a, table).await, ids(&b, table).await, "{table}");
    }
    // And what the API makes of them: every image's and a sample of containers' details
    // (findings, software, their order, every value) are the same.
    let images = ids(&a, "images").await;
    let as_json = |v: Vec<shipshape_model::ImageDetails>| serde_json::to_value(v).unwrap();
    same_json(
        "",
        &as_json(a.image_details_by_ids(&images).await.unwrap()),
        &as_json(b.image_details_by_ids(&images).await.unwrap()),
    );
    let containers: Vec<i64> = ids(&a, "containers").await.into_iter().step_by(7).collect();
    let as_json = |v: Vec<shipshape_model::ContainerDetails>| serde_json::to_value(v).unwrap();
    same_json(
        "",
        &as_json(a.container_details_by_ids(&containers).await.unwrap()),
        &as_json(b.container_details_by_ids(&containers).await.unwrap()),
    );
    a.close().await;
    b.close().await;
}

/// Asserts two JSON values are equal, naming the first place they differ.
fn same_json(path: &str, a: &serde_json::Value, b: &serde_json::Value) {
    use serde_json::Value as J;
    match (a, b) {
        (J::Array(x), J::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths differ");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                same_json(&format!("{path}[{i}]"), p, q);
            }
        }
        (J::Object(x), J::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                same_json(
                    &format!("{path}.{k}"),
                    x.get(k).unwrap_or(&J::Null),
                    y.get(k).unwrap_or(&J::Null),
                );
            }
        }
        _ => assert_eq!(a, b, "{path}: PostgreSQL and SQLite differ"),
    }
}

/// `count(*)` of `filter` straight from its SQL, nothing cached.
async fn recount(store: &Store, filter: &shipshape_server::store::Filter) -> u64 {
    let d = store.engine().dialect();
    let cond = shipshape_server::store::filter::compile(d, filter);
    let e = filter.entity;
    let mut sql = Sql::new(format!("SELECT count(*) FROM {} {}", e.table(), e.alias()));
    if !cond.text.is_empty() {
        sql.push(" WHERE ").append(&cond);
    }
    sql.scalar::<i64>(store.db()).await.unwrap() as u64
}

/// Counts are kept per block of 512 rows and only the blocks a write touched are counted
/// again (`store::blocks`): whatever the writes (new rows at the end, changes and deletes
/// anywhere, an image re-scan changing its containers' copies, a sliding window moving), every
/// count equals a recount, in this process and in a second store on the same database.
#[tokio::test]
async fn counts_kept_by_block_equal_a_recount_through_any_sequence_of_writes() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let store = &app.store;
    // Nine thousand containers: eighteen blocks.
    seed(
        store,
        &DemoOptions {
            scale: 3.0,
            seed: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let other = Store::open(&app.db.url).await.unwrap();
    let qids: Vec<i64> = Sql::new("SELECT qid FROM vuln_defs ORDER BY qid LIMIT 12")
        .scalars(store.db())
        .await
        .unwrap();
    let n_images = 6;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for i in 0..n_images {
        store
            .upsert_image(&random_image(&mut rng, i, &qids))
            .await
            .unwrap();
    }
    let demo: Vec<String> = Sql::new("SELECT sha FROM containers ORDER BY id")
        .scalars(store.db())
        .await
        .unwrap();
    let sensors: Vec<String> = Sql::new("SELECT uuid FROM sensors ORDER BY id LIMIT 4")
        .scalars(store.db())
        .await
        .unwrap();
    let qid = qids[3];
    let filters = [
        "state:RUNNING".to_string(),
        "state:RUNNING and vulnerabilities.severity:5".to_string(),
        "isRoot:true or state:[STOPPED, DELETED]".to_string(),
        "vulnerabilities.severity:[4 .. 5] and not state:RUNNING".to_string(),
        // A sliding window over the test containers' `updated` (1 .. 10,000 ms).
        "updated:[now-3s .. now] and state:RUNNING".to_string(),
        // Reads findings: not counted by block, and exact all the same.
        format!("vulnerabilities.qid:{qid}"),
    ];
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    for step in 0..240usize {
        let what = match rng.gen_range(0..100) {
            0..=29 => {
                let mut c = random_container(&mut rng, 100_000 + step, n_images, 1);
                c.host = None;
                store.upsert_container(&c).await.unwrap();
                "a new container"
            }
            30..=49 => {
                // A demo container anywhere moves to a test image (its copies change).
                let mut c = random_container(&mut rng, 0, n_images, 1);
                c.sha = demo[rng.gen_range(0..demo.len())].clone();
                c.uuid = format!("moved-{step}");
                c.container_id = c.sha[..12].to_string();
                c.host = None;
                store.upsert_container(&c).await.unwrap();
                "a container rewritten"
            }
            50..=69 => {
                let sha = &demo[rng.gen_range(0..demo.len())];
                let state = ContainerState::ALL[rng.gen_range(0..ContainerState::ALL.len())];
                store
                    .set_container_state(sha, state, rng.gen_range(1..10_000))
                    .await
                    .unwrap();
                "a state changed"
            }
            70..=79 => {
                let all = ids(store, "containers").await;
                let pick: Vec<i64> = all.into_iter().filter(|_| rng.gen_bool(0.002)).collect();
                store.delete_containers(&pick).await.unwrap();
                "containers deleted"
            }
            80..=94 => {
                let i = rng.gen_range(0..n_images);
                store
                    .upsert_image(&random_image(&mut rng, i, &qids))
                    .await
                    .unwrap();
                "an image re-scanned"
            }
            _ => {
                let s = &sensors[rng.gen_range(0..sensors.len())];
                store
                    .set_sensor_status(s, SensorStatus::Inactive, 5)
                    .await
                    .unwrap();
                "a sensor changed"
            }
        };
        *kinds.entry(what).or_default() += 1;
        // The window slides 50 ms a step across the test containers' times.
        let now = 2_000 + 50 * step as i64;
        for text in &filters {
            let f = shipshape_server::store::Filter::parse(
                shipshape_server::store::Entity::Container,
                Some(text),
                now,
            )
            .unwrap();
            let want = recount(store, &f).await;
            assert_eq!(
                store.count(&f).await.unwrap(),
                want,
                "step {step} ({what}), `{text}`"
            );
            if step % 7 == 0 {
                assert_eq!(
                    other.count(&f).await.unwrap(),
                    want,
                    "step {step} ({what}), `{text}`, second store"
                );
            }
        }
    }
    // The run did what it claims: every kind of write, and rows in every block.
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    let blocks: i64 = app
        .scalar("SELECT count(DISTINCT id / 512) FROM containers")
        .await;
    assert!(blocks >= 17, "{blocks} blocks");
    let window = shipshape_server::store::Filter::parse(
        shipshape_server::store::Entity::Container,
        Some(&filters[4]),
        2_000 + 50 * 120,
    )
    .unwrap();
    assert!(
        recount(store, &window).await > 0,
        "the window met some rows"
    );
}
