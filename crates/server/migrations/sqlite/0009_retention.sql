-- Data retention. At most one purge is queued or running at a time, whichever process asked
-- for it: a second request finds this index taken and joins the run already under way.
CREATE UNIQUE INDEX jobs_one_retention ON jobs (kind)
    WHERE kind = 'RETENTION' AND status IN ('QUEUED', 'RUNNING');

-- What the container rule selects (a state, changed before the period): its preview and its
-- batches read this index instead of every container.
CREATE INDEX containers_state_changed ON containers (state, state_changed);

-- The images rule: images no container uses, by when they were last scanned.
CREATE INDEX images_unused ON images (containers_count, last_scanned);
