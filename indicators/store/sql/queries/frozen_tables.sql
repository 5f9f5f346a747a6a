-- one row per published school year: the table $table frozen by its latest publication (scope
-- ''), which is what funders read until the next publication
with latest as (
    select period, max(id) as id from publications group by period
)

select l.period, t.payload
from latest as l
inner join publication_tables as t
    on t.publication_id = l.id and t.scope = '' and t.name = $table
order by l.period
