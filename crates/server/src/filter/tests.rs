use super::targets::{target, Target, LATEST_VERSION, UPDATE_AVAILABLE};
use super::*;
use crate::store::{Entity, Store};
use shipshape_qql::{catalogue, TokenType};

const NOW: i64 = 1_750_000_000_000;
const ENTITIES: [Entity; 3] = [Entity::Sensor, Entity::Image, Entity::Container];

fn sql(entity: Entity, q: &str) -> SqlFilter {
    compile(entity, Some(q), NOW).unwrap_or_else(|e| panic!("{q}: {e:?}"))
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

async fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}/db.sqlite", dir.path().display());
    let store = Store::open(&url).await.expect("open store");
    (dir, store)
}

/// Runs the filter in SQLite: the SQL must be valid and its placeholders match its binds.
async fn run(store: &Store, entity: Entity, f: &SqlFilter) -> i64 {
    let q = format!(
        "SELECT count(*) FROM {} {}{}",
        entity.table(),
        entity.alias(),
        f.where_clause()
    );
    sqlx::query_scalar_with(&q, f.arguments())
        .fetch_one(&store.pool)
        .await
        .unwrap_or_else(|e| panic!("{q}: {e}"))
}

#[tokio::test]
async fn every_catalogue_token_compiles_to_valid_sql() {
    let (_dir, store) = temp_store().await;
    let mut unmapped = Vec::new();
    for entity in ENTITIES {
        for def in catalogue(qql_entity(entity)) {
            if target(entity, def.name) == Target::Unknown {
                unmapped.push(format!("{}: {}", entity.table(), def.name));
                continue;
            }
            for q in samples(def.name, def.ty) {
                let f = sql(entity, &q);
                assert!(!f.sql.is_empty(), "{q}");
                assert_eq!(f.sql.matches('?').count(), f.binds.len(), "{q}: {}", f.sql);
                run(&store, entity, &f).await;
                let negated = sql(entity, &format!("not {q} or ({q} and {q})"));
                run(&store, entity, &negated).await;
            }
        }
    }
    assert!(unmapped.is_empty(), "tokens with no SQL: {unmapped:?}");
}

#[test]
fn every_sort_column_is_a_sortable_token_and_back() {
    for entity in ENTITIES {
        let cols = crate::routes::params::sort_columns(entity);
        let cat = catalogue(qql_entity(entity));
        for (token, _) in cols {
            let def = cat.iter().find(|d| d.name == *token);
            assert!(
                def.is_some_and(|d| d.sortable),
                "{}: sort column '{token}' is not a sortable QQL token",
                entity.table()
            );
        }
        for def in cat.iter().filter(|d| d.sortable) {
            assert!(
                cols.iter().any(|(t, _)| *t == def.name),
                "{}: sortable token '{}' has no sort column",
                entity.table(),
                def.name
            );
        }
        for (i, (t, _)) in cols.iter().enumerate() {
            assert!(cols[i + 1..].iter().all(|(o, _)| o != t), "duplicate {t}");
        }
    }
}

#[tokio::test]
async fn every_sort_column_is_valid_sql() {
    let (_dir, store) = temp_store().await;
    for entity in ENTITIES {
        for (token, expr) in crate::routes::params::sort_columns(entity) {
            let a = entity.alias();
            let q = format!(
                "SELECT {a}.id FROM {} {a} ORDER BY {expr} DESC, {a}.id DESC LIMIT 1",
                entity.table()
            );
            sqlx::query(&q)
                .fetch_all(&store.pool)
                .await
                .unwrap_or_else(|e| panic!("{token}: {q}: {e}"));
        }
    }
}

#[test]
fn empty_filters_are_no_condition() {
    for f in [None, Some(""), Some("   ")] {
        let out = compile(Entity::Container, f, NOW).unwrap();
        assert!(out.is_empty() && out.binds.is_empty());
    }
}

#[test]
fn parse_errors_are_qql_errors_with_spans() {
    let cases: [(&str, &str, usize, usize); 5] = [
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
        ("state:[", "", 6, 7),
        ("(state:running", "Missing ')' to close the '(' opened at 0.", 0, 14),
        (
            "vulnerabilities.severity:[4 .. 2]",
            "'[4 .. 2]' is an empty range: the lower bound is greater than the upper bound.",
            25,
            33,
        ),
    ];
    for (q, message, start, end) in cases {
        match compile(Entity::Container, Some(q), NOW) {
            Err(ApiError::Qql { message: m, span }) => {
                if !message.is_empty() {
                    assert_eq!(m, message, "{q}");
                }
                if q != "state:[" {
                    assert_eq!((span.start, span.end), (start, end), "{q}: {m}");
                }
            }
            other => panic!("{q}: {other:?}"),
        }
    }
}

#[test]
fn values_are_bound_never_formatted() {
    let evil = "x') OR 1=1 --";
    for q in [
        format!("name:\"{evil}\""),
        format!("name:`{evil}`"),
        format!("label:\"{evil}\"=\"{evil}\""),
        format!("software.name:[\"{evil}\", abc]"),
    ] {
        let f = sql(Entity::Container, &q);
        assert!(!f.sql.contains("1=1"), "{}", f.sql);
        assert!(f
            .binds
            .iter()
            .any(|b| matches!(b, Bind::Text(t) if t.contains("1=1"))));
    }
}

