//! What a scanner report's ingestion reads before it writes (the stored image it updates), and
//! the secrets and malware found in images.

use super::db::{Bind, Exec, Sql};
use super::records::{FindingRecord, SoftwareRecord, WriteError};
use super::Store;
use crate::ingest::{MalwareRecord, SecretRecord};
use shipshape_model::{RepoDigest, RepoTag};
use std::collections::HashMap;

/// A stored image as a new report (or a sensor's event) of it starts from.
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
    /// Empty unless read with the image's content.
    pub software: Vec<SoftwareRecord>,
    /// Empty unless read with the image's content.
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

fn decode<T: serde::de::DeserializeOwned>(json: &str) -> sqlx::Result<T> {
    serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(e.into()))
}

/// A list kept per image (secrets, malware): its table, the image's count column, its columns.
struct ImageList {
    table: &'static str,
    count: &'static str,
    /// (JSON key, column)
    fields: &'static [(&'static str, &'static str)],
}

const SECRETS: ImageList = ImageList {
    table: "image_secrets",
    count: "secrets_count",
    fields: &[
        ("ruleId", "rule_id"),
        ("category", "category"),
        ("title", "title"),
        ("severity", "severity"),
        ("file", "file"),
        ("line", "line"),
    ],
};

const MALWARE: ImageList = ImageList {
    table: "image_malware",
    count: "malware_count",
    fields: &[
        ("name", "name"),
        ("category", "category"),
        ("severity", "severity"),
        ("file", "file"),
        ("sha256", "sha256"),
    ],
};

impl Store {
    /// Rows of one image as `T`: `from` is the rest of the statement after `FROM`, with one `?`
    /// for the image's row id; `fields` are (JSON key, column).
    async fn image_list_rows<T: serde::de::DeserializeOwned>(
        &self,
        fields: &[(&str, &str)],
        from: &str,
        image_ref: i64,
    ) -> sqlx::Result<Vec<T>> {
        let rows = self.engine().dialect().json_rows(fields);
        decode(
            &Sql::new(format!("SELECT {rows} FROM {from}"))
                .bind(image_ref)
                .scalar::<String>(self.db())
                .await?,
        )
    }

    /// The stored image a report or an event of `sha` updates, if any; with its software and
    /// findings when `content` (a report replaces them; an event does not read them).
    pub async fn image_for_ingest(
        &self,
        sha: &str,
        content: bool,
    ) -> sqlx::Result<Option<StoredImage>> {
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
        let repos: Vec<RepoTag> = self
            .image_list_rows(
                &[
                    ("registry", "registry"),
                    ("repository", "repository"),
                    ("tag", "tag"),
                ],
                "(SELECT registry, repository, tag FROM image_repos WHERE image_ref = ? \
                 ORDER BY pos) r",
                base.id,
            )
            .await?;
        let (software, findings): (Vec<SoftwareRecord>, Vec<FindingRecord>) = if content {
            let software = self
                .image_list_rows(
                    &[
                        ("name", "name"),
                        ("version", "version"),
                        ("fix_version", "fix_version"),
                        ("package_path", "package_path"),
                    ],
                    "image_software WHERE image_ref = ?",
                    base.id,
                )
                .await?;
            let findings = self
                .image_list_rows(
                    &[
                        ("qid", "qid"),
                        ("severity", "severity"),
                        ("type_detected", "type_detected"),
                        ("first_found", "first_found"),
                        ("last_found", "last_found"),
                        ("software_name", "software_name"),
                        ("software_version", "software_version"),
                        ("fix_version", "fix_version"),
                    ],
                    "image_vulns WHERE image_ref = ?",
                    base.id,
                )
                .await?;
            (software, findings)
        } else {
            (Vec::new(), Vec::new())
        };
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
            repos,
            software,
            findings,
            first_found,
        }))
    }

    /// Replaces one of an image's lists and its count, in one transaction.
    async fn replace_image_list(
        &self,
        sha: &str,
        list: &ImageList,
        rows: Vec<Vec<Bind>>,
    ) -> Result<(), WriteError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = Sql::new("SELECT id FROM images WHERE sha = ?")
            .bind(sha)
            .scalar_optional(Exec::from(&mut tx))
            .await?
            .ok_or_else(|| WriteError::UnknownImage(sha.to_string()))?;
        Sql::new(format!("DELETE FROM {} WHERE image_ref = ?", list.table))
            .bind(id)
            .execute(Exec::from(&mut tx))
            .await?;
        Sql::new(format!("UPDATE images SET {} = ? WHERE id = ?", list.count))
            .bind(rows.len() as i64)
            .bind(id)
            .execute(Exec::from(&mut tx))
            .await?;
        let mut columns = vec!["image_ref"];
        columns.extend(list.fields.iter().map(|(_, c)| *c));
        let rows: Vec<Vec<Bind>> = rows
            .into_iter()
            .map(|mut r| {
                r.insert(0, id.into());
                r
            })
            .collect();
        super::write::insert_many(&mut tx, list.table, &columns, rows).await?;
        super::derive::bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the secrets stored for an image.
    pub async fn replace_image_secrets(
        &self,
        sha: &str,
        secrets: &[SecretRecord],
    ) -> Result<(), WriteError> {
        let rows = secrets
            .iter()
            .map(|s| {
                vec![
                    s.rule_id.as_str().into(),
                    (&s.category).into(),
                    (&s.title).into(),
                    i64::from(s.severity).into(),
                    (&s.file).into(),
                    s.line.into(),
                ]
            })
            .collect();
        self.replace_image_list(sha, &SECRETS, rows).await
    }

    /// Replaces the malware stored for an image.
    pub async fn replace_image_malware(
        &self,
        sha: &str,
        malware: &[MalwareRecord],
    ) -> Result<(), WriteError> {
        let rows = malware
            .iter()
            .map(|m| {
                vec![
                    m.name.as_str().into(),
                    (&m.category).into(),
                    i64::from(m.severity).into(),
                    (&m.file).into(),
                    (&m.sha256).into(),
                ]
            })
            .collect();
        self.replace_image_list(sha, &MALWARE, rows).await
    }

    /// The malware found in an image, most severe first.
    pub async fn image_malware(&self, image_ref: i64) -> sqlx::Result<Vec<MalwareRecord>> {
        let mut out: Vec<MalwareRecord> = self
            .image_list_rows(
                MALWARE.fields,
                "image_malware WHERE image_ref = ?",
                image_ref,
            )
            .await?;
        out.sort_by(|a, b| (b.severity, &a.file, &a.name).cmp(&(a.severity, &b.file, &b.name)));
        Ok(out)
    }

    /// The secrets found in an image, most severe first.
    pub async fn image_secrets(&self, image_ref: i64) -> sqlx::Result<Vec<SecretRecord>> {
        let mut out: Vec<SecretRecord> = self
            .image_list_rows(
                SECRETS.fields,
                "image_secrets WHERE image_ref = ?",
                image_ref,
            )
            .await?;
        out.sort_by(|a, b| {
            (b.severity, &a.file, a.line, &a.rule_id)
                .cmp(&(a.severity, &b.file, b.line, &b.rule_id))
        });
        Ok(out)
    }
}
