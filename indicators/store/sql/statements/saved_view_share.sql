-- the owner shares its saved view $id with every evaluator, or stops sharing it
update saved_views
set shared = $shared, updated_at = $at
where id = $id and owner = $owner
returning id
