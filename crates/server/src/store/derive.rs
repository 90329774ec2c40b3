//! Derived values, computed in one place from the base rows. Every write method and the bulk
//! loader call these after changing base rows, in the same transaction, so a derived value
//! never disagrees with a recount (a property test checks exactly that).
//!
//! | derived | from |
//! |---|---|
//! | `images.sev1`…`sev5` | distinct QIDs of the image's findings, by the finding's severity |
//! | `containers.sev1`…`sev5`, `image_id`, `image_uuid`, `image_sha` | the container's image (copied when the container is written, `write::image_copies`; refreshed here when the image changes) |
//! | `images.containers_count` | the image's containers |
//! | `images.hosts_count` | distinct sensors running the image's containers |
//! | `images.last_used_date` | the latest `updated` of the image's containers (none: `NULL`) |
//! | `row_counts.n` | the rows of each asset table (the count of an unfiltered list) |
//! | `store_version.version` | bumped by every asset write (keys the count cache) |
//! | `changed_blocks` | the blocks of 512 row ids each asset write touched, at its version (`store::blocks`) |
//!
//! Values derived from a row alone (a sensor's `version_key`, cluster names) are computed in
//! Rust where the row is written (`store::write`).
//!
//! The statements are plain SQL that both engines run (`UPDATE … SET (a, b) = (SELECT …)` and
//! `UPDATE … FROM`; SQLite has had both since 3.33).

use super::db::{Engine, Exec, Sql, Tx};
use super::Entity;

/// Which rows a refresh covers.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    All,
    /// These row ids (images).
    Ids(&'a [i64]),
    /// The row ids from the first to the second, both included.
    Range(i64, i64),
}

/// Ids per statement: far below both engines' bound-parameter limits.
const CHUNK: usize = 500;

/// Runs `make(condition)` once for `All` (empty condition) or `Range` (`column BETWEEN …`),
/// or per chunk of ids (`column IN (…)`).
async fn per_scope(
    tx: &mut Tx,
    scope: Scope<'_>,
    column: &str,
    make: impl Fn(&Sql) -> Sql,
) -> sqlx::Result<u64> {
    let mut changed = 0;
    match scope {
        Scope::All => {
            changed += make(&Sql::new("1 = 1"))
                .execute(Exec::from(&mut *tx))
                .await?;
        }
        Scope::Range(first, last) => {
            let cond = Sql::new(format!("{column} BETWEEN ? AND ?"))
                .bind(first)
                .bind(last);
            changed += make(&cond).execute(Exec::from(&mut *tx)).await?;
        }
        Scope::Ids(ids) => {
            let mut ids = ids.to_vec();
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(CHUNK) {
                let cond = super::listing::id_list(column, chunk);
                changed += make(&cond).execute(Exec::from(&mut *tx)).await?;
            }
        }
    }
    Ok(changed)
}

/// `images.sev1`…`sev5` from the images' findings.
pub async fn image_severities(tx: &mut Tx, images: Scope<'_>) -> sqlx::Result<()> {
    per_scope(tx, images, "images.id", |cond| {
        let mut sql = Sql::new(
            "UPDATE images SET (sev1, sev2, sev3, sev4, sev5) = (SELECT \
               count(DISTINCT CASE WHEN v.severity = 1 THEN v.qid END), \
               count(DISTINCT CASE WHEN v.severity = 2 THEN v.qid END), \
               count(DISTINCT CASE WHEN v.severity = 3 THEN v.qid END), \
               count(DISTINCT CASE WHEN v.severity = 4 THEN v.qid END), \
               count(DISTINCT CASE WHEN v.severity = 5 THEN v.qid END) \
             FROM image_vulns v WHERE v.image_ref = images.id) WHERE ",
        );
        sql.append(cond);
        sql
    })
    .await?;
    Ok(())
}

/// A container's copies of its image's ids and severity counts, for the containers of these
/// images. Rows already right are not rewritten.
pub async fn container_copies(tx: &mut Tx, images: Scope<'_>) -> sqlx::Result<()> {
    per_scope(tx, images, "i.id", |cond| {
        let mut sql = Sql::new(
            "UPDATE containers SET image_id = i.image_id, image_uuid = i.uuid, \
               image_sha = i.sha, sev1 = i.sev1, sev2 = i.sev2, sev3 = i.sev3, sev4 = i.sev4, \
               sev5 = i.sev5 \
             FROM images i WHERE i.id = containers.image_ref AND (containers.image_id <> i.image_id \
               OR containers.image_uuid <> i.uuid OR containers.image_sha <> i.sha \
               OR containers.sev1 <> i.sev1 OR containers.sev2 <> i.sev2 \
               OR containers.sev3 <> i.sev3 OR containers.sev4 <> i.sev4 \
               OR containers.sev5 <> i.sev5) AND ",
        );
        sql.append(cond);
        sql
    })
    .await?;
    Ok(())
}

