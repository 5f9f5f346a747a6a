-- the owner deletes its saved view $id
delete from saved_views
where id = $id and owner = $owner
returning id
