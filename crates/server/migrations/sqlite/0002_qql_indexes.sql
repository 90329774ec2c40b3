-- Indexes for common QQL filters (see crates/server/src/filter/mod.rs), sized for a million
-- containers.
--
-- `state:RUNNING and vulnerabilities.severity:5 and host.hostname:node-1*` compiles to
--   c.state = ? AND (c.sev5 > 0)
--   AND (c.host_hostname IS NOT NULL
--        AND likelihood(c.host_hostname COLLATE NOCASE >= 'node-1', 0.9)
--        AND likelihood(c.host_hostname COLLATE NOCASE < 'node-2', 0.9))
-- (a wildcard's literal prefix becomes a NOCASE range, matching QQL's case-insensitive text;
-- the likelihood() hint is explained at `HINTED_RANGE_COLUMN` in filter/mod.rs).

-- count(*): an equality plus a range, every other term answered from the index (the table is
-- never read). All the severity counts are included so that any `vulnerabilities.severity`
-- value, list or range combined with a state is covered too.
CREATE INDEX containers_state_host
    ON containers (state, host_hostname COLLATE NOCASE, sev5, sev4, sev3, sev2, sev1, created);

-- The page (ORDER BY created DESC, id DESC LIMIT 50) of a filter with a state: walk the state's
-- entries in page order, check host and severities from the index, stop after one page. It
-- starts with (state, created), so it also serves everything containers_state served; that
-- narrower index would only tempt the planner into reading the table, so it goes.
CREATE INDEX containers_state_created
    ON containers (state, created, id, host_hostname, sev5, sev4, sev3, sev2, sev1);
DROP INDEX containers_state;

-- A host name prefix without a state: a range, and (created, id) for the page's sort.
CREATE INDEX containers_host ON containers (host_hostname COLLATE NOCASE, created);

-- `created:[now-7d .. now]` uses containers_created (created, id) from 0001: a covering range
-- for count(*) and a backwards walk for the page.

-- Statistics for the planner on databases that already hold rows (a no-op on an empty one).
ANALYZE containers;
