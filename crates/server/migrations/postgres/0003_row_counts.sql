-- How many rows each asset table holds, kept by every write in its own transaction (see
-- src/store/derive.rs), so the count of an unfiltered list is one row read in every process.
CREATE TABLE row_counts (
    entity TEXT COLLATE "C" PRIMARY KEY,
    n      BIGINT NOT NULL
);
INSERT INTO row_counts (entity, n) SELECT 'sensors', count(*) FROM sensors;
INSERT INTO row_counts (entity, n) SELECT 'images', count(*) FROM images;
INSERT INTO row_counts (entity, n) SELECT 'containers', count(*) FROM containers;
