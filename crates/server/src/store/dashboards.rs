//! Dashboards (extension): each one a checked JSON document (`shipshape_model::Dashboard`)
//! owned by a user, shared read-only with everyone when the owner chooses, with a version that
//! every change raises (the `ETag`, so a stale save is refused instead of overwriting); and each
//! user's landing page.

use super::db::Sql;
use super::{now_ms, Store};
use shipshape_model::{Dashboard, DashboardInfo, EpochMillis};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    owner: String,
    shared: bool,
    doc: String,
    version: i64,
    created: i64,
    updated: i64,
    landing: bool,
}

/// A stored dashboard: its document and what the list shows of it.
pub struct Stored {
    pub doc: Dashboard,
    pub info: DashboardInfo,
}

/// Why a change was not made.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("no dashboard with that id is visible to you")]
    NotFound,
    #[error("only the dashboard's owner may change it")]
    NotOwner,
    #[error("the dashboard changed since it was read")]
    Stale,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn stored(r: Row) -> Result<Stored, sqlx::Error> {
    let mut doc: Dashboard =
        serde_json::from_str(&r.doc).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    doc.id = r.id.clone();
    let info = DashboardInfo {
        id: r.id,
        name: doc.name.clone(),
        description: doc.description.clone(),
        owner: r.owner,
        shared: r.shared,
        landing: r.landing,
        widgets: doc.widgets.len() as u32,
        version: r.version.max(0) as u64,
        created: EpochMillis(r.created),
        updated: EpochMillis(r.updated),
    };
    Ok(Stored { doc, info })
}

/// The columns of a [`Row`] for `user` (whose landing page marks one of them).
const SELECT: &str = "SELECT d.id, d.owner, d.shared, d.doc, d.version, d.created, d.updated, \
     (l.dashboard_id IS NOT NULL) AS landing FROM dashboards d \
     LEFT JOIN dashboard_landing l ON l.dashboard_id = d.id AND l.username = ?";

fn to_json(doc: &Dashboard) -> Result<String, sqlx::Error> {
    serde_json::to_string(doc).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

impl Store {
    /// The dashboards `user` can see: their own and the shared ones, by name.
    pub async fn dashboards(&self, user: &str) -> sqlx::Result<Vec<Stored>> {
        let d = self.engine().dialect();
        let rows: Vec<Row> = Sql::new(format!(
            "{SELECT} WHERE d.owner = ? OR d.shared ORDER BY {}, d.id",
            d.fold("d.name")
        ))
        .bind(user)
        .bind(user)
        .fetch_all(self.db())
        .await?;
        rows.into_iter().map(stored).collect()
    }

    /// One dashboard, when `user` can see it.
    pub async fn dashboard(&self, user: &str, id: &str) -> sqlx::Result<Option<Stored>> {
        let row: Option<Row> = Sql::new(format!(
            "{SELECT} WHERE d.id = ? AND (d.owner = ? OR d.shared)"
        ))
        .bind(user)
        .bind(id)
        .bind(user)
        .fetch_optional(self.db())
        .await?;
        row.map(stored).transpose()
    }

    /// Stores a checked document as a new dashboard of `owner`, with a new id.
    pub async fn create_dashboard(&self, owner: &str, doc: &Dashboard) -> sqlx::Result<Stored> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = now_ms();
        let mut doc = doc.clone();
        doc.id = id.clone();
        Sql::new(
            "INSERT INTO dashboards (id, owner, name, shared, doc, version, created, updated) \
             VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
        )
        .bind(id.as_str())
        .bind(owner)
        .bind(doc.name.as_str())
        .bind(false)
        .bind(to_json(&doc)?)
        .bind(now)
        .bind(now)
        .execute(self.jobs_db())
        .await?;
        self.dashboard(owner, &id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Replaces the document of `user`'s dashboard `id` when it is still at `version`.
    pub async fn update_dashboard(
        &self,
        user: &str,
        id: &str,
        version: u64,
        doc: &Dashboard,
    ) -> Result<Stored, Refused> {
        let current = self.dashboard(user, id).await?.ok_or(Refused::NotFound)?;
        if current.info.owner != user {
            return Err(Refused::NotOwner);
        }
        let mut doc = doc.clone();
        doc.id = id.to_string();
        let done = Sql::new(
            "UPDATE dashboards SET name = ?, doc = ?, version = version + 1, updated = ? \
             WHERE id = ? AND owner = ? AND version = ?",
        )
        .bind(doc.name.as_str())
        .bind(to_json(&doc)?)
        .bind(now_ms())
        .bind(id)
        .bind(user)
        .bind(version as i64)
        .execute(self.jobs_db())
        .await?;
        if done != 1 {
            return Err(Refused::Stale);
        }
        self.dashboard(user, id).await?.ok_or(Refused::NotFound)
    }

    /// Shares `user`'s dashboard `id` with everyone (read-only), or stops sharing it.
    pub async fn share_dashboard(
        &self,
        user: &str,
        id: &str,
        shared: bool,
    ) -> Result<Stored, Refused> {
        let current = self.dashboard(user, id).await?.ok_or(Refused::NotFound)?;
        if current.info.owner != user {
            return Err(Refused::NotOwner);
        }
        Sql::new(
            "UPDATE dashboards SET shared = ?, version = version + 1, updated = ? WHERE id = ?",
        )
        .bind(shared)
        .bind(now_ms())
        .bind(id)
        .execute(self.jobs_db())
        .await?;
        self.dashboard(user, id).await?.ok_or(Refused::NotFound)
    }

    /// Deletes `user`'s dashboard `id` (and any landing page set on it).
    pub async fn delete_dashboard(&self, user: &str, id: &str) -> Result<(), Refused> {
        let current = self.dashboard(user, id).await?.ok_or(Refused::NotFound)?;
        if current.info.owner != user {
            return Err(Refused::NotOwner);
        }
        let mut tx = self.write_tx().await?;
        Sql::new("DELETE FROM dashboard_landing WHERE dashboard_id = ?")
            .bind(id)
            .execute(super::db::Exec::from(&mut tx))
            .await?;
        Sql::new("DELETE FROM dashboards WHERE id = ?")
            .bind(id)
            .execute(super::db::Exec::from(&mut tx))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes dashboard `id` (one `user` can see) their landing page, or clears it (`None`).
    pub async fn set_landing(&self, user: &str, id: Option<&str>) -> Result<(), Refused> {
        match id {
            Some(id) => {
                self.dashboard(user, id).await?.ok_or(Refused::NotFound)?;
                Sql::new(
                    "INSERT INTO dashboard_landing (username, dashboard_id) VALUES (?, ?) \
                     ON CONFLICT (username) DO UPDATE SET dashboard_id = excluded.dashboard_id",
                )
                .bind(user)
                .bind(id)
                .execute(self.jobs_db())
                .await?;
            }
            None => {
                Sql::new("DELETE FROM dashboard_landing WHERE username = ?")
                    .bind(user)
                    .execute(self.jobs_db())
                    .await?;
            }
        }
        Ok(())
    }
}
