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
