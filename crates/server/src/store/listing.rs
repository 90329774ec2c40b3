//! Paged, sorted, filtered lists: the SQL shape shared by the three asset tables.
//!
//! A page is one statement: a subquery finds the page's ids (walking an index on the sort
//! column with the row id as tie-break, so the order is total and paging never repeats or skips
//! a row) and the outer query reads those rows in the same order. Counts come from
//! `row_counts` for a list of every row, and otherwise from a cache keyed by the database
//! version (`store_version`, bumped in every asset write's transaction): recomputed after any
//! write by any process, answered from memory otherwise, and moved along the clock for sliding
//! date windows (`store::window`).

use super::db::{Dialect, Record, Sql};
use super::filter::{compile, targets::sort_target, Filter};
use super::window::{Interval, Window};
use super::{Store, StoreBusy};
use shipshape_model::{PageNumber, PageSize, SortOrder, SortSpec};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    Sensor,
    Image,
    Container,
    /// Findings (`image_vulns` with their definitions): counted and grouped, never listed.
    Vulnerability,
    /// The audit log (`store::audit`): listed and filtered by its own query, never cached.
    Audit,
}

impl Entity {
    pub const ALL: [Entity; 3] = [Entity::Sensor, Entity::Image, Entity::Container];

    pub fn table(self) -> &'static str {
        match self {
            Entity::Sensor => "sensors",
            Entity::Image => "images",
            Entity::Container => "containers",
            Entity::Vulnerability => "image_vulns",
            Entity::Audit => "audit_log",
        }
    }

    /// The alias every SQL fragment uses for the entity's table.
    pub fn alias(self) -> &'static str {
        match self {
            Entity::Sensor => "s",
            Entity::Image => "i",
            Entity::Container => "c",
            Entity::Vulnerability => "v",
            Entity::Audit => "a",
        }
    }

    /// What a statement reads the entity's rows from: `table alias`, and for findings their
    /// definitions joined (`d`). The `+` keeps SQLite from walking the few definitions and
    /// reaching each one's findings through the QID index (a random read per finding: 7 s for
    /// findings by severity at 3.6 million findings); it reads the findings in order and looks
    /// each definition up instead (1.3 s).
    pub fn from(self) -> String {
        match self {
            Entity::Vulnerability => "image_vulns v JOIN vuln_defs d ON d.qid = +v.qid".into(),
            e => format!("{} {}", e.table(), e.alias()),
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Entity::Vulnerability => "vulnerabilities",
            Entity::Audit => "audit",
            e => e.table(),
        }
    }

    pub fn parse(name: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.table() == name)
    }
}

/// A sort the store can carry out: a sortable QQL token of the entity and a direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sort {
    entity: Entity,
    token: &'static str,
    order: SortOrder,
}

impl Sort {
    /// The sort for `spec`, or a sentence naming the sortable tokens.
    pub fn new(entity: Entity, spec: &SortSpec) -> Result<Self, String> {
        let cat = shipshape_qql::catalogue(super::filter::qql_entity(entity));
        let def = cat
            .iter()
            .find(|d| d.sortable && d.name == spec.token && sort_target(entity, d.name).is_some());
        match def {
            Some(d) => Ok(Self {
                entity,
                token: d.name,
                order: spec.order,
            }),
            None => {
                let names: Vec<&str> = sortable_tokens(entity).collect();
                Err(format!(
                    "'{}' is not a sortable token for {}; use one of: {}",
                    spec.token,
                    entity.plural(),
                    names.join(", ")
                ))
            }
        }
    }

    /// Newest first.
    pub fn default_for(entity: Entity) -> Self {
        Self {
            entity,
            token: if entity == Entity::Audit {
                "at"
            } else {
                "created"
            },
            order: SortOrder::Desc,
        }
    }

