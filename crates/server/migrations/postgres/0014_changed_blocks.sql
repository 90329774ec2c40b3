-- Which blocks of 4,096 row ids of each asset table changed, and at which store version, so a
-- cached count of a filter is brought up to date by recounting only those blocks (see
-- src/store/blocks.rs). Statement triggers note the written rows' blocks in `block_log`; the
-- version bump that ends each write transaction (src/store/derive.rs) moves the transaction's
-- log into `changed_blocks` with the new version. The log has no key, so a writer never waits
-- on another's uncommitted row; the move happens under the version row's lock, one
-- transaction at a time.
CREATE TABLE block_log (
    entity TEXT COLLATE "C" NOT NULL,
    block  BIGINT NOT NULL
);
CREATE TABLE changed_blocks (
    entity  TEXT COLLATE "C" NOT NULL,
    -- id / 4096; -1 stands for every block (a bulk load).
    block   BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (entity, block)
);
CREATE INDEX changed_blocks_version ON changed_blocks (entity, version);

CREATE FUNCTION log_new_blocks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO block_log (entity, block)
        SELECT DISTINCT TG_TABLE_NAME::text, id / 4096 FROM new_rows;
    RETURN NULL;
END $$;
CREATE FUNCTION log_old_blocks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO block_log (entity, block)
        SELECT DISTINCT TG_TABLE_NAME::text, id / 4096 FROM old_rows;
    RETURN NULL;
END $$;

CREATE TRIGGER sensors_block_insert AFTER INSERT ON sensors
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_new_blocks();
CREATE TRIGGER sensors_block_update AFTER UPDATE ON sensors
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_new_blocks();
CREATE TRIGGER sensors_block_delete AFTER DELETE ON sensors
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_old_blocks();
CREATE TRIGGER images_block_insert AFTER INSERT ON images
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_new_blocks();
CREATE TRIGGER images_block_update AFTER UPDATE ON images
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_new_blocks();
CREATE TRIGGER images_block_delete AFTER DELETE ON images
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_old_blocks();
CREATE TRIGGER containers_block_insert AFTER INSERT ON containers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_new_blocks();
CREATE TRIGGER containers_block_update AFTER UPDATE ON containers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_new_blocks();
CREATE TRIGGER containers_block_delete AFTER DELETE ON containers
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_old_blocks();
