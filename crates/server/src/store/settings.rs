//! Server settings and secrets stored as versioned JSON values.

use super::db::{Exec, Sql, Tx};
use super::{now_ms, Store};

pub const JWT_SECRET: &str = "jwtSecret";
pub const SENSOR_RELEASE: &str = "sensorRelease";
/// The audit action of a sensor release change.
pub const AUDIT_RELEASE: &str = "SETTINGS_SENSOR_RELEASE";
/// The `version_key` of the latest release's version (a JSON string), kept in step with
/// [`SENSOR_RELEASE`] by [`Store::put_setting`]: the QQL token `updateAvailable` compares each
/// sensor's `version_key` with it in SQL (`filter::targets::Computed::UpdateAvailable`).
pub const SENSOR_RELEASE_KEY: &str = "sensorReleaseKey";

pub use shipshape_model::release::SensorRelease;

#[derive(sqlx::FromRow)]
struct SettingRow {
    key: String,
    value: String,
    version: i64,
}

impl Store {
    pub async fn setting(&self, key: &str) -> sqlx::Result<Option<(serde_json::Value, i64)>> {
        let row: Option<SettingRow> =
            Sql::new("SELECT key, value, version FROM settings WHERE key = ?")
                .bind(key)
                .fetch_optional(self.db())
                .await?;
        Ok(row.map(|r| {
            (
                serde_json::from_str(&r.value).unwrap_or(serde_json::Value::Null),
                r.version,
            )
        }))
    }

    pub async fn put_setting(&self, key: &str, value: &serde_json::Value) -> sqlx::Result<i64> {
        let mut tx = self.write_tx().await?;
        let version = write_setting(&mut tx, key, value).await?;
        if key == SENSOR_RELEASE {
            write_release_key(&mut tx, value).await?;
        }
        tx.commit().await?;
        Ok(version)
    }

