//! Sensor profiles: stored bodies, and which profile each sensor belongs to.
//!
//! A sensor belongs to the profiles that list it (by uuid or sensor id) or whose QQL filter
//! matches it; of several, to the one assigned most recently; of none, to `Default`. The
//! sensors' `configuration_profile` column holds the answer: every profile change recomputes
//! it in the change's own transaction (profiles are few, and a sensor is one row). A filter
//! with relative dates is resolved when the profile is saved.

use super::audit::record;
use super::db::{Exec, Sql, Tx};
use super::filter::{compile, Filter};
use super::{now_ms, Entity, Store};
use shipshape_model::profile::{SensorProfile, SensorProfileBody, DEFAULT_PROFILE};
use std::collections::HashMap;

/// Why a profile change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProfileRefused {
    #[error("no such profile")]
    NotFound,
    #[error("a profile named '{0}' exists")]
    NameTaken(String),
    #[error("the profile was changed since it was read")]
    Stale,
    #[error("the Default profile cannot be deleted")]
    Default,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    id: String,
    name: String,
    body: String,
    is_default: i64,
    created: i64,
    updated: i64,
    assigned: i64,
    version: i64,
}

const COLUMNS: &str = "id, name, body, is_default, created, updated, assigned, version";

impl ProfileRow {
    fn body(&self) -> SensorProfileBody {
        serde_json::from_str(&self.body).unwrap_or_else(|_| SensorProfileBody {
            profile_name: self.name.clone(),
            ..Default::default()
        })
    }
}

/// The sensors a profile claims, as a condition on `sensors s`; `None` when it claims none.
fn claim(body: &SensorProfileBody, engine: super::db::Engine, now: i64) -> Option<Sql> {
    let mut parts: Vec<Sql> = Vec::new();
    if let Some(f) = body.filter.as_deref() {
        if let Ok(filter) = Filter::parse(Entity::Sensor, Some(f), now) {
            let sql = compile(engine.dialect(), &filter);
            if !sql.text.is_empty() {
                parts.push(sql);
            }
        }
    }
    if !body.associated_sensor_ids.is_empty() {
        // The ids as one JSON value, not a value each: a profile may name more sensors than
        // either engine takes values in one statement (32,766 on SQLite, 65,535 on PostgreSQL).
        let ids_json = serde_json::to_string(&body.associated_sensor_ids).unwrap_or_default();
        let each = engine.dialect().json_each_text("?");
        let (before, after) = each.split_once('?').unwrap_or((&each, ""));
        let mut ids = Sql::new("");
        for column in ["s.uuid", "s.sensor_id"] {
            if !ids.text.is_empty() {
                ids.push(" OR ");
            }
            ids.push(&format!("{column} IN (SELECT j.value FROM {before}"))
                .push_bind(ids_json.as_str())
                .push(&format!("{after})"));
        }
        parts.push(ids);
    }
    let mut out: Option<Sql> = None;
    for p in parts {
        let mut next = match out.take() {
            None => Sql::new("("),
            Some(mut o) => {
                o.push(" OR (");
                o
            }
        };
        next.append(&p);
        next.push(")");
        out = Some(next);
    }
    out
}

/// Recomputes every sensor's profile: Default, then each profile's claim in the order they
/// were assigned, so the latest wins.
async fn reassign(tx: &mut Tx, engine: super::db::Engine, now: i64) -> sqlx::Result<()> {
    let rows: Vec<ProfileRow> = Sql::new(format!(
        "SELECT {COLUMNS} FROM sensor_profiles WHERE is_default = 0 ORDER BY assigned, id"
    ))
    .fetch_all(Exec::from(&mut *tx))
    .await?;
    Sql::new(
        "UPDATE sensors SET configuration_profile = ? \
         WHERE configuration_profile IS NULL OR configuration_profile <> ?",
    )
    .bind(DEFAULT_PROFILE)
    .bind(DEFAULT_PROFILE)
    .execute(Exec::from(&mut *tx))
    .await?;
    for r in rows {
        if let Some(cond) = claim(&r.body(), engine, now) {
            let mut sql = Sql::new("UPDATE sensors SET configuration_profile = ");
            sql.push_bind(r.name.as_str());
            sql.push(" WHERE id IN (SELECT s.id FROM sensors s WHERE ");
            sql.append(&cond);
            sql.push(")");
            sql.execute(Exec::from(&mut *tx)).await?;
        }
    }
    super::derive::bump_version(tx).await
}

