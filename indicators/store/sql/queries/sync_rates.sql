-- one row per dimension member x period (dimension: organisation, organisation_type, territory,
-- indicator, or initiative with member '*'): expected reports due on $today, how many arrived,
-- how many by their due date, completeness = received / expected, timeliness = on time / expected
with reports as (
    select * from {{report_counted}}
    where is_due
),

counted as (
    select
        case
            when grouping(organisation) = 0 then 'organisation'
            when grouping(organisation_type) = 0 then 'organisation_type'
            when grouping(territory) = 0 then 'territory'
            when grouping(indicator) = 0 then 'indicator'
            else 'initiative'
        end as dimension,
        coalesce(organisation, organisation_type, territory, indicator, '*') as member,
        period,
        start_date,
        sum(expected)::bigint as expected,
        sum(received)::bigint as received,
        sum(on_time)::bigint as on_time
    from reports
    group by grouping sets (
        (organisation, period, start_date),
        (organisation_type, period, start_date),
        (territory, period, start_date),
        (indicator, period, start_date),
        (period, start_date)
    )
)

select
    dimension,
    member,
    period,
    start_date,
    expected,
    received,
    on_time,
    received / expected as completeness,
    on_time / expected as timeliness
from counted
order by dimension, member, start_date, period
