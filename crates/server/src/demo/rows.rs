//! Generated rows and their batched inserts (multi-row `INSERT … VALUES`, sized to stay under
//! SQLite's bound-parameter limit).

use crate::store::sensors::version_key;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// SQLite allows 32,766 bound parameters per statement.
const MAX_PARAMS: usize = 32_000;

/// (registry, repository, tag)
pub type RepoRow = (String, String, Option<String>);
/// (name, version, fix version, path)
pub type SoftwareRow = (String, String, Option<String>, String);

pub struct Intel {
    pub active: bool,
    pub exploit: bool,
    pub zero_day: bool,
}

pub struct VulnDef {
    pub qid: i64,
    pub package: String,
    pub title: String,
    pub severity: u8,
    pub cveids: Vec<String>,
    pub cvss: Option<f64>,
    pub cvss3: Option<f64>,
    pub category: String,
    pub published: i64,
    pub fix: Option<String>,
    pub intel: Intel,
}

pub struct SensorRow {
    pub uuid: String,
    pub sensor_id: String,
    pub name: String,
    pub hostname: String,
    pub host_uuid: String,
    pub ipv4: String,
    pub ipv6: Option<String>,
    pub mac: String,
    pub version: String,
    pub vulnsig: String,
    pub docker: Option<String>,
    pub os: String,
    pub platform: String,
    pub sensor_type: &'static str,
    pub status: &'static str,
    pub deployment: &'static str,
    pub profile: String,
    pub privileged: bool,
    pub created: i64,
    pub last_checked_in: i64,
    pub labels: String,
    pub cluster_name: Option<String>,
    pub cluster: Option<String>,
}

/// What containers need to know about their image.
pub struct ImageMeta {
    pub id: i64,
    pub uuid: String,
    pub image_id: String,
    pub sha: String,
    pub repo: usize,
    pub sev: [i64; 5],
    pub os: String,
    pub created: i64,
}

pub struct FindingRow {
    pub qid: i64,
    pub severity: u8,
    pub type_detected: &'static str,
    pub first_found: i64,
    pub last_found: i64,
    pub software: String,
    pub version: String,
    pub fix: Option<String>,
}

pub struct ImageGen {
    pub meta: ImageMeta,
    pub updated: i64,
    pub last_scanned: Option<i64>,
    pub size: i64,
    pub arch: &'static str,
    pub author: Option<String>,
    pub source: String,
    pub scan_status: &'static str,
    pub labels: String,
    pub layers: String,
    pub digests: String,
    pub repos: Vec<RepoRow>,
    pub software: Vec<SoftwareRow>,
    pub findings: Vec<FindingRow>,
}

pub struct ContainerRow {
    pub uuid: String,
    pub container_id: String,
    pub sha: String,
    pub name: String,
    pub image_ref: i64,
    pub image_id: String,
    pub image_uuid: String,
    pub image_sha: String,
    pub created: i64,
    pub updated: i64,
    pub state_changed: i64,
    pub last_scanned: Option<i64>,
    pub state: &'static str,
    pub sensor_uuid: String,
    pub host_uuid: String,
    pub hostname: String,
    pub host_ip: String,
    pub is_root: bool,
    pub privileged: bool,
    pub sev: [i64; 5],
    pub cluster_name: Option<String>,
    pub namespace: Option<String>,
    pub cluster: Option<String>,
    pub command: String,
    pub arguments: String,
    pub environment: String,
    pub ports: String,
    pub labels: String,
    pub os: String,
}

/// Inserts `rows` into `table` in multi-row statements inside one transaction.
async fn insert<'r, T: 'r>(
    conn: &mut SqliteConnection,
    table: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = &'r T>,
    bind: impl Fn(sqlx::query_builder::Separated<'_, '_, Sqlite, &'static str>, &'r T) + Copy,
) -> sqlx::Result<()> {
    let per_batch = (MAX_PARAMS / columns.len()).max(1);
    let rows: Vec<&T> = rows.into_iter().collect();
    sqlx::query("BEGIN").execute(&mut *conn).await?;
    for chunk in rows.chunks(per_batch) {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("INSERT INTO {table} ({}) ", columns.join(", ")));
        qb.push_values(chunk.iter(), |b, row| bind(b, row));
        if let Err(e) = qb.build().execute(&mut *conn).await {
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            return Err(e);
        }
    }
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    Ok(())
}

