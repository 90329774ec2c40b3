use crate::common::*;
use shipshape_server::demo::{seed, DemoOptions};
use shipshape_server::store::{Sql, Store};

async fn scalar(store: &Store, sql: &str) -> i64 {
    Sql::new(sql)
        .scalar(store.db())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn the_demo_fleet_has_the_default_size_and_consistent_relations() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let stats = seed(
        &app.store,
        &DemoOptions {
            scale: 1.0,
            seed: 7,
            now_ms: NOW,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (stats.sensors, stats.images, stats.containers),
        (40, 400, 3000)
    );
    let s = &app.store;
    assert_eq!(scalar(s, "SELECT count(*) FROM containers c WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.id = c.image_ref AND i.sha = c.image_sha AND i.uuid = c.image_uuid)").await, 0, "every container's image exists");
    assert_eq!(scalar(s, "SELECT count(*) FROM containers c WHERE NOT EXISTS (SELECT 1 FROM sensors x WHERE x.uuid = c.sensor_uuid AND x.sensor_type IN ('GENERAL','CLUSTER'))").await, 0, "containers run on host sensors");
    assert_eq!(scalar(s, "SELECT count(*) FROM images i WHERE i.containers_count != (SELECT count(*) FROM containers c WHERE c.image_ref = i.id)").await, 0, "container counts match rows");
    assert_eq!(scalar(s, "SELECT count(*) FROM images i WHERE i.sev5 != (SELECT count(*) FROM image_vulns v WHERE v.image_ref = i.id AND v.severity = 5)").await, 0, "severity counts match findings");
    assert_eq!(scalar(s, "SELECT count(*) FROM containers c JOIN images i ON i.id = c.image_ref WHERE c.sev4 != i.sev4").await, 0);
    assert_eq!(scalar(s, "SELECT count(*) FROM image_vulns v WHERE NOT EXISTS (SELECT 1 FROM vuln_defs d WHERE d.qid = v.qid AND d.severity = v.severity)").await, 0);
    // Every state, type and deployment appears; some sensors are outdated or lost.
    assert_eq!(
        scalar(s, "SELECT count(DISTINCT state) FROM containers").await,
        6
    );
    assert_eq!(
        scalar(s, "SELECT count(DISTINCT sensor_type) FROM sensors").await,
        4
    );
    assert!(scalar(s, "SELECT count(DISTINCT deployment) FROM sensors").await >= 5);
    assert!(scalar(s, "SELECT count(*) FROM sensors WHERE status = 'UNKNOWN'").await > 0);
    assert!(scalar(s, "SELECT count(DISTINCT sensor_version) FROM sensors").await >= 3);
    assert!(scalar(s, "SELECT count(*) FROM containers WHERE is_root").await > 0);
    assert!(scalar(s, "SELECT count(*) FROM containers WHERE privileged").await > 0);
    assert!(
        scalar(
            s,
            "SELECT count(*) FROM containers WHERE cluster_namespace IS NOT NULL"
        )
        .await
            > 0
    );
    // Severity proportions are believable: medium the most common, critical the rarest of the top three.
    let by = |n: i64| async move {
        scalar(
            s,
            &format!("SELECT count(*) FROM image_vulns WHERE severity = {n}"),
        )
        .await
    };
    let (s3, s5) = (by(3).await, by(5).await);
    assert!(s3 > s5, "medium findings outnumber critical ones");
    assert!(
        scalar(
            s,
            "SELECT count(*) FROM image_vulns WHERE fix_version IS NOT NULL"
        )
        .await
            > 0
    );
    assert!(
        scalar(
            s,
            "SELECT count(*) FROM vuln_defs WHERE cveids LIKE '%CVE-2021-44228%'"
        )
        .await
            == 1
    );
    // Identifiers are well-formed.
    assert_eq!(
        scalar(
            s,
            "SELECT count(*) FROM images WHERE length(sha) != 64 OR image_id != substr(sha, 1, 12)"
        )
        .await,
        0
    );
    assert_eq!(scalar(s, "SELECT count(*) FROM containers WHERE length(sha) != 64 OR container_id != substr(sha, 1, 12)").await, 0);
}

#[tokio::test]
async fn seeding_is_deterministic_and_refuses_a_non_empty_database() {
    let a = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let b = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let opts = DemoOptions {
        scale: 0.2,
        seed: 99,
        now_ms: NOW,
    };
    seed(&a.store, &opts).await.unwrap();
    seed(&b.store, &opts).await.unwrap();
    #[derive(Debug, PartialEq, sqlx::FromRow)]
    struct Row {
        id: i64,
        uuid: String,
        sha: String,
        created: i64,
    }
    let dump = |s: Store| async move {
        Sql::new("SELECT id, uuid, sha, created FROM containers ORDER BY id")
            .fetch_all::<Row>(s.db())
            .await
            .unwrap()
    };
    assert_eq!(dump(a.store.clone()).await, dump(b.store.clone()).await);
    assert!(
        seed(&a.store, &opts).await.is_err(),
        "a second seed is refused"
    );
}
