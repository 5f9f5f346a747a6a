-- the owner renames its saved view $id, unless another of its views has that name (no row then)
update saved_views
set name = $title, name_key = $name_key, updated_at = $at
where id = $id and owner = $owner
    and not exists (
        select 1 from saved_views as other
        where other.owner = $owner and other.name_key = $name_key and other.id <> $id
    )
returning id