    pub fn token(&self) -> &'static str {
        self.token
    }

    /// `ORDER BY …` terms, the row id last as the tie-break.
    pub(crate) fn order_by(&self, d: Dialect) -> String {
        use super::filter::targets::Target;
        let a = self.entity.alias();
        let desc = self.order == SortOrder::Desc;
        let (expr, nullable) = match sort_target(self.entity, self.token) {
            Some(Target::Col { sql, nullable }) => (sql.to_string(), nullable),
            Some(Target::Expr(c)) => (c.sql(d), c.nullable()),
            // `Sort::new` only admits tokens with a sort target.
            _ => (format!("{a}.id"), false),
        };
        // NOT NULL columns are ordered plainly so PostgreSQL can walk their indexes; nullable
        // ones get SQLite's placement of NULL (smallest) on both engines.
        let term = if nullable {
            d.order_term(&expr, desc)
        } else {
            format!("{expr} {}", if desc { "DESC" } else { "ASC" })
        };
        format!("{term}, {a}.id {}", if desc { "DESC" } else { "ASC" })
    }
}

/// The tokens an entity can be sorted by.
pub fn sortable_tokens(entity: Entity) -> impl Iterator<Item = &'static str> {
    shipshape_qql::catalogue(super::filter::qql_entity(entity))
        .iter()
        .filter(move |d| d.sortable && sort_target(entity, d.name).is_some())
        .map(|d| d.name)
}

/// A list request: the filter, the sort and the page.
#[derive(Clone, Debug)]
pub struct ListQuery {
    pub filter: Filter,
    pub sort: Sort,
    pub page: PageNumber,
    pub size: PageSize,
}

/// Cached `count(*)` per (filter SQL, values), and aggregates' groups per statement, valid for
/// one database version.
#[derive(Default)]
pub struct CountCache {
    inner: Mutex<HashMap<String, (i64, u64)>>,
    /// Sliding date windows: (version, interval counted, count) per window key.
    windows: Mutex<HashMap<String, (i64, Interval, u64)>>,
    /// Per-block counts of filters on the row alone (`store::blocks`).
    blocks: Mutex<HashMap<String, std::sync::Arc<super::blocks::BlockCounts>>>,
    /// Groups of aggregates (`store::aggregate`): (version, groups) per statement.
    groups: Mutex<HashMap<String, (i64, Vec<super::aggregate::GroupRow>)>>,
    /// Striped locks: one count at a time per filter (and a few unrelated filters sharing a
    /// stripe wait on each other, which is harmless).
    counting: [tokio::sync::Mutex<()>; 32],
    /// First counts going on in the background (`store::blocks`), by block-count key: each
    /// answers its total, or why it failed, when it ends.
    pub(crate) first_counts: Mutex<HashMap<String, super::blocks::FirstCount>>,
}

impl CountCache {
    const MAX_ENTRIES: usize = 2048;

    /// Whether a count for this filter was cached at any version (so the next one is likely
    /// a hit once the version is known).
    fn knows(&self, key: &str) -> bool {
        self.inner
            .lock()
            .map(|m| m.contains_key(key))
            .unwrap_or(false)
            || self
                .windows
                .lock()
                .map(|m| m.contains_key(key))
                .unwrap_or(false)
            || self
                .blocks
                .lock()
                .map(|m| m.contains_key(key))
                .unwrap_or(false)
    }

    pub(crate) fn blocks(&self, key: &str) -> Option<std::sync::Arc<super::blocks::BlockCounts>> {
        self.blocks.lock().ok()?.get(key).cloned()
    }

    /// Each entry holds a number per block (a few thousand at ten million rows): fewer are kept.
    pub(crate) fn put_blocks(
        &self,
        key: String,
        counts: std::sync::Arc<super::blocks::BlockCounts>,
    ) {
        if let Ok(mut map) = self.blocks.lock() {
            if map.len() >= Self::MAX_ENTRIES / 8 {
                map.clear();
            }
            map.insert(key, counts);
        }
    }

    fn get(&self, key: &str, version: i64) -> Option<u64> {
        let map = self.inner.lock().ok()?;
        map.get(key).filter(|(v, _)| *v == version).map(|(_, c)| *c)
    }

