//! Paged, sorted, filtered lists: the SQL shape shared by the three asset tables.
//!
//! A page is found in two steps: the ids of the page (walking an index on the sort column with
//! the row id as tie-break, so the order is total and paging never repeats or skips a row), then
//! the full rows for those ids. Counts are cached until the next write.

use super::Store;
use shipshape_model::{PageNumber, PageSize, SortOrder};
use sqlx::sqlite::SqliteArguments;
use sqlx::Arguments;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    Sensor,
    Image,
    Container,
}

impl Entity {
    pub fn table(self) -> &'static str {
        match self {
            Entity::Sensor => "sensors",
            Entity::Image => "images",
            Entity::Container => "containers",
        }
    }

    /// The alias every SQL fragment uses for the entity's table.
    pub fn alias(self) -> &'static str {
        match self {
            Entity::Sensor => "s",
            Entity::Image => "i",
            Entity::Container => "c",
        }
    }

    pub fn plural(self) -> &'static str {
        self.table()
    }
}

/// A bound value.
#[derive(Clone, Debug, PartialEq)]
pub enum Bind {
    Int(i64),
    Real(f64),
    Text(String),
}

/// A `WHERE` condition with `?` placeholders and the values bound to them, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SqlFilter {
    pub sql: String,
    pub binds: Vec<Bind>,
}

impl SqlFilter {
    pub fn is_empty(&self) -> bool {
        self.sql.trim().is_empty()
    }

    /// `WHERE …` or nothing.
    pub fn where_clause(&self) -> String {
        if self.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.sql)
        }
    }

    /// `AND (…)` for appending to an existing condition, or nothing.
    pub fn and_clause(&self) -> String {
        if self.is_empty() {
            String::new()
        } else {
            format!(" AND ({})", self.sql)
        }
    }

    pub fn arguments(&self) -> SqliteArguments<'static> {
        let mut args = SqliteArguments::default();
        self.add_to(&mut args);
        args
    }

    pub fn add_to(&self, args: &mut SqliteArguments<'static>) {
        for b in &self.binds {
            // Adding a value to SqliteArguments cannot fail for these types.
            let _ = match b {
                Bind::Int(v) => args.add(*v),
                Bind::Real(v) => args.add(*v),
                Bind::Text(v) => args.add(v.clone()),
            };
        }
    }

    fn cache_key(&self, entity: Entity) -> String {
        format!("{entity:?}|{}|{:?}", self.sql, self.binds)
    }
}

/// A resolved list request: the filter, the SQL expression to sort by, and the page.
#[derive(Clone, Debug)]
pub struct ListQuery {
    pub filter: SqlFilter,
    pub sort_expr: &'static str,
    pub order: SortOrder,
    pub page: PageNumber,
    pub size: PageSize,
}

/// Cached `count(*)` per (entity, filter), valid for one store generation.
#[derive(Default)]
pub struct CountCache {
    inner: Mutex<HashMap<String, (u64, u64)>>,
}

impl CountCache {
    const MAX_ENTRIES: usize = 2048;

    fn get(&self, key: &str, generation: u64) -> Option<u64> {
        let map = self.inner.lock().ok()?;
        map.get(key)
            .filter(|(g, _)| *g == generation)
            .map(|(_, c)| *c)
    }

    fn put(&self, key: String, generation: u64, count: u64) {
        if let Ok(mut map) = self.inner.lock() {
            if map.len() >= Self::MAX_ENTRIES {
                map.clear();
            }
            map.insert(key, (generation, count));
        }
    }
}

impl Store {
    /// How many rows of `entity` match `filter`.
    pub async fn count(&self, entity: Entity, filter: &SqlFilter) -> sqlx::Result<u64> {
        let key = filter.cache_key(entity);
        let generation = self.generation();
        if let Some(c) = self.counts.get(&key, generation) {
            return Ok(c);
        }
        let sql = format!(
            "SELECT count(*) FROM {} {}{}",
            entity.table(),
            entity.alias(),
            filter.where_clause()
        );
        let n: i64 = sqlx::query_scalar_with(&sql, filter.arguments())
            .fetch_one(&self.pool)
            .await?;
        let n = n.max(0) as u64;
        self.counts.put(key, generation, n);
        Ok(n)
    }

