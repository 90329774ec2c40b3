-- The sensor API (issue 12): activation keys operators create, the credential each registered
-- sensor holds, the images each sensor reported (what is due for a scan), its recent events.
CREATE TABLE activation_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    sensor_type TEXT NOT NULL,
    profile_id  TEXT,
    created     INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    revoked     INTEGER,
    registered  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sensor_credentials (
    id             TEXT PRIMARY KEY,
    sensor_uuid    TEXT NOT NULL UNIQUE,
    secret_hash    TEXT NOT NULL,
    activation_key TEXT NOT NULL,
    created        INTEGER NOT NULL
);

CREATE TABLE sensor_images (
    sensor_uuid TEXT NOT NULL,
    image_ref   INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    last_event  INTEGER NOT NULL,
    due_since   INTEGER,
    PRIMARY KEY (sensor_uuid, image_ref)
);
CREATE INDEX sensor_images_image ON sensor_images (image_ref);

CREATE TABLE sensor_events (
    id          INTEGER PRIMARY KEY,
    sensor_uuid TEXT NOT NULL,
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    action      TEXT NOT NULL,
    sha         TEXT NOT NULL,
    name        TEXT
);
CREATE INDEX sensor_events_sensor ON sensor_events (sensor_uuid, id);
