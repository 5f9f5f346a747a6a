-- one row per 5W record (coordination_records) of the school year $period ('' = all)
select *
from {{coordination_records}}
where $period = '' or period = $period
