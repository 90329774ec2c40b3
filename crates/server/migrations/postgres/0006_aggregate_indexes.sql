-- Containers by cluster and by namespace (the Runtime dashboard's bars): counted from this
-- index alone instead of every container row (at 1,000,000 containers on SQLite, 36 ms
-- instead of 750 ms for the clusters).
CREATE INDEX containers_cluster ON containers (cluster_name, cluster_namespace);
