//! The demo fleet: a deterministic (seeded) and realistic set of sensors, images with their
//! software and findings, and containers running on those sensors' hosts. `--scale` multiplies
//! it. It is written through the store's bulk loader, so the same seed and scale give the same
//! rows (ids included) on either engine.

mod catalog;
mod rows;

use crate::store::bulk::Bulk;
use crate::store::records::{
    ContainerRecord, ImageRecord, SensorRecord, VulnDefRecord, WriteError,
};
use crate::store::{Sql, Store};
use anyhow::Context;
use catalog::*;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rows::*;
use std::fmt;

/// The largest `--scale`: ten million containers (3,000 a unit). Memory stays flat up to it
/// and time grows with the size; the database is what grows (about 2.5 GB on SQLite a million
/// containers).
pub const MAX_SCALE: f64 = 3334.0;

#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub scale: f64,
    pub seed: u64,
    /// Anchor of every generated timestamp.
    pub now_ms: i64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            scale: 1.0,
            seed: 42,
            now_ms: crate::store::now_ms(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedStats {
    pub sensors: u64,
    pub images: u64,
    pub containers: u64,
    pub software: u64,
    pub findings: u64,
}

impl fmt::Display for SeedStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} sensors, {} images, {} containers, {} software packages, {} findings",
            self.sensors, self.images, self.containers, self.software, self.findings
        )
    }
}

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;

fn hex(rng: &mut ChaCha8Rng, n: usize) -> String {
    const H: &[u8] = b"0123456789abcdef";
    (0..n).map(|_| H[rng.gen_range(0..16)] as char).collect()
}

