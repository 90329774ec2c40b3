-- Reports (issue 13): what was asked, where its generation is, and its file, kept in the
-- database as chunks (so every server process of a PostgreSQL install can serve it, and a file
-- is downloadable only once every chunk is in: the report turns GENERATED in the same
-- transaction as its last chunk).
CREATE TABLE reports (
    uuid            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    description     TEXT,
    template        TEXT NOT NULL,
    filter          TEXT NOT NULL DEFAULT '',
    display_columns TEXT,
    file_format     TEXT NOT NULL,
    compression     TEXT NOT NULL DEFAULT 'none',
    report_type     TEXT NOT NULL,
    schedule_id     TEXT,
    status          TEXT NOT NULL,
    created         INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    expires         INTEGER,
    generated       INTEGER,
    row_count       INTEGER,
    size            INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    error           TEXT,
    job_id          TEXT
);
CREATE INDEX reports_created ON reports (created);
CREATE INDEX reports_expires ON reports (expires);

CREATE TABLE report_chunks (
    report_uuid TEXT NOT NULL REFERENCES reports (uuid) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    PRIMARY KEY (report_uuid, seq)
);

-- Report schedules: each run makes a SCHEDULED report; `next_run` moves forward with a
-- compare-and-set, so one process makes each run's report.
CREATE TABLE report_schedules (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    body            TEXT NOT NULL,
    display_columns TEXT NOT NULL,
    paused          INTEGER NOT NULL DEFAULT 0,
    next_run        INTEGER,
    last_run        INTEGER,
    created         INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    updated         INTEGER NOT NULL
);
CREATE INDEX report_schedules_next ON report_schedules (next_run);