#[test]
fn the_benchmark_query_uses_the_denormalised_columns() {
    let f = sql(
        Entity::Container,
        "state:RUNNING and vulnerabilities.severity:5 and host.hostname:node-1*",
    );
    assert_eq!(
        f.sql,
        "(c.state = ? AND (c.sev5 > 0) AND (c.host_hostname IS NOT NULL AND \
         (likelihood(c.host_hostname COLLATE NOCASE >= ?, 0.9) AND \
         likelihood(c.host_hostname COLLATE NOCASE < ?, 0.9))))"
    );
    assert_eq!(
        f.binds,
        vec![
            Bind::Text("RUNNING".into()),
            Bind::Text("node-1".into()),
            Bind::Text("node-2".into()),
        ]
    );
    // The hint only beside a state equality, in the same `and`.
    for q in [
        "host.hostname:node-1*",
        "state:[RUNNING, PAUSED] and host.hostname:node-1*",
        "state:RUNNING or host.hostname:node-1*",
        "state:RUNNING and not host.hostname:node-1*",
        "state:RUNNING and (host.hostname:node-1* or isRoot:true)",
    ] {
        assert!(!sql(Entity::Container, q).sql.contains("likelihood"), "{q}");
    }
    assert!(sql(
        Entity::Container,
        "isRoot:true and state=PAUSED and host.hostname:a*"
    )
    .sql
    .contains("likelihood"));
    let f = sql(Entity::Image, "vulnerabilities.severity:[4 .. 5]");
    assert_eq!(f.sql, "(i.sev4 > 0 OR i.sev5 > 0)");
    let f = sql(Entity::Image, "vulnerabilities.severity>5");
    assert_eq!(f.sql, "0");
    let f = sql(Entity::Container, "vulnerabilities.severity:[1, 3]");
    assert_eq!(f.sql, "(c.sev1 > 0 OR c.sev3 > 0)");
}

#[test]
fn relative_dates_resolve_at_request_time() {
    let f = sql(Entity::Container, "created:[now-7d .. now]");
    assert_eq!(f.sql, "(c.created >= ? AND c.created <= ?)");
    assert_eq!(
        f.binds,
        vec![Bind::Int(NOW - 7 * 86_400_000), Bind::Int(NOW)]
    );
}

#[test]
fn wildcards_become_glob_patterns_with_prefix_ranges() {
    assert_eq!(glob_pattern("a*b?c[d"), "a*b?c[[]d");
    let b = |lo: &str, hi: &str, exact: bool| {
        Some(PrefixBounds {
            lo: lo.into(),
            hi: hi.into(),
            exact,
        })
    };
    assert_eq!(prefix_bounds("node-1*"), b("node-1", "node-2", true));
    assert_eq!(prefix_bounds("*x"), None);
    assert_eq!(prefix_bounds("ab?"), b("ab", "ac", false));
    assert_eq!(prefix_bounds("ab*c"), b("ab", "ac", false));
    assert_eq!(prefix_bounds("a@*"), b("a@", "aA", false));
    assert_eq!(prefix_bounds("é*"), b("é", "ê", true));
    let f = sql(Entity::Container, "name:web*x");
    assert_eq!(
        f.sql,
        "(c.name IS NOT NULL AND (c.name COLLATE NOCASE >= ? AND c.name COLLATE NOCASE < ? \
         AND lower(c.name) GLOB ?))"
    );
}

#[test]
fn setting_keys_in_sql_match_the_store() {
    assert!(UPDATE_AVAILABLE.contains(&format!("'{}'", crate::store::settings::SENSOR_RELEASE_KEY)));
    assert!(LATEST_VERSION.contains(&format!("'{}'", crate::store::settings::SENSOR_RELEASE)));
}

/// Seeds a few rows and checks the semantics that are easy to get wrong in SQL.
#[tokio::test]
async fn text_semantics_in_sqlite() {
    let (_dir, store) = temp_store().await;
    sqlx::query(
        "INSERT INTO images (id, uuid, image_id, sha, created, updated, size) \
         VALUES (1, 'iuuid', 'iid', 'isha', 1, 1, 1)",
    )
    .execute(&store.pool)
    .await
    .unwrap();
    for (id, name, labels) in [
        (
            1,
            Some("Web_Server%1"),
            r#"[{"key":"team","value":"payments"}]"#,
        ),
        (
            2,
            Some("webXserver-2"),
            r#"[{"key":"team","value":"sre"},{"key":"tier","value":"payments"}]"#,
        ),
        (3, None, "[]"),
    ] {
        sqlx::query(
            "INSERT INTO containers (id, uuid, container_id, sha, name, image_ref, image_id, \
             image_uuid, image_sha, created, updated, state, labels) \
             VALUES (?, ?, 'cid', ?, ?, 1, 'iid', 'iuuid', 'isha', 1, 1, 'RUNNING', ?)",
        )
        .bind(id)
        .bind(format!("u{id}"))
        .bind(format!("sha{id}"))
        .bind(name)
        .bind(labels)
        .execute(&store.pool)
        .await
        .unwrap();
    }
    let count = |q: &'static str| {
        let store = store.clone();
        async move { run(&store, Entity::Container, &sql(Entity::Container, q)).await }
    };
    assert_eq!(count("name:SERVER").await, 2);
    assert_eq!(count("name:\"_server%\"").await, 1);
    assert_eq!(count("name:web_*").await, 1);
    assert_eq!(count("name:web?server*").await, 2);
    assert_eq!(count("name:WEB_*").await, 1);
    assert_eq!(count("name:web*").await, 2);
    assert_eq!(count("not name:web*").await, 1);
    assert_eq!(count("name:*%1").await, 1);
    assert_eq!(count("name:`Web_Server%1`").await, 1);
    assert_eq!(count("name:`web_server%1`").await, 0);
    assert_eq!(count("not name:server").await, 1);
    assert_eq!(count("label:team=payments").await, 1);
    assert_eq!(count("label.key:team and label.value:payments").await, 2);
    assert_eq!(count("not label.key:team").await, 1);
}
