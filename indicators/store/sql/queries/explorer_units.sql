-- one row per unit (see progress_units: indicator x organisation x place x period x
-- disaggregation, its value by the indicator's rule over time) with what the explorer groups
-- units by: the period's kind and start, the place's territory, school and priority-education
-- status ('' when none), the organisation's type, the latest indicator version among the
-- observations the unit uses. $accepted_only, $indicator, $orgs as in progress_units.
with units as (
    select row_number() over () as unit, *
    from {{progress_units}}
),

used as (
    select unit, unnest(sources) as id
    from units
),

versions as (
    select u.unit, max(o.indicator_version) as indicator_version
    from used as u
    inner join observations as o on o.id = u.id
    group by u.unit
)

select
    u.*,
    v.indicator_version,
    p.kind as period_kind,
    p.start_date,
    pl.kind as place_kind,
    case when pl.kind = 'territory' then pl.code else coalesce(pl.parent, '') end as territory,
    case when pl.kind = 'school' then pl.code else '' end as school,
    case when pl.kind = 'school' then coalesce(pl.education_priority, '') else '' end
        as education_priority,
    coalesce(org.type, '') as organisation_type
from units as u
inner join versions as v on v.unit = u.unit
inner join periods as p on p.code = u.period
inner join places as pl on pl.code = u.place
left join organisations as org on org.code = u.organisation
order by u.indicator, p.start_date, u.organisation, u.place, u.disaggregation
