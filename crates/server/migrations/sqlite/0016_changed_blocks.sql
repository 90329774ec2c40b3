-- Which blocks of 4,096 row ids of each asset table changed, and at which store version, so a
-- cached count of a filter is brought up to date by recounting only those blocks (see
-- src/store/blocks.rs). Triggers note every written row's block in `block_log`; the version
-- bump that ends each write transaction (src/store/derive.rs) moves the log into
-- `changed_blocks` with the new version. SQLite has one writer at a time, so the log is keyed
-- and stays as small as the set of blocks written.
CREATE TABLE block_log (
    entity TEXT NOT NULL,
    block  INTEGER NOT NULL,
    PRIMARY KEY (entity, block)
) WITHOUT ROWID;
CREATE TABLE changed_blocks (
    entity  TEXT NOT NULL,
    -- id / 4096; -1 stands for every block (a bulk load).
    block   INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (entity, block)
) WITHOUT ROWID;
CREATE INDEX changed_blocks_version ON changed_blocks (entity, version);

CREATE TRIGGER sensors_block_insert AFTER INSERT ON sensors BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('sensors', NEW.id / 4096);
END;
CREATE TRIGGER sensors_block_update AFTER UPDATE ON sensors BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('sensors', NEW.id / 4096);
END;
CREATE TRIGGER sensors_block_delete AFTER DELETE ON sensors BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('sensors', OLD.id / 4096);
END;
CREATE TRIGGER images_block_insert AFTER INSERT ON images BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('images', NEW.id / 4096);
END;
CREATE TRIGGER images_block_update AFTER UPDATE ON images BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('images', NEW.id / 4096);
END;
CREATE TRIGGER images_block_delete AFTER DELETE ON images BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('images', OLD.id / 4096);
END;
CREATE TRIGGER containers_block_insert AFTER INSERT ON containers BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('containers', NEW.id / 4096);
END;
CREATE TRIGGER containers_block_update AFTER UPDATE ON containers BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('containers', NEW.id / 4096);
END;
CREATE TRIGGER containers_block_delete AFTER DELETE ON containers BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('containers', OLD.id / 4096);
END;
