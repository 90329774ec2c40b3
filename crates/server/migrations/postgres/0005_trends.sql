-- Trend widgets' daily counts (extension): one point per entity, canonical QQL query and UTC
-- day, kept by the first count taken that day and never rewritten.
CREATE TABLE trend_points (
    entity TEXT COLLATE "C" NOT NULL,
    query  TEXT COLLATE "C" NOT NULL,
    day    BIGINT NOT NULL,
    count  BIGINT NOT NULL,
    taken  BIGINT NOT NULL,
    PRIMARY KEY (entity, query, day)
);

-- The daily snapshot of every trend widget: one process claims a day; another takes a claim
-- over when its owner stopped beating.
CREATE TABLE trend_runs (
    day      BIGINT PRIMARY KEY,
    owner    TEXT NOT NULL,
    beat     BIGINT NOT NULL,
    finished BIGINT
);
