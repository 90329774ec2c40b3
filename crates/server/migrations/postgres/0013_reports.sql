-- Reports (issue 13): see the SQLite migration of the same name.
CREATE TABLE reports (
    uuid            TEXT COLLATE "C" PRIMARY KEY,
    name            TEXT NOT NULL,
    description     TEXT,
    template        TEXT COLLATE "C" NOT NULL,
    filter          TEXT NOT NULL DEFAULT '',
    display_columns TEXT,
    file_format     TEXT COLLATE "C" NOT NULL,
    compression     TEXT COLLATE "C" NOT NULL DEFAULT 'none',
    report_type     TEXT COLLATE "C" NOT NULL,
    schedule_id     TEXT COLLATE "C",
    status          TEXT COLLATE "C" NOT NULL,
    created         BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    expires         BIGINT,
    generated       BIGINT,
    row_count       BIGINT,
    size            BIGINT,
    attempts        BIGINT NOT NULL DEFAULT 0,
    error           TEXT,
    job_id          TEXT COLLATE "C"
);
CREATE INDEX reports_created ON reports (created);
CREATE INDEX reports_expires ON reports (expires);

CREATE TABLE report_chunks (
    report_uuid TEXT COLLATE "C" NOT NULL REFERENCES reports (uuid) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    bytes       BYTEA NOT NULL,
    PRIMARY KEY (report_uuid, seq)
);

CREATE TABLE report_schedules (
    id              TEXT COLLATE "C" PRIMARY KEY,
    name            TEXT NOT NULL,
    body            TEXT NOT NULL,
    display_columns TEXT NOT NULL,
    paused          BIGINT NOT NULL DEFAULT 0,
    next_run        BIGINT,
    last_run        BIGINT,
    created         BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    updated         BIGINT NOT NULL
);
CREATE INDEX report_schedules_next ON report_schedules (next_run);
