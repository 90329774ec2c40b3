//! Containers: rows, details and lookups. A container's software and findings are those of
//! the image it runs.

use super::db::Sql;
use super::images::SeverityColumns;
use super::listing::{id_list, in_id_order};
use super::{json_col, Store};
use shipshape_model::{Cluster, Container, ContainerDetails, EpochMillis, HostRef, SeverityCounts};

/// The columns a list row shows (a macro, so both column lists below are built from it).
macro_rules! list_columns {
    () => {
        "id, uuid, container_id, sha, name, image_ref, image_id, image_uuid, image_sha, created, \
         updated, state_changed, last_scanned, state, sensor_uuid, host_uuid, host_hostname, \
         host_ip, is_root, privileged, sev1, sev2, sev3, sev4, sev5, cluster"
    };
}
/// A list page's columns: the details' own are placeholders, so a page reads none of their
/// text and every column is still decoded strictly.
const LIST_COLUMNS: &str = concat!(
    list_columns!(),
    ", NULL AS command, '' AS arguments, '' AS environment, '' AS ports, '' AS labels, \
     NULL AS operating_system"
);
/// Every column: a list row's and the details' own.
const COLUMNS: &str = concat!(
    list_columns!(),
    ", command, arguments, environment, ports, labels, operating_system"
);

/// The host columns of a container row.
#[derive(sqlx::FromRow)]
pub struct HostColumns {
    sensor_uuid: Option<String>,
    host_uuid: Option<String>,
    host_hostname: Option<String>,
    host_ip: Option<String>,
}

impl HostColumns {
    pub fn into_host(self) -> Option<HostRef> {
        let sensor_uuid = self.sensor_uuid?;
        Some(HostRef {
            sensor_uuid,
            hostname: self.host_hostname,
            ip_address: self.host_ip,
            uuid: self.host_uuid,
        })
    }
}

/// A container row as stored.
#[derive(sqlx::FromRow)]
struct ContainerRow {
    id: i64,
    uuid: String,
    container_id: String,
    sha: String,
    name: Option<String>,
    image_ref: i64,
    image_id: String,
    image_uuid: String,
    image_sha: String,
    created: i64,
    updated: i64,
    state_changed: Option<i64>,
    last_scanned: Option<i64>,
    state: String,
    #[sqlx(flatten)]
    host: HostColumns,
    is_root: bool,
    privileged: bool,
    #[sqlx(flatten)]
    sev: SeverityColumns,
    cluster: Option<String>,
    command: Option<String>,
    arguments: String,
    environment: String,
    ports: String,
    labels: String,
    operating_system: Option<String>,
    /// Read beside a page's rows (`Store::page`).
    #[sqlx(default)]
    page_version: Option<i64>,
    #[sqlx(default)]
    page_total: Option<i64>,
}

impl super::listing::PageRow for ContainerRow {
    fn page_version(&self) -> Option<i64> {
        self.page_version
    }

    fn page_total(&self) -> Option<i64> {
        self.page_total
    }
}

/// The parts of a row only the details show.
struct DetailParts {
    command: Option<String>,
    arguments: String,
    environment: String,
    ports: String,
    labels: String,
    operating_system: Option<String>,
}

impl ContainerRow {
    fn split(self) -> sqlx::Result<(i64, i64, Container, DetailParts)> {
        let container = Container {
            uuid: self.uuid,
            container_id: self.container_id,
            sha: self.sha,
            name: self.name,
            image_id: self.image_id,
            image_uuid: self.image_uuid,
            image_sha: self.image_sha,
            created: EpochMillis(self.created),
            updated: EpochMillis(self.updated),
            state_changed: self.state_changed.map(EpochMillis),
            last_scanned: self.last_scanned.map(EpochMillis),
            state: self
                .state
                .parse()
                .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
            host: self.host.into_host(),
            is_root: self.is_root,
            privileged: self.privileged,
            vulnerabilities: self.sev.into(),
            cluster: self
                .cluster
                .and_then(|c| serde_json::from_str::<Cluster>(&c).ok()),
        };
        let parts = DetailParts {
            command: self.command,
            arguments: self.arguments,
            environment: self.environment,
            ports: self.ports,
            labels: self.labels,
            operating_system: self.operating_system,
        };
        Ok((self.id, self.image_ref, container, parts))
    }
}

/// A container's row id and its image's.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct ContainerRef {
    pub id: i64,
    pub image_ref: i64,
}

/// A container's row id and the ids it is known by.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ContainerKey {
    pub id: i64,
    pub sha: String,
    pub container_id: String,
}