    /// Replaces the sensor release if its version is still `expected` (0: never set), with an
    /// audit entry holding it before and after. Sensors' `updateAvailable` follows at once.
    pub async fn put_sensor_release(
        &self,
        release: &SensorRelease,
        expected: i64,
        actor: &str,
    ) -> Result<i64, PutRefused> {
        let before = serde_json::to_value(self.sensor_release().await?).unwrap_or_default();
        let value = serde_json::to_value(release).unwrap_or_default();
        let mut tx = self.write_tx().await?;
        let version = change(
            &mut tx,
            SENSOR_RELEASE,
            before,
            &value,
            expected,
            actor,
            AUDIT_RELEASE,
        )
        .await?;
        write_release_key(&mut tx, &value).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The sensor release and its version (0 while never set).
    pub async fn sensor_release_versioned(&self) -> sqlx::Result<(Option<SensorRelease>, i64)> {
        Ok(match self.setting(SENSOR_RELEASE).await? {
            Some((v, version)) => (serde_json::from_value(v).ok(), version),
            None => (None, 0),
        })
    }

    /// The JWT signing key and its version (the `kid` of the tokens signed with it),
    /// generated and stored on first use.
    pub async fn jwt_key(&self) -> anyhow::Result<(Vec<u8>, i64)> {
        use base64::Engine;
        if let Some((serde_json::Value::String(s), v)) = self.setting(JWT_SECRET).await? {
            return Ok((base64::engine::general_purpose::STANDARD.decode(s)?, v));
        }
        // Two processes starting at once: the first insert wins and both read it back.
        Sql::new(
            "INSERT INTO settings (key, value, version, updated) VALUES (?, ?, 1, ?) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(JWT_SECRET)
        .bind(new_secret().to_string())
        .bind(now_ms())
        .execute(self.jobs_db())
        .await?;
        match self.setting(JWT_SECRET).await? {
            Some((serde_json::Value::String(s), v)) => {
                Ok((base64::engine::general_purpose::STANDARD.decode(s)?, v))
            }
            _ => anyhow::bail!("JWT secret missing after insert"),
        }
    }

    /// Replaces the signing key with a new random one: every token signed before is refused
    /// from then on (by every server process, within the session check's cache time). The new
    /// key's version; audited.
    pub async fn rotate_jwt_key(&self, actor: &str) -> anyhow::Result<i64> {
        self.jwt_key().await?;
        let mut tx = self.write_tx().await?;
        let version = write_setting(&mut tx, JWT_SECRET, &new_secret()).await?;
        super::audit::record(
            &mut tx,
            actor,
            "SIGNING_KEY_ROTATE",
            serde_json::json!({ "keyVersion": version }),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The sensor release. A read only: its key is kept in step where the release is written
    /// ([`Store::put_setting`], [`Store::put_sensor_release`]) and when the store opens
    /// ([`sync_release_key`]).
    pub async fn sensor_release(&self) -> sqlx::Result<Option<SensorRelease>> {
        Ok(self
            .setting(SENSOR_RELEASE)
            .await?
            .and_then(|(v, _)| serde_json::from_value(v).ok()))
    }
}

/// Why a settings change was refused.
#[derive(Debug, thiserror::Error)]
pub enum PutRefused {
    #[error("the setting was changed since it was read")]
    Stale,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Inside `tx`: writes `after` under `key` if its version is still `expected` (0: not stored
/// yet), with the audit entry holding `before` and `after`. The new version; `Stale` when
/// another write came first.
pub(super) async fn change(
    tx: &mut Tx,
    key: &str,
    before: serde_json::Value,
    after: &serde_json::Value,
    expected: i64,
    actor: &str,
    action: &str,
) -> Result<i64, PutRefused> {
    let written = if expected == 0 {
        Sql::new(
            "INSERT INTO settings (key, value, version, updated) VALUES (?, ?, 1, ?) \
             ON CONFLICT (key) DO NOTHING RETURNING version",
        )
        .bind(key)
        .bind(after.to_string())
        .bind(now_ms())
    } else {
        Sql::new(
            "UPDATE settings SET value = ?, version = version + 1, updated = ? \
             WHERE key = ? AND version = ? RETURNING version",
        )
        .bind(after.to_string())
        .bind(now_ms())
        .bind(key)
        .bind(expected)
    };
    let version: i64 = written
        .scalar_optional(Exec::from(&mut *tx))
        .await?
        .ok_or(PutRefused::Stale)?;
    super::audit::record(
        tx,
        actor,
        action,
        serde_json::json!({ "before": before, "after": after, "version": version }),
    )
    .await?;
    Ok(version)
}

/// 32 random bytes, base64, as the setting's value.
fn new_secret() -> serde_json::Value {
    use base64::Engine;
    let secret: [u8; 32] = rand::random();
    serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(secret))
}

async fn write_setting(
    tx: &mut super::db::Tx,
    key: &str,
    value: &serde_json::Value,
) -> sqlx::Result<i64> {
    Sql::new(
        "INSERT INTO settings (key, value, version, updated) VALUES (?, ?, 1, ?) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, \
         version = settings.version + 1, updated = excluded.updated RETURNING version",
    )
    .bind(key)
    .bind(value.to_string())
    .bind(now_ms())
    .scalar(Exec::from(&mut *tx))
    .await
}

/// Writes (or removes) [`SENSOR_RELEASE_KEY`] for this release value. Filters on
/// `updateAvailable` depend on it, so the database version moves too (cached counts).
async fn write_release_key(
    tx: &mut super::db::Tx,
    release: &serde_json::Value,
) -> sqlx::Result<()> {
    match release_key(release) {
        Some(k) => {
            write_setting(tx, SENSOR_RELEASE_KEY, &serde_json::Value::String(k)).await?;
        }
        None => {
            Sql::new("DELETE FROM settings WHERE key = ?")
                .bind(SENSOR_RELEASE_KEY)
                .execute(Exec::from(&mut *tx))
                .await?;
        }
    }
    super::derive::bump_version(tx).await
}

/// Brings [`SENSOR_RELEASE_KEY`] in step with the stored release when it is not (a release
/// written before the key existed, or by hand). Run when the store opens, so reads never write.
pub(super) async fn sync_release_key(db: &super::db::Db) -> sqlx::Result<()> {
    let rows: Vec<SettingRow> =
        Sql::new("SELECT key, value, version FROM settings WHERE key IN (?, ?)")
            .bind(SENSOR_RELEASE)
            .bind(SENSOR_RELEASE_KEY)
            .fetch_all(db)
            .await?;
    let get = |k: &str| {
        rows.iter()
            .find(|r| r.key == k)
            .and_then(|r| serde_json::from_str::<serde_json::Value>(&r.value).ok())
    };
    let release = get(SENSOR_RELEASE);
    let wanted = release.as_ref().and_then(release_key);
    let stored = get(SENSOR_RELEASE_KEY).and_then(|v| v.as_str().map(str::to_string));
    if wanted != stored {
        let mut tx = db.begin().await?;
        write_release_key(
            &mut tx,
            release.as_ref().unwrap_or(&serde_json::Value::Null),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The `version_key` of a `sensorRelease` value's version.
fn release_key(release: &serde_json::Value) -> Option<String> {
    release
        .get("version")
        .and_then(|v| v.as_str())
        .and_then(super::sensors::version_key)
}
