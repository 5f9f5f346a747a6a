-- one row per submission of the organisation $org x period it stored a value for (current or
-- replaced since)
select distinct submission_id as id, period
from observations
where organisation = $org
order by id, period
