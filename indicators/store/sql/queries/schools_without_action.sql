-- one row per school x school year where no organisation other than the school itself has a
-- commitment at the school (commitments for a whole territory are counted apart: territory_wide)
with records as (
    select * from {{coordination_records}}
),

years as (
    select distinct period from records
)

select
    s.code as school,
    s.name as school_name,
    s.parent as territory,
    y.period,
    (
        select count(distinct r.organisation) from records as r
        where r.place = s.parent and r.period = y.period
    ) as territory_wide
from places as s
cross join years as y
where s.kind = 'school'
    and not exists (
        select 1 from records as r
        inner join organisations as o on o.code = r.organisation
        where r.place = s.code and r.period = y.period and coalesce(o.place, '') <> s.code
    )
order by y.period, s.parent, s.name