/// One sensor's profile, by the same rule as [`reassign`] (the latest assigned claim wins):
/// for a sensor that registered or changed what it says of itself.
pub(crate) async fn assign_one(
    tx: &mut Tx,
    engine: super::db::Engine,
    sensor: i64,
    now: i64,
) -> sqlx::Result<String> {
    let rows: Vec<ProfileRow> = Sql::new(format!(
        "SELECT {COLUMNS} FROM sensor_profiles WHERE is_default = 0 ORDER BY assigned DESC, id DESC"
    ))
    .fetch_all(Exec::from(&mut *tx))
    .await?;
    let mut name = DEFAULT_PROFILE.to_string();
    for r in rows {
        if let Some(cond) = claim(&r.body(), engine, now) {
            let mut sql = Sql::new("SELECT count(*) FROM sensors s WHERE s.id = ");
            sql.push_bind(sensor);
            sql.push(" AND (");
            sql.append(&cond);
            sql.push(")");
            let n: i64 = sql.scalar(Exec::from(&mut *tx)).await?;
            if n > 0 {
                name = r.name;
                break;
            }
        }
    }
    Sql::new(
        "UPDATE sensors SET configuration_profile = ? WHERE id = ?          AND (configuration_profile IS NULL OR configuration_profile <> ?)",
    )
    .bind(name.as_str())
    .bind(sensor)
    .bind(name.as_str())
    .execute(Exec::from(&mut *tx))
    .await?;
    Ok(name)
}

/// Adds a sensor to a profile's listed sensors (an activation key's profile); false when no
/// profile has this id.
pub(crate) async fn add_to_profile(
    tx: &mut Tx,
    profile_id: &str,
    sensor_uuid: &str,
) -> sqlx::Result<bool> {
    let Some(row) = profile_row(Exec::from(&mut *tx), profile_id).await? else {
        return Ok(false);
    };
    if row.is_default != 0 {
        return Ok(true);
    }
    let mut body = row.body();
    if !body.associated_sensor_ids.iter().any(|s| s == sensor_uuid) {
        body.associated_sensor_ids.push(sensor_uuid.to_string());
    }
    Sql::new("UPDATE sensor_profiles SET body = ?, version = version + 1 WHERE id = ?")
        .bind(serde_json::to_string(&body).unwrap_or_default())
        .bind(profile_id)
        .execute(Exec::from(&mut *tx))
        .await?;
    Ok(true)
}

/// Profiles' settings by name as check-ins read them, each kept a second: thousands of sensors
/// checking in read one row a second instead of one each. A change made through this process
/// clears it (its writes below), so it is seen at once; other server processes see it within
/// the second.
#[derive(Default)]
pub(crate) struct ProfileCache(std::sync::Mutex<std::collections::HashMap<String, CachedConfig>>);

type CachedConfig = (std::time::Instant, shipshape_model::profile::ProfileConfig);

impl ProfileCache {
    const KEPT: std::time::Duration = std::time::Duration::from_secs(1);

    pub(crate) fn get(&self, name: &str) -> Option<shipshape_model::profile::ProfileConfig> {
        let cache = self.0.lock().ok()?;
        let (at, config) = cache.get(name)?;
        (at.elapsed() < Self::KEPT).then(|| config.clone())
    }

    pub(crate) fn put(&self, name: &str, config: &shipshape_model::profile::ProfileConfig) {
        if let Ok(mut cache) = self.0.lock() {
            cache.insert(
                name.to_string(),
                (std::time::Instant::now(), config.clone()),
            );
        }
    }

    fn clear(&self) {
        if let Ok(mut cache) = self.0.lock() {
            cache.clear();
        }
    }
}

/// The profile of this name's settings (Default's when it has gone).
pub(crate) async fn profile_config(
    db: &super::db::Db,
    name: &str,
) -> sqlx::Result<shipshape_model::profile::ProfileConfig> {
    let rows: Vec<ProfileRow> = Sql::new(format!(
        "SELECT {COLUMNS} FROM sensor_profiles WHERE name = ? OR is_default = 1 ORDER BY is_default"
    ))
    .bind(name)
    .fetch_all(db)
    .await?;
    Ok(rows
        .first()
        .map(|r| r.body().config)
        .unwrap_or_else(|| SensorProfileBody::default().config))
}

