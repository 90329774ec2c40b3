//! Sensors: rows, sort columns, lookups and deletes.

use super::db::Sql;
use super::listing::{id_list, in_id_order};
use super::{json_col, Store};
use shipshape_model::profile::DEFAULT_PROFILE;
use shipshape_model::version::update_available;
use shipshape_model::{Cluster, EpochMillis, Sensor};

const COLUMNS: &str = "id, uuid, sensor_id, name, hostname, host_uuid, ipv4, ipv6, mac_address, \
    sensor_version, vuln_sig_version, docker_version, os, platform, sensor_type, status, deployment, \
    configuration_profile, privileged, created, last_checked_in, labels, cluster";

/// `1.25.3` → `00001.00025.00003.00000`: text that sorts like the version.
pub fn version_key(version: &str) -> Option<String> {
    let v = shipshape_model::SensorVersion::parse(version).ok()?;
    let core = v.as_str().split(['-', '+']).next().unwrap_or("");
    let mut parts: Vec<String> = core
        .split('.')
        .map(|p| format!("{:05}", p.parse::<u64>().unwrap_or(0).min(99999)))
        .collect();
    while parts.len() < 4 {
        parts.push("00000".into());
    }
    Some(parts.join("."))
}

/// How a sensor row is written to the API: with extensions, the latest release and each
/// profile's window state now, by profile name (for `inactiveWindow`). Built by
/// [`Store::sensor_view`].
pub struct SensorView {
    pub extensions: bool,
    latest_version: Option<String>,
    windows: std::collections::HashMap<String, shipshape_model::profile::WindowState>,
}

impl Store {
    /// The view for sensor objects; without extensions it reads nothing.
    pub async fn sensor_view(&self, extensions: bool) -> sqlx::Result<SensorView> {
        if !extensions {
            return Ok(SensorView {
                extensions,
                latest_version: None,
                windows: Default::default(),
            });
        }
        Ok(SensorView {
            extensions,
            latest_version: self.sensor_release().await?.map(|r| r.version),
            windows: self.profile_windows(super::now_ms()).await?,
        })
    }
}

/// A sensor row as stored.
#[derive(sqlx::FromRow)]
struct SensorRow {
    id: i64,
    uuid: String,
    sensor_id: String,
    name: String,
    hostname: Option<String>,
    host_uuid: Option<String>,
    ipv4: Option<String>,
    ipv6: Option<String>,
    mac_address: Option<String>,
    sensor_version: Option<String>,
    vuln_sig_version: Option<String>,
    docker_version: Option<String>,
    os: Option<String>,
    platform: Option<String>,
    sensor_type: String,
    status: String,
    deployment: Option<String>,
    configuration_profile: Option<String>,
    privileged: bool,
    created: i64,
    last_checked_in: Option<i64>,
    labels: String,
    cluster: Option<String>,
    /// Read beside a page's rows (`Store::page`).
    #[sqlx(default)]
    page_version: Option<i64>,
    #[sqlx(default)]
    page_total: Option<i64>,
}

impl super::listing::PageRow for SensorRow {
    fn page_version(&self) -> Option<i64> {
        self.page_version
    }

    fn page_total(&self) -> Option<i64> {
        self.page_total
    }
}

fn decode<T: std::str::FromStr<Err = String>>(v: &str) -> sqlx::Result<T> {
    v.parse().map_err(|e: String| sqlx::Error::Decode(e.into()))
}