/// `images.containers_count`, `hosts_count` and `last_used_date` from the images'
/// containers.
pub async fn image_usage(tx: &mut Tx, images: Scope<'_>) -> sqlx::Result<()> {
    if let Scope::Ids(ids) = images {
        lock_images(tx, ids).await?;
    }
    per_scope(tx, images, "images.id", |cond| {
        let mut sql = Sql::new(
            "UPDATE images SET (containers_count, hosts_count, last_used_date) = (SELECT \
               count(*), count(DISTINCT c.sensor_uuid), max(c.updated) \
             FROM containers c WHERE c.image_ref = images.id) WHERE ",
        );
        sql.append(cond);
        sql
    })
    .await?;
    Ok(())
}

/// `image_usage` of one image after a container of it was added (`container`, on `sensor`,
/// updated at `updated`), kept by arithmetic instead of read from every container of the image
/// (hundreds of thousands for a popular image of a large fleet): one more container, one more
/// host unless another container of the image is on that sensor, a later last use.
pub async fn image_usage_after_insert(
    tx: &mut Tx,
    image: i64,
    container: i64,
    sensor: Option<&str>,
    updated: i64,
) -> sqlx::Result<()> {
    lock_images(tx, &[image]).await?;
    let mut sql = Sql::new("UPDATE images SET containers_count = containers_count + 1, ");
    match sensor {
        Some(s) => sql
            .push(
                "hosts_count = hosts_count + CASE WHEN EXISTS (SELECT 1 FROM containers u \
                 WHERE u.image_ref = images.id AND u.sensor_uuid = ",
            )
            .push_bind(s)
            .push(" AND u.id <> ")
            .push_bind(container)
            .push(") THEN 0 ELSE 1 END, "),
        None => sql.push("hosts_count = hosts_count, "),
    };
    sql.push("last_used_date = CASE WHEN last_used_date IS NULL OR last_used_date < ")
        .push_bind(updated)
        .push(" THEN ")
        .push_bind(updated)
        .push(" ELSE last_used_date END WHERE id = ")
        .push_bind(image);
    sql.execute(Exec::from(&mut *tx)).await?;
    Ok(())
}

/// Takes the images' row locks on PostgreSQL, in a statement of its own and in id order,
/// before their usage is counted from their containers. A statement sees what was committed
/// when it began: a count that waited for another transaction's lock on the image would still
/// miss that transaction's container of it (two containers of an image added at once on one
/// sensor each counting the sensor as a new host; a recount writing over another's `+ 1`).
/// Counted in the next statement, once the lock came free, the other's rows are committed and
/// seen. `NO KEY UPDATE`, the lock an `UPDATE` of the row takes: each writer's new container
/// holds a `KEY SHARE` lock on its image (the foreign key), which `FOR UPDATE` would wait for,
/// deadlocking two writers. SQLite writes one transaction at a time.
async fn lock_images(tx: &mut Tx, ids: &[i64]) -> sqlx::Result<()> {
    if tx.engine() != Engine::Postgres {
        return Ok(());
    }
    per_scope(tx, Scope::Ids(ids), "id", |cond| {
        let mut sql = Sql::new("SELECT id FROM images WHERE ");
        sql.append(cond).push(" ORDER BY id FOR NO KEY UPDATE");
        sql
    })
    .await?;
    Ok(())
}

/// `image_usage` of one image after one of its containers' `updated` moved to `updated`
/// (it never moves back): only the last use can change.
pub async fn image_used_at(tx: &mut Tx, image: i64, updated: i64) -> sqlx::Result<()> {
    Sql::new(
        "UPDATE images SET last_used_date = ? WHERE id = ? \
         AND (last_used_date IS NULL OR last_used_date < ?)",
    )
    .bind(updated)
    .bind(image)
    .bind(updated)
    .execute(Exec::from(&mut *tx))
    .await?;
    Ok(())
}

/// Rows inserted into (`delta > 0`) or deleted from (`delta < 0`) an asset table.
pub async fn adjust_rows(tx: &mut Tx, entity: Entity, delta: i64) -> sqlx::Result<()> {
    if delta != 0 {
        Sql::new("UPDATE row_counts SET n = n + ? WHERE entity = ?")
            .bind(delta)
            .bind(entity.table())
            .execute(Exec::from(&mut *tx))
            .await?;
    }
    Ok(())
}

