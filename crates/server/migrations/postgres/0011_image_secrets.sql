-- Secrets scanners found in images (issue 12): where and what kind, never the secret's text.
CREATE TABLE image_secrets (
    image_ref BIGINT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    rule_id   TEXT COLLATE "C" NOT NULL,
    category  TEXT COLLATE "C",
    title     TEXT,
    severity  BIGINT NOT NULL,
    file      TEXT COLLATE "C",
    line      BIGINT
);
CREATE INDEX image_secrets_image ON image_secrets (image_ref);

-- Malware scanners found in images (issue 12; the JSON shape is in the README).
CREATE TABLE image_malware (
    image_ref BIGINT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    name      TEXT COLLATE "C" NOT NULL,
    category  TEXT COLLATE "C",
    severity  BIGINT NOT NULL,
    file      TEXT COLLATE "C",
    sha256    TEXT COLLATE "C"
);
CREATE INDEX image_malware_image ON image_malware (image_ref);

-- How many of each an image has (`secrets.count`, `malware.count` in QQL; extensions in the
-- API), kept by the writes that replace them.
ALTER TABLE images ADD COLUMN secrets_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN malware_count BIGINT NOT NULL DEFAULT 0;
