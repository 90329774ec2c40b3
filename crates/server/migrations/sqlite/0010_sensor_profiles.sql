-- Sensor profiles: the compatible body as JSON, its name (unique, any letter case) for lookups,
-- when its sensors were last assigned (of two profiles claiming a sensor, the later wins) and a
-- version for If-Match. The built-in Default profile cannot be deleted.
CREATE TABLE sensor_profiles (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL,
    assigned   INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX sensor_profiles_name ON sensor_profiles (lower(name));
INSERT INTO sensor_profiles (id, name, body, is_default, created, updated, assigned)
VALUES ('default', 'Default', '{"profileName":"Default","description":"Every sensor that no other profile claims.","profileType":"GENERAL","associatedSensorIds":[],"filter":null,"config":{"weeklyBlackoutWindowSchedules":[],"vulnerabilityManagement":{"containerScanningInterval":48,"imageExclusionRegexList":[],"globalScanningFlag":true},"timeZone":"UTC"}}', 1, 0, 0, 0);