/// Every asset table's rows, counted (after a bulk load).
pub async fn recount_rows(tx: &mut Tx) -> sqlx::Result<()> {
    for e in Entity::ALL {
        Sql::new(format!(
            "UPDATE row_counts SET n = (SELECT count(*) FROM {}) WHERE entity = ?",
            e.table()
        ))
        .bind(e.table())
        .execute(Exec::from(&mut *tx))
        .await?;
    }
    Ok(())
}

/// Marks the database changed: counts cached by any process are brought up to date. The
/// blocks of rows this transaction wrote (noted in `block_log` by the tables' triggers) are
/// marked changed at the new version (`store::blocks`). The version row's lock, held until
/// commit, orders the transactions, so a block's version is never below that of a change a
/// reader could already see.
pub async fn bump_version(tx: &mut Tx) -> sqlx::Result<()> {
    let version: i64 =
        Sql::new("UPDATE store_version SET version = version + 1 WHERE id = 1 RETURNING version")
            .scalar(Exec::from(&mut *tx))
            .await?;
    // `WHERE true` keeps SQLite from reading `ON CONFLICT` as a join constraint.
    Sql::new(
        "INSERT INTO changed_blocks (entity, block, version) \
         SELECT DISTINCT entity, block, ? FROM block_log WHERE true \
         ON CONFLICT (entity, block) DO UPDATE SET version = excluded.version",
    )
    .bind(version)
    .execute(Exec::from(&mut *tx))
    .await?;
    Sql::new("DELETE FROM block_log")
        .execute(Exec::from(&mut *tx))
        .await?;
    Ok(())
}

/// Marks every block of the asset tables changed (after a bulk load): every count cached
/// before is counted again whole.
pub async fn all_blocks_changed(tx: &mut Tx) -> sqlx::Result<()> {
    bump_version(tx).await?;
    for e in Entity::ALL {
        Sql::new(
            "INSERT INTO changed_blocks (entity, block, version) \
             SELECT ?, -1, version FROM store_version WHERE id = 1 \
             ON CONFLICT (entity, block) DO UPDATE SET version = excluded.version",
        )
        .bind(e.table())
        .execute(Exec::from(&mut *tx))
        .await?;
    }
    Ok(())
}

/// One derived value that disagrees with a recount from the base rows.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Drift {
    pub what: String,
    pub id: i64,
}

/// Every derived value that disagrees with a recount from the base rows (empty when all is
/// right). For tests and for a health check after a crash.
pub async fn drift<'a>(ex: impl Into<Exec<'a>>) -> sqlx::Result<Vec<Drift>> {
    Sql::new(
        "SELECT 'image severity counts' AS what, i.id AS id FROM images i WHERE \
           (i.sev1, i.sev2, i.sev3, i.sev4, i.sev5) <> (SELECT \
             count(DISTINCT CASE WHEN v.severity = 1 THEN v.qid END), \
             count(DISTINCT CASE WHEN v.severity = 2 THEN v.qid END), \
             count(DISTINCT CASE WHEN v.severity = 3 THEN v.qid END), \
             count(DISTINCT CASE WHEN v.severity = 4 THEN v.qid END), \
             count(DISTINCT CASE WHEN v.severity = 5 THEN v.qid END) \
           FROM image_vulns v WHERE v.image_ref = i.id) \
         UNION ALL \
         SELECT 'image usage', i.id FROM images i WHERE \
           (i.containers_count, i.hosts_count, coalesce(i.last_used_date, -1)) <> (SELECT \
             count(*), count(DISTINCT c.sensor_uuid), coalesce(max(c.updated), -1) \
           FROM containers c WHERE c.image_ref = i.id) \
         UNION ALL \
         SELECT 'container copies', c.id FROM containers c JOIN images i ON i.id = c.image_ref \
         WHERE c.image_id <> i.image_id OR c.image_uuid <> i.uuid OR c.image_sha <> i.sha \
           OR c.sev1 <> i.sev1 OR c.sev2 <> i.sev2 OR c.sev3 <> i.sev3 OR c.sev4 <> i.sev4 \
           OR c.sev5 <> i.sev5 \
         UNION ALL \
         SELECT 'row count', 0 FROM row_counts r WHERE r.n <> CASE r.entity \
           WHEN 'sensors' THEN (SELECT count(*) FROM sensors) \
           WHEN 'images' THEN (SELECT count(*) FROM images) \
           ELSE (SELECT count(*) FROM containers) END \
         ORDER BY 1, 2",
    )
    .fetch_all(ex)
    .await
}
