-- one row per group (dimension organisation_type, territory, or initiative with member '*'): of
-- the partners that reported in any period of the window $periods, how many reported in every
-- period of it in which they had reports expected; consistency = every / any (DOMAIN.md, where a
-- period a partner owed nothing in does not count against it)
with owed as (
    select distinct organisation, organisation_type, territory, period, received
    from {{expected_reports}}
    where list_contains($periods, period) and is_due
),

overall as (
    select
        organisation,
        any_value(organisation_type) as organisation_type,
        count(distinct period) as owed,
        count(distinct period) filter (where received) as reported
    from owed
    group by organisation
),

by_territory as (
    select
        organisation,
        territory,
        count(distinct period) as owed,
        count(distinct period) filter (where received) as reported
    from owed
    group by organisation, territory
),

groups as (
    select 'initiative' as dimension, '*' as member, owed, reported from overall
    union all
    select 'organisation_type', organisation_type, owed, reported from overall
    union all
    select 'territory', territory, owed, reported from by_territory
)

select
    dimension,
    member,
    count(*) filter (where reported > 0) as reporting_any,
    count(*) filter (where reported > 0 and reported = owed) as reporting_every,
    count(*) filter (where reported > 0 and reported = owed)
        / nullif(count(*) filter (where reported > 0), 0) as consistency
from groups
group by dimension, member
having count(*) filter (where reported > 0) > 0
order by dimension, member
