-- one row per 5W record, commitment x place x school year: who (organisation, type), what
-- (action type, node served), where (place, its kind, its territory), when (school year, the
-- commitment's status), for whom (grades and sex, empty = all; targeted: the commitment's
-- number spread evenly over its places); and what was reported: `reported`, the organisation's
-- yearly figures on the commitment's indicators at the place (for a territory, at it or one of
-- its schools); `reached`, the largest of them among indicators counting people.
-- $accepted_only: values of accepted submissions only. What was reported as the store keeps it
-- (record_reports_live).
with located as (
    select * from {{record_places}}
)

select
    l.* exclude (indicators),
    l.indicators,
    p.end_date,
    p.due_date,
    coalesce(r.reported, 0) as reported,
    r.reached
from located as l
inner join periods as p on p.code = l.period
left join (
    select commitment, place, period, reported, reached
    from record_reports
    where accepted_only = $accepted_only
) as r using (commitment, place, period)
order by l.period, l.territory, l.place, l.action_type, l.organisation
