//! Exact counts that stay fast while the data changes: a count is kept per block of 512 row
//! ids, and after a write only the blocks it touched are counted again.
//!
//! Every list answer carries the exact `count` of its filter. Counting a filter over ten million
//! containers reads hundreds of thousands of index entries (hundreds of milliseconds), and a
//! cache keyed by the database version alone is emptied by every write: with a sensor adding
//! containers every few milliseconds, every list would count again. Instead:
//!
//! - the asset tables' triggers note the block (`id / 512`) of every row written, inserted or
//!   deleted, and the version bump that ends each write transaction marks those blocks changed
//!   at the new version (`changed_blocks`, see `derive::bump_version`; both in the migrations);
//! - a filter whose clauses read only the row's own columns (see [`is_local`]) is counted
//!   grouped by block, and the per-block counts are kept with the version they were read at;
//! - at a later version, the blocks changed since are counted again (a primary-key range
//!   each: a few thousand rows, well under a millisecond), and the total is their sum.
//!
//! New containers go to the last block, so a sensor's writes cost one block's recount. A filter
//! with a sliding date window (`created:[now-7d .. now]`, `store::window`) keeps its interval
//! beside the blocks and moves it with grouped counts of the few milliseconds it moved. Filters
//! that read other tables (an image's findings, the sensor release) can change without their
//! rows being written: they keep the version-keyed cache of `store::listing`.
//!
//! The marks are in the database, so every server process sharing it sees every write.

use super::db::{Dialect, Engine, Sql};
use super::filter::targets::{target, Target};
use super::filter::{compile, Filter};
use super::listing::{Entity, ListError};
use super::window::{Interval, Window};
use super::Store;
use shipshape_qql::Expr;
use std::sync::Arc;

/// Row ids per block; the migrations' triggers use the same number.
pub const BLOCK: i64 = 512;

/// More changed blocks than this (131,072 rows, as many statements at most) and the filter is
/// counted whole instead.
const MAX_RECOUNT: usize = 256;

/// Whether every clause of `filter` reads only its row's own columns, so that whether a row
/// matches changes only when the row is written (and its block marked).
pub fn is_local(filter: &Filter) -> bool {
    fn local(entity: Entity, e: &Expr) -> bool {
        match e {
            Expr::Or { operands, .. } | Expr::And { operands, .. } => {
                operands.iter().all(|o| local(entity, o))
            }
            Expr::Not { operand, .. } => local(entity, operand),
            Expr::Clause(c) => match target(entity, c.token.name) {
                Target::Col { sql, .. } => !sql.to_ascii_uppercase().contains("SELECT"),
                Target::Severity | Target::Each { .. } | Target::LabelPair { .. } => true,
                Target::Expr(_) | Target::InSet { .. } | Target::Unknown => false,
            },
        }
    }
    Entity::ALL.contains(&filter.entity)
        && filter
            .query
            .expr
            .as_ref()
            .is_none_or(|e| local(filter.entity, e))
}

/// A filter's count kept per block, as of a database version.
#[derive(Clone, Debug)]
pub struct BlockCounts {
    pub version: i64,
    /// The sliding window's interval the counts are for (none without a window).
    interval: Option<Interval>,
    /// Matching rows of block `b` at index `b` (as long as the last block with any).
    per_block: Vec<u32>,
    pub total: u64,
}

impl BlockCounts {
    /// The counts of a whole-table count's rows (`block, n`), read at `version`.
    fn counted(version: i64, interval: Option<Interval>, rows: Vec<BlockRow>) -> BlockCounts {
        let mut c = BlockCounts {
            version,
            interval,
            per_block: Vec::new(),
            total: 0,
        };
        for r in rows {
            c.set(r.block, r.n);
        }
        c.sum();
        c
    }

    fn set(&mut self, block: i64, n: i64) {
        let Ok(b) = usize::try_from(block) else {
            return;
        };
        let n = u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        if b >= self.per_block.len() {
            if n == 0 {
                return;
            }
            self.per_block.resize(b + 1, 0);
        }
        self.per_block[b] = n;
    }

    fn add(&mut self, block: i64, n: i64) {
        let now = usize::try_from(block)
            .ok()
            .and_then(|b| self.per_block.get(b))
            .map_or(0, |c| i64::from(*c))
            + n;
        self.set(block, now);
    }

    fn sum(&mut self) {
        self.total = self.per_block.iter().map(|n| u64::from(*n)).sum();
    }
}

#[derive(sqlx::FromRow)]
struct BlockRow {
    block: i64,
    n: i64,
}

/// What a filter counts: the rows of `rest`, and within `window` when it has one.
struct Counted<'f> {
    rest: &'f Filter,
    window: Option<(&'static str, Interval)>,
}

