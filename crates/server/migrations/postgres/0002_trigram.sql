-- Trigram indexes for QQL's "contains" (`name:nginx` is `fold(name) LIKE '%nginx%'`), when the
-- pg_trgm extension can be had: it ships with PostgreSQL's contrib package, and creating it
-- needs the right to (a superuser, or a database owner on PostgreSQL 13+ as it is trusted).
-- Without it every filter still works, by scanning.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%); contains-filters will scan', SQLERRM;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX containers_name_trgm ON containers
            USING gin (lower(name COLLATE "C") gin_trgm_ops);
        CREATE INDEX containers_host_trgm ON containers
            USING gin (lower(host_hostname COLLATE "C") gin_trgm_ops);
        CREATE INDEX image_repos_repository_trgm ON image_repos
            USING gin (lower(repository COLLATE "C") gin_trgm_ops);
        CREATE INDEX image_software_name_trgm ON image_software
            USING gin (lower(name COLLATE "C") gin_trgm_ops);
    END IF;
END
$$;
