-- Trend widgets' daily counts (extension): one point per entity, canonical QQL query and UTC
-- day, kept by the first count taken that day and never rewritten.
CREATE TABLE trend_points (
    entity TEXT NOT NULL,
    query  TEXT NOT NULL,
    day    INTEGER NOT NULL,
    count  INTEGER NOT NULL,
    taken  INTEGER NOT NULL,
    PRIMARY KEY (entity, query, day)
);

-- The daily snapshot of every trend widget: one process claims a day; another takes a claim
-- over when its owner stopped beating.
CREATE TABLE trend_runs (
    day      INTEGER PRIMARY KEY,
    owner    TEXT NOT NULL,
    beat     INTEGER NOT NULL,
    finished INTEGER
);
