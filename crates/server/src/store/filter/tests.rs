use super::targets::{sort_target, target, Computed, Target};
use super::*;
use crate::store::db::Sql;
use crate::store::testing::TestDb;
use crate::store::{Entity, Store};
use shipshape_qql::{catalogue, TokenType};

const NOW: i64 = 1_750_000_000_000;
const ENTITIES: [Entity; 3] = [Entity::Sensor, Entity::Image, Entity::Container];
const SQLITE: Dialect = Dialect(Engine::Sqlite);
const POSTGRES: Dialect = Dialect(Engine::Postgres);

fn filter(entity: Entity, q: &str) -> Filter {
    Filter::parse(entity, Some(q), NOW).unwrap_or_else(|e| panic!("{q}: {e:?}"))
}

fn sql_for(d: Dialect, entity: Entity, q: &str) -> Sql {
    compile(d, &filter(entity, q))
}

fn sql(entity: Entity, q: &str) -> Sql {
    sql_for(SQLITE, entity, q)
}

/// Sample clauses for a token of this type: every value form it takes.
fn samples(name: &str, ty: TokenType) -> Vec<String> {
    match ty {
        TokenType::Text => vec![
            format!("{name}:abc"),
            format!("{name}:\"two words\""),
            format!("{name}:`Exact`"),
            format!("{name}:ab*c?"),
            format!("{name}:[x, `y`, z*]"),
        ],
        TokenType::Keyword(values) => vec![
            format!("{name}:{}", values[0].to_ascii_lowercase()),
            format!("{name}={}", values[0]),
            format!("{name}:[{}]", values.join(", ")),
        ],
        TokenType::Number { min, max } => {
            let lo = min.unwrap_or(0);
            let hi = max.unwrap_or(lo + 10);
            vec![
                format!("{name}:{lo}"),
                format!("{name}>={lo}"),
                format!("{name}<{hi}"),
                format!("{name}:[{lo} .. {hi}]"),
                format!("{name}:({lo} .. {hi})"),
                format!("{name}:[{lo}, {hi}]"),
            ]
        }
        TokenType::Date => vec![
            format!("{name}>now-7d"),
            format!("{name}<=2024-05-01"),
            format!("{name}:[now-7d .. now]"),
            format!("{name}:(1593731505425 .. now)"),
            format!("{name}=1593731505425"),
        ],
        TokenType::Boolean => vec![format!("{name}:true"), format!("{name}=false")],
        TokenType::LabelPair => vec![
            format!("{name}:team=payments"),
            format!("{name}:`team`=pay*"),
        ],
    }
}

/// A store on this test run's engine (SQLite, or PostgreSQL when the run is for it).
async fn temp_store() -> (TestDb, Store) {
    let db = TestDb::new().await.expect("test database");
    let store = Store::open(&db.url).await.expect("open store");
    (db, store)
}

/// Runs the filter on the store's engine: the SQL must be valid and its placeholders match
/// its binds.
async fn run(store: &Store, f: &Filter) -> i64 {
    let e = f.entity;
    let cond = compile(store.engine().dialect(), f);
    assert_eq!(
        cond.text.matches('?').count(),
        cond.binds.len(),
        "{}",
        cond.text
    );
    let mut q = Sql::new(format!("SELECT count(*) FROM {} {}", e.table(), e.alias()));
    if !cond.text.is_empty() {
        q.push(" WHERE ").append(&cond);
    }
    q.scalar(store.db())
        .await
        .unwrap_or_else(|err| panic!("{}: {err}", q.text))
}

#[tokio::test]
async fn every_catalogue_token_compiles_to_valid_sql() {
    let (_db, store) = temp_store().await;
    let mut unmapped = Vec::new();
    for entity in ENTITIES {
        for def in catalogue(qql_entity(entity)) {
            if target(entity, def.name) == Target::Unknown {
                unmapped.push(format!("{}: {}", entity.table(), def.name));
                continue;
            }
            for q in samples(def.name, def.ty) {
                for d in [SQLITE, POSTGRES] {
                    let s = sql_for(d, entity, &q);
                    assert!(!s.text.is_empty(), "{q}");
                    assert_eq!(
                        s.text.matches('?').count(),
                        s.binds.len(),
                        "{q}: {}",
                        s.text
                    );
                }
                run(&store, &filter(entity, &q)).await;
                run(
                    &store,
                    &filter(entity, &format!("not {q} or ({q} and {q})")),
                )
                .await;
            }
        }
    }
    assert!(unmapped.is_empty(), "tokens with no SQL: {unmapped:?}");
}