pub async fn insert_vuln_defs(conn: &mut SqliteConnection, defs: &[VulnDef]) -> sqlx::Result<()> {
    insert(
        conn,
        "vuln_defs",
        &["qid", "title", "severity", "cveids", "cvss_base", "cvss3_base", "category", "published", "patch_available", "threat_intel"],
        defs,
        |mut b, d| {
            b.push_bind(d.qid)
                .push_bind(d.title.clone())
                .push_bind(i64::from(d.severity))
                .push_bind(serde_json::to_string(&d.cveids).unwrap_or_default())
                .push_bind(d.cvss)
                .push_bind(d.cvss3)
                .push_bind(d.category.clone())
                .push_bind(d.published)
                .push_bind(d.fix.is_some())
                .push_bind(
                    serde_json::json!({"activeAttacks": d.intel.active, "publicExploit": d.intel.exploit,
                        "zeroDay": d.intel.zero_day, "highLateralMovement": false, "denialOfService": d.title.contains("Denial of Service")})
                    .to_string(),
                );
        },
    )
    .await
}

pub async fn insert_sensors(conn: &mut SqliteConnection, rows: &[SensorRow]) -> sqlx::Result<()> {
    insert(
        conn,
        "sensors",
        &[
            "uuid",
            "sensor_id",
            "name",
            "hostname",
            "host_uuid",
            "ipv4",
            "ipv6",
            "mac_address",
            "sensor_version",
            "version_key",
            "vuln_sig_version",
            "docker_version",
            "os",
            "platform",
            "sensor_type",
            "status",
            "deployment",
            "configuration_profile",
            "privileged",
            "created",
            "last_checked_in",
            "labels",
            "cluster",
            "cluster_name",
        ],
        rows,
        |mut b, s| {
            b.push_bind(s.uuid.clone())
                .push_bind(s.sensor_id.clone())
                .push_bind(s.name.clone())
                .push_bind(s.hostname.clone())
                .push_bind(s.host_uuid.clone())
                .push_bind(s.ipv4.clone())
                .push_bind(s.ipv6.clone())
                .push_bind(s.mac.clone())
                .push_bind(s.version.clone())
                .push_bind(version_key(&s.version))
                .push_bind(s.vulnsig.clone())
                .push_bind(s.docker.clone())
                .push_bind(s.os.clone())
                .push_bind(s.platform.clone())
                .push_bind(s.sensor_type)
                .push_bind(s.status)
                .push_bind(s.deployment)
                .push_bind(s.profile.clone())
                .push_bind(s.privileged)
                .push_bind(s.created)
                .push_bind(s.last_checked_in)
                .push_bind(s.labels.clone())
                .push_bind(s.cluster.clone())
                .push_bind(s.cluster_name.clone());
        },
    )
    .await
}

