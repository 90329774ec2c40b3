-- Secrets scanners found in images (issue 12): where and what kind, never the secret's text.
CREATE TABLE image_secrets (
    image_ref INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    rule_id   TEXT NOT NULL,
    category  TEXT,
    title     TEXT,
    severity  INTEGER NOT NULL,
    file      TEXT,
    line      INTEGER
);
CREATE INDEX image_secrets_image ON image_secrets (image_ref);

-- Malware scanners found in images (issue 12; the JSON shape is in the README).
CREATE TABLE image_malware (
    image_ref INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    category  TEXT,
    severity  INTEGER NOT NULL,
    file      TEXT,
    sha256    TEXT
);
CREATE INDEX image_malware_image ON image_malware (image_ref);

-- How many of each an image has (`secrets.count`, `malware.count` in QQL; extensions in the
-- API), kept by the writes that replace them.
ALTER TABLE images ADD COLUMN secrets_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN malware_count INTEGER NOT NULL DEFAULT 0;
