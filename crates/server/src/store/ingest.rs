//! What a scanner report's ingestion reads before it writes (the stored image it updates), and
//! the secrets found in images.

use super::db::{Exec, Sql};
use super::records::{FindingRecord, SoftwareRecord, WriteError};
use super::Store;
use crate::ingest::{MalwareRecord, SecretRecord};
use shipshape_model::{RepoDigest, RepoTag};
use std::collections::HashMap;

/// A stored image as a new report of it starts from.
#[derive(Clone, Debug)]
pub struct StoredImage {
    pub id: i64,
    pub uuid: String,
    pub created: i64,
    pub size: i64,
    pub operating_system: Option<String>,
    pub architecture: Option<String>,
    pub author: Option<String>,
    pub source: Vec<String>,
    pub last_scanned: Option<i64>,
    pub scan_status: Option<String>,
    pub repos: Vec<RepoTag>,
    pub repo_digests: Vec<RepoDigest>,
    pub software: Vec<SoftwareRecord>,
    pub findings: Vec<FindingRecord>,
    /// The earliest `firstFound` of each (qid, package) found before.
    pub first_found: HashMap<(i64, Option<String>), i64>,
}

#[derive(sqlx::FromRow)]
struct ImageBase {
    id: i64,
    uuid: String,
    created: i64,
    size: i64,
    operating_system: Option<String>,
    architecture: Option<String>,
    author: Option<String>,
    source: String,
    repo_digests: String,
    last_scanned: Option<i64>,
    scan_status: Option<String>,
}

#[derive(serde::Deserialize)]
struct FindingRaw {
    qid: i64,
    severity: i64,
    type_detected: String,
    first_found: Option<i64>,
    last_found: Option<i64>,
    software_name: Option<String>,
    software_version: Option<String>,
    fix_version: Option<String>,
}

#[derive(serde::Deserialize)]
struct SoftwareRaw {
    name: String,
    version: Option<String>,
    fix_version: Option<String>,
    package_path: Option<String>,
}

#[derive(serde::Deserialize)]
struct RepoRaw {
    registry: Option<String>,
    repository: String,
    tag: Option<String>,
}

fn decode<T: serde::de::DeserializeOwned>(json: &str) -> sqlx::Result<T> {
    serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(e.into()))
}

impl Store {
    /// The stored image a report of `sha` updates, if any.
    pub async fn image_for_ingest(&self, sha: &str) -> sqlx::Result<Option<StoredImage>> {
        let Some(base): Option<ImageBase> = Sql::new(
            "SELECT id, uuid, created, size, operating_system, architecture, author, source, \
             repo_digests, last_scanned, scan_status FROM images WHERE sha = ?",
        )
        .bind(sha)
        .fetch_optional(self.db())
        .await?
        else {
            return Ok(None);
        };
        let d = self.engine().dialect();
        let findings = d.json_rows(&[
            ("qid", "qid"),
            ("severity", "severity"),
            ("type_detected", "type_detected"),
            ("first_found", "first_found"),
            ("last_found", "last_found"),
            ("software_name", "software_name"),
            ("software_version", "software_version"),
            ("fix_version", "fix_version"),
        ]);
        let findings: Vec<FindingRaw> = decode(
            &Sql::new(format!(
                "SELECT {findings} FROM image_vulns WHERE image_ref = ?"
            ))
            .bind(base.id)
            .scalar::<String>(self.db())
            .await?,
        )?;
        let software = d.json_rows(&[
            ("name", "name"),
            ("version", "version"),
            ("fix_version", "fix_version"),
            ("package_path", "package_path"),
        ]);
        let software: Vec<SoftwareRaw> = decode(
            &Sql::new(format!(
                "SELECT {software} FROM image_software WHERE image_ref = ?"
            ))
            .bind(base.id)
            .scalar::<String>(self.db())
            .await?,
        )?;
        let repos = d.json_rows(&[
            ("registry", "registry"),
            ("repository", "repository"),
            ("tag", "tag"),
        ]);
        let repos: Vec<RepoRaw> = decode(
            &Sql::new(format!(
                "SELECT {repos} FROM (SELECT registry, repository, tag FROM image_repos WHERE image_ref = ? ORDER BY pos) r"
            ))
            .bind(base.id)
            .scalar::<String>(self.db())
            .await?,
        )?;
        let mut first_found = HashMap::new();
        for f in &findings {
            if let Some(t) = f.first_found {
                let e = first_found
                    .entry((f.qid, f.software_name.clone()))
                    .or_insert(t);
                *e = (*e).min(t);
            }
        }
        Ok(Some(StoredImage {
            id: base.id,
            uuid: base.uuid,
            created: base.created,
            size: base.size,
            operating_system: base.operating_system,
            architecture: base.architecture,
            author: base.author,
            source: decode(&base.source).unwrap_or_default(),
            last_scanned: base.last_scanned,
            scan_status: base.scan_status,
            repo_digests: decode(&base.repo_digests).unwrap_or_default(),
            repos: repos
                .into_iter()
                .map(|r| RepoTag {
                    registry: r.registry,
                    repository: r.repository,
                    tag: r.tag,
                })
                .collect(),
            software: software
                .into_iter()
                .map(|s| SoftwareRecord {
                    name: s.name,
                    version: s.version,
                    fix_version: s.fix_version,
                    package_path: s.package_path,
                })
                .collect(),
            findings: findings
                .into_iter()
                .map(|f| FindingRecord {
                    qid: f.qid,
                    severity: f.severity.clamp(1, 5) as u8,
                    type_detected: f.type_detected,
                    first_found: f.first_found,
                    last_found: f.last_found,
                    software_name: f.software_name,
                    software_version: f.software_version,
                    fix_version: f.fix_version,
                })
                .collect(),
            first_found,
        }))
    }

