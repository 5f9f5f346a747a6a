-- one row per table of the latest publication of school year $period, with when and by whom
with latest as (
    select * from publications
    where period = $period
    order by published_at desc, id desc
    limit 1
)

select l.id, l.period, l.published_at, l.published_by, t.scope, t.name, t.payload
from latest as l
inner join publication_tables as t on t.publication_id = l.id
order by t.scope, t.name
