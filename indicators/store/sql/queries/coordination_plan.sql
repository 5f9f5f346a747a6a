-- one row per 5W record (coordination_records) of the school year $period ('' = all), without its
-- lists of grades, sex and indicators (indicator_count: how many indicators it reports on): what
-- the presence matrix, the network and the silent records read (lists are slow to hand over)
select * exclude (grades, sex, indicators), len(indicators) as indicator_count
from {{coordination_records}}
where $period = '' or period = $period