    pub(crate) fn groups(
        &self,
        key: &str,
        version: i64,
    ) -> Option<Vec<super::aggregate::GroupRow>> {
        let map = self.groups.lock().ok()?;
        map.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, g)| g.clone())
    }

    pub(crate) fn put_groups(
        &self,
        key: String,
        version: i64,
        groups: Vec<super::aggregate::GroupRow>,
    ) {
        if let Ok(mut map) = self.groups.lock() {
            if map.len() >= Self::MAX_ENTRIES {
                map.clear();
            }
            map.insert(key, (version, groups));
        }
    }

    pub(crate) async fn lock_for(&self, key: &str) -> tokio::sync::MutexGuard<'_, ()> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        self.counting[(h.finish() % self.counting.len() as u64) as usize]
            .lock()
            .await
    }

    /// Forgets every cached count (benchmarks measure the uncached path with it).
    pub fn clear(&self) {
        if let Ok(mut map) = self.inner.lock() {
            map.clear();
        }
        if let Ok(mut map) = self.windows.lock() {
            map.clear();
        }
        if let Ok(mut map) = self.groups.lock() {
            map.clear();
        }
        if let Ok(mut map) = self.blocks.lock() {
            map.clear();
        }
    }

    /// The last count of a sliding window at `version`: the interval it covered and the count.
    fn window(&self, key: &str, version: i64) -> Option<(Interval, u64)> {
        let map = self.windows.lock().ok()?;
        map.get(key)
            .filter(|(v, _, _)| *v == version)
            .map(|(_, i, c)| (*i, *c))
    }

    fn put_window(&self, key: String, version: i64, interval: Interval, count: u64) {
        if let Ok(mut map) = self.windows.lock() {
            if map.len() >= Self::MAX_ENTRIES {
                map.clear();
            }
            map.insert(key, (version, interval, count));
        }
    }

    fn put(&self, key: String, version: i64, count: u64) {
        if let Ok(mut map) = self.inner.lock() {
            if map.len() >= Self::MAX_ENTRIES {
                map.clear();
            }
            map.insert(key, (version, count));
        }
    }
}

/// `FROM table alias [WHERE cond]` for a filter.
fn from_where(d: Dialect, filter: &Filter) -> Sql {
    let e = filter.entity;
    let cond = compile(d, filter);
    let mut sql = Sql::new(format!("FROM {}", e.from()));
    if !cond.text.is_empty() {
        sql.push(" WHERE ").append(&cond);
    }
    sql
}

/// Errors of list-type reads.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Busy(#[from] StoreBusy),
    /// A filter's first count outlasted the request's time limit and goes on in the background
    /// (`store::blocks`): asked again later, it answers from there.
    #[error("the first count of this filter is still going on")]
    StillCounting,
    /// A first count in the background failed (its cause is logged where it ran).
    #[error("counting failed: {0}")]
    CountFailed(String),
}

/// A row of a page, which carries the database version it was read at and, for a page of
/// every row, the table's row count.
pub(crate) trait PageRow: Record {
    fn page_version(&self) -> Option<i64>;
    fn page_total(&self) -> Option<i64>;
}

/// The row count of an entity's table, kept by every write (`derive::adjust_rows`).
fn total_sql(e: Entity) -> String {
    format!("(SELECT n FROM row_counts WHERE entity = '{}')", e.table())
}

/// The `count(*)` statement of a filter and its cache key.
fn count_sql(d: Dialect, filter: &Filter) -> (Sql, String) {
    let mut sql = Sql::new("SELECT count(*) ");
    sql.append(&from_where(d, filter));
    let key = format!("{}|{:?}", sql.text, sql.binds);
    (sql, key)
}

impl Store {
    /// How many rows match `filter`.
    pub async fn count(&self, filter: &Filter) -> Result<u64, ListError> {
        if let Some(n) = self.kept_total(filter).await? {
            return Ok(n);
        }
        let version = self.version().await?;
        self.count_for(filter, version).await
    }

    /// How many rows a report of `template` over `filter` would have now: records for the
    /// inventory templates, findings (from each record's kept counts, which every write keeps
    /// equal to its findings) for the others.
    pub async fn report_rows(
        &self,
        template: shipshape_model::report::Template,
        filter: &Filter,
    ) -> Result<u64, ListError> {
        use shipshape_model::report::Template;
        let a = filter.entity.alias();
        let per_record = match template {
            Template::Images | Template::Containers => return self.count(filter).await,
            Template::ImageVulnerability | Template::ContainerVulnerability => {
                format!("{a}.sev1 + {a}.sev2 + {a}.sev3 + {a}.sev4 + {a}.sev5")
            }
            Template::ImageSecrets => format!("{a}.secrets_count"),
            Template::ImageMalware => format!("{a}.malware_count"),
        };
        let _permit = self.heavy_permit().await?;
        let mut sql = Sql::new(format!(
            "SELECT CAST(coalesce(sum({per_record}), 0) AS BIGINT) "
        ));
        sql.append(&from_where(self.engine().dialect(), filter));
        let n: i64 = sql.scalar(self.db()).await?;
        Ok(n.max(0) as u64)
    }

