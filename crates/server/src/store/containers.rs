//! Containers: rows, details, lookups and deletes. A container's software and findings are
//! those of the image it runs.

use super::listing::{in_id_order, placeholders, severity_counts};
use super::{json_col, Store};
use shipshape_model::{Cluster, Container, ContainerDetails, EpochMillis, HostRef, SeverityCounts};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

pub const SORT_COLUMNS: &[(&str, &str)] = &[
    ("uuid", "c.uuid"),
    ("containerId", "c.container_id"),
    ("sha", "c.sha"),
    ("name", "c.name"),
    ("state", "c.state"),
    ("imageId", "c.image_id"),
    ("imageUuid", "c.image_uuid"),
    ("imageSha", "c.image_sha"),
    ("created", "c.created"),
    ("updated", "c.updated"),
    ("stateChanged", "c.state_changed"),
    ("lastScanned", "c.last_scanned"),
    ("isRoot", "c.is_root"),
    ("privileged", "c.privileged"),
    ("host.hostname", "c.host_hostname"),
    ("host.ipAddress", "c.host_ip"),
    ("host.sensorUuid", "c.sensor_uuid"),
    ("cluster.name", "c.cluster_name"),
    ("cluster.namespace", "c.cluster_namespace"),
    ("operatingSystem", "c.operating_system"),
];

const COLUMNS: &str = "id, uuid, container_id, sha, name, image_ref, image_id, image_uuid, image_sha, created, \
    updated, state_changed, last_scanned, state, sensor_uuid, host_uuid, host_hostname, host_ip, is_root, \
    privileged, sev1, sev2, sev3, sev4, sev5, cluster, command, arguments, environment, ports, labels, operating_system";

pub(crate) fn host_from_row(row: &SqliteRow) -> sqlx::Result<Option<HostRef>> {
    let sensor: Option<String> = row.try_get("sensor_uuid")?;
    Ok(match sensor {
        Some(sensor_uuid) => Some(HostRef {
            sensor_uuid,
            hostname: row.try_get("host_hostname")?,
            ip_address: row.try_get("host_ip")?,
            uuid: row.try_get("host_uuid")?,
        }),
        None => None,
    })
}

fn container_from_row(row: &SqliteRow) -> sqlx::Result<Container> {
    let state: String = row.try_get("state")?;
    let cluster: Option<String> = row.try_get("cluster")?;
    Ok(Container {
        uuid: row.try_get("uuid")?,
        container_id: row.try_get("container_id")?,
        sha: row.try_get("sha")?,
        name: row.try_get("name")?,
        image_id: row.try_get("image_id")?,
        image_uuid: row.try_get("image_uuid")?,
        image_sha: row.try_get("image_sha")?,
        created: EpochMillis(row.try_get("created")?),
        updated: EpochMillis(row.try_get("updated")?),
        state_changed: row
            .try_get::<Option<i64>, _>("state_changed")?
            .map(EpochMillis),
        last_scanned: row
            .try_get::<Option<i64>, _>("last_scanned")?
            .map(EpochMillis),
        state: state
            .parse()
            .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
        host: host_from_row(row)?,
        is_root: row.try_get::<i64, _>("is_root")? != 0,
        privileged: row.try_get::<i64, _>("privileged")? != 0,
        vulnerabilities: severity_counts(row)?,
        cluster: cluster.and_then(|c| serde_json::from_str::<Cluster>(&c).ok()),
    })
}

impl Store {
    async fn container_rows(&self, ids: &[i64]) -> sqlx::Result<Vec<SqliteRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM containers WHERE id IN ({})",
            placeholders(ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(&self.pool).await
    }

