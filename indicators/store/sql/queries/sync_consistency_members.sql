-- one row per group x organisation (dimension organisation_type, territory, or initiative with
-- member '*'): of the periods of the window $periods in which the organisation had reports
-- expected (in that territory, for a territory), how many it owed and how many it reported in;
-- sync_consistency counts them (DOMAIN.md: consistency = partners reporting in every period /
-- partners reporting in any; a period a partner owed nothing in does not count against it)
with owed as (
    select organisation, organisation_type, territory, period, received > 0 as received
    from {{report_counted}}
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
)

select 'initiative' as dimension, '*' as member, organisation, owed, reported from overall
union all
select 'organisation_type', organisation_type, organisation, owed, reported from overall
union all
select 'territory', territory, organisation, owed, reported from by_territory
order by dimension, member, organisation