    /// The row count kept by every write, for a filter that selects every row of a table
    /// (findings have none kept).
    async fn kept_total(&self, filter: &Filter) -> sqlx::Result<Option<u64>> {
        if !filter.is_empty() || filter.entity == Entity::Vulnerability {
            return Ok(None);
        }
        let n: i64 = Sql::new(format!("SELECT {}", total_sql(filter.entity)))
            .scalar(self.db())
            .await?;
        Ok(Some(n.max(0) as u64))
    }

    /// The count of a (non-empty) filter at database `version`: from the cache when it holds
    /// one for that version, moved along from the last count of a sliding date window
    /// (`store::window`), or counted. Requests for one filter count it once: the others wait
    /// for that count instead of running it again.
    pub(crate) async fn count_for(&self, filter: &Filter, version: i64) -> Result<u64, ListError> {
        if let Some(n) = self.kept_total(filter).await? {
            return Ok(n);
        }
        if super::blocks::is_local(filter) {
            return self.count_by_blocks(filter, version).await;
        }
        let d = self.engine().dialect();
        if let Some(w) = Window::of(filter) {
            let key = w.key(d);
            let now = w.interval(filter.now_ms);
            let _counting = self.counts.lock_for(&key).await;
            let n = match self.counts.window(&key, version) {
                Some((before, c)) => {
                    let mut n = c as i64;
                    for part in now.minus(before) {
                        n += w.count_sql(d, part).scalar::<i64>(self.db()).await?;
                    }
                    for part in before.minus(now) {
                        n -= w.count_sql(d, part).scalar::<i64>(self.db()).await?;
                    }
                    n.max(0) as u64
                }
                None => {
                    let (sql, _) = count_sql(d, filter);
                    let _permit = self.heavy_permit().await?;
                    sql.scalar::<i64>(self.db()).await?.max(0) as u64
                }
            };
            self.counts.put_window(key, version, now, n);
            return Ok(n);
        }
        let (sql, key) = count_sql(d, filter);
        if let Some(c) = self.counts.get(&key, version) {
            return Ok(c);
        }
        let _counting = self.counts.lock_for(&key).await;
        if let Some(c) = self.counts.get(&key, version) {
            return Ok(c);
        }
        let _permit = self.heavy_permit().await?;
        let n: i64 = sql.scalar(self.db()).await?;
        let n = n.max(0) as u64;
        self.counts.put(key, version, n);
        Ok(n)
    }

    /// Whether `filter` was counted before, so the next count is likely cheap once the
    /// database version is known.
    fn counted_before(&self, filter: &Filter) -> bool {
        let d = self.engine().dialect();
        if super::blocks::is_local(filter) {
            let window = Window::of(filter);
            return self
                .counts
                .knows(&super::blocks::key(d, filter, window.as_ref()));
        }
        match Window::of(filter) {
            Some(w) => self.counts.knows(&w.key(d)),
            None => self.counts.knows(&count_sql(d, filter).1),
        }
    }