#[test]
fn every_sortable_token_has_a_sort_target() {
    for entity in ENTITIES {
        let cat = catalogue(qql_entity(entity));
        for def in cat.iter().filter(|d| d.sortable) {
            assert!(
                sort_target(entity, def.name).is_some(),
                "{}: sortable token '{}' has nothing to sort by",
                entity.table(),
                def.name
            );
        }
        let tokens: Vec<&str> = crate::store::listing::sortable_tokens(entity).collect();
        assert_eq!(
            tokens.len(),
            cat.iter().filter(|d| d.sortable).count(),
            "{}",
            entity.table()
        );
    }
}

#[tokio::test]
async fn every_sort_is_valid_sql_in_both_directions() {
    use shipshape_model::{PageNumber, PageSize, SortOrder, SortSpec};
    let (_db, store) = temp_store().await;
    for entity in ENTITIES {
        for token in crate::store::listing::sortable_tokens(entity) {
            for order in [SortOrder::Asc, SortOrder::Desc] {
                let sort = crate::store::Sort::new(entity, &SortSpec::new(token, order))
                    .unwrap_or_else(|e| panic!("{token}: {e}"));
                let q = crate::store::ListQuery {
                    filter: Filter::all(entity),
                    sort,
                    page: PageNumber::try_from(2).unwrap(),
                    size: PageSize::try_from(5).unwrap(),
                };
                store
                    .page_ids(&q)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {token}: {e}", entity.table()));
            }
        }
        let bad = crate::store::Sort::new(entity, &SortSpec::new("label.key", SortOrder::Asc));
        assert!(bad.unwrap_err().contains("not a sortable token"));
    }
}

#[test]
fn empty_filters_are_no_condition() {
    for f in [None, Some(""), Some("   ")] {
        let parsed = Filter::parse(Entity::Container, f, NOW).unwrap();
        assert!(parsed.is_empty());
        for d in [SQLITE, POSTGRES] {
            let out = compile(d, &parsed);
            assert!(out.text.is_empty() && out.binds.is_empty());
        }
    }
}

#[test]
fn parse_errors_keep_their_sentence_and_span() {
    let cases: [(&str, &str, usize, usize); 4] = [
        (
            "vulns.severity:5",
            "Unknown token 'vulns.severity' for containers. Did you mean 'vulnerabilities.severity'?",
            0,
            14,
        ),
        (
            "vulnerabilities.severity:high",
            "'vulnerabilities.severity' takes a number from 1 to 5, not 'high'.",
            25,
            29,
        ),
        ("(state:running", "Missing ')' to close the '(' opened at 0.", 0, 14),
        (
            "vulnerabilities.severity:[4 .. 2]",
            "'[4 .. 2]' is an empty range: the lower bound is greater than the upper bound.",
            25,
            33,
        ),
    ];
    for (q, message, start, end) in cases {
        let e = Filter::parse(Entity::Container, Some(q), NOW).unwrap_err();
        assert_eq!(e.message(), message, "{q}");
        assert_eq!((e.span.start, e.span.end), (start, end), "{q}");
    }
}

#[test]
fn values_are_bound_never_formatted() {
    let evil = "x') OR 1=1 --";
    for d in [SQLITE, POSTGRES] {
        for q in [
            format!("name:\"{evil}\""),
            format!("name:`{evil}`"),
            format!("label:\"{evil}\"=\"{evil}\""),
            format!("software.name:[\"{evil}\", abc]"),
        ] {
            let f = sql_for(d, Entity::Container, &q);
            assert!(!f.text.contains("1=1"), "{}", f.text);
            assert!(f
                .binds
                .iter()
                .any(|b| matches!(b, Bind::Text(Some(t)) if t.contains("1=1"))));
        }
    }
}

