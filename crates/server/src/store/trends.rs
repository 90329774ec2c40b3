//! Trends (extension): the count of a query per UTC day, as the dashboard's trend widgets draw
//! it. A point is the first count taken on its day, by the daily snapshot of every trend widget
//! or by the first read of that trend that day; it is never rewritten, and a day nobody counted
//! has no point (none is ever invented).
//!
//! The daily snapshot runs in one process at a time: the first to insert the day's row in
//! `trend_runs` owns it; a claim whose owner stopped beating is taken over. Points are inserted
//! with `ON CONFLICT DO NOTHING`, so a repeated or concurrent run leaves one point a day.

use super::db::Sql;
use super::filter::{qql_entity, Filter};
use super::listing::ListError;
use super::{Entity, Store};
use shipshape_model::{Dashboard, WidgetKind};

pub const DAY_MS: i64 = 86_400_000;

/// The UTC day (days since 1970-01-01) of an instant.
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// The query as its points are stored: canonical QQL, so that the same question written two
/// ways shares its history.
pub fn canonical(filter: &Filter) -> String {
    shipshape_qql::print(&filter.query)
}

impl Store {
    /// Records the count of `filter` for the day of `now` unless that day already has one;
    /// returns the day's count (the one kept).
    pub async fn trend_point(&self, filter: &Filter, now: i64) -> Result<u64, ListError> {
        let (entity, query, day) = (filter.entity.table(), canonical(filter), day_of(now));
        if let Some(n) =
            Sql::new("SELECT count FROM trend_points WHERE entity = ? AND query = ? AND day = ?")
                .bind(entity)
                .bind(query.as_str())
                .bind(day)
                .scalar_optional::<i64>(self.db())
                .await?
        {
            return Ok(n.max(0) as u64);
        }
        let count = self.count(filter).await?;
        Sql::new(
            "INSERT INTO trend_points (entity, query, day, count, taken) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (entity, query, day) DO NOTHING",
        )
        .bind(entity)
        .bind(query.as_str())
        .bind(day)
        .bind(count as i64)
        .bind(now)
        .execute(self.db())
        .await?;
        // Another process may have been first: what is stored is the day's point.
        let kept: i64 =
            Sql::new("SELECT count FROM trend_points WHERE entity = ? AND query = ? AND day = ?")
                .bind(entity)
                .bind(query.as_str())
                .bind(day)
                .scalar(self.db())
                .await?;
        Ok(kept.max(0) as u64)
    }

    /// The stored points of `filter`'s query from day `from` to day `to` (both included), oldest
    /// first, as (day, count).
    pub async fn trend_points(
        &self,
        filter: &Filter,
        from: i64,
        to: i64,
    ) -> sqlx::Result<Vec<(i64, i64)>> {
        Sql::new(
            "SELECT day, count FROM trend_points WHERE entity = ? AND query = ? \
             AND day >= ? AND day <= ? ORDER BY day",
        )
        .bind(filter.entity.table())
        .bind(canonical(filter).as_str())
        .bind(from)
        .bind(to)
        .fetch_all(self.db())
        .await
    }

    /// Every distinct question the stored dashboards' trend and count widgets ask (a count shows
    /// its change over the last week from these points; documents that no longer parse are
    /// skipped: their widgets show their own error).
    pub async fn trend_questions(&self, now: i64) -> sqlx::Result<Vec<Filter>> {
        let docs: Vec<String> = Sql::new("SELECT doc FROM dashboards")
            .scalars(self.db())
            .await?;
        let mut out: Vec<Filter> = Vec::new();
        for doc in docs {
            let Ok(d) = serde_json::from_str::<Dashboard>(&doc) else {
                continue;
            };
            for w in d
                .widgets
                .iter()
                .filter(|w| matches!(w.kind, WidgetKind::Trend | WidgetKind::Count))
            {
                let Some(entity) = store_entity(w.entity.qql()) else {
                    continue;
                };
                let Ok(f) = Filter::parse(entity, Some(&w.query), now) else {
                    continue;
                };
                if !out
                    .iter()
                    .any(|o| o.entity == f.entity && canonical(o) == canonical(&f))
                {
                    out.push(f);
                }
            }
        }
        Ok(out)
    }

    /// Claims the snapshot of `day` for `owner`: true when no one has it, or its owner's last
    /// beat is older than `stale_before` and it is not finished.
    pub async fn claim_trend_day(
        &self,
        day: i64,
        owner: &str,
        now: i64,
        stale_before: i64,
    ) -> sqlx::Result<bool> {
        let inserted = Sql::new(
            "INSERT INTO trend_runs (day, owner, beat) VALUES (?, ?, ?) \
             ON CONFLICT (day) DO NOTHING",
        )
        .bind(day)
        .bind(owner)
        .bind(now)
        .execute(self.db())
        .await?;
        if inserted == 1 {
            return Ok(true);
        }
        let taken = Sql::new(
            "UPDATE trend_runs SET owner = ?, beat = ? \
             WHERE day = ? AND finished IS NULL AND beat < ?",
        )
        .bind(owner)
        .bind(now)
        .bind(day)
        .bind(stale_before)
        .execute(self.db())
        .await?;
        Ok(taken == 1)
    }

    /// Marks `owner`'s snapshot of `day` done (nobody takes it over afterwards).
    pub async fn finish_trend_day(&self, day: i64, owner: &str, now: i64) -> sqlx::Result<()> {
        Sql::new("UPDATE trend_runs SET finished = ? WHERE day = ? AND owner = ?")
            .bind(now)
            .bind(day)
            .bind(owner)
            .execute(self.db())
            .await?;
        Ok(())
    }

    /// Whether the snapshot of `day` is done.
    pub async fn trend_day_finished(&self, day: i64) -> sqlx::Result<bool> {
        let n: i64 =
            Sql::new("SELECT COUNT(*) FROM trend_runs WHERE day = ? AND finished IS NOT NULL")
                .bind(day)
                .scalar(self.db())
                .await?;
        Ok(n > 0)
    }
}

fn store_entity(e: shipshape_qql::Entity) -> Option<Entity> {
    Entity::ALL.into_iter().find(|s| qql_entity(*s) == e)
}
