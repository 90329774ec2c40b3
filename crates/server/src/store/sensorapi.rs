//! The sensor API's store side: activation keys, registration and credentials, check-ins,
//! events, what is due for a scan, and sensors that went silent.
//!
//! Due work (asked at each check-in): an image is due for a sensor when the sensor reported a
//! load, pull or import of it, a tag of an image never scanned, or a manifest (repo digest) not
//! seen before, and no scan of it has been stored since; a running container on the sensor's
//! host is due when its last scan is older than the profile's `containerScanningInterval`.
//! Images whose `repository:tag` matches one of the profile's exclusions are never due. Inside
//! an inactive window nothing is due: the answer says until when it is deferred.

use super::db::{Bind, Exec, Sql, Tx};
use super::ingest::StoredImage;
use super::profiles::{add_to_profile, assign_one, profile_config};
use super::records::{ContainerRecord, ImageRecord, SensorRecord, WriteError};
use super::write::upsert_sensor_in;
use super::{audit, derive, Store};
use crate::auth::{new_secret, same, secret_hash, split_service_token};
use crate::ingest::{image_sha, repo_digest, repo_tag};
use shipshape_model::profile::{ProfileConfig, WindowState};
use shipshape_model::sensorapi::*;
use shipshape_model::{Cluster, EpochMillis, HostRef, K8sInfo, SensorStatus, SensorType};

/// Recent events kept per sensor (its detail view lists them).
const EVENTS_KEPT: i64 = 50;

