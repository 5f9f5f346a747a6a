-- one row per uploaded file of every organisation, oldest first
select id, organisation, filename, uploaded_by, uploaded_at, status
from submissions
order by uploaded_at, id
