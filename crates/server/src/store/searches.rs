//! Recent and saved searches of each user.

use super::db::{Exec, Sql};
use super::{now_ms, Store};
use shipshape_model::searches::{RecentSearch, SavedSearch};
use shipshape_model::EpochMillis;

/// How many recent searches are kept per user and entity.
pub const RECENT_KEPT: i64 = 20;
/// How many saved searches a user may keep per entity.
pub const SAVED_MAX: i64 = 200;

#[derive(sqlx::FromRow)]
struct RecentRow {
    query: String,
    at: i64,
}

#[derive(sqlx::FromRow)]
struct SavedRow {
    id: String,
    name: String,
    entity: String,
    query: String,
    created: i64,
}

impl Store {
    pub async fn recent_searches(
        &self,
        user: &str,
        entity: &str,
    ) -> sqlx::Result<Vec<RecentSearch>> {
        let rows: Vec<RecentRow> = Sql::new(
            "SELECT query, at FROM recent_searches WHERE username = ? AND entity = ? \
             ORDER BY at DESC, query LIMIT ?",
        )
        .bind(user)
        .bind(entity)
        .bind(RECENT_KEPT)
        .fetch_all(self.db())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| RecentSearch {
                query: r.query,
                at: EpochMillis(r.at),
            })
            .collect())
    }

    /// Records a search as the most recent one, keeping the newest `RECENT_KEPT`.
    pub async fn add_recent_search(
        &self,
        user: &str,
        entity: &str,
        query: &str,
    ) -> sqlx::Result<()> {
        let mut tx = self.write_tx().await?;
        Sql::new(
            "INSERT INTO recent_searches (username, entity, query, at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (username, entity, query) DO UPDATE SET at = excluded.at",
        )
        .bind(user)
        .bind(entity)
        .bind(query)
        .bind(now_ms())
        .execute(Exec::from(&mut tx))
        .await?;
        Sql::new(
            "DELETE FROM recent_searches WHERE username = ? AND entity = ? AND query NOT IN \
             (SELECT query FROM recent_searches WHERE username = ? AND entity = ? \
              ORDER BY at DESC, query LIMIT ?)",
        )
        .bind(user)
        .bind(entity)
        .bind(user)
        .bind(entity)
        .bind(RECENT_KEPT)
        .execute(Exec::from(&mut tx))
        .await?;
        tx.commit().await
    }

    pub async fn saved_searches(&self, user: &str, entity: &str) -> sqlx::Result<Vec<SavedSearch>> {
        let d = self.engine().dialect();
        let rows: Vec<SavedRow> = Sql::new(format!(
            "SELECT id, name, entity, query, created FROM saved_searches \
             WHERE username = ? AND entity = ? ORDER BY {}, name",
            d.fold("name")
        ))
        .bind(user)
        .bind(entity)
        .fetch_all(self.db())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SavedSearch {
                id: r.id,
                name: r.name,
                entity: r.entity,
                query: r.query,
                created: EpochMillis(r.created),
            })
            .collect())
    }

    pub async fn saved_search_count(&self, user: &str, entity: &str) -> sqlx::Result<i64> {
        Sql::new("SELECT count(*) FROM saved_searches WHERE username = ? AND entity = ?")
            .bind(user)
            .bind(entity)
            .scalar(self.db())
            .await
    }

    /// Saves a search; `None` when the user already has one with that name for the entity.
    pub async fn save_search(
        &self,
        user: &str,
        entity: &str,
        name: &str,
        query: &str,
    ) -> sqlx::Result<Option<SavedSearch>> {
        let id = uuid::Uuid::new_v4().to_string();
        let created = now_ms();
        let done = Sql::new(
            "INSERT INTO saved_searches (id, username, entity, name, query, created) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username, entity, name) DO NOTHING",
        )
        .bind(id.as_str())
        .bind(user)
        .bind(entity)
        .bind(name)
        .bind(query)
        .bind(created)
        .execute(self.jobs_db())
        .await?;
        Ok((done == 1).then(|| SavedSearch {
            id,
            name: name.to_string(),
            entity: entity.to_string(),
            query: query.to_string(),
            created: EpochMillis(created),
        }))
    }

    /// Deletes one of the user's saved searches; false when there was none with that id.
    pub async fn delete_saved_search(&self, user: &str, id: &str) -> sqlx::Result<bool> {
        let done = Sql::new("DELETE FROM saved_searches WHERE id = ? AND username = ?")
            .bind(id)
            .bind(user)
            .execute(self.jobs_db())
            .await?;
        Ok(done == 1)
    }
}
