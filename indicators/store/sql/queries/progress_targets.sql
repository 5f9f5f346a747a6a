-- one row per declared baseline or target: indicator x place ('*' = the whole initiative) x
-- school year, with the year's position among the school years (0 = the first)
with years as (
    select code, row_number() over (order by start_date) - 1 as position
    from periods
    where kind = 'school_year'
)

select t.indicator, t.place, t.period, y.position, t.kind, t.value, t.note
from targets as t
inner join years as y on y.code = t.period
order by t.indicator, t.place, y.position, t.kind
