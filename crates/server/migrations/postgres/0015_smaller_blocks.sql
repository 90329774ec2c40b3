-- Blocks of 512 row ids instead of 4,096 (src/store/blocks.rs): a sensor's write makes the
-- block it wrote be counted again by every cached filter, and 4,096 rows took 6 to 20 ms to
-- count on PostgreSQL (each row's filter evaluated), the tail of every filtered list while a
-- sensor adds containers. The marks of the old size mean nothing now: every block is marked
-- changed, so counts kept by any process are counted again whole, once.
CREATE OR REPLACE FUNCTION log_new_blocks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO block_log (entity, block)
        SELECT DISTINCT TG_TABLE_NAME::text, id / 512 FROM new_rows;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION log_old_blocks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO block_log (entity, block)
        SELECT DISTINCT TG_TABLE_NAME::text, id / 512 FROM old_rows;
    RETURN NULL;
END $$;

DELETE FROM block_log;
DELETE FROM changed_blocks;
UPDATE store_version SET version = version + 1 WHERE id = 1;
INSERT INTO changed_blocks (entity, block, version)
    SELECT t.entity, -1, v.version
    FROM store_version v, (VALUES ('sensors'), ('images'), ('containers')) AS t (entity)
    WHERE v.id = 1;
