-- one row per submission of $ids: its organisation, file, upload and status
select id, organisation, filename, uploaded_by, uploaded_at, status
from submissions
where list_contains($ids, id)
order by id