    pub async fn containers_by_ids(&self, ids: &[i64]) -> sqlx::Result<Vec<Container>> {
        let rows = self.container_rows(ids).await?;
        let mapped = rows
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>("id")?, container_from_row(r)?)))
            .collect::<sqlx::Result<Vec<_>>>()?;
        Ok(in_id_order(ids, mapped))
    }

    pub async fn container_details_by_ids(
        &self,
        ids: &[i64],
    ) -> sqlx::Result<Vec<ContainerDetails>> {
        let rows = self.container_rows(ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut by_image: std::collections::HashMap<
            i64,
            (
                Vec<shipshape_model::Software>,
                Vec<shipshape_model::Vulnerability>,
            ),
        > = std::collections::HashMap::new();
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let image_ref: i64 = r.try_get("image_ref")?;
            // Containers of one image share its software and findings: query them once per image.
            let (softwares, vulnerabilities) = match by_image.get(&image_ref) {
                Some(found) => found.clone(),
                None => {
                    let found = (
                        self.image_software(image_ref).await?,
                        self.image_vulns(image_ref).await?,
                    );
                    by_image.insert(image_ref, found.clone());
                    found
                }
            };
            let c = container_from_row(r)?;
            let arguments: String = r.try_get("arguments")?;
            let environment: String = r.try_get("environment")?;
            let ports: String = r.try_get("ports")?;
            let labels: String = r.try_get("labels")?;
            let env: Vec<String> = json_col(&environment);
            out.push((
                id,
                ContainerDetails {
                    uuid: c.uuid,
                    container_id: c.container_id,
                    sha: c.sha,
                    name: c.name,
                    image_id: c.image_id,
                    image_uuid: c.image_uuid,
                    image_sha: c.image_sha,
                    created: c.created,
                    updated: c.updated,
                    state_changed: c.state_changed,
                    last_scanned: c.last_scanned,
                    state: c.state,
                    host: c.host,
                    is_root: c.is_root,
                    privileged: c.privileged,
                    cluster: c.cluster,
                    command: r.try_get("command")?,
                    arguments: json_col(&arguments),
                    environment: env.iter().map(|e| mask_env(e)).collect(),
                    port_mapping: json_col(&ports),
                    label: json_col(&labels),
                    operating_system: r.try_get("operating_system")?,
                    softwares,
                    vulnerabilities,
                    vuln_summary: Some(c.vulnerabilities),
                },
            ));
        }
        Ok(in_id_order(ids, out))
    }

    /// (row id, image row id) of the container with this sha (full) or container id (12 hex).
    pub async fn container_ref(&self, sha_or_id: &str) -> sqlx::Result<Option<(i64, i64)>> {
        let key = super::images::normalise_sha(sha_or_id);
        sqlx::query_as("SELECT id, image_ref FROM containers WHERE sha = ? OR container_id = ? ORDER BY id LIMIT 1")
            .bind(&key)
            .bind(&key)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn container_counts(&self, id: i64) -> sqlx::Result<SeverityCounts> {
        let row = sqlx::query("SELECT sev1, sev2, sev3, sev4, sev5 FROM containers WHERE id = ?")
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        severity_counts(&row)
    }

    /// (row id, image row id, sha, container id) of containers with these shas or container ids.
    pub async fn container_refs(
        &self,
        keys: &[String],
    ) -> sqlx::Result<Vec<(i64, i64, String, String)>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = keys
            .iter()
            .map(|k| super::images::normalise_sha(k))
            .collect();
        let p = placeholders(keys.len());
        let sql = format!("SELECT id, image_ref, sha, container_id FROM containers WHERE sha IN ({p}) OR container_id IN ({p})");
        let mut q = sqlx::query_as(&sql);
        for k in keys.iter().chain(keys.iter()) {
            q = q.bind(k);
        }
        q.fetch_all(&self.pool).await
    }

    pub async fn container_image_refs(&self, ids: &[i64]) -> sqlx::Result<Vec<(i64, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, image_ref FROM containers WHERE id IN ({})",
            placeholders(ids.len())
        );
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(&self.pool).await
    }
}

/// `NAME=value` → `NAME=***`: environment values often hold secrets.
fn mask_env(entry: &str) -> String {
    match entry.split_once('=') {
        Some((name, _)) => format!("{name}=***"),
        None => entry.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn environment_values_are_masked() {
        assert_eq!(super::mask_env("DB_PASSWORD=hunter2"), "DB_PASSWORD=***");
        assert_eq!(super::mask_env("PATH"), "PATH");
    }
}
