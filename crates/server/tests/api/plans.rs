//! The indexes each engine has for the common QQL filters really serve them: the planner can
//! answer the filter from the index named (sequential scans are switched off so a tiny test
//! table does not hide the choice).

use crate::common::*;
use shipshape_server::store::db::{Exec, Sql};
use shipshape_server::store::filter::{compile, Filter};
use shipshape_server::store::{Engine, Entity};

#[derive(sqlx::FromRow)]
struct PgLine {
    #[sqlx(rename = "QUERY PLAN")]
    line: String,
}

#[derive(sqlx::FromRow)]
struct SqliteStep {
    detail: String,
}

/// The plan of `SELECT <head> FROM <entity> WHERE <filter> <tail>`, as text.
async fn plan(app: &TestApp, entity: Entity, filter: &str, head: &str, tail: &str) -> String {
    let store = &app.store;
    let f = Filter::parse(entity, Some(filter), NOW).unwrap();
    let cond = compile(store.engine().dialect(), &f);
    let (a, t) = (entity.alias(), entity.table());
    let mut tx = store.jobs_db().begin().await.unwrap();
    let lines: Vec<String> = match store.engine() {
        Engine::Postgres => {
            // On a tiny table a full walk of any index looks as cheap as a range: leave the
            // planner only the plans that use an index for the condition.
            for off in ["enable_seqscan", "enable_indexonlyscan"] {
                Sql::new(format!("SET LOCAL {off} = off"))
                    .execute(Exec::from(&mut tx))
                    .await
                    .unwrap();
            }
            let mut sql = Sql::new(format!("EXPLAIN SELECT {head} FROM {t} {a} WHERE "));
            sql.append(&cond).push(tail);
            sql.fetch_all::<PgLine>(Exec::from(&mut tx))
                .await
                .unwrap()
                .into_iter()
                .map(|l| l.line)
                .collect()
        }
        Engine::Sqlite => {
            let mut sql = Sql::new(format!(
                "EXPLAIN QUERY PLAN SELECT {head} FROM {t} {a} WHERE "
            ));
            sql.append(&cond).push(tail);
            sql.fetch_all::<SqliteStep>(Exec::from(&mut tx))
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.detail)
                .collect()
        }
    };
    lines.join("\n")
}

#[tokio::test]
async fn the_common_filters_are_served_by_indexes_on_both_engines() {
    let app = spawn_app().await;
    let pg = app.store.engine() == Engine::Postgres;
    let page = " ORDER BY c.created DESC, c.id DESC LIMIT 50";
    let cases: Vec<(&str, &str, &str, Vec<&str>)> = vec![
        // A host name prefix: a range on the folded host name.
        (
            "host.hostname:node-1*",
            "count(*)",
            "",
            vec!["containers_host", "containers_state_host"],
        ),
        // The benchmark's filter: the state's entries in page order.
        (
            "state:RUNNING and vulnerabilities.severity:5 and host.hostname:node-1*",
            "c.id",
            page,
            vec!["containers_state_created", "containers_state_host"],
        ),
        // A date range: the created index, both for counting and for the page.
        (
            "created:[now-7d .. now]",
            "count(*)",
            "",
            vec!["containers_created"],
        ),
    ];
    for (filter, head, tail, indexes) in cases {
        let p = plan(&app, Entity::Container, filter, head, tail).await;
        assert!(
            indexes.iter().any(|i| p.contains(i)),
            "{filter}: none of {indexes:?} in the plan:\n{p}"
        );
    }
    if pg {
        // "Contains" on a name: the trigram index (pg_trgm is there on the test cluster).
        let p = plan(&app, Entity::Container, "name:nginx", "count(*)", "").await;
        assert!(p.contains("containers_name_trgm"), "{p}");
        let p = plan(&app, Entity::Image, "software.name:openssl", "count(*)", "").await;
        assert!(p.contains("image_software_name_trgm"), "{p}");
    }
}