impl Store {
    /// Every profile, Default first then by name, with its sensors counted and its windows at
    /// `now`.
    pub async fn profiles(&self, now: i64) -> sqlx::Result<Vec<SensorProfile>> {
        let rows: Vec<ProfileRow> = Sql::new(format!(
            "SELECT {COLUMNS} FROM sensor_profiles ORDER BY is_default DESC, lower(name)"
        ))
        .fetch_all(self.db())
        .await?;
        let counts = self.profile_counts().await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let claimed = self.profile_matches(&r.body(), now).await?;
            out.push(to_profile(r, &counts, claimed, now));
        }
        Ok(out)
    }

    pub async fn profile(&self, id: &str, now: i64) -> sqlx::Result<Option<SensorProfile>> {
        let row: Option<ProfileRow> = profile_row(self.db(), id).await?;
        let counts = self.profile_counts().await?;
        match row {
            Some(r) => {
                let claimed = self.profile_matches(&r.body(), now).await?;
                Ok(Some(to_profile(r, &counts, claimed, now)))
            }
            None => Ok(None),
        }
    }

    /// How many sensors use each profile (by name).
    async fn profile_counts(&self) -> sqlx::Result<HashMap<String, u64>> {
        #[derive(sqlx::FromRow)]
        struct Count {
            name: Option<String>,
            n: i64,
        }
        let rows: Vec<Count> = Sql::new(
            "SELECT configuration_profile AS name, count(*) AS n FROM sensors \
             GROUP BY configuration_profile",
        )
        .fetch_all(self.db())
        .await?;
        Ok(rows
            .into_iter()
            .map(|c| {
                (
                    c.name.unwrap_or_else(|| DEFAULT_PROFILE.into()),
                    c.n.max(0) as u64,
                )
            })
            .collect())
    }

    /// How many sensors a profile's claim matches (what it would take if assigned last).
    pub async fn profile_matches(&self, body: &SensorProfileBody, now: i64) -> sqlx::Result<u64> {
        let Some(cond) = claim(body, self.engine(), now) else {
            return Ok(0);
        };
        let mut sql = Sql::new("SELECT count(*) FROM sensors s WHERE ");
        sql.append(&cond);
        let n: i64 = sql.scalar(self.db()).await?;
        Ok(n.max(0) as u64)
    }

    /// The windows' state of every profile at `now`, by name (for sensor objects).
    pub async fn profile_windows(
        &self,
        now: i64,
    ) -> sqlx::Result<HashMap<String, shipshape_model::profile::WindowState>> {
        let rows: Vec<ProfileRow> = Sql::new(format!("SELECT {COLUMNS} FROM sensor_profiles"))
            .fetch_all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let state = crate::windows::state(&r.body().config, now);
                (r.name, state)
            })
            .collect())
    }

    /// Creates a profile and assigns its sensors; the audit entry holds the body.
    pub async fn create_profile(
        &self,
        body: &SensorProfileBody,
        actor: &str,
    ) -> Result<SensorProfile, ProfileRefused> {
        let now = now_ms();
        let id = uuid::Uuid::new_v4().to_string();
        let mut tx = self.write_tx().await?;
        if name_taken(&mut tx, &body.profile_name, None).await? {
            return Err(ProfileRefused::NameTaken(body.profile_name.clone()));
        }
        Sql::new(
            "INSERT INTO sensor_profiles (id, name, body, is_default, created, updated, assigned) \
             VALUES (?, ?, ?, 0, ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(body.profile_name.as_str())
        .bind(serde_json::to_string(body).unwrap_or_default())
        .bind(now)
        .bind(now)
        .bind(now)
        .execute(Exec::from(&mut tx))
        .await?;
        reassign(&mut tx, self.engine(), now).await?;
        record(
            &mut tx,
            actor,
            "SENSOR_PROFILE_CREATE",
            serde_json::json!({ "id": id, "before": null, "after": body }),
        )
        .await?;
        tx.commit().await?;
        self.profile_cache.clear();
        self.profile(&id, now)
            .await?
            .ok_or(ProfileRefused::NotFound)
    }

    /// Replaces a profile if its version is still `expected`; sensors are assigned again when
    /// its ids or filter changed (which makes it the latest assigned).
    pub async fn update_profile(
        &self,
        id: &str,
        body: &SensorProfileBody,
        expected: i64,
        actor: &str,
    ) -> Result<SensorProfile, ProfileRefused> {
        let now = now_ms();
        let mut tx = self.write_tx().await?;
        let row: Option<ProfileRow> = profile_row(Exec::from(&mut tx), id).await?;
        let Some(row) = row else {
            return Err(ProfileRefused::NotFound);
        };
        if row.version != expected {
            return Err(ProfileRefused::Stale);
        }
        if name_taken(&mut tx, &body.profile_name, Some(id)).await? {
            return Err(ProfileRefused::NameTaken(body.profile_name.clone()));
        }
        let before = row.body();
        let claim_changed = before.filter != body.filter
            || before.associated_sensor_ids != body.associated_sensor_ids;
        let assigned = if claim_changed { now } else { row.assigned };
        let n = Sql::new(
            "UPDATE sensor_profiles SET name = ?, body = ?, updated = ?, assigned = ?, \
             version = version + 1 WHERE id = ? AND version = ?",
        )
        .bind(body.profile_name.as_str())
        .bind(serde_json::to_string(body).unwrap_or_default())
        .bind(now)
        .bind(assigned)
        .bind(id)
        .bind(expected)
        .execute(Exec::from(&mut tx))
        .await?;
        if n != 1 {
            return Err(ProfileRefused::Stale);
        }
        if claim_changed || before.profile_name != body.profile_name {
            reassign(&mut tx, self.engine(), now).await?;
        }
        record(
            &mut tx,
            actor,
            "SENSOR_PROFILE_UPDATE",
            serde_json::json!({ "id": id, "before": before, "after": body }),
        )
        .await?;
        tx.commit().await?;
        self.profile_cache.clear();
        self.profile(id, now).await?.ok_or(ProfileRefused::NotFound)
    }

    /// Deletes a profile (not Default); its sensors go back to whichever profile claims them
    /// next, or Default.
    pub async fn delete_profile(&self, id: &str, actor: &str) -> Result<(), ProfileRefused> {
        let now = now_ms();
        let mut tx = self.write_tx().await?;
        let row: Option<ProfileRow> = profile_row(Exec::from(&mut tx), id).await?;
        let Some(row) = row else {
            return Err(ProfileRefused::NotFound);
        };
        if row.is_default != 0 {
            return Err(ProfileRefused::Default);
        }
        Sql::new("DELETE FROM sensor_profiles WHERE id = ?")
            .bind(id)
            .execute(Exec::from(&mut tx))
            .await?;
        reassign(&mut tx, self.engine(), now).await?;
        record(
            &mut tx,
            actor,
            "SENSOR_PROFILE_DELETE",
            serde_json::json!({ "id": id, "before": row.body(), "after": null }),
        )
        .await?;
        tx.commit().await?;
        self.profile_cache.clear();
        Ok(())
    }
}