fn uuid(rng: &mut ChaCha8Rng) -> String {
    let b: [u8; 16] = rng.gen();
    uuid::Builder::from_random_bytes(b).into_uuid().to_string()
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Index by cumulative weights.
fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.gen_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Seeds the demo fleet into `store` through its bulk loader (the same rows and derived-value
/// code as single writes). Refuses a database that already has sensors.
pub async fn seed(store: &Store, opts: &DemoOptions) -> anyhow::Result<SeedStats> {
    seed_through(store, opts, true).await
}

/// The same fleet written one record at a time through the single-record write methods (a
/// sensor's, a scanner's): slow, and there to show that both paths store the same values.
pub async fn seed_one_by_one(store: &Store, opts: &DemoOptions) -> anyhow::Result<SeedStats> {
    seed_through(store, opts, false).await
}

/// Where generated records go.
enum Sink<'s> {
    Bulk(Bulk<'s>),
    OneByOne(&'s Store),
}

impl Sink<'_> {
    async fn vuln_defs(&mut self, defs: &[VulnDefRecord]) -> Result<(), WriteError> {
        match self {
            Sink::Bulk(b) => b.vuln_defs(defs).await,
            Sink::OneByOne(s) => s.upsert_vuln_defs(defs).await,
        }
    }

    async fn sensors(&mut self, sensors: &[SensorRecord]) -> Result<(), WriteError> {
        match self {
            Sink::Bulk(b) => b.sensors(sensors).await,
            Sink::OneByOne(s) => {
                for r in sensors {
                    s.upsert_sensor(r).await?;
                }
                Ok(())
            }
        }
    }

    async fn images(&mut self, images: &[ImageRecord]) -> Result<(), WriteError> {
        match self {
            Sink::Bulk(b) => b.images(images).await,
            Sink::OneByOne(s) => {
                for r in images {
                    s.upsert_image(r).await?;
                }
                Ok(())
            }
        }
    }

    async fn containers(&mut self, containers: &[ContainerRecord]) -> Result<(), WriteError> {
        match self {
            Sink::Bulk(b) => b.containers(containers).await,
            Sink::OneByOne(s) => {
                for r in containers {
                    s.upsert_container(r).await?;
                }
                Ok(())
            }
        }
    }
}

async fn seed_through(store: &Store, opts: &DemoOptions, bulk: bool) -> anyhow::Result<SeedStats> {
    let existing: i64 = Sql::new("SELECT count(*) FROM sensors")
        .scalar(store.jobs_db())
        .await?;
    if existing > 0 {
        anyhow::bail!("the database already has {existing} sensors; seed a fresh database");
    }
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let now = opts.now_ms;
    let n_sensors = ((40.0 * opts.scale).round() as usize).max(4);
    let n_images = ((400.0 * opts.scale).round() as usize).max(10);
    let n_containers = ((3000.0 * opts.scale).round() as usize).max(10);

    let defs = vuln_defs(&mut rng, now);
    let sensors = sensors(&mut rng, n_sensors, now);
    let mut stats = SeedStats {
        sensors: sensors.len() as u64,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let mut sink = if bulk {
        Sink::Bulk(store.bulk().await.context("preparing the bulk load")?)
    } else {
        Sink::OneByOne(store)
    };
    let loaded = load(
        &mut sink,
        &mut rng,
        &defs,
        &sensors,
        n_images,
        n_containers,
        now,
        &mut stats,
    )
    .await;
    tracing::debug!(elapsed = ?started.elapsed(), "demo fleet: rows loaded");
    match (loaded, sink) {
        (Ok(()), Sink::Bulk(bulk)) => bulk.finish().await.context("finishing the bulk load")?,
        // The indexes go back even when the load failed, so the database keeps them.
        (Err(e), Sink::Bulk(bulk)) => {
            bulk.abandon().await?;
            return Err(e);
        }
        (Ok(()), Sink::OneByOne(_)) => {}
        (Err(e), Sink::OneByOne(_)) => return Err(e),
    }
    demo_profiles(store).await?;
    if store.sensor_release().await?.is_none() {
        let release = crate::store::settings::SensorRelease {
            version: LATEST_SENSOR_VERSION.into(),
            release_notes_url: Some("https://docs.shipshape.dev/sensor/releases/1.35.0".into()),
            release_date: Some("2026-11-02".into()),
        };
        store
            .put_setting(
                crate::store::settings::SENSOR_RELEASE,
                &serde_json::to_value(release)?,
            )
            .await?;
    }
    Ok(stats)
}

/// The demo fleet's sensor profiles: each profile name the sensors were given becomes a
/// profile listing those sensors, with settings that show what profiles do (an inactive
/// window, a shorter scan interval, image exclusions).
async fn demo_profiles(store: &Store) -> anyhow::Result<()> {
    use shipshape_model::profile::{SensorProfileBody, WindowSchedule};
    #[derive(sqlx::FromRow)]
    struct Assigned {
        uuid: String,
        configuration_profile: Option<String>,
    }
    let existing = store.profiles(0).await?;
    let rows: Vec<Assigned> =
        crate::store::Sql::new("SELECT uuid, configuration_profile FROM sensors ORDER BY id")
            .fetch_all(store.db())
            .await?;
    for name in catalog::PROFILES.iter().filter(|n| **n != "Default") {
        if existing.iter().any(|p| p.profile_name == *name) {
            continue;
        }
        let mut body = SensorProfileBody {
            profile_name: name.to_string(),
            associated_sensor_ids: rows
                .iter()
                .filter(|r| r.configuration_profile.as_deref() == Some(*name))
                .map(|r| r.uuid.clone())
                .collect(),
            ..Default::default()
        };
        let window = |days: &[&str], s: &str, e: &str| WindowSchedule {
            start_time: s.into(),
            end_time: e.into(),
            repeat_on_days: days.iter().map(|d| d.to_string()).collect(),
            all_day: false,
        };
        match *name {
            "Production runtime" => {
                body.description =
                    Some("Runtime hosts; quiet during the weekly maintenance window.".into());
                body.config.time_zone = "Europe/Berlin".into();
                body.config.weekly_blackout_window_schedules =
                    vec![window(&["SATURDAY"], "22:00", "02:00")];
            }
            "Critical workloads" => {
                body.description =
                    Some("Payment and identity hosts: rescanned twice a day.".into());
                body.config
                    .vulnerability_management
                    .container_scanning_interval = 12;
            }
            _ => {
                body.description = Some(
                    "Build agents: build caches are not scanned, nor during office hours.".into(),
                );
                body.profile_type = "CICD".into();
                body.config.time_zone = "America/New_York".into();
                body.config
                    .vulnerability_management
                    .container_scanning_interval = 24;
                body.config
                    .vulnerability_management
                    .image_exclusion_regex_list = vec!["^ci-cache/".into()];
                body.config.weekly_blackout_window_schedules = vec![window(
                    &["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
                    "09:00",
                    "17:00",
                )];
            }
        }
        store
            .create_profile(&body, "demo")
            .await
            .map_err(|e| anyhow::anyhow!("creating the demo profile {name}: {e}"))?;
    }
    Ok(())
}

/// Generates and loads definitions, sensors, images (with software and findings) and
/// containers.
async fn load(
    sink: &mut Sink<'_>,
    rng: &mut ChaCha8Rng,
    defs: &[VulnDef],
    sensors: &[SensorRow],
    n_images: usize,
    n_containers: usize,
    now: i64,
    stats: &mut SeedStats,
) -> anyhow::Result<()> {
    sink.vuln_defs(&defs.iter().map(VulnDef::record).collect::<Vec<_>>())
        .await
        .context("inserting vulnerability definitions")?;
    sink.sensors(&sensors.iter().map(SensorRow::record).collect::<Vec<_>>())
        .await
        .context("inserting sensors")?;

    // Images are generated and inserted in chunks; what containers need of them stays, compact.
    let mut images_meta: Vec<ImageMeta> = Vec::with_capacity(n_images);
    let by_package = defs_by_package(defs);
    let weights: Vec<u32> = REPOS.iter().map(|r| r.weight).collect();
    while images_meta.len() < n_images {
        let chunk = (n_images - images_meta.len()).min(5_000);
        let mut batch = Vec::with_capacity(chunk);
        for _ in 0..chunk {
            let repo = weighted(rng, &weights);
            batch.push(image(rng, repo, &by_package, defs, now));
        }
        stats.software += batch.iter().map(|i| i.software.len() as u64).sum::<u64>();
        stats.findings += batch.iter().map(|i| i.findings.len() as u64).sum::<u64>();
        sink.images(&batch.iter().map(ImageGen::record).collect::<Vec<_>>())
            .await
            .context("inserting images")?;
        images_meta.extend(batch.into_iter().map(|i| i.meta));
    }
    stats.images = images_meta.len() as u64;

    // Popular images run many containers, a fifth run none.
    let mut popular: Vec<u32> = (0..images_meta.len() as u32).collect();
    popular.shuffle(rng);
    let used = (popular.len() * 4 / 5).max(1);
    popular.truncate(used);
    let hosts: Vec<&SensorRow> = sensors
        .iter()
        .filter(|s| s.sensor_type == "GENERAL" || s.sensor_type == "CLUSTER")
        .collect();
    let mut made = 0usize;
    while made < n_containers {
        let chunk = (n_containers - made).min(20_000);
        let mut batch = Vec::with_capacity(chunk);
        for k in 0..chunk {
            // u² skews towards the front of the shuffled list: a few images run most containers.
            let u: f64 = rng.gen();
            let img = &images_meta[popular[((u * u) * used as f64) as usize % used] as usize];
            let host = hosts[rng.gen_range(0..hosts.len())];
            batch.push(container(rng, made + k, img, host, now).record());
        }
        sink.containers(&batch)
            .await
            .context("inserting containers")?;
        made += chunk;
    }
    stats.containers = made as u64;
    Ok(())
}

fn severity(rng: &mut ChaCha8Rng) -> u8 {
    // Believable proportions: most findings medium, few critical.
    [1u8, 2, 3, 4, 5][weighted(rng, &[8, 17, 35, 28, 12])]
}

fn vuln_defs(rng: &mut ChaCha8Rng, now: i64) -> Vec<VulnDef> {
    const KINDS: &[&str] = &[
        "Out-of-Bounds Write",
        "Use-After-Free",
        "Denial of Service",
        "Information Disclosure",
        "Integer Overflow",
        "Privilege Escalation",
        "NULL Pointer Dereference",
        "Heap Buffer Overflow",
        "Improper Certificate Validation",
        "Path Traversal",
        "Race Condition",
        "Memory Leak",
    ];
    let mut defs = Vec::new();
    let mut qid = 376_001i64;
    for (pkg, cve, title, sev, cvss3, fix) in FAMOUS {
        defs.push(VulnDef {
            qid,
            package: pkg.to_string(),
            title: title.to_string(),
            severity: *sev,
            cveids: vec![cve.to_string()],
            cvss3: Some(*cvss3),
            cvss: Some((cvss3 - 0.4_f64).max(1.0)),
            category: category_for(qid as usize).to_string(),
            published: now - rng.gen_range(200..1500) * DAY,
            fix: Some(fix.to_string()),
            intel: Intel {
                active: *sev == 5,
                exploit: *sev >= 4,
                zero_day: false,
            },
        });
        qid += 1;
    }
    let mut names: Vec<&str> = OS_FAMILIES
        .iter()
        .flat_map(|f| f.packages.iter().map(|p| p.0))
        .collect();
    names.extend(APP_PACKAGES.iter().map(|p| p.0));
    names.sort_unstable();
    names.dedup();
    for name in names {
        let short = name.rsplit([':', '/']).next().unwrap_or(name);
        for _ in 0..rng.gen_range(2..7) {
            let sev = severity(rng);
            let year = rng.gen_range(2018..2025);
            let n_cves = if rng.gen_bool(0.15) { 2 } else { 1 };
            let cveids = (0..n_cves)
                .map(|_| format!("CVE-{year}-{}", rng.gen_range(1000..52000)))
                .collect::<Vec<_>>();
            let base = f64::from(sev) * 2.0 - 0.5 + rng.gen_range(-0.8..0.8);
            let cvss3 = (base.clamp(0.1, 10.0) * 10.0).round() / 10.0;
            defs.push(VulnDef {
                qid,
                package: name.to_string(),
                title: format!("{short} {} ({})", pick(rng, KINDS), cveids[0]),
                severity: sev,
                cveids,
                cvss3: Some(cvss3),
                cvss: if rng.gen_bool(0.7) {
                    Some(((cvss3 - 0.3_f64).max(0.1) * 10.0).round() / 10.0)
                } else {
                    None
                },
                category: category_for(qid as usize).to_string(),
                published: now - rng.gen_range(30..2200) * DAY,
                fix: if rng.gen_bool(0.8) {
                    Some(format!("fixed-{}", rng.gen_range(1..40)))
                } else {
                    None
                },
                intel: Intel {
                    active: sev == 5 && rng.gen_bool(0.3),
                    exploit: sev >= 4 && rng.gen_bool(0.4),
                    zero_day: rng.gen_bool(0.01),
                },
            });
            qid += 1;
        }
    }
    defs
}

fn sensors(rng: &mut ChaCha8Rng, n: usize, now: i64) -> Vec<SensorRow> {
    (0..n)
        .map(|i| {
            let sensor_type = ["GENERAL", "CLUSTER", "REGISTRY", "CICD"][weighted(rng, &[55, 30, 8, 7])];
            let deployment = match sensor_type {
                "CLUSTER" => *pick(rng, &["DAEMONSET", "HELM"]),
                "GENERAL" => ["DOCKER_RUN", "STANDALONE", "ECS", "SWARM"][weighted(rng, &[40, 30, 20, 10])],
                "REGISTRY" => "DOCKER_RUN",
                _ => *pick(rng, &["DOCKER_RUN", "STANDALONE"]),
            };
            let status = ["RUNNING", "UNKNOWN", "INACTIVE"][weighted(rng, &[80, 12, 8])];
            let (cluster, hostname) = if sensor_type == "CLUSTER" {
                let (name, ver) = *pick(rng, CLUSTERS);
                let host = format!("node-{}.{name}.k8s.acme.io", i + 1);
                (Some((name, ver)), host)
            } else if deployment == "ECS" {
                (None, format!("ip-10-{}-{}-{}.ec2.internal", rng.gen_range(0..4), rng.gen_range(0..255), rng.gen_range(1..255)))
            } else {
                let role = *pick(rng, &["docker", "build", "registry-scan", "edge", "batch"]);
                (None, format!("{role}-{:02}.dc{}.acme.internal", i + 1, rng.gen_range(1..4)))
            };
            let created = now - rng.gen_range(20..720) * DAY;
            let last = match status {
                "RUNNING" => now - rng.gen_range(10_000..900_000),
                "UNKNOWN" => now - rng.gen_range(10..180) * DAY,
                _ => now - rng.gen_range(1..20) * DAY,
            };
            // Old and lost sensors run old versions.
            let version = match status {
                "UNKNOWN" => *pick(rng, &SENSOR_VERSIONS[..2]),
                _ => SENSOR_VERSIONS[weighted(rng, &[5, 10, 15, 30, 40])],
            };
            let ip = format!("10.{}.{}.{}", rng.gen_range(0..32), rng.gen_range(0..255), rng.gen_range(2..254));
            let mac = (0..6).map(|_| format!("{:02x}", rng.gen::<u8>())).collect::<Vec<_>>().join(":");
            let mut labels = vec![serde_json::json!({"key": "env", "value": if hostname.contains("staging") || hostname.contains("dev") { "staging" } else { "production" }})];
            if rng.gen_bool(0.5) {
                labels.push(serde_json::json!({"key": "team", "value": *pick(rng, &["platform", "payments", "sre", "data"])}));
            }
            let cluster_json = cluster.map(|(name, ver)| {
                serde_json::json!({"type": "KUBERNETES", "version": ver,
                    "k8s": {"clusterName": name, "namespace": "qualys", "podName": format!("qualys-container-sensor-{}", hex(rng, 5)), "nodeName": hostname}})
            });
            SensorRow {
                uuid: uuid(rng),
                sensor_id: format!("{}", 100_000 + i),
                name: format!("{}-sensor-{:03}", sensor_type.to_ascii_lowercase(), i + 1),
                hostname: hostname.clone(),
                host_uuid: uuid(rng),
                ipv4: ip,
                ipv6: rng.gen_bool(0.3).then(|| format!("fd00:{:x}::{:x}", rng.gen::<u16>(), rng.gen::<u16>())),
                mac,
                version: version.to_string(),
                vulnsig: format!("2.6.{}-{}", rng.gen_range(10..40), rng.gen_range(1..9)),
                docker: (sensor_type != "CLUSTER").then(|| pick(rng, DOCKER_VERSIONS).to_string()),
                os: pick(rng, HOST_OS).to_string(),
                platform: if deployment == "ECS" { "AWS ECS".into() } else if sensor_type == "CLUSTER" { "Kubernetes".into() } else { "Linux".into() },
                sensor_type,
                status,
                deployment,
                profile: pick(rng, PROFILES).to_string(),
                privileged: rng.gen_bool(0.7),
                created,
                last_checked_in: last,
                labels: serde_json::Value::Array(labels).to_string(),
                cluster_name: cluster.map(|c| c.0.to_string()),
                cluster: cluster_json.map(|c| c.to_string()),
            }
        })
        .collect()
}

fn defs_by_package(defs: &[VulnDef]) -> std::collections::HashMap<String, Vec<usize>> {
    let mut m: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    for (i, d) in defs.iter().enumerate() {
        m.entry(d.package.clone()).or_default().push(i);
    }
    m
}

fn image(
    rng: &mut ChaCha8Rng,
    repo_index: usize,
    by_package: &std::collections::HashMap<String, Vec<usize>>,
    defs: &[VulnDef],
    now: i64,
) -> ImageGen {
    let repo = &REPOS[repo_index];
    let fam = &OS_FAMILIES[repo.os];
    let tag = *pick(rng, repo.tags);
    let created = now - rng.gen_range(1..420) * DAY - rng.gen_range(0..DAY);
    let updated = (created + rng.gen_range(0..30) * DAY).min(now);
    let age_days = (now - created) / DAY;
    let scan_status = ["SUCCESS", "FAILED", "PENDING"][weighted(rng, &[95, 3, 2])];
    let last_scanned = match scan_status {
        "PENDING" => None,
        "FAILED" => Some(now - rng.gen_range(3..40) * DAY),
        _ => Some(now - rng.gen_range(0..72) * HOUR - rng.gen_range(0..HOUR)),
    };
    let sha = hex(rng, 64);
    let size_mb = f64::from(repo.size_mb) * rng.gen_range(0.85..1.2);
    let size = (size_mb * 1_048_576.0) as i64;
    let n_layers = rng.gen_range(3..12);
    let mut remaining = size;
    let layers: Vec<serde_json::Value> = (0..n_layers)
        .map(|l| {
            let part = if l == n_layers - 1 { remaining } else { (remaining as f64 * rng.gen_range(0.05..0.5)) as i64 };
            remaining -= part;
            let by = match l {
                0 => format!("/bin/sh -c #(nop) ADD file:{} in /", hex(rng, 64)),
                _ if l == n_layers - 1 => format!("/bin/sh -c #(nop) CMD [\"{}\"]", repo.command.split(' ').next().unwrap_or("sh")),
                _ => pick(rng, &[
                    "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*",
                    "RUN /bin/sh -c apk add --no-cache tzdata ca-certificates",
                    "COPY dir:/app /app",
                    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "WORKDIR /app",
                    "RUN /bin/sh -c groupadd -r app && useradd -r -g app app",
                    "EXPOSE map[8080/tcp:{}]",
                ]).to_string(),
            };
            serde_json::json!({"sha": format!("sha256:{}", hex(rng, 64)), "size": part.max(0), "created": (created - (n_layers - l) * 60_000).to_string(), "createdBy": by})
        })
        .collect();
    // Software: most of the OS base, plus the repository's application packages.
    let mut software = Vec::new();
    for (name, versions) in fam.packages {
        if rng.gen_bool(0.85) {
            software.push((
                name.to_string(),
                pick(rng, versions).to_string(),
                fam.path.to_string(),
            ));
        }
    }
    for &a in repo.apps {
        let (name, versions, eco) = APP_PACKAGES[a];
        let path = match eco {
            "java" => format!("/app/lib/{}.jar", name.rsplit(':').next().unwrap_or(name)),
            "npm" => format!("/app/node_modules/{name}/package.json"),
            "python" => format!("/usr/local/lib/python3.11/site-packages/{name}"),
            _ => "/app/bin (go build info)".to_string(),
        };
        software.push((name.to_string(), pick(rng, versions).to_string(), path));
    }
    // Older images carry more unfixed findings.
    let p = (0.12 + age_days as f64 / 900.0).min(0.6);
    let mut findings = Vec::new();
    let mut fixes: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (name, version, _) in &software {
        for &d in by_package.get(name).map(Vec::as_slice).unwrap_or(&[]) {
            if rng.gen_bool(p) {
                let def = &defs[d];
                let fix = def.fix.as_ref().map(|f| {
                    if f.starts_with("fixed-") {
                        bump(version, f)
                    } else {
                        f.clone()
                    }
                });
                if let Some(f) = &fix {
                    fixes.insert(name.clone(), f.clone());
                }
                let first = created + rng.gen_range(0..=(now - created).max(1));
                findings.push(FindingRow {
                    qid: def.qid,
                    severity: def.severity,
                    type_detected: if rng.gen_bool(0.85) {
                        "Confirmed"
                    } else {
                        "Potential"
                    },
                    first_found: first,
                    last_found: last_scanned.unwrap_or(first).max(first),
                    software: name.clone(),
                    version: version.clone(),
                    fix,
                });
            }
        }
    }
    let arch = if rng.gen_bool(0.8) { "amd64" } else { "arm64" };
    let mut repos = vec![(
        repo.registry.to_string(),
        repo.repository.to_string(),
        Some(tag.to_string()),
    )];
    if rng.gen_bool(0.25) {
        repos.push((
            repo.registry.to_string(),
            repo.repository.to_string(),
            Some("latest".to_string()),
        ));
    }
    if rng.gen_bool(0.1) {
        repos.push((
            "registry.acme.internal".into(),
            format!(
                "mirror/{}",
                repo.repository.rsplit('/').next().unwrap_or("x")
            ),
            Some(tag.to_string()),
        ));
    }
    let digests: Vec<serde_json::Value> = repos
        .iter()
        .take(1)
        .map(|(reg, r, _)| serde_json::json!({"registry": reg, "repository": r, "digest": format!("sha256:{}", hex(rng, 64))}))
        .collect();
    let source = if rng.gen_bool(0.15) {
        vec!["REGISTRY"]
    } else if rng.gen_bool(0.1) {
        vec!["CICD"]
    } else {
        vec!["GENERAL"]
    };
    let labels = serde_json::json!([
        {"key": "org.opencontainers.image.source", "value": format!("https://github.com/{}", repo.repository.replace("library/", "docker-library/"))},
        {"key": "org.opencontainers.image.version", "value": tag},
    ]);
    // Drawn in this order: the uuid, then the OS name.
    let uuid = uuid(rng);
    let os = rng.gen_range(0..fam.names.len());
    ImageGen {
        meta: ImageMeta {
            sha: sha_bytes(&sha),
            created,
            repo: u16::try_from(repo_index).expect("the catalog has few repositories"),
            os: u8::try_from(os).expect("an OS family has few names"),
        },
        uuid,
        image_id: sha[..12].to_string(),
        sha,
        updated,
        last_scanned,
        size,
        arch,
        author: if repo.registry == "docker.io" {
            Some("Docker Official Images".into())
        } else {
            None
        },
        source: serde_json::to_string(&source).unwrap_or_default(),
        scan_status,
        labels: labels.to_string(),
        layers: serde_json::Value::Array(layers).to_string(),
        digests: serde_json::Value::Array(digests).to_string(),
        repos,
        software: software
            .into_iter()
            .map(|(name, version, path)| {
                let fix = fixes.get(&name).cloned();
                (name, version, fix, path)
            })
            .collect(),
        findings,
    }
}

/// A plausible fixed version just above `version`.
fn bump(version: &str, salt: &str) -> String {
    let n: u32 = salt.trim_start_matches("fixed-").parse().unwrap_or(1);
    match version.rsplit_once(['.', '-']) {
        Some((head, tail)) => match tail.parse::<u32>() {
            Ok(t) => format!(
                "{head}{}{}",
                &version[head.len()..head.len() + 1],
                t + 1 + n % 3
            ),
            Err(_) => format!("{version}.{}", 1 + n % 3),
        },
        None => format!("{version}.{}", 1 + n % 3),
    }
}

fn container(
    rng: &mut ChaCha8Rng,
    i: usize,
    img: &ImageMeta,
    host: &SensorRow,
    now: i64,
) -> ContainerRow {
    let repo = &REPOS[usize::from(img.repo)];
    let app = repo.repository.rsplit('/').next().unwrap_or("app");
    let state = [
        "RUNNING", "STOPPED", "DELETED", "PAUSED", "CREATED", "UNKNOWN",
    ][weighted(rng, &[70, 12, 8, 2, 3, 5])];
    let created = (img.created + rng.gen_range(0..=(now - img.created).max(1))).min(now - 60_000);
    let state_changed = match state {
        "RUNNING" | "CREATED" => created + rng.gen_range(0..60_000),
        _ => created + rng.gen_range(0..=(now - created).max(1)),
    };
    let updated = state_changed
        .max(now - rng.gen_range(0..48) * HOUR)
        .min(now);
    let last_scanned = (state == "RUNNING").then(|| now - rng.gen_range(0..48) * HOUR);
    let sha = hex(rng, 64);
    // The cluster's name and namespace are in `cluster`; the store derives its columns.
    let (name, cluster, labels) = match (&host.cluster_name, &host.cluster) {
        (Some(cn), Some(cj)) => {
            let ns = *pick(rng, NAMESPACES);
            let pod = format!("{app}-{}-{}", hex(rng, 9), hex(rng, 5));
            let v: serde_json::Value = serde_json::from_str(cj).unwrap_or_default();
            let ver = v.get("version").cloned().unwrap_or_default();
            let cluster = serde_json::json!({"type": "KUBERNETES", "version": ver,
                "k8s": {"clusterName": cn, "namespace": ns, "podName": pod, "nodeName": host.hostname}});
            let labels = serde_json::json!([
                {"key": "io.kubernetes.pod.namespace", "value": ns},
                {"key": "io.kubernetes.pod.name", "value": pod},
                {"key": "app.kubernetes.io/name", "value": app},
            ]);
            (
                format!("k8s_{app}_{pod}_{ns}_{}_0", uuid(rng)),
                Some(cluster.to_string()),
                labels,
            )
        }
        _ => {
            let name = if rng.gen_bool(0.6) {
                format!("{app}-{}", i % 97 + 1)
            } else {
                format!("{}_{}", pick(rng, ADJECTIVES), pick(rng, SURNAMES))
            };
            let labels = serde_json::json!([{"key": "com.docker.compose.service", "value": app}]);
            (name, None, labels)
        }
    };
    let ports = if repo.port > 0 {
        let exposed = rng.gen_bool(0.6);
        serde_json::json!([{"hostIp": if exposed { Some("0.0.0.0") } else { None }, "hostPort": if exposed { Some(repo.port as u32 + rng.gen_range(0..3) * 1000) } else { None }, "port": repo.port, "protocol": "tcp"}])
    } else {
        serde_json::json!([])
    };
    let mut parts = repo.command.split_whitespace();
    let command = parts.next().unwrap_or("sh").to_string();
    let args: Vec<&str> = parts.collect();
    let env = serde_json::json!([
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        format!(
            "APP_ENV={}",
            if host.hostname.contains("staging") {
                "staging"
            } else {
                "production"
            }
        ),
        format!("DATABASE_PASSWORD={}", hex(rng, 16)),
        "TZ=UTC",
    ]);
    ContainerRow {
        uuid: uuid(rng),
        container_id: sha[..12].to_string(),
        sha,
        name,
        image_sha: img.sha_hex(),
        created,
        updated,
        state_changed,
        last_scanned,
        state,
        sensor_uuid: host.uuid.clone(),
        host_uuid: host.host_uuid.clone(),
        hostname: host.hostname.clone(),
        host_ip: host.ipv4.clone(),
        is_root: rng.gen_bool(0.35),
        privileged: rng.gen_bool(0.05),
        cluster,
        command,
        arguments: serde_json::to_string(&args).unwrap_or_default(),
        environment: env.to_string(),
        ports: ports.to_string(),
        labels: labels.to_string(),
        os: img.os_name().to_string(),
    }
}

/// The bytes of a sha the generator wrote as 64 hex digits.
fn sha_bytes(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("the generator writes hex");
    }
    out
}
