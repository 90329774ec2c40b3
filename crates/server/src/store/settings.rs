//! Server settings and secrets stored as versioned JSON values.

use super::{now_ms, Store};

pub const JWT_SECRET: &str = "jwtSecret";
pub const SENSOR_RELEASE: &str = "sensorRelease";

/// The latest released sensor version the server knows (`PUT …/settings/sensorRelease`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SensorRelease {
    pub version: String,
    pub release_notes_url: Option<String>,
}

impl Store {
    pub async fn setting(&self, key: &str) -> sqlx::Result<Option<(serde_json::Value, i64)>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT value, version FROM settings WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(v, ver)| {
            (
                serde_json::from_str(&v).unwrap_or(serde_json::Value::Null),
                ver,
            )
        }))
    }

    pub async fn put_setting(&self, key: &str, value: &serde_json::Value) -> sqlx::Result<i64> {
        let text = value.to_string();
        sqlx::query_scalar(
            "INSERT INTO settings (key, value, version, updated) VALUES (?, ?, 1, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = settings.version + 1,
             updated = excluded.updated RETURNING version",
        )
        .bind(key)
        .bind(text)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await
    }

    /// The JWT signing secret, generated and stored on first use.
    pub async fn jwt_secret(&self) -> anyhow::Result<Vec<u8>> {
        use base64::Engine;
        if let Some((serde_json::Value::String(s), _)) = self.setting(JWT_SECRET).await? {
            return Ok(base64::engine::general_purpose::STANDARD.decode(s)?);
        }
        let secret: [u8; 32] = rand::random();
        let encoded = base64::engine::general_purpose::STANDARD.encode(secret);
        // Two processes starting at once: the first insert wins and both read it back.
        sqlx::query(
            "INSERT OR IGNORE INTO settings (key, value, version, updated) VALUES (?, ?, 1, ?)",
        )
        .bind(JWT_SECRET)
        .bind(serde_json::Value::String(encoded).to_string())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        match self.setting(JWT_SECRET).await? {
            Some((serde_json::Value::String(s), _)) => {
                Ok(base64::engine::general_purpose::STANDARD.decode(s)?)
            }
            _ => anyhow::bail!("JWT secret missing after insert"),
        }
    }

    pub async fn sensor_release(&self) -> sqlx::Result<Option<SensorRelease>> {
        Ok(self
            .setting(SENSOR_RELEASE)
            .await?
            .and_then(|(v, _)| serde_json::from_value(v).ok()))
    }
}
