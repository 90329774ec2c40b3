-- Storage over two engines (see migrations/postgres for the same schema on PostgreSQL).

-- Repositories keep the order they were reported in (was the implicit rowid, which PostgreSQL
-- has no equivalent of).
ALTER TABLE image_repos ADD COLUMN pos INTEGER NOT NULL DEFAULT 0;
UPDATE image_repos SET pos = rowid;
DROP INDEX image_repos_image;
CREATE INDEX image_repos_image ON image_repos (image_ref, pos);

-- Crash-safe deletion jobs: what was asked (QQL as written, or resolved row ids), who runs the
-- job and when it last showed life, and how far it got (every chunk commits its progress with
-- its deletes, so a job taken over resumes exactly).
ALTER TABLE jobs ADD COLUMN entity TEXT;
ALTER TABLE jobs ADD COLUMN selection TEXT;
ALTER TABLE jobs ADD COLUMN owner TEXT;
ALTER TABLE jobs ADD COLUMN heartbeat INTEGER;
ALTER TABLE jobs ADD COLUMN started INTEGER;
ALTER TABLE jobs ADD COLUMN progress_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN upto_id INTEGER;
ALTER TABLE jobs ADD COLUMN audit_id INTEGER;
CREATE INDEX jobs_status ON jobs (status, heartbeat);

-- Audit entries of long actions are written when they start and completed when they end.
ALTER TABLE audit_log ADD COLUMN status TEXT;
ALTER TABLE audit_log ADD COLUMN completed INTEGER;

-- The database's version: every asset write bumps it in its own transaction, and counts are
-- cached per version, so every server process sharing the database sees fresh counts.
CREATE TABLE store_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO store_version (id, version) VALUES (1, 1);

-- What derives from an image's containers (count, distinct sensors, latest update) is
-- recounted from this index alone after every container write or delete.
CREATE INDEX containers_image_usage ON containers (image_ref, sensor_uuid, updated);
DROP INDEX containers_image;