    /// Replaces the secrets stored for an image.
    pub async fn replace_image_secrets(
        &self,
        sha: &str,
        secrets: &[SecretRecord],
    ) -> Result<(), WriteError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = Sql::new("SELECT id FROM images WHERE sha = ?")
            .bind(sha)
            .scalar_optional(Exec::from(&mut tx))
            .await?
            .ok_or_else(|| WriteError::UnknownImage(sha.to_string()))?;
        Sql::new("DELETE FROM image_secrets WHERE image_ref = ?")
            .bind(id)
            .execute(Exec::from(&mut tx))
            .await?;
        Sql::new("UPDATE images SET secrets_count = ? WHERE id = ?")
            .bind(secrets.len() as i64)
            .bind(id)
            .execute(Exec::from(&mut tx))
            .await?;
        for s in secrets {
            Sql::new(
                "INSERT INTO image_secrets (image_ref, rule_id, category, title, severity, file, line) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(s.rule_id.as_str())
            .bind(&s.category)
            .bind(&s.title)
            .bind(i64::from(s.severity))
            .bind(&s.file)
            .bind(s.line)
            .execute(Exec::from(&mut tx))
            .await?;
        }
        super::derive::bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the malware stored for an image.
    pub async fn replace_image_malware(
        &self,
        sha: &str,
        malware: &[MalwareRecord],
    ) -> Result<(), WriteError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = Sql::new("SELECT id FROM images WHERE sha = ?")
            .bind(sha)
            .scalar_optional(Exec::from(&mut tx))
            .await?
            .ok_or_else(|| WriteError::UnknownImage(sha.to_string()))?;
        Sql::new("DELETE FROM image_malware WHERE image_ref = ?")
            .bind(id)
            .execute(Exec::from(&mut tx))
            .await?;
        Sql::new("UPDATE images SET malware_count = ? WHERE id = ?")
            .bind(malware.len() as i64)
            .bind(id)
            .execute(Exec::from(&mut tx))
            .await?;
        for m in malware {
            Sql::new(
                "INSERT INTO image_malware (image_ref, name, category, severity, file, sha256) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(m.name.as_str())
            .bind(&m.category)
            .bind(i64::from(m.severity))
            .bind(&m.file)
            .bind(&m.sha256)
            .execute(Exec::from(&mut tx))
            .await?;
        }
        super::derive::bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The malware found in an image, most severe first.
    pub async fn image_malware(&self, image_ref: i64) -> sqlx::Result<Vec<MalwareRecord>> {
        let d = self.engine().dialect();
        let rows = d.json_rows(&[
            ("name", "name"),
            ("category", "category"),
            ("severity", "severity"),
            ("file", "file"),
            ("sha256", "sha256"),
        ]);
        let mut out: Vec<MalwareRecord> = decode(
            &Sql::new(format!(
                "SELECT {rows} FROM image_malware WHERE image_ref = ?"
            ))
            .bind(image_ref)
            .scalar::<String>(self.db())
            .await?,
        )?;
        out.sort_by(|a, b| (b.severity, &a.file, &a.name).cmp(&(a.severity, &b.file, &b.name)));
        Ok(out)
    }

    /// The secrets found in an image, most severe first.
    pub async fn image_secrets(&self, image_ref: i64) -> sqlx::Result<Vec<SecretRecord>> {
        let d = self.engine().dialect();
        let rows = d.json_rows(&[
            ("ruleId", "rule_id"),
            ("category", "category"),
            ("title", "title"),
            ("severity", "severity"),
            ("file", "file"),
            ("line", "line"),
        ]);
        let mut out: Vec<SecretRecord> = decode(
            &Sql::new(format!(
                "SELECT {rows} FROM image_secrets WHERE image_ref = ?"
            ))
            .bind(image_ref)
            .scalar::<String>(self.db())
            .await?,
        )?;
        out.sort_by(|a, b| {
            (b.severity, &a.file, a.line, &a.rule_id)
                .cmp(&(a.severity, &b.file, b.line, &b.rule_id))
        });
        Ok(out)
    }
}