/// A sensor, as its credential names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SensorAuth {
    pub uuid: String,
    pub sensor_type: SensorType,
    /// The name of the profile it follows (`None`: Default).
    pub profile: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyRefused {
    #[error("no sensor profile has the id '{0}'")]
    UnknownProfile(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterRefused {
    #[error("this is not a valid activation key")]
    BadKey,
    #[error("this activation key was revoked: ask for a new one")]
    Revoked,
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl From<sqlx::Error> for RegisterRefused {
    fn from(e: sqlx::Error) -> Self {
        RegisterRefused::Write(WriteError::Db(e))
    }
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: String,
    name: String,
    secret_hash: String,
    sensor_type: String,
    profile_id: Option<String>,
    created: i64,
    created_by: String,
    revoked: Option<i64>,
    registered: i64,
}

impl KeyRow {
    fn info(self) -> ActivationKey {
        ActivationKey {
            id: self.id,
            name: self.name,
            sensor_type: self.sensor_type.parse().unwrap_or(SensorType::General),
            profile_id: self.profile_id,
            created: EpochMillis(self.created),
            created_by: self.created_by,
            revoked: self.revoked.map(EpochMillis),
            registered: self.registered.max(0) as u64,
        }
    }
}

const KEY_COLUMNS: &str =
    "id, name, secret_hash, sensor_type, profile_id, created, created_by, revoked, registered";

fn cluster_of(facts: &SensorFacts) -> Option<Cluster> {
    facts.cluster.as_ref().map(|c| Cluster {
        kind: "KUBERNETES".into(),
        version: c.version.clone(),
        k8s: Some(K8sInfo {
            cluster_name: Some(c.name.clone()),
            namespace: c.namespace.clone(),
            pod_name: None,
            node_name: Some(facts.hostname.clone()),
        }),
    })
}

#[derive(sqlx::FromRow)]
struct SensorBase {
    sensor_type: String,
    configuration_profile: Option<String>,
    hostname: Option<String>,
    ipv4: Option<String>,
    cluster: Option<String>,
}

impl Store {
    /// Makes an activation key; its info and its text (`ssk_<id>_<secret>`, shown once).
    pub async fn create_activation_key(
        &self,
        new: &NewActivationKey,
        actor: &str,
        now: i64,
    ) -> Result<(ActivationKey, String), KeyRefused> {
        let mut tx = self.write_tx().await?;
        if let Some(p) = &new.profile_id {
            let n: i64 = Sql::new("SELECT count(*) FROM sensor_profiles WHERE id = ?")
                .bind(p.as_str())
                .scalar(Exec::from(&mut tx))
                .await?;
            if n == 0 {
                return Err(KeyRefused::UnknownProfile(p.clone()));
            }
        }
        let id = uuid::Uuid::new_v4().simple().to_string()[..16].to_string();
        let secret = new_secret();
        Sql::new(
            "INSERT INTO activation_keys (id, name, secret_hash, sensor_type, profile_id, created, created_by) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(new.name.trim())
        .bind(secret_hash(&secret))
        .bind(new.sensor_type.as_str())
        .bind(&new.profile_id)
        .bind(now)
        .bind(actor)
        .execute(Exec::from(&mut tx))
        .await?;
        audit::record(
            &mut tx,
            actor,
            "ACTIVATION_KEY_CREATE",
            serde_json::json!({"id": id, "name": new.name.trim(), "sensorType": new.sensor_type,
                               "profileId": new.profile_id}),
        )
        .await?;
        let info: KeyRow = Sql::new(format!(
            "SELECT {KEY_COLUMNS} FROM activation_keys WHERE id = ?"
        ))
        .bind(id.as_str())
        .fetch_one(Exec::from(&mut tx))
        .await?;
        tx.commit().await?;
        Ok((info.info(), format!("{ACTIVATION_KEY_PREFIX}{id}_{secret}")))
    }

    /// Every activation key, newest first.
    pub async fn activation_keys(&self) -> sqlx::Result<Vec<ActivationKey>> {
        let rows: Vec<KeyRow> = Sql::new(format!(
            "SELECT {KEY_COLUMNS} FROM activation_keys ORDER BY created DESC, id"
        ))
        .fetch_all(self.db())
        .await?;
        Ok(rows.into_iter().map(KeyRow::info).collect())
    }

    /// Revokes a key (sensors it registered keep their credentials); false when unknown.
    pub async fn revoke_activation_key(
        &self,
        id: &str,
        actor: &str,
        now: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.write_tx().await?;
        let n = Sql::new("UPDATE activation_keys SET revoked = ? WHERE id = ? AND revoked IS NULL")
            .bind(now)
            .bind(id)
            .execute(Exec::from(&mut tx))
            .await?;
        let known: i64 = Sql::new("SELECT count(*) FROM activation_keys WHERE id = ?")
            .bind(id)
            .scalar(Exec::from(&mut tx))
            .await?;
        if n > 0 {
            audit::record(
                &mut tx,
                actor,
                "ACTIVATION_KEY_REVOKE",
                serde_json::json!({"id": id}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(known > 0)
    }

    /// Registers a sensor with an activation key: a new sensor (RUNNING, checked in now), its
    /// credential, its profile. Its uuid, sensor id and credential text.
    pub async fn register_sensor(
        &self,
        reg: &Registration,
        now: i64,
    ) -> Result<(String, String, String), RegisterRefused> {
        let rest = reg
            .activation_key
            .trim()
            .strip_prefix(ACTIVATION_KEY_PREFIX)
            .ok_or(RegisterRefused::BadKey)?;
        let (key_id, secret) = split_service_token(rest).ok_or(RegisterRefused::BadKey)?;
        let mut tx = self.write_tx().await?;
        let key: KeyRow = Sql::new(format!(
            "SELECT {KEY_COLUMNS} FROM activation_keys WHERE id = ?"
        ))
        .bind(key_id)
        .fetch_optional(Exec::from(&mut tx))
        .await?
        .ok_or(RegisterRefused::BadKey)?;
        if !same(&key.secret_hash, &secret_hash(secret)) {
            return Err(RegisterRefused::BadKey);
        }
        if key.revoked.is_some() {
            return Err(RegisterRefused::Revoked);
        }
        let f = &reg.sensor;
        let sensor_type = f
            .sensor_type
            .unwrap_or_else(|| key.sensor_type.parse().unwrap_or(SensorType::General));
        let uuid = uuid::Uuid::new_v4().to_string();
        let sensor_id = (u64::from(uuid::Uuid::new_v4().as_u128() as u32) % 90_000_000
            + 10_000_000)
            .to_string();
        let record = SensorRecord {
            uuid: uuid.clone(),
            sensor_id: sensor_id.clone(),
            name: f.hostname.clone(),
            hostname: Some(f.hostname.clone()),
            host_uuid: None,
            ipv4: f.ipv4.clone(),
            ipv6: None,
            mac_address: None,
            sensor_version: Some(f.sensor_version.clone()),
            vuln_sig_version: f.vuln_sig_version.clone(),
            docker_version: f.docker_version.clone(),
            os: f.os.clone(),
            platform: Some(
                if f.cluster.is_some() {
                    "Kubernetes"
                } else {
                    "Linux"
                }
                .into(),
            ),
            sensor_type,
            status: SensorStatus::Running,
            deployment: f.deployment,
            configuration_profile: None,
            privileged: false,
            created: now,
            last_checked_in: Some(now),
            labels: vec![],
            cluster: cluster_of(f),
        };
        let row = upsert_sensor_in(&mut tx, &record).await?;
        let cred_id = uuid::Uuid::new_v4().simple().to_string()[..16].to_string();
        let cred_secret = new_secret();
        Sql::new(
            "INSERT INTO sensor_credentials (id, sensor_uuid, secret_hash, activation_key, created) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(cred_id.as_str())
        .bind(uuid.as_str())
        .bind(secret_hash(&cred_secret))
        .bind(key.id.as_str())
        .bind(now)
        .execute(Exec::from(&mut tx))
        .await?;
        Sql::new("UPDATE activation_keys SET registered = registered + 1 WHERE id = ?")
            .bind(key.id.as_str())
            .execute(Exec::from(&mut tx))
            .await?;
        if let Some(p) = &key.profile_id {
            add_to_profile(&mut tx, p, &uuid).await?;
        }
        assign_one(&mut tx, self.engine(), row, now).await?;
        audit::record(
            &mut tx,
            "(sensor)",
            "SENSOR_REGISTER",
            serde_json::json!({"sensorUuid": uuid, "hostname": f.hostname,
                               "sensorType": sensor_type, "activationKey": key.id}),
        )
        .await?;
        tx.commit().await?;
        Ok((
            uuid,
            sensor_id,
            format!("{SENSOR_CREDENTIAL_PREFIX}{cred_id}_{cred_secret}"),
        ))
    }

    /// The sensor a credential's text (after `ssn_`) names, if it is valid and the sensor
    /// still exists.
    pub async fn sensor_auth(&self, rest: &str) -> sqlx::Result<Option<SensorAuth>> {
        let Some((id, secret)) = split_service_token(rest) else {
            return Ok(None);
        };
        #[derive(sqlx::FromRow)]
        struct Row {
            sensor_uuid: String,
            secret_hash: String,
            sensor_type: String,
            configuration_profile: Option<String>,
        }
        let row: Option<Row> = Sql::new(
            "SELECT c.sensor_uuid, c.secret_hash, s.sensor_type, s.configuration_profile \
             FROM sensor_credentials c JOIN sensors s ON s.uuid = c.sensor_uuid WHERE c.id = ?",
        )
        .bind(id)
        .fetch_optional(self.db())
        .await?;
        Ok(row
            .filter(|r| same(&r.secret_hash, &secret_hash(secret)))
            .map(|r| SensorAuth {
                uuid: r.sensor_uuid,
                sensor_type: r.sensor_type.parse().unwrap_or(SensorType::General),
                profile: r.configuration_profile,
            }))
    }

    async fn sensor_base(&self, uuid: &str) -> sqlx::Result<Option<SensorBase>> {
        Sql::new(
            "SELECT sensor_type, configuration_profile, hostname, ipv4, cluster FROM sensors WHERE uuid = ?",
        )
        .bind(uuid)
        .fetch_optional(self.db())
        .await
    }

    /// A profile (Default when none is named) and its window state at `now`.
    pub async fn profile_now(
        &self,
        profile: Option<String>,
        now: i64,
    ) -> sqlx::Result<(String, ProfileConfig, WindowState)> {
        let name = profile.unwrap_or_else(|| shipshape_model::profile::DEFAULT_PROFILE.to_string());
        let config = match self.profile_cache.get(&name) {
            Some(config) => config,
            None => {
                let config = profile_config(self.db(), &name).await?;
                self.profile_cache.put(&name, &config);
                config
            }
        };
        let window = crate::windows::state(&config, now);
        Ok((name, config, window))
    }

    /// A check-in: the sensor is RUNNING and checked in now, what it says of itself is stored
    /// (its profile recomputed when that changed), and the answer says what to do.
    pub async fn check_in(
        &self,
        sensor: &SensorAuth,
        facts: Option<&SensorFacts>,
        now: i64,
    ) -> Result<CheckInAnswer, WriteError> {
        let uuid = sensor.uuid.as_str();
        // A bare check-in is a heartbeat: noted now, written with the others within a second,
        // so that thousands of sensors checking in do not queue behind one writer; what it
        // answers follows from what the credential's lookup read.
        let Some(f) = facts else {
            let answer = self
                .answer(uuid, sensor.sensor_type, sensor.profile.clone(), now)
                .await?;
            if let Ok(mut h) = self.heartbeats.lock() {
                let t = h.entry(uuid.to_string()).or_insert(now);
                *t = (*t).max(now);
            }
            return Ok(answer);
        };
        let facts = Some(f);
        let mut tx = self.write_tx().await?;
        let mut sql = Sql::new("UPDATE sensors SET status = 'RUNNING', last_checked_in = ");
        sql.push_bind(now);
        if let Some(f) = facts {
            sql.push(", hostname = ").push_bind(f.hostname.as_str());
            sql.push(", sensor_version = ")
                .push_bind(f.sensor_version.as_str());
            sql.push(", version_key = ")
                .push_bind(super::sensors::version_key(&f.sensor_version));
            if let Some(t) = f.sensor_type {
                sql.push(", sensor_type = ").push_bind(t.as_str());
            }
            if let Some(d) = f.deployment {
                sql.push(", deployment = ").push_bind(d.as_str());
            }
            if let Some(ip) = &f.ipv4 {
                sql.push(", ipv4 = ").push_bind(ip.as_str());
            }
            if let Some(os) = &f.os {
                sql.push(", os = ").push_bind(os.as_str());
            }
            if let Some(v) = &f.docker_version {
                sql.push(", docker_version = ").push_bind(v.as_str());
            }
            if let Some(v) = &f.vuln_sig_version {
                sql.push(", vuln_sig_version = ").push_bind(v.as_str());
            }
            if let Some(c) = cluster_of(f) {
                let (cluster, name, namespace) = super::write::cluster_parts(Some(&c));
                sql.push(", cluster = ").push_bind(cluster);
                sql.push(", cluster_name = ").push_bind(name);
                sql.push(", cluster_namespace = ").push_bind(namespace);
            }
        }
        sql.push(" WHERE uuid = ").push_bind(uuid);
        sql.push(" RETURNING id");
        let row: Option<i64> = sql.scalar_optional(Exec::from(&mut tx)).await?;
        let Some(row) = row else {
            return Err(WriteError::Invalid(format!(
                "no sensor has the uuid {uuid}"
            )));
        };
        if facts.is_some() {
            assign_one(&mut tx, self.engine(), row, now).await?;
        }
        derive::bump_version(&mut tx).await?;
        tx.commit().await?;
        self.check_in_answer(uuid, now)
            .await
            .map_err(WriteError::Db)
    }

    /// What a check-in answers, read now.
    pub async fn check_in_answer(&self, uuid: &str, now: i64) -> sqlx::Result<CheckInAnswer> {
        let base = self
            .sensor_base(uuid)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        let sensor_type = base.sensor_type.parse().unwrap_or(SensorType::General);
        self.answer(uuid, sensor_type, base.configuration_profile, now)
            .await
    }

    /// The answer for a sensor of this type following this profile.
    async fn answer(
        &self,
        uuid: &str,
        sensor_type: SensorType,
        profile: Option<String>,
        now: i64,
    ) -> sqlx::Result<CheckInAnswer> {
        let (name, config, window) = self.profile_now(profile, now).await?;
        let due = self.due_work(uuid, &config, &window, now).await?;
        Ok(CheckInAnswer {
            sensor_uuid: uuid.to_string(),
            sensor_type,
            profile: EffectiveProfile {
                name,
                container_scanning_interval: config
                    .vulnerability_management
                    .container_scanning_interval,
                image_exclusions: config
                    .vulnerability_management
                    .image_exclusion_regex_list
                    .clone(),
            },
            inactive_window: window,
            due,
            server_time: EpochMillis(now),
        })
    }

    /// The scans due for a sensor (see the module header).
    pub async fn due_work(
        &self,
        uuid: &str,
        config: &ProfileConfig,
        window: &WindowState,
        now: i64,
    ) -> sqlx::Result<DueWork> {
        if window.inside {
            return Ok(DueWork {
                deferred_until: window.until.map(EpochMillis),
                ..Default::default()
            });
        }
        let d = self.engine().dialect();
        let limit = (MAX_DUE + 1) as i64;
        #[derive(sqlx::FromRow)]
        struct DueImage {
            sha: String,
            repos: String,
        }
        let repos = d.json_rows(&[("repository", "r.repository"), ("tag", "r.tag")]);
        let candidates: Vec<DueImage> = Sql::new(format!(
            "SELECT i.sha, (SELECT {repos} FROM image_repos r WHERE r.image_ref = i.id) AS repos \
             FROM sensor_images si JOIN images i ON i.id = si.image_ref \
             WHERE si.sensor_uuid = ? AND si.due_since IS NOT NULL \
             AND (i.last_scanned IS NULL OR i.last_scanned < si.due_since) \
             ORDER BY si.due_since, i.sha LIMIT ?"
        ))
        .bind(uuid)
        .bind(limit * 4)
        .fetch_all(self.db())
        .await?;
        let exclusions: Vec<regex::Regex> = config
            .vulnerability_management
            .image_exclusion_regex_list
            .iter()
            .filter_map(|p| regex::RegexBuilder::new(p).size_limit(1 << 20).build().ok())
            .collect();
        #[derive(serde::Deserialize)]
        struct Repo {
            repository: String,
            tag: Option<String>,
        }
        let mut images: Vec<String> = candidates
            .into_iter()
            .filter(|c| {
                let repos: Vec<Repo> = serde_json::from_str(&c.repos).unwrap_or_default();
                !repos.iter().any(|r| {
                    let name = format!("{}:{}", r.repository, r.tag.as_deref().unwrap_or("latest"));
                    exclusions.iter().any(|x| x.is_match(&name))
                })
            })
            .map(|c| c.sha)
            .collect();
        let interval_ms =
            i64::from(config.vulnerability_management.container_scanning_interval) * 3_600_000;
        let mut containers: Vec<String> = Sql::new(
            "SELECT sha FROM containers WHERE sensor_uuid = ? AND state = 'RUNNING' \
             AND (last_scanned IS NULL OR last_scanned <= ?) ORDER BY last_scanned, sha LIMIT ?",
        )
        .bind(uuid)
        .bind(now - interval_ms)
        .bind(limit)
        .scalars(self.db())
        .await?;
        let more = images.len() > MAX_DUE || containers.len() > MAX_DUE;
        images.truncate(MAX_DUE);
        containers.truncate(MAX_DUE);
        Ok(DueWork {
            images,
            containers,
            more,
            deferred_until: None,
        })
    }

    /// Applies a sensor's events in order (validated by the caller: shas are 64 hex, a new
    /// container names its image). What changed.
    pub async fn take_events(
        &self,
        sensor: &SensorAuth,
        events: &[SensorEvent],
        now: i64,
    ) -> Result<EventsTaken, WriteError> {
        let base = self
            .sensor_base(&sensor.uuid)
            .await?
            .ok_or_else(|| WriteError::Invalid("the sensor no longer exists".into()))?;
        let mut taken = EventsTaken::default();
        // The sensor's recent events, written together after the changes they record.
        let mut noted: Vec<Vec<Bind>> = Vec::with_capacity(events.len());
        for e in events {
            match e {
                SensorEvent::Image {
                    action,
                    time,
                    image,
                } => {
                    let at = time.map_or(now, |t| t.0.min(now));
                    let sha = image_sha(&image.sha).ok_or_else(|| {
                        WriteError::Invalid(format!("bad image sha {}", image.sha))
                    })?;
                    self.image_event(sensor, &sha, *action, image, at).await?;
                    noted.push(vec![
                        sensor.uuid.as_str().into(),
                        at.into(),
                        "image".into(),
                        action.as_str().into(),
                        sha.into(),
                        image.repo_tags.first().cloned().into(),
                    ]);
                    taken.images += 1;
                }
                SensorEvent::Container {
                    action,
                    time,
                    container,
                } => {
                    let at = time.map_or(now, |t| t.0.min(now));
                    self.container_event(sensor, &base, *action, container, at)
                        .await?;
                    noted.push(vec![
                        sensor.uuid.as_str().into(),
                        at.into(),
                        "container".into(),
                        action.as_str().into(),
                        container.sha.to_ascii_lowercase().into(),
                        (&container.name).into(),
                    ]);
                    taken.containers += 1;
                }
            }
        }
        self.note_events(&sensor.uuid, noted).await?;
        Ok(taken)
    }

    /// An image event: the image created or its new tags and digests added; due for this
    /// sensor unless it is a re-tag of an image already scanned.
    async fn image_event(
        &self,
        sensor: &SensorAuth,
        sha: &str,
        action: ImageAction,
        image: &EventImage,
        at: i64,
    ) -> Result<i64, WriteError> {
        let tags: Vec<_> = image.repo_tags.iter().map(|t| repo_tag(t)).collect();
        let digests: Vec<_> = image
            .repo_digests
            .iter()
            .filter_map(|d| repo_digest(d))
            .collect();
        let before: Option<StoredImage> = self.image_for_ingest(sha, false).await?;
        let (id, scanned, new_manifest) = match &before {
            None => {
                let mut r = ImageRecord::new(&uuid::Uuid::new_v4().to_string(), sha);
                r.created = image.created.map_or(at, |c| c.0);
                r.updated = at;
                r.size = image.size.unwrap_or(0);
                r.repos = tags;
                r.repo_digests = digests;
                r.source = vec![sensor.sensor_type.as_str().to_string()];
                r.scan_status = Some("PENDING".into());
                (self.upsert_image(&r).await?, false, true)
            }
            Some(b) => {
                let new_manifest = digests.iter().any(|d| !b.repo_digests.contains(d));
                self.add_image_refs(b, &tags, &digests, sensor.sensor_type.as_str(), at)
                    .await?;
                (b.id, b.last_scanned.is_some(), new_manifest)
            }
        };
        let due = match action {
            ImageAction::Tag => !scanned || new_manifest,
            _ => true,
        };
        let mut tx = self.write_tx().await?;
        self.mark_seen(&mut tx, &sensor.uuid, id, at, due).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn mark_seen(
        &self,
        tx: &mut Tx,
        sensor: &str,
        image: i64,
        at: i64,
        due: bool,
    ) -> sqlx::Result<()> {
        let due_since: Option<i64> = due.then_some(at);
        Sql::new(
            "INSERT INTO sensor_images (sensor_uuid, image_ref, last_event, due_since) VALUES (?, ?, ?, ?) \
             ON CONFLICT (sensor_uuid, image_ref) DO UPDATE SET last_event = excluded.last_event, \
             due_since = CASE WHEN excluded.due_since IS NULL THEN sensor_images.due_since \
                              ELSE excluded.due_since END",
        )
        .bind(sensor)
        .bind(image)
        .bind(at)
        .bind(due_since)
        .execute(Exec::from(&mut *tx))
        .await?;
        Ok(())
    }

    /// Adds tags, digests and a source an image did not have.
    async fn add_image_refs(
        &self,
        b: &StoredImage,
        tags: &[shipshape_model::RepoTag],
        digests: &[shipshape_model::RepoDigest],
        source: &str,
        at: i64,
    ) -> Result<(), WriteError> {
        let new_tags: Vec<_> = tags.iter().filter(|t| !b.repos.contains(t)).collect();
        let mut all_digests = b.repo_digests.clone();
        all_digests.extend(
            digests
                .iter()
                .filter(|d| !b.repo_digests.contains(d))
                .cloned(),
        );
        let mut sources = b.source.clone();
        if !sources.iter().any(|s| s == source) {
            sources.push(source.to_string());
        }
        if new_tags.is_empty() && all_digests == b.repo_digests && sources == b.source {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        let pos: Option<i64> = Sql::new("SELECT max(pos) FROM image_repos WHERE image_ref = ?")
            .bind(b.id)
            .scalar(Exec::from(&mut tx))
            .await?;
        for (pos, t) in (pos.map_or(0, |p| p + 1)..).zip(new_tags) {
            Sql::new(
                "INSERT INTO image_repos (image_ref, pos, registry, repository, tag) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(b.id)
            .bind(pos)
            .bind(&t.registry)
            .bind(t.repository.as_str())
            .bind(&t.tag)
            .execute(Exec::from(&mut tx))
            .await?;
        }
        Sql::new("UPDATE images SET repo_digests = ?, source = ?, updated = CASE WHEN updated > ? THEN updated ELSE ? END WHERE id = ?")
            .bind(serde_json::to_string(&all_digests).unwrap_or_default())
            .bind(serde_json::to_string(&sources).unwrap_or_default())
            .bind(at)
            .bind(at)
            .bind(b.id)
            .execute(Exec::from(&mut tx))
            .await?;
        derive::bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A container event: its state changes, or it is created on this sensor's host (its image
    /// too, when unknown: due for a scan).
    async fn container_event(
        &self,
        sensor: &SensorAuth,
        base: &SensorBase,
        action: ContainerAction,
        c: &EventContainer,
        at: i64,
    ) -> Result<(), WriteError> {
        let sha = c.sha.to_ascii_lowercase();
        let state = action.state();
        if self.set_container_state(&sha, state, at).await? {
            return Ok(());
        }
        let image_sha = c.image_sha.as_deref().and_then(image_sha).ok_or_else(|| {
            WriteError::Invalid(format!("container {sha} is new: name its imageSha"))
        })?;
        if self.image_ref(&image_sha).await?.is_none() {
            let image = EventImage {
                sha: image_sha.clone(),
                repo_tags: vec![],
                repo_digests: vec![],
                size: None,
                created: None,
            };
            self.image_event(sensor, &image_sha, ImageAction::Load, &image, at)
                .await?;
        }
        let cluster: Option<Cluster> = base
            .cluster
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok());
        let record = ContainerRecord {
            uuid: uuid::Uuid::new_v4().to_string(),
            container_id: sha.chars().take(12).collect(),
            sha: sha.clone(),
            name: c.name.clone(),
            image_sha,
            created: c.created.map_or(at, |t| t.0),
            updated: at,
            state_changed: Some(at),
            last_scanned: None,
            state,
            host: Some(HostRef {
                sensor_uuid: sensor.uuid.clone(),
                hostname: base.hostname.clone(),
                ip_address: base.ipv4.clone(),
                uuid: None,
            }),
            is_root: c.is_root,
            privileged: c.privileged,
            cluster,
            command: c.command.clone(),
            arguments: c.arguments.clone(),
            environment: vec![],
            ports: vec![],
            labels: vec![],
            operating_system: None,
        };
        self.upsert_container(&record).await?;
        Ok(())
    }

    /// Records a sensor's events and keeps its last [`EVENTS_KEPT`].
    async fn note_events(&self, sensor: &str, rows: Vec<Vec<Bind>>) -> sqlx::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        super::write::insert_many(
            &mut tx,
            "sensor_events",
            &["sensor_uuid", "at", "kind", "action", "sha", "name"],
            rows,
        )
        .await?;
        Sql::new(
            "DELETE FROM sensor_events WHERE sensor_uuid = ? AND id <= \
             (SELECT id FROM sensor_events WHERE sensor_uuid = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
        )
        .bind(sensor)
        .bind(sensor)
        .bind(EVENTS_KEPT)
        .execute(Exec::from(&mut tx))
        .await?;
        tx.commit().await
    }

    /// After a sensor's scan of an image (and of a container, when it names one): the
    /// image is no longer due for it, the container counts as scanned now.
    pub async fn note_scan(
        &self,
        sensor: &SensorAuth,
        image_sha: &str,
        container_sha: Option<&str>,
        now: i64,
    ) -> sqlx::Result<()> {
        let mut tx = self.write_tx().await?;
        let id: Option<i64> = Sql::new("SELECT id FROM images WHERE sha = ?")
            .bind(image_sha)
            .scalar_optional(Exec::from(&mut tx))
            .await?;
        if let Some(id) = id {
            self.mark_seen(&mut tx, &sensor.uuid, id, now, false)
                .await?;
        }
        if let Some(c) = container_sha {
            Sql::new("UPDATE containers SET last_scanned = ? WHERE sha = ? AND sensor_uuid = ?")
                .bind(now)
                .bind(c)
                .bind(sensor.uuid.as_str())
                .execute(Exec::from(&mut tx))
                .await?;
            derive::bump_version(&mut tx).await?;
        }
        tx.commit().await
    }

    /// Writes the heartbeats noted since the last time: each sensor RUNNING, checked in at
    /// its latest; how many.
    pub async fn flush_heartbeats(&self) -> sqlx::Result<usize> {
        let pending: Vec<(String, i64)> = match self.heartbeats.lock() {
            Ok(mut h) => h.drain().collect(),
            Err(_) => return Ok(0),
        };
        if pending.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write_tx().await?;
        for (uuid, at) in &pending {
            Sql::new(
                "UPDATE sensors SET status = 'RUNNING', last_checked_in = ? \
                 WHERE uuid = ? AND (last_checked_in IS NULL OR last_checked_in < ? OR status <> 'RUNNING')",
            )
            .bind(*at)
            .bind(uuid.as_str())
            .bind(*at)
            .execute(Exec::from(&mut tx))
            .await?;
        }
        derive::bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(pending.len())
    }

    /// Writes heartbeats about once a second until the process ends.
    pub fn start_heartbeat_writer(&self) -> tokio::task::JoinHandle<()> {
        let store = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                if let Err(e) = store.flush_heartbeats().await {
                    tracing::warn!(error = %e, "writing sensors' check-ins");
                }
            }
        })
    }

    /// Sensors registered through the sensor API that have not checked in since `before`
    /// become UNKNOWN (sensors it cannot hear from, such as the demo's, are left alone).
    pub async fn mark_silent_sensors(&self, before: i64) -> sqlx::Result<u64> {
        self.flush_heartbeats().await?;
        let mut tx = self.write_tx().await?;
        let n = Sql::new(
            "UPDATE sensors SET status = 'UNKNOWN' WHERE status = 'RUNNING' AND last_checked_in < ? \
             AND uuid IN (SELECT sensor_uuid FROM sensor_credentials)",
        )
        .bind(before)
        .execute(Exec::from(&mut tx))
        .await?;
        if n > 0 {
            derive::bump_version(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// A sensor's due work and last events (its detail view).
    pub async fn sensor_activity(
        &self,
        uuid: &str,
        now: i64,
    ) -> sqlx::Result<Option<SensorActivity>> {
        let Some(base) = self.sensor_base(uuid).await? else {
            return Ok(None);
        };
        let registered: i64 =
            Sql::new("SELECT count(*) FROM sensor_credentials WHERE sensor_uuid = ?")
                .bind(uuid)
                .scalar(self.db())
                .await?;
        let (_, config, window) = self.profile_now(base.configuration_profile, now).await?;
        let due = self.due_work(uuid, &config, &window, now).await?;
        #[derive(sqlx::FromRow)]
        struct Row {
            at: i64,
            kind: String,
            action: String,
            sha: String,
            name: Option<String>,
        }
        let rows: Vec<Row> = Sql::new(
            "SELECT at, kind, action, sha, name FROM sensor_events WHERE sensor_uuid = ? ORDER BY id DESC LIMIT 20",
        )
        .bind(uuid)
        .fetch_all(self.db())
        .await?;
        Ok(Some(SensorActivity {
            registered: registered > 0,
            due,
            events: rows
                .into_iter()
                .map(|r| RecentEvent {
                    at: EpochMillis(r.at),
                    kind: r.kind,
                    action: r.action,
                    sha: r.sha,
                    name: r.name,
                })
                .collect(),
        }))
    }
}