impl SensorRow {
    fn into_sensor(self, view: &SensorView) -> sqlx::Result<Sensor> {
        let window = view
            .extensions
            .then(|| {
                let w = &view.windows;
                w.get(
                    self.configuration_profile
                        .as_deref()
                        .unwrap_or(DEFAULT_PROFILE),
                )
                .or_else(|| w.get(DEFAULT_PROFILE))
                .cloned()
            })
            .flatten();
        let (deployment, update, latest) = if view.extensions {
            let update = match (
                self.sensor_version.as_deref(),
                view.latest_version.as_deref(),
            ) {
                (Some(v), Some(l)) => Some(update_available(v, l)),
                _ => Some(false),
            };
            (
                self.deployment.and_then(|d| d.parse().ok()),
                update,
                view.latest_version.clone(),
            )
        } else {
            (None, None, None)
        };
        Ok(Sensor {
            uuid: self.uuid,
            sensor_id: self.sensor_id,
            name: self.name,
            hostname: self.hostname,
            host_uuid: self.host_uuid,
            ipv4: self.ipv4,
            ipv6: self.ipv6,
            mac_address: self.mac_address,
            sensor_version: self.sensor_version,
            vuln_sig_version: self.vuln_sig_version,
            docker_version: self.docker_version,
            os: self.os,
            platform: self.platform,
            sensor_type: decode(&self.sensor_type)?,
            status: decode(&self.status)?,
            configuration_profile: self.configuration_profile,
            privileged: self.privileged,
            created: EpochMillis(self.created),
            last_checked_in: self.last_checked_in.map(EpochMillis),
            label: json_col(&self.labels),
            cluster: self
                .cluster
                .and_then(|c| serde_json::from_str::<Cluster>(&c).ok()),
            deployment,
            update_available: update,
            latest_version: latest,
            inactive_window: window,
        })
    }
}

/// A sensor's row id, uuid and status (what a delete checks).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SensorRef {
    pub id: i64,
    pub uuid: String,
    pub sensor_id: String,
}

impl Store {
    /// A page of sensors and how many match.
    pub async fn list_sensors(
        &self,
        q: &super::ListQuery,
        view: &SensorView,
    ) -> Result<(u64, Vec<Sensor>), super::listing::ListError> {
        let (count, rows) = self.page::<SensorRow>(q, COLUMNS).await?;
        let page = rows
            .into_iter()
            .map(|r| r.into_sensor(view))
            .collect::<sqlx::Result<Vec<_>>>()?;
        Ok((count, page))
    }

    pub async fn sensors_by_ids(
        &self,
        ids: &[i64],
        view: &SensorView,
    ) -> sqlx::Result<Vec<Sensor>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<SensorRow> = id_list(&format!("SELECT {COLUMNS} FROM sensors WHERE id"), ids)
            .fetch_all(self.db())
            .await?;
        let mapped = rows
            .into_iter()
            .map(|r| Ok((r.id, r.into_sensor(view)?)))
            .collect::<sqlx::Result<Vec<_>>>()?;
        Ok(in_id_order(ids, mapped))
    }

    pub async fn sensor_by_uuid(
        &self,
        uuid: &str,
        view: &SensorView,
    ) -> sqlx::Result<Option<Sensor>> {
        let row: Option<SensorRow> = Sql::new(format!(
            "SELECT {COLUMNS} FROM sensors WHERE uuid = ? OR sensor_id = ? ORDER BY id LIMIT 1"
        ))
        .bind(uuid)
        .bind(uuid)
        .fetch_optional(self.db())
        .await?;
        row.map(|r| r.into_sensor(view)).transpose()
    }

    /// The sensors with these uuids (or sensor ids).
    pub async fn sensor_refs(&self, uuids: &[String]) -> sqlx::Result<Vec<SensorRef>> {
        let mut out = Vec::new();
        for chunk in uuids.chunks(500) {
            let mut sql = Sql::new("SELECT id, uuid, sensor_id FROM sensors WHERE uuid IN (");
            sql.push_list(chunk.iter().map(String::as_str))
                .push(") OR sensor_id IN (")
                .push_list(chunk.iter().map(String::as_str))
                .push(")");
            out.extend(sql.fetch_all::<SensorRef>(self.db()).await?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_keys_sort_like_versions() {
        let a = version_key("1.9.3").unwrap();
        let b = version_key("1.10.0").unwrap();
        assert!(a < b);
        assert_eq!(version_key("1.2").unwrap(), version_key("1.2.0").unwrap());
        assert!(version_key("x").is_none());
    }
}