pub async fn insert_images(conn: &mut SqliteConnection, images: &[ImageGen]) -> sqlx::Result<()> {
    insert(
        conn,
        "images",
        &[
            "id",
            "uuid",
            "image_id",
            "sha",
            "created",
            "updated",
            "last_scanned",
            "size",
            "operating_system",
            "architecture",
            "author",
            "source",
            "scan_status",
            "labels",
            "layers",
            "repo_digests",
            "sev1",
            "sev2",
            "sev3",
            "sev4",
            "sev5",
        ],
        images,
        |mut b, i| {
            b.push_bind(i.meta.id)
                .push_bind(i.meta.uuid.clone())
                .push_bind(i.meta.image_id.clone())
                .push_bind(i.meta.sha.clone())
                .push_bind(i.meta.created)
                .push_bind(i.updated)
                .push_bind(i.last_scanned)
                .push_bind(i.size)
                .push_bind(i.meta.os.clone())
                .push_bind(i.arch)
                .push_bind(i.author.clone())
                .push_bind(i.source.clone())
                .push_bind(i.scan_status)
                .push_bind(i.labels.clone())
                .push_bind(i.layers.clone())
                .push_bind(i.digests.clone());
            for s in i.meta.sev {
                b.push_bind(s);
            }
        },
    )
    .await?;
    let repos: Vec<(i64, &RepoRow)> = images
        .iter()
        .flat_map(|i| i.repos.iter().map(move |r| (i.meta.id, r)))
        .collect();
    insert(
        conn,
        "image_repos",
        &["image_ref", "registry", "repository", "tag"],
        &repos,
        |mut b, (id, r)| {
            b.push_bind(*id)
                .push_bind(r.0.clone())
                .push_bind(r.1.clone())
                .push_bind(r.2.clone());
        },
    )
    .await?;
    let software: Vec<(i64, &SoftwareRow)> = images
        .iter()
        .flat_map(|i| i.software.iter().map(move |s| (i.meta.id, s)))
        .collect();
    insert(
        conn,
        "image_software",
        &[
            "image_ref",
            "name",
            "version",
            "fix_version",
            "package_path",
        ],
        &software,
        |mut b, (id, s)| {
            b.push_bind(*id)
                .push_bind(s.0.clone())
                .push_bind(s.1.clone())
                .push_bind(s.2.clone())
                .push_bind(s.3.clone());
        },
    )
    .await?;
    let findings: Vec<(i64, &FindingRow)> = images
        .iter()
        .flat_map(|i| i.findings.iter().map(move |f| (i.meta.id, f)))
        .collect();
    insert(
        conn,
        "image_vulns",
        &[
            "image_ref",
            "qid",
            "severity",
            "type_detected",
            "first_found",
            "last_found",
            "software_name",
            "software_version",
            "fix_version",
        ],
        &findings,
        |mut b, (id, f)| {
            b.push_bind(*id)
                .push_bind(f.qid)
                .push_bind(i64::from(f.severity))
                .push_bind(f.type_detected)
                .push_bind(f.first_found)
                .push_bind(f.last_found)
                .push_bind(f.software.clone())
                .push_bind(f.version.clone())
                .push_bind(f.fix.clone());
        },
    )
    .await
}

pub async fn insert_containers(
    conn: &mut SqliteConnection,
    rows: &[ContainerRow],
) -> sqlx::Result<()> {
    insert(
        conn,
        "containers",
        &[
            "uuid",
            "container_id",
            "sha",
            "name",
            "image_ref",
            "image_id",
            "image_uuid",
            "image_sha",
            "created",
            "updated",
            "state_changed",
            "last_scanned",
            "state",
            "sensor_uuid",
            "host_uuid",
            "host_hostname",
            "host_ip",
            "is_root",
            "privileged",
            "sev1",
            "sev2",
            "sev3",
            "sev4",
            "sev5",
            "cluster_name",
            "cluster_namespace",
            "cluster",
            "command",
            "arguments",
            "environment",
            "ports",
            "labels",
            "operating_system",
        ],
        rows,
        |mut b, c| {
            b.push_bind(c.uuid.clone())
                .push_bind(c.container_id.clone())
                .push_bind(c.sha.clone())
                .push_bind(c.name.clone())
                .push_bind(c.image_ref)
                .push_bind(c.image_id.clone())
                .push_bind(c.image_uuid.clone())
                .push_bind(c.image_sha.clone())
                .push_bind(c.created)
                .push_bind(c.updated)
                .push_bind(c.state_changed)
                .push_bind(c.last_scanned)
                .push_bind(c.state)
                .push_bind(c.sensor_uuid.clone())
                .push_bind(c.host_uuid.clone())
                .push_bind(c.hostname.clone())
                .push_bind(c.host_ip.clone())
                .push_bind(c.is_root)
                .push_bind(c.privileged);
            for s in c.sev {
                b.push_bind(s);
            }
            b.push_bind(c.cluster_name.clone())
                .push_bind(c.namespace.clone())
                .push_bind(c.cluster.clone())
                .push_bind(c.command.clone())
                .push_bind(c.arguments.clone())
                .push_bind(c.environment.clone())
                .push_bind(c.ports.clone())
                .push_bind(c.labels.clone())
                .push_bind(c.os.clone());
        },
    )
    .await
}
