-- Blocks of 512 row ids instead of 4,096 (src/store/blocks.rs): a sensor's write makes the
-- block it wrote be counted again by every cached filter, and the fewer rows a block holds,
-- the less the first list after each write waits for. The marks of the old size mean nothing
-- now: every block is marked changed, so counts kept by any process are counted again whole,
-- once.
DROP TRIGGER sensors_block_insert;
DROP TRIGGER sensors_block_update;
DROP TRIGGER sensors_block_delete;
DROP TRIGGER images_block_insert;
DROP TRIGGER images_block_update;
DROP TRIGGER images_block_delete;
DROP TRIGGER containers_block_insert;
DROP TRIGGER containers_block_update;
DROP TRIGGER containers_block_delete;

CREATE TRIGGER sensors_block_insert AFTER INSERT ON sensors BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('sensors', NEW.id / 512);
END;
CREATE TRIGGER sensors_block_update AFTER UPDATE ON sensors BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('sensors', NEW.id / 512);
END;
CREATE TRIGGER sensors_block_delete AFTER DELETE ON sensors BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('sensors', OLD.id / 512);
END;
CREATE TRIGGER images_block_insert AFTER INSERT ON images BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('images', NEW.id / 512);
END;
CREATE TRIGGER images_block_update AFTER UPDATE ON images BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('images', NEW.id / 512);
END;
CREATE TRIGGER images_block_delete AFTER DELETE ON images BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('images', OLD.id / 512);
END;
CREATE TRIGGER containers_block_insert AFTER INSERT ON containers BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('containers', NEW.id / 512);
END;
CREATE TRIGGER containers_block_update AFTER UPDATE ON containers BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('containers', NEW.id / 512);
END;
CREATE TRIGGER containers_block_delete AFTER DELETE ON containers BEGIN
    INSERT OR IGNORE INTO block_log (entity, block) VALUES ('containers', OLD.id / 512);
END;

DELETE FROM block_log;
DELETE FROM changed_blocks;
UPDATE store_version SET version = version + 1 WHERE id = 1;
INSERT INTO changed_blocks (entity, block, version)
    SELECT 'sensors', -1, version FROM store_version WHERE id = 1;
INSERT INTO changed_blocks (entity, block, version)
    SELECT 'images', -1, version FROM store_version WHERE id = 1;
INSERT INTO changed_blocks (entity, block, version)
    SELECT 'containers', -1, version FROM store_version WHERE id = 1;
