-- one row per store: the latest publication (nulls before any); the tables funders read (frozen_tables)
-- change only when it does
select max(id) as id, max(published_at) as published_at from publications
