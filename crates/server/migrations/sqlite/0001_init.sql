-- Shipshape schema (SQLite). Timestamps are epoch milliseconds (INTEGER).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created       INTEGER NOT NULL
);

-- Server-wide settings and secrets: one JSON value per key, versioned for optimistic concurrency.
CREATE TABLE settings (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    details TEXT NOT NULL
);

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    created      INTEGER NOT NULL,
    finished     INTEGER,
    requested    INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,
    skipped      TEXT NOT NULL DEFAULT '[]',
    error        TEXT
);

CREATE TABLE sensors (
    id                    INTEGER PRIMARY KEY,
    uuid                  TEXT NOT NULL,
    sensor_id             TEXT NOT NULL,
    name                  TEXT NOT NULL,
    hostname              TEXT,
    host_uuid             TEXT,
    ipv4                  TEXT,
    ipv6                  TEXT,
    mac_address           TEXT,
    sensor_version        TEXT,
    -- sensor_version with each number zero-padded, so versions compare as versions in SQL.
    version_key           TEXT,
    vuln_sig_version      TEXT,
    docker_version        TEXT,
    os                    TEXT,
    platform              TEXT,
    sensor_type           TEXT NOT NULL,
    status                TEXT NOT NULL,
    deployment            TEXT,
    configuration_profile TEXT,
    privileged            INTEGER NOT NULL DEFAULT 0,
    created               INTEGER NOT NULL,
    last_checked_in       INTEGER,
    labels                TEXT NOT NULL DEFAULT '[]',
    cluster               TEXT,
    cluster_name          TEXT,
    cluster_namespace     TEXT
);
CREATE UNIQUE INDEX sensors_uuid ON sensors (uuid);
CREATE INDEX sensors_created ON sensors (created, id);
CREATE INDEX sensors_status ON sensors (status);

-- Vulnerability definitions (one per QID), shared by every finding of that QID.
CREATE TABLE vuln_defs (
    qid             INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    severity        INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 5),
    cveids          TEXT NOT NULL DEFAULT '[]',
    cvss_base       REAL,
    cvss3_base      REAL,
    category        TEXT,
    published       INTEGER,
    patch_available INTEGER NOT NULL DEFAULT 0,
    threat_intel    TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE images (
    id                INTEGER PRIMARY KEY,
    uuid              TEXT NOT NULL,
    image_id          TEXT NOT NULL,
    sha               TEXT NOT NULL,
    created           INTEGER NOT NULL,
    updated           INTEGER NOT NULL,
    last_scanned      INTEGER,
    last_used_date    INTEGER,
    size              INTEGER NOT NULL,
    operating_system  TEXT,
    architecture      TEXT,
    author            TEXT,
    source            TEXT NOT NULL DEFAULT '[]',
    scan_status       TEXT,
    labels            TEXT NOT NULL DEFAULT '[]',
    layers            TEXT NOT NULL DEFAULT '[]',
    repo_digests      TEXT NOT NULL DEFAULT '[]',
    sev1              INTEGER NOT NULL DEFAULT 0,
    sev2              INTEGER NOT NULL DEFAULT 0,
    sev3              INTEGER NOT NULL DEFAULT 0,
    sev4              INTEGER NOT NULL DEFAULT 0,
    sev5              INTEGER NOT NULL DEFAULT 0,
    containers_count  INTEGER NOT NULL DEFAULT 0,
    hosts_count       INTEGER NOT NULL DEFAULT 0
);
-- Uniqueness lives in separate indexes (not column constraints) so the demo seeder can drop
-- them for a bulk load and rebuild them afterwards, which is several times faster.
CREATE UNIQUE INDEX images_uuid ON images (uuid);
CREATE UNIQUE INDEX images_sha ON images (sha);
CREATE INDEX images_created ON images (created, id);
CREATE INDEX images_image_id ON images (image_id);

CREATE TABLE image_repos (
    image_ref  INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    registry   TEXT,
    repository TEXT NOT NULL,
    tag        TEXT
);
CREATE INDEX image_repos_image ON image_repos (image_ref);

CREATE TABLE image_software (
    image_ref    INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    version      TEXT,
    fix_version  TEXT,
    package_path TEXT
);
CREATE INDEX image_software_image ON image_software (image_ref);

CREATE TABLE image_vulns (
    image_ref        INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    qid              INTEGER NOT NULL REFERENCES vuln_defs (qid),
    severity         INTEGER NOT NULL,
    type_detected    TEXT NOT NULL,
    first_found      INTEGER,
    last_found       INTEGER,
    software_name    TEXT,
    software_version TEXT,
    fix_version      TEXT
);
CREATE INDEX image_vulns_image ON image_vulns (image_ref);
CREATE INDEX image_vulns_qid ON image_vulns (qid);

CREATE TABLE containers (
    id                INTEGER PRIMARY KEY,
    uuid              TEXT NOT NULL,
    container_id      TEXT NOT NULL,
    sha               TEXT NOT NULL,
    name              TEXT,
    image_ref         INTEGER NOT NULL REFERENCES images (id),
    image_id          TEXT NOT NULL,
    image_uuid        TEXT NOT NULL,
    image_sha         TEXT NOT NULL,
    created           INTEGER NOT NULL,
    updated           INTEGER NOT NULL,
    state_changed     INTEGER,
    last_scanned      INTEGER,
    state             TEXT NOT NULL,
    sensor_uuid       TEXT,
    host_uuid         TEXT,
    host_hostname     TEXT,
    host_ip           TEXT,
    is_root           INTEGER NOT NULL DEFAULT 0,
    privileged        INTEGER NOT NULL DEFAULT 0,
    sev1              INTEGER NOT NULL DEFAULT 0,
    sev2              INTEGER NOT NULL DEFAULT 0,
    sev3              INTEGER NOT NULL DEFAULT 0,
    sev4              INTEGER NOT NULL DEFAULT 0,
    sev5              INTEGER NOT NULL DEFAULT 0,
    cluster_name      TEXT,
    cluster_namespace TEXT,
    cluster           TEXT,
    command           TEXT,
    arguments         TEXT NOT NULL DEFAULT '[]',
    environment       TEXT NOT NULL DEFAULT '[]',
    ports             TEXT NOT NULL DEFAULT '[]',
    labels            TEXT NOT NULL DEFAULT '[]',
    operating_system  TEXT
);
CREATE UNIQUE INDEX containers_uuid ON containers (uuid);
CREATE UNIQUE INDEX containers_sha ON containers (sha);
-- The default sort (created desc, id as tie-break) walks this index backwards.
CREATE INDEX containers_created ON containers (created, id);
CREATE INDEX containers_updated ON containers (updated, id);
CREATE INDEX containers_image ON containers (image_ref);
CREATE INDEX containers_container_id ON containers (container_id);
CREATE INDEX containers_state ON containers (state, created);
CREATE INDEX containers_sensor ON containers (sensor_uuid);
