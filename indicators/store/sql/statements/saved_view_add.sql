-- one explorer view saved under a name by its owner, unless the owner already has a view of
-- that name (then no row is returned)
insert into saved_views (owner, organisation, name, name_key, params, shared, created_at, updated_at)
select $owner, $organisation, $title, $name_key, $params, $shared, $at, $at
where not exists (
    select 1 from saved_views where owner = $owner and name_key = $name_key
)
returning id
