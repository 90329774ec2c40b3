-- Dashboards (extension): each user's documents, shared read-only with everyone when chosen,
-- and each user's landing page.
CREATE TABLE dashboards (
    id      TEXT COLLATE "C" PRIMARY KEY,
    owner   TEXT COLLATE "C" NOT NULL,
    name    TEXT NOT NULL,
    shared  BOOLEAN NOT NULL DEFAULT FALSE,
    doc     TEXT NOT NULL,
    version BIGINT NOT NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL
);
CREATE INDEX dashboards_owner ON dashboards (owner);

CREATE TABLE dashboard_landing (
    username     TEXT COLLATE "C" PRIMARY KEY,
    dashboard_id TEXT COLLATE "C" NOT NULL
);
