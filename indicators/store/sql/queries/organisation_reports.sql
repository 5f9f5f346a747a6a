-- one row per expected report (expected_reports) of the organisation $org
select *
from {{expected_reports}}
where organisation = $org