impl Counted<'_> {
    /// `SELECT block, n` of the matching rows grouped by block, within `interval` instead of
    /// the window's own when given, and of the ids in `[lo, hi)` when given.
    fn grouped(&self, d: Dialect, interval: Option<Interval>, ids: Option<(i64, i64)>) -> Sql {
        let e = self.rest.entity;
        let a = e.alias();
        // A block is a primary-key range: SQLite would rather take an index on the filter's
        // columns (every RUNNING container) and check the id of each.
        let hint = if ids.is_some() && d.engine() == Engine::Sqlite {
            " NOT INDEXED"
        } else {
            ""
        };
        let mut sql = Sql::new(format!(
            "SELECT {a}.id / {BLOCK} AS block, count(*) AS n FROM {} {a}{hint} WHERE 1 = 1",
            e.table()
        ));
        if let Some((lo, hi)) = ids {
            sql.push(&format!(" AND {a}.id >= "))
                .push_bind(lo)
                .push(&format!(" AND {a}.id < "))
                .push_bind(hi);
        }
        if let Some((column, own)) = self.window {
            let part = interval.unwrap_or(own);
            sql.push(&format!(" AND {column} >= "))
                .push_bind(part.lo)
                .push(&format!(" AND {column} <= "))
                .push_bind(part.hi);
        }
        let cond = compile(d, self.rest);
        if !cond.text.is_empty() {
            sql.push(" AND (").append(&cond).push(")");
        }
        sql.push(&format!(" GROUP BY {a}.id / {BLOCK}"));
        sql
    }
}

/// The cache key of a filter's block counts: shared by every `now` of a sliding window.
pub(crate) fn key(d: Dialect, filter: &Filter, window: Option<&Window>) -> String {
    match window {
        Some(w) => format!("blocks|{}", w.key(d)),
        None => {
            let cond = compile(d, filter);
            let table = filter.entity.table();
            format!("blocks|{table}|{}|{:?}", cond.text, cond.binds)
        }
    }
}

