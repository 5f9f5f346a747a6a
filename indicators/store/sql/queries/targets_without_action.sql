-- one row per declared target (indicator x place x school year) that no commitment of that year
-- reports on at that place (for '*', anywhere; for a territory, at it or one of its schools)
with records as (
    select * from {{coordination_records}}
)

select t.indicator, t.place, t.period, t.value
from targets as t
where t.kind = 'target'
    and not exists (
        select 1 from records as r
        where r.period = t.period
            and list_contains(r.indicators, t.indicator)
            and (t.place in ('*', r.place, r.territory))
    )
order by t.period, t.indicator, t.place
