-- one row per group (dimension organisation_type, territory, or initiative with member '*'): of
-- the partners that reported in any period of the window $periods, how many reported in every
-- one of them; consistency = every / any (DOMAIN.md)
with reported as (
    select distinct organisation, organisation_type, territory, period
    from {{expected_reports}}
    where received and list_contains($periods, period)
),

overall as (
    select organisation, any_value(organisation_type) as organisation_type,
        count(distinct period) as periods
    from reported
    group by organisation
),

by_territory as (
    select organisation, territory, count(distinct period) as periods
    from reported
    group by organisation, territory
),

groups as (
    select 'initiative' as dimension, '*' as member, periods from overall
    union all
    select 'organisation_type', organisation_type, periods from overall
    union all
    select 'territory', territory, periods from by_territory
)

select
    dimension,
    member,
    count(*) as reporting_any,
    count(*) filter (where periods = len($periods)) as reporting_every,
    count(*) filter (where periods = len($periods)) / count(*) as consistency
from groups
group by dimension, member
order by dimension, member