    /// The ids of one page, in order.
    pub async fn page_ids(&self, entity: Entity, q: &ListQuery) -> sqlx::Result<Vec<i64>> {
        let a = entity.alias();
        let dir = match q.order {
            SortOrder::Asc => "ASC",
            SortOrder::Desc => "DESC",
        };
        let sql = format!(
            "SELECT {a}.id FROM {} {a}{} ORDER BY {} {dir}, {a}.id {dir} LIMIT ? OFFSET ?",
            entity.table(),
            q.filter.where_clause(),
            q.sort_expr,
        );
        let mut args = q.filter.arguments();
        let size = i64::from(q.size.get());
        let _ = args.add(size);
        let _ = args.add(i64::from(q.page.get() - 1) * size);
        sqlx::query_scalar_with(&sql, args)
            .fetch_all(&self.pool)
            .await
    }

    /// Ids after `after` (exclusive) in id order: the bulk `/list` cursor.
    pub async fn ids_after(
        &self,
        entity: Entity,
        filter: &SqlFilter,
        after: i64,
        limit: u32,
    ) -> sqlx::Result<Vec<i64>> {
        let a = entity.alias();
        let sql = format!(
            "SELECT {a}.id FROM {} {a} WHERE {a}.id > ?{} ORDER BY {a}.id ASC LIMIT ?",
            entity.table(),
            filter.and_clause()
        );
        let mut args = SqliteArguments::default();
        let _ = args.add(after);
        filter.add_to(&mut args);
        let _ = args.add(i64::from(limit));
        sqlx::query_scalar_with(&sql, args)
            .fetch_all(&self.pool)
            .await
    }

    /// Every id matching `filter` (for deletes by filter).
    pub async fn all_ids(&self, entity: Entity, filter: &SqlFilter) -> sqlx::Result<Vec<i64>> {
        let a = entity.alias();
        let sql = format!(
            "SELECT {a}.id FROM {} {a}{} ORDER BY {a}.id",
            entity.table(),
            filter.where_clause()
        );
        sqlx::query_scalar_with(&sql, filter.arguments())
            .fetch_all(&self.pool)
            .await
    }
}

impl Store {
    /// Deletes the rows of `entity` with these ids (in chunks), for tables whose rows own
    /// nothing else; returns how many went.
    pub async fn delete_by_ids(&self, entity: Entity, ids: &[i64]) -> sqlx::Result<u64> {
        let mut deleted = 0;
        for chunk in ids.chunks(500) {
            let sql = format!(
                "DELETE FROM {} WHERE id IN ({})",
                entity.table(),
                placeholders(chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            deleted += q.execute(&self.pool).await?.rows_affected();
        }
        self.rows_changed();
        Ok(deleted)
    }
}

/// `sev1`…`sev5` columns of a row as severity counts.
pub fn severity_counts(
    row: &sqlx::sqlite::SqliteRow,
) -> sqlx::Result<shipshape_model::SeverityCounts> {
    use sqlx::Row;
    let mut a = [0u64; 5];
    for (i, slot) in a.iter_mut().enumerate() {
        *slot = row
            .try_get::<i64, _>(format!("sev{}", i + 1).as_str())?
            .max(0) as u64;
    }
    Ok(shipshape_model::SeverityCounts::from_array(a))
}

/// `?, ?, ?` for `n` placeholders.
pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Puts rows fetched by id back into the order of `ids`.
pub fn in_id_order<T>(ids: &[i64], mut rows: Vec<(i64, T)>) -> Vec<T> {
    let pos: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|(id, _)| pos.get(id).copied().unwrap_or(usize::MAX));
    rows.into_iter().map(|(_, r)| r).collect()
}
