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