/// The uuids of the containers `q` selects on the store's engine, sorted.
async fn selected(store: &Store, q: &str) -> Vec<String> {
    let f = filter(Entity::Container, q);
    let cond = compile(store.engine().dialect(), &f);
    let mut sql = Sql::new("SELECT uuid FROM containers c");
    if !cond.text.is_empty() {
        sql.push(" WHERE ").append(&cond);
    }
    sql.push(" ORDER BY uuid");
    sql.scalars(store.db())
        .await
        .unwrap_or_else(|err| panic!("{q}: {}: {err}", sql.text))
}

/// A container for the fixtures below: `u{i}`, running `image_sha`, created at `created`.
fn container(i: u32, image_sha: &str, created: i64) -> crate::store::records::ContainerRecord {
    crate::store::records::ContainerRecord {
        uuid: format!("u{i}"),
        container_id: format!("{i:012}"),
        sha: format!("{i:064}"),
        name: None,
        image_sha: image_sha.into(),
        created,
        updated: created,
        state_changed: None,
        last_scanned: None,
        state: shipshape_model::ContainerState::Running,
        host: None,
        is_root: false,
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

/// Writes images whose findings have the given severities (one image per list), by sha.
async fn images_with_severities(store: &Store, images: &[(&str, &[u8])]) {
    use crate::store::records::{FindingRecord, ImageRecord, VulnDefRecord};
    let defs: Vec<VulnDefRecord> = (1..=5)
        .map(|sev| VulnDefRecord {
            qid: 1000 + i64::from(sev),
            title: format!("severity {sev}"),
            severity: sev,
            cveids: vec![],
            cvss_base: None,
            cvss3_base: None,
            category: None,
            published: None,
            patch_available: false,
            threat_intel: Default::default(),
        })
        .collect();
    store.upsert_vuln_defs(&defs).await.unwrap();
    for (i, (sha, severities)) in images.iter().enumerate() {
        let mut image = ImageRecord::new(&format!("image-{i}"), sha);
        image.findings = severities
            .iter()
            .map(|&sev| FindingRecord {
                qid: 1000 + i64::from(sev),
                severity: sev,
                type_detected: "Confirmed".into(),
                first_found: None,
                last_found: None,
                software_name: None,
                software_version: None,
                fix_version: None,
            })
            .collect();
        store.upsert_image(&image).await.unwrap();
    }
}

/// The query `cargo xtask bench` times, and severity filters, on this run's engine: the rows
/// each selects, worked out by hand from the fixture.
#[tokio::test]
async fn the_benchmark_query_and_severities_select_their_rows() {
    use shipshape_model::{ContainerState, HostRef};
    let (_db, store) = temp_store().await;
    let (sev5, sev4, sev13, none) = (
        "5".repeat(64),
        "4".repeat(64),
        "3".repeat(64),
        "0".repeat(64),
    );
    images_with_severities(
        &store,
        &[
            (&sev5, &[5, 2]),
            (&sev4, &[4]),
            (&sev13, &[1, 3]),
            (&none, &[]),
        ],
    )
    .await;
    let host = |name: &str| {
        Some(HostRef {
            sensor_uuid: format!("sensor-{name}"),
            hostname: Some(name.into()),
            ip_address: None,
            uuid: None,
        })
    };
    // (container, image, state, host)
    let rows: [(u32, &str, ContainerState, Option<HostRef>); 8] = [
        (1, &sev5, ContainerState::Running, host("node-1")),
        (2, &sev5, ContainerState::Running, host("node-17.lan")),
        (3, &sev5, ContainerState::Running, host("NODE-1B")),
        (4, &sev5, ContainerState::Running, host("node-2")),
        (5, &sev5, ContainerState::Running, None),
        (6, &sev5, ContainerState::Stopped, host("node-1")),
        (7, &sev4, ContainerState::Running, host("node-1")),
        (8, &none, ContainerState::Running, host("node-10")),
    ];
    let mut c9 = container(9, &sev13, 1);
    c9.state = ContainerState::Paused;
    store.upsert_container(&c9).await.unwrap();
    for (i, image, state, host) in rows {
        let mut c = container(i, image, 1);
        c.state = state;
        c.host = host;
        store.upsert_container(&c).await.unwrap();
    }
    let uuids = |ids: &[u32]| -> Vec<String> {
        let mut v: Vec<String> = ids.iter().map(|i| format!("u{i}")).collect();
        v.sort();
        v
    };
    let cases: [(&str, &[u32]); 9] = [
        // Host names match case-insensitively, by prefix.
        (
            "state:RUNNING and vulnerabilities.severity:5 and host.hostname:node-1*",
            &[1, 2, 3],
        ),
        ("host.hostname:node-1*", &[1, 2, 3, 6, 7, 8]),
        (
            "state:RUNNING or host.hostname:node-1*",
            &[1, 2, 3, 4, 5, 6, 7, 8],
        ),
        ("state:RUNNING and not host.hostname:node-1*", &[4, 5]),
        ("vulnerabilities.severity:[4 .. 5]", &[1, 2, 3, 4, 5, 6, 7]),
        ("vulnerabilities.severity>5", &[]),
        ("vulnerabilities.severity:[1, 3]", &[9]),
        ("vulnerabilities.severity:2", &[1, 2, 3, 4, 5, 6]),
        ("not vulnerabilities.severity:[1 .. 5]", &[8]),
    ];
    for (q, want) in cases {
        assert_eq!(selected(&store, q).await, uuids(want), "{q}");
    }
}

#[test]
fn severities_read_the_denormalised_columns_and_the_hint_stands_by_a_state_equality() {
    // Plans, not results (those are tested above): severity filters read the row's `sevN`
    // counts, never the findings; SQLite's `likelihood` hint (which makes it walk
    // `containers_state` for the benchmark query) is given only beside a state equality in the
    // same `and`.
    for q in [
        "vulnerabilities.severity:5",
        "vulnerabilities.severity:[1, 3]",
        "vulnerabilities.severity>=2",
    ] {
        for d in [SQLITE, POSTGRES] {
            for entity in [Entity::Image, Entity::Container] {
                let text = sql_for(d, entity, q).text;
                assert!(!text.contains("image_vulns"), "{q}: {text}");
            }
        }
    }
    let q = "state:RUNNING and vulnerabilities.severity:5 and host.hostname:node-1*";
    assert!(sql(Entity::Container, q).text.contains("likelihood"));
    assert!(!sql_for(POSTGRES, Entity::Container, q)
        .text
        .contains("likelihood"));
    for q in [
        "host.hostname:node-1*",
        "state:[RUNNING, PAUSED] and host.hostname:node-1*",
        "state:RUNNING or host.hostname:node-1*",
        "state:RUNNING and not host.hostname:node-1*",
        "state:RUNNING and (host.hostname:node-1* or isRoot:true)",
    ] {
        assert!(
            !sql(Entity::Container, q).text.contains("likelihood"),
            "{q}"
        );
    }
    assert!(sql(
        Entity::Container,
        "isRoot:true and state=PAUSED and host.hostname:a*"
    )
    .text
    .contains("likelihood"));
}

#[tokio::test]
async fn relative_dates_resolve_at_request_time() {
    let (_db, store) = temp_store().await;
    let image = "a".repeat(64);
    store
        .upsert_image(&crate::store::records::ImageRecord::new("iuuid", &image))
        .await
        .unwrap();
    const DAY: i64 = 86_400_000;
    for (i, created) in [
        (1, NOW - 8 * DAY),
        (2, NOW - 7 * DAY - 1),
        (3, NOW - 7 * DAY),
        (4, NOW - DAY),
        (5, NOW),
        (6, NOW + 1),
    ] {
        store
            .upsert_container(&container(i, &image, created))
            .await
            .unwrap();
    }
    // `now` is the request's time (the filter was parsed at NOW), both ends included.
    assert_eq!(
        selected(&store, "created:[now-7d .. now]").await,
        ["u3", "u4", "u5"]
    );
    assert_eq!(selected(&store, "created>now-7d").await, ["u4", "u5", "u6"]);
    assert_eq!(selected(&store, "created<now-7d").await, ["u1", "u2"]);
}

#[test]
fn wildcards_become_patterns_with_prefix_ranges() {
    assert_eq!(glob_pattern("a*b?c[d"), "a*b?c[[]d");
    assert_eq!(like_pattern("a*b?c%d_e\\"), "a%b_c\\%d\\_e\\\\");
    assert_eq!(like_escape("50%_off\\"), "50\\%\\_off\\\\");
    let b = |lo: &str, hi: &str, exact: bool| {
        Some(PrefixBounds {
            lo: lo.into(),
            hi: hi.into(),
            exact,
        })
    };
    let s = Engine::Sqlite;
    assert_eq!(prefix_bounds("node-1*", s), b("node-1", "node-2", true));
    assert_eq!(prefix_bounds("*x", s), None);
    assert_eq!(prefix_bounds("ab?", s), b("ab", "ac", false));
    assert_eq!(prefix_bounds("ab*c", s), b("ab", "ac", false));
    assert_eq!(prefix_bounds("a@*", s), b("a@", "aA", false));
    assert_eq!(prefix_bounds("é*", s), b("é", "ê", true));
    // Byte-wise on the folded value: exact even when the bound is an upper-case letter.
    assert_eq!(prefix_bounds("a@*", Engine::Postgres), b("a@", "aA", true));
}

#[test]
fn setting_keys_in_sql_match_the_store() {
    for d in [SQLITE, POSTGRES] {
        assert!(Computed::UpdateAvailable
            .sql(d)
            .contains(&format!("'{}'", crate::store::settings::SENSOR_RELEASE_KEY)));
        assert!(Computed::LatestVersion
            .sql(d)
            .contains(&format!("'{}'", crate::store::settings::SENSOR_RELEASE)));
    }
}

/// Writes a few rows through the store and checks the semantics that are easy to get wrong
/// in SQL, on this run's engine.
#[tokio::test]
async fn text_semantics_on_the_engine() {
    use crate::store::records::{ContainerRecord, ImageRecord};
    use shipshape_model::{ContainerState, Label};
    let (_db, store) = temp_store().await;
    let image_sha = "a".repeat(64);
    store
        .upsert_image(&ImageRecord::new("iuuid", &image_sha))
        .await
        .unwrap();
    let label = |k: &str, v: &str| Label {
        key: k.into(),
        value: v.into(),
    };
    for (i, name, labels) in [
        (1, Some("Web_Server%1"), vec![label("team", "payments")]),
        (
            2,
            Some("webXserver-2"),
            vec![label("team", "sre"), label("tier", "payments")],
        ),
        (3, None, vec![]),
        (4, Some("ÉCOLE-web"), vec![]),
    ] {
        store
            .upsert_container(&ContainerRecord {
                uuid: format!("u{i}"),
                container_id: format!("{i:012}"),
                sha: format!("{i:064}"),
                name: name.map(str::to_string),
                image_sha: image_sha.clone(),
                created: 1,
                updated: 1,
                state_changed: None,
                last_scanned: None,
                state: ContainerState::Running,
                host: None,
                is_root: false,
                privileged: false,
                cluster: None,
                command: None,
                arguments: vec![],
                environment: vec![],
                ports: vec![],
                labels,
                operating_system: None,
            })
            .await
            .unwrap();
    }
    let count = |q: &'static str| {
        let store = store.clone();
        async move { run(&store, &filter(Entity::Container, q)).await }
    };
    assert_eq!(count("name:SERVER").await, 2);
    assert_eq!(count("name:\"_server%\"").await, 1);
    assert_eq!(count("name:web_*").await, 1);
    assert_eq!(count("name:web?server*").await, 2);
    assert_eq!(count("name:WEB_*").await, 1);
    assert_eq!(count("name:web*").await, 2);
    // A prefix range, then a pattern on the rest.
    assert_eq!(count("name:web*2").await, 1);
    assert_eq!(count("name:web*1").await, 1);
    assert_eq!(count("name:web*x").await, 0);
    assert_eq!(count("not name:web*").await, 2);
    assert_eq!(count("name:*%1").await, 1);
    assert_eq!(count("name:`Web_Server%1`").await, 1);
    assert_eq!(count("name:`web_server%1`").await, 0);
    assert_eq!(count("not name:server").await, 2);
    // Only ASCII letters fold, on both engines: `É` is not `é`.
    assert_eq!(count("name:\"école\"").await, 0);
    assert_eq!(count("name:\"École\"").await, 1);
    assert_eq!(count("name:ÉCOLE*").await, 1);
    assert_eq!(count("label:team=payments").await, 1);
    assert_eq!(count("label.key:team and label.value:payments").await, 2);
    assert_eq!(count("not label.key:team").await, 2);
}