impl Store {
    async fn container_rows(&self, ids: &[i64]) -> sqlx::Result<Vec<ContainerRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        id_list(&format!("SELECT {COLUMNS} FROM containers WHERE id"), ids)
            .fetch_all(self.db())
            .await
    }

    /// A page of containers and how many match.
    pub async fn list_containers(
        &self,
        q: &super::ListQuery,
    ) -> Result<(u64, Vec<Container>), super::listing::ListError> {
        let (count, rows) = self.page::<ContainerRow>(q, LIST_COLUMNS).await?;
        let page = rows
            .into_iter()
            .map(|r| r.split().map(|(_, _, c, _)| c))
            .collect::<sqlx::Result<Vec<_>>>()?;
        Ok((count, page))
    }

    pub async fn containers_by_ids(&self, ids: &[i64]) -> sqlx::Result<Vec<Container>> {
        let rows = self.container_rows(ids).await?;
        let mapped = rows
            .into_iter()
            .map(|r| r.split().map(|(id, _, c, _)| (id, c)))
            .collect::<sqlx::Result<Vec<_>>>()?;
        Ok(in_id_order(ids, mapped))
    }

    pub async fn container_details_by_ids(
        &self,
        ids: &[i64],
    ) -> sqlx::Result<Vec<ContainerDetails>> {
        let rows = self.container_rows(ids).await?;
        self.details_of(ids, rows).await
    }

    /// The details of the container with this sha (full) or container id (12 hex).
    pub async fn container_details(
        &self,
        sha_or_id: &str,
    ) -> sqlx::Result<Option<ContainerDetails>> {
        let key = super::images::normalise_sha(sha_or_id);
        let row: Option<ContainerRow> = Sql::new(format!(
            "SELECT {COLUMNS} FROM containers WHERE sha = ? OR container_id = ? \
             ORDER BY id LIMIT 1"
        ))
        .bind(key.as_str())
        .bind(key.as_str())
        .fetch_optional(self.db())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id = row.id;
        Ok(self.details_of(&[id], vec![row]).await?.pop())
    }

    async fn details_of(
        &self,
        ids: &[i64],
        rows: Vec<ContainerRow>,
    ) -> sqlx::Result<Vec<ContainerDetails>> {
        let rows = rows
            .into_iter()
            .map(ContainerRow::split)
            .collect::<sqlx::Result<Vec<_>>>()?;
        // Containers of one image share its software and findings: read once for the images
        // of every row.
        let mut images: Vec<i64> = rows.iter().map(|r| r.1).collect();
        images.sort_unstable();
        images.dedup();
        let by_image = self.image_contents(&images).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, image_ref, c, parts) in rows {
            let (softwares, vulnerabilities) =
                by_image.get(&image_ref).cloned().unwrap_or_default();
            let env: Vec<String> = json_col(&parts.environment);
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
                    command: parts.command,
                    arguments: json_col(&parts.arguments),
                    environment: env.iter().map(|e| mask_env(e)).collect(),
                    port_mapping: json_col(&parts.ports),
                    label: json_col(&parts.labels),
                    operating_system: parts.operating_system,
                    softwares,
                    vulnerabilities,
                    vuln_summary: Some(c.vulnerabilities),
                },
            ));
        }
        Ok(in_id_order(ids, out))
    }

    /// The container with this sha (full) or container id (12 hex).
    pub async fn container_ref(&self, sha_or_id: &str) -> sqlx::Result<Option<ContainerRef>> {
        let key = super::images::normalise_sha(sha_or_id);
        Sql::new(
            "SELECT id, image_ref FROM containers WHERE sha = ? OR container_id = ? \
             ORDER BY id LIMIT 1",
        )
        .bind(key.as_str())
        .bind(key.as_str())
        .fetch_optional(self.db())
        .await
    }

    pub async fn container_counts(&self, id: i64) -> sqlx::Result<SeverityCounts> {
        let row: SeverityColumns =
            Sql::new("SELECT sev1, sev2, sev3, sev4, sev5 FROM containers WHERE id = ?")
                .bind(id)
                .fetch_one(self.db())
                .await?;
        Ok(row.into())
    }

    /// The containers with these shas or container ids.
    pub async fn container_keys(&self, keys: &[String]) -> sqlx::Result<Vec<ContainerKey>> {
        let keys: Vec<String> = keys
            .iter()
            .map(|k| super::images::normalise_sha(k))
            .collect();
        let mut out = Vec::new();
        for chunk in keys.chunks(500) {
            let mut sql = Sql::new("SELECT id, sha, container_id FROM containers WHERE sha IN (");
            sql.push_list(chunk.iter().map(String::as_str))
                .push(") OR container_id IN (")
                .push_list(chunk.iter().map(String::as_str))
                .push(")");
            out.extend(sql.fetch_all::<ContainerKey>(self.db()).await?);
        }
        Ok(out)
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
