-- Recent and saved QQL searches, per user and entity (console search bar).
CREATE TABLE saved_searches (
    id       TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    entity   TEXT NOT NULL,
    name     TEXT NOT NULL,
    query    TEXT NOT NULL,
    created  INTEGER NOT NULL,
    UNIQUE (username, entity, name)
);

CREATE TABLE recent_searches (
    username TEXT NOT NULL,
    entity   TEXT NOT NULL,
    query    TEXT NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (username, entity, query)
);
CREATE INDEX recent_searches_at ON recent_searches (username, entity, at);
