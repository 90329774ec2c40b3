//! Sensors: rows, sort columns, lookups and deletes.

use super::listing::{in_id_order, placeholders};
use super::{json_col, Store};
use shipshape_model::version::update_available;
use shipshape_model::{Cluster, EpochMillis, Sensor};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

/// Sortable tokens and the SQL they sort by.
pub const SORT_COLUMNS: &[(&str, &str)] = &[
    ("uuid", "s.uuid"),
    ("sensorId", "s.sensor_id"),
    ("name", "s.name"),
    ("hostname", "s.hostname"),
    ("ipv4", "s.ipv4"),
    ("sensorVersion", "s.version_key"),
    ("sensorType", "s.sensor_type"),
    ("status", "s.status"),
    ("deployment", "s.deployment"),
    ("configurationProfile", "s.configuration_profile"),
    ("created", "s.created"),
    ("lastCheckedIn", "s.last_checked_in"),
    ("cluster.name", "s.cluster_name"),
    ("platform", "s.platform"),
    ("os", "s.os"),
    ("dockerVersion", "s.docker_version"),
    ("updateAvailable", crate::filter::targets::UPDATE_AVAILABLE),
    ("hostUuid", "s.host_uuid"),
    ("ipv6", "s.ipv6"),
    ("macAddress", "s.mac_address"),
    ("vulnSigVersion", "s.vuln_sig_version"),
    ("privileged", "s.privileged"),
    ("latestVersion", crate::filter::targets::LATEST_VERSION),
];

const COLUMNS: &str = "id, uuid, sensor_id, name, hostname, host_uuid, ipv4, ipv6, mac_address, sensor_version, \
    vuln_sig_version, docker_version, os, platform, sensor_type, status, deployment, configuration_profile, \
    privileged, created, last_checked_in, labels, cluster";

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

/// How a sensor row is written to the API.
pub struct SensorView<'a> {
    pub extensions: bool,
    pub latest_version: Option<&'a str>,
}

fn sensor_from_row(row: &SqliteRow, view: &SensorView) -> sqlx::Result<Sensor> {
    let status: String = row.try_get("status")?;
    let sensor_type: String = row.try_get("sensor_type")?;
    let deployment: Option<String> = row.try_get("deployment")?;
    let version: Option<String> = row.try_get("sensor_version")?;
    let labels: String = row.try_get("labels")?;
    let cluster: Option<String> = row.try_get("cluster")?;
    let (deployment, update, latest) = if view.extensions {
        let update = match (version.as_deref(), view.latest_version) {
            (Some(v), Some(l)) => Some(update_available(v, l)),
            _ => Some(false),
        };
        (
            deployment.and_then(|d| d.parse().ok()),
            update,
            view.latest_version.map(str::to_string),
        )
    } else {
        (None, None, None)
    };
    Ok(Sensor {
        uuid: row.try_get("uuid")?,
        sensor_id: row.try_get("sensor_id")?,
        name: row.try_get("name")?,
        hostname: row.try_get("hostname")?,
        host_uuid: row.try_get("host_uuid")?,
        ipv4: row.try_get("ipv4")?,
        ipv6: row.try_get("ipv6")?,
        mac_address: row.try_get("mac_address")?,
        sensor_version: version,
        vuln_sig_version: row.try_get("vuln_sig_version")?,
        docker_version: row.try_get("docker_version")?,
        os: row.try_get("os")?,
        platform: row.try_get("platform")?,
        sensor_type: sensor_type
            .parse()
            .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
        status: status
            .parse()
            .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
        configuration_profile: row.try_get("configuration_profile")?,
        privileged: row.try_get::<i64, _>("privileged")? != 0,
        created: EpochMillis(row.try_get("created")?),
        last_checked_in: row
            .try_get::<Option<i64>, _>("last_checked_in")?
            .map(EpochMillis),
        label: json_col(&labels),
        cluster: cluster.and_then(|c| serde_json::from_str::<Cluster>(&c).ok()),
        deployment,
        update_available: update,
        latest_version: latest,
    })
}

impl Store {
    pub async fn sensors_by_ids(
        &self,
        ids: &[i64],
        view: &SensorView<'_>,
    ) -> sqlx::Result<Vec<Sensor>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM sensors WHERE id IN ({})",
            placeholders(ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mapped = rows
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>("id")?, sensor_from_row(r, view)?)))
            .collect::<sqlx::Result<Vec<_>>>()?;
        Ok(in_id_order(ids, mapped))
    }

    pub async fn sensor_by_uuid(
        &self,
        uuid: &str,
        view: &SensorView<'_>,
    ) -> sqlx::Result<Option<Sensor>> {
        let sql = format!("SELECT {COLUMNS} FROM sensors WHERE uuid = ? OR sensor_id = ? LIMIT 1");
        let row = sqlx::query(&sql)
            .bind(uuid)
            .bind(uuid)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| sensor_from_row(&r, view)).transpose()
    }

    /// (row id, uuid, status, sensor id) of the sensors with these uuids (or sensor ids).
    pub async fn sensor_refs(
        &self,
        uuids: &[String],
    ) -> sqlx::Result<Vec<(i64, String, String, String)>> {
        if uuids.is_empty() {
            return Ok(Vec::new());
        }
        let p = placeholders(uuids.len());
        let sql = format!("SELECT id, uuid, status, sensor_id FROM sensors WHERE uuid IN ({p}) OR sensor_id IN ({p})");
        let mut q = sqlx::query_as(&sql);
        for u in uuids.iter().chain(uuids.iter()) {
            q = q.bind(u);
        }
        q.fetch_all(&self.pool).await
    }

    pub async fn sensor_refs_by_ids(
        &self,
        ids: &[i64],
    ) -> sqlx::Result<Vec<(i64, String, String, String)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, uuid, status, sensor_id FROM sensors WHERE id IN ({})",
            placeholders(ids.len())
        );
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(&self.pool).await
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