/// The stored row of profile `id`.
async fn profile_row<'a>(ex: impl Into<Exec<'a>>, id: &str) -> sqlx::Result<Option<ProfileRow>> {
    Sql::new(format!(
        "SELECT {COLUMNS} FROM sensor_profiles WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

async fn name_taken(tx: &mut Tx, name: &str, except: Option<&str>) -> sqlx::Result<bool> {
    let n: i64 =
        Sql::new("SELECT count(*) FROM sensor_profiles WHERE lower(name) = lower(?) AND id <> ?")
            .bind(name)
            .bind(except.unwrap_or(""))
            .scalar(Exec::from(&mut *tx))
            .await?;
    Ok(n > 0)
}

fn to_profile(
    r: ProfileRow,
    counts: &HashMap<String, u64>,
    claimed: u64,
    now: i64,
) -> SensorProfile {
    let body = r.body();
    SensorProfile {
        claimed,
        window: crate::windows::state(&body.config, now),
        sensor_count: counts.get(&r.name).copied().unwrap_or(0),
        id: r.id,
        profile_name: body.profile_name,
        description: body.description,
        profile_type: body.profile_type,
        associated_sensor_ids: body.associated_sensor_ids,
        filter: body.filter,
        config: body.config,
        is_default: r.is_default != 0,
        created: r.created,
        updated: r.updated,
        assigned: r.assigned,
        version: r.version,
    }
}