    /// One page of rows (`columns` of the entity's table) and how many rows match.
    ///
    /// The page is one statement: the page's ids walk an index in a subquery and the outer
    /// query reads just those rows, with the database version beside them (and, for a page of
    /// every row, the table's row count). When this filter was counted before, that version
    /// tells whether the count still holds (or how to move it along), so a repeated list
    /// costs that one statement; otherwise the count runs beside the page.
    pub(crate) async fn page<R: PageRow>(
        &self,
        q: &ListQuery,
        columns: &str,
    ) -> Result<(u64, Vec<R>), ListError> {
        let d = self.engine().dialect();
        let e = q.filter.entity;
        let (a, table) = (e.alias(), e.table());
        let order = q.sort.order_by(d);
        let total = if q.filter.is_empty() {
            format!(", {} AS page_total", total_sql(e))
        } else {
            String::new()
        };
        let mut sql = Sql::new(format!(
            "SELECT {columns}, (SELECT version FROM store_version WHERE id = 1) AS page_version\
             {total} FROM {table} {a} WHERE {a}.id IN (SELECT {a}.id "
        ));
        sql.append(&from_where(d, &q.filter));
        let size = i64::from(q.size.get());
        sql.push(&format!(" ORDER BY {order} LIMIT "))
            .push_bind(size)
            .push(" OFFSET ")
            .push_bind(i64::from(q.page.get() - 1) * size)
            .push(&format!(") ORDER BY {order}"));
        let permit = self.heavy_permit().await?;
        if q.filter.is_empty() {
            let rows: Vec<R> = sql.fetch_all(self.db()).await?;
            drop(permit);
            let n = match rows.first().and_then(PageRow::page_total) {
                Some(n) => n.max(0) as u64,
                None => self.count(&q.filter).await?,
            };
            return Ok((n, rows));
        }
        if self.counted_before(&q.filter) {
            let rows: Vec<R> = sql.fetch_all(self.db()).await?;
            drop(permit);
            let version = match rows.first().and_then(PageRow::page_version) {
                Some(v) => v,
                None => self.version().await?,
            };
            Ok((self.count_for(&q.filter, version).await?, rows))
        } else {
            drop(permit);
            let rows = async {
                let _permit = self.heavy_permit().await?;
                Ok::<Vec<R>, ListError>(sql.fetch_all(self.db()).await?)
            };
            let (rows, n) = tokio::try_join!(rows, self.count(&q.filter))?;
            Ok((n, rows))
        }
    }

    /// The ids of one page, in order (the page's subquery on its own).
    pub async fn page_ids(&self, q: &ListQuery) -> Result<Vec<i64>, ListError> {
        let d = self.engine().dialect();
        let a = q.filter.entity.alias();
        let mut sql = Sql::new(format!("SELECT {a}.id "));
        sql.append(&from_where(d, &q.filter));
        let size = i64::from(q.size.get());
        sql.push(&format!(" ORDER BY {} LIMIT ", q.sort.order_by(d)))
            .push_bind(size)
            .push(" OFFSET ")
            .push_bind(i64::from(q.page.get() - 1) * size);
        let _permit = self.heavy_permit().await?;
        Ok(sql.scalars(self.db()).await?)
    }

    /// Ids after `after` (exclusive) in id order: the bulk `/list` cursor.
    pub async fn ids_after(
        &self,
        filter: &Filter,
        after: i64,
        limit: u32,
    ) -> Result<Vec<i64>, ListError> {
        let _permit = self.heavy_permit().await?;
        Ok(self
            .ids_in_order(self.db(), filter, after, None, limit)
            .await?)
    }

    /// Ids matching `filter` above `after` and at most `upto`, in id order, at most `limit`:
    /// cursors and deletion chunks.
    pub(crate) async fn ids_in_order(
        &self,
        db: &super::db::Db,
        filter: &Filter,
        after: i64,
        upto: Option<i64>,
        limit: u32,
    ) -> sqlx::Result<Vec<i64>> {
        let d = self.engine().dialect();
        let e = filter.entity;
        let a = e.alias();
        let cond = compile(d, filter);
        let mut sql = Sql::new(format!(
            "SELECT {a}.id FROM {} {a} WHERE {a}.id > ?",
            e.table()
        ));
        sql.binds.push(after.into());
        if let Some(max) = upto {
            sql.push(&format!(" AND {a}.id <= ")).push_bind(max);
        }
        if !cond.text.is_empty() {
            sql.push(" AND (").append(&cond).push(")");
        }
        sql.push(&format!(" ORDER BY {a}.id ASC LIMIT "))
            .push_bind(i64::from(limit));
        sql.scalars(db).await
    }
}

/// Puts rows fetched by id back into the order of `ids`.
pub fn in_id_order<T>(ids: &[i64], mut rows: Vec<(i64, T)>) -> Vec<T> {
    let pos: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|(id, _)| pos.get(id).copied().unwrap_or(usize::MAX));
    rows.into_iter().map(|(_, r)| r).collect()
}

/// `WHERE id IN (…)` for a list of row ids, bound.
pub fn id_list(prefix: &str, ids: &[i64]) -> Sql {
    let mut sql = Sql::new(prefix);
    sql.push(" IN (").push_list(ids.iter().copied()).push(")");
    sql
}