/// Consecutive blocks joined into id ranges `[lo, hi)`.
fn id_ranges(blocks: &[i64]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for b in blocks {
        let (lo, hi) = (b * BLOCK, (b + 1) * BLOCK);
        match out.last_mut() {
            Some(last) if last.1 == lo => last.1 = hi,
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// A first count going on in the background: `None` until it ends, then its total or why it
/// failed.
pub(crate) type FirstCount = tokio::sync::watch::Receiver<Option<Result<u64, String>>>;

/// First counts in the background at once, at most (each holds a connection of the job pool,
/// which has two for them, and a permit of list-type reads); a filter asked for beyond them is
/// counted within its request, as any count was before.
pub(crate) const FIRST_COUNTS: usize = 2;

impl Store {
    /// The first count of `key`'s filter (`whole`, grouped by block, at `version`), going on in
    /// the background: the one under way, or one started now. `None` when [`FIRST_COUNTS`] are
    /// under way for other filters.
    ///
    /// A first count reads every matching row; at ten million containers on a cold cache a
    /// filter no index narrows (`vulnerabilities.severity:5`) took 20 s, twice the request's
    /// limit, and stopped with its request, so asking again started over. In the background,
    /// on the job pool (no time limit), it ends once; its counts are kept as any others, at
    /// `version`, and the blocks written since are counted again when next asked.
    fn first_count(
        &self,
        key: &str,
        whole: &Sql,
        version: i64,
        interval: Option<Interval>,
    ) -> Option<FirstCount> {
        let mut under_way = self.counts.first_counts.lock().ok()?;
        if let Some(first) = under_way.get(key) {
            return Some(first.clone());
        }
        if under_way.len() >= FIRST_COUNTS {
            return None;
        }
        let (answer, first) = tokio::sync::watch::channel(None);
        under_way.insert(key.to_string(), first.clone());
        let (store, key, whole) = (self.clone(), key.to_string(), whole.clone());
        tokio::spawn(async move {
            let counted = async {
                let _permit = store.heavy.acquire().await;
                let rows = whole.fetch_all(store.jobs_db()).await?;
                Ok::<_, sqlx::Error>(BlockCounts::counted(version, interval, rows))
            }
            .await;
            let total = match counted {
                Ok(c) => {
                    let total = c.total;
                    // Kept before it leaves the list under way: whoever asks next finds one.
                    store.counts.put_blocks(key.clone(), Arc::new(c));
                    Ok(total)
                }
                Err(e) => {
                    tracing::warn!(error = %e, count = %key, "a first count in the background");
                    Err(e.to_string())
                }
            };
            if let Ok(mut under_way) = store.counts.first_counts.lock() {
                under_way.remove(&key);
            }
            let _ = answer.send(Some(total));
        });
        Some(first)
    }

    /// The answer of a first count, waited for up to the request's time limit.
    async fn answer_of(&self, key: &str, mut first: FirstCount) -> Result<u64, ListError> {
        let ended = tokio::time::timeout(self.query_limit(), async {
            // `None`: the count's task ended without answering (it panicked).
            first
                .wait_for(Option::is_some)
                .await
                .ok()
                .and_then(|a| a.clone())
        })
        .await;
        match ended {
            Err(_) => Err(ListError::StillCounting),
            Ok(Some(Ok(total))) => Ok(total),
            Ok(Some(Err(e))) => Err(ListError::CountFailed(e)),
            // The next ask starts over.
            Ok(None) => {
                if let Ok(mut under_way) = self.counts.first_counts.lock() {
                    under_way.remove(key);
                }
                Err(ListError::CountFailed("the count stopped".into()))
            }
        }
    }

    /// The blocks of `entity` changed after `version`, in order; `None` when every block
    /// changed (a bulk load) or too many to recount one by one.
    async fn changed_since(&self, entity: Entity, version: i64) -> sqlx::Result<Option<Vec<i64>>> {
        let blocks: Vec<i64> = Sql::new(
            "SELECT block FROM changed_blocks WHERE entity = ? AND version > ? ORDER BY block",
        )
        .bind(entity.table())
        .bind(version)
        .scalars(self.db())
        .await?;
        if blocks.first().is_some_and(|b| *b < 0) || blocks.len() > MAX_RECOUNT {
            return Ok(None);
        }
        Ok(Some(blocks))
    }

    async fn grouped(&self, sql: &Sql) -> Result<Vec<BlockRow>, ListError> {
        let _permit = self.heavy_permit().await?;
        Ok(sql.fetch_all(self.db()).await?)
    }

    /// The count of a filter that [`is_local`] admits, at database `version` (read before
    /// this call, so the counts read now are at least that recent): from the per-block counts
    /// kept for it, with the blocks changed since counted again and a sliding window moved
    /// along; counted whole the first time.
    pub(crate) async fn count_by_blocks(
        &self,
        filter: &Filter,
        version: i64,
    ) -> Result<u64, ListError> {
        let d = self.engine().dialect();
        let window = Window::of(filter);
        let key = key(d, filter, window.as_ref());
        let counted = match &window {
            Some(w) => Counted {
                rest: &w.rest,
                window: Some((w.column, w.interval(filter.now_ms))),
            },
            None => Counted {
                rest: filter,
                window: None,
            },
        };
        let interval = counted.window.map(|(_, i)| i);
        let current = |c: &BlockCounts| c.version >= version && c.interval == interval;
        if let Some(c) = self.counts.blocks(&key).filter(|c| current(c)) {
            return Ok(c.total);
        }
        let counting = self.counts.lock_for(&key).await;
        let kept = self.counts.blocks(&key);
        if let Some(c) = kept.as_ref().filter(|c| current(c)) {
            return Ok(c.total);
        }
        let updated = match kept {
            Some(c) => {
                self.bring_up_to_date((*c).clone(), &counted, filter.entity, version)
                    .await?
            }
            None => None,
        };
        let counts = match updated {
            Some(c) => c,
            None => {
                let whole = counted.grouped(d, None, None);
                if let Some(first) = self.first_count(&key, &whole, version, interval) {
                    // Others asking meanwhile wait for the same count, not for this lock.
                    drop(counting);
                    return self.answer_of(&key, first).await;
                }
                BlockCounts::counted(version, interval, self.grouped(&whole).await?)
            }
        };
        let total = counts.total;
        self.counts.put_blocks(key, Arc::new(counts));
        Ok(total)
    }

    /// Kept counts `c` brought to `version` and to the window's interval now: the blocks
    /// changed since counted again (within the interval `c` is for), then the interval moved.
    /// `None` when every block changed.
    async fn bring_up_to_date(
        &self,
        mut c: BlockCounts,
        counted: &Counted<'_>,
        entity: Entity,
        version: i64,
    ) -> Result<Option<BlockCounts>, ListError> {
        let d = self.engine().dialect();
        if c.version < version {
            let Some(blocks) = self.changed_since(entity, c.version).await? else {
                return Ok(None);
            };
            for (lo, hi) in id_ranges(&blocks) {
                let rows = self
                    .grouped(&counted.grouped(d, c.interval, Some((lo, hi))))
                    .await?;
                for b in (lo / BLOCK)..(hi / BLOCK) {
                    c.set(b, 0);
                }
                for r in rows {
                    c.set(r.block, r.n);
                }
            }
            c.version = version;
        }
        let interval = counted.window.map(|(_, i)| i);
        if let (Some(before), Some(now)) = (c.interval, interval) {
            for (parts, sign) in [(now.minus(before), 1), (before.minus(now), -1)] {
                for part in parts {
                    for r in self.grouped(&counted.grouped(d, Some(part), None)).await? {
                        c.add(r.block, sign * r.n);
                    }
                }
            }
        }
        c.interval = interval;
        c.sum();
        Ok(Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(entity: Entity, q: &str) -> bool {
        is_local(&Filter::parse(entity, Some(q), 1_000_000).unwrap())
    }

    #[test]
    fn filters_on_the_row_alone_are_counted_by_block() {
        for q in [
            "",
            "state:RUNNING and vulnerabilities.severity:5 and host.hostname:node-1*",
            "created:[now-7d .. now]",
            "not isRoot:true or label:app=web",
        ] {
            assert!(local(Entity::Container, q), "{q}");
        }
        // Findings and software live in other tables; the release in the settings.
        assert!(!local(
            Entity::Container,
            "vulnerabilities.cveids:CVE-2024-1234"
        ));
        assert!(!local(Entity::Image, "software.name:openssl"));
        assert!(!local(Entity::Sensor, "updateAvailable:true"));
    }

    /// A first count outlasting its request goes on without it and answers the next ask; a
    /// filter asked again meanwhile waits for its count under way (with [`FIRST_COUNTS`] under
    /// way, a new count would be refused and the ask counted within its request: busy here);
    /// beyond them, another filter is counted within its request as before. The counts are
    /// held back by taking every permit of list-type reads (the background count waits for
    /// one), so what is "longer than the limit" does not depend on this machine's speed.
    #[tokio::test]
    async fn a_first_count_outlasting_its_request_answers_the_next_ask() {
        use crate::store::testing::TestDb;
        use crate::store::StoreOptions;
        use std::time::Duration;

        let db = TestDb::new().await.unwrap();
        {
            let store = Store::open(&db.url).await.unwrap();
            let opts = crate::demo::DemoOptions::default();
            crate::demo::seed(&store, &opts).await.unwrap();
            store.close().await;
        }
        let limit = Duration::from_millis(300);
        let opts = StoreOptions {
            query_limit: limit,
            ..StoreOptions::default()
        };
        let store = Store::open_with(&db.url, &opts).await.unwrap();
        let filters = ["vulnerabilities.severity:5", "state:RUNNING", "isRoot:true"]
            .map(|q| Filter::parse(Entity::Container, Some(q), crate::store::now_ms()).unwrap());
        let expected: Vec<u64> = {
            let mut out = Vec::new();
            for sql in [
                "SELECT count(*) FROM containers WHERE sev5 > 0",
                "SELECT count(*) FROM containers WHERE state = 'RUNNING'",
                "SELECT count(*) FROM containers WHERE is_root",
            ] {
                out.push(Sql::new(sql).scalar::<i64>(store.jobs_db()).await.unwrap() as u64);
            }
            out
        };
        assert!(expected.iter().all(|n| *n > 0), "{expected:?}");

        let permits = store.heavy.available_permits() as u32;
        let held = store.heavy.acquire_many(permits).await.unwrap();
        let started = std::time::Instant::now();
        for f in [&filters[0], &filters[1], &filters[0]] {
            assert!(matches!(
                store.count(f).await,
                Err(ListError::StillCounting)
            ));
        }
        // Each ask waited for the count up to the limit, then answered.
        assert!(started.elapsed() >= limit * 3, "{:?}", started.elapsed());
        assert_eq!(store.counts.first_counts.lock().unwrap().len(), 2);
        // Two are under way: the third filter is counted within its request, which finds no
        // permit of list-type reads within the limit either.
        assert!(matches!(
            store.count(&filters[2]).await,
            Err(ListError::Busy(_))
        ));
        assert_eq!(store.counts.first_counts.lock().unwrap().len(), 2);

        drop(held);
        for (f, n) in filters.iter().zip(&expected) {
            assert_eq!(store.count(f).await.unwrap(), *n, "{}", f.text);
        }
        assert!(store.counts.first_counts.lock().unwrap().is_empty());
        // Kept as any count: a write since is counted in when next asked.
        let id = Sql::new("SELECT id FROM containers WHERE sev5 > 0 LIMIT 1")
            .scalar::<i64>(store.jobs_db())
            .await
            .unwrap();
        assert_eq!(store.delete_containers(&[id]).await.unwrap(), 1);
        assert_eq!(store.count(&filters[0]).await.unwrap(), expected[0] - 1);
        store.close().await;
    }

    #[test]
    fn consecutive_blocks_are_one_range() {
        assert_eq!(id_ranges(&[]), vec![]);
        assert_eq!(
            id_ranges(&[0, 1, 2, 5, 7, 8]),
            vec![
                (0, 3 * BLOCK),
                (5 * BLOCK, 6 * BLOCK),
                (7 * BLOCK, 9 * BLOCK)
            ]
        );
    }
}
