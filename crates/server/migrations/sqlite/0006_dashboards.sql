-- Dashboards (extension): each user's documents, shared read-only with everyone when chosen,
-- and each user's landing page.
CREATE TABLE dashboards (
    id      TEXT PRIMARY KEY,
    owner   TEXT NOT NULL,
    name    TEXT NOT NULL,
    shared  INTEGER NOT NULL DEFAULT 0,
    doc     TEXT NOT NULL,
    version INTEGER NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);
CREATE INDEX dashboards_owner ON dashboards (owner);

CREATE TABLE dashboard_landing (
    username     TEXT PRIMARY KEY,
    dashboard_id TEXT NOT NULL
);
