-- one row per group of sync_rates (dimension x member x period) x organisation owing reports in
-- it that are due on $today: how many (what disclosure control needs to know who stands behind
-- each group's rates; never shown as such)
with reports as (
    select * from {{report_counted}}
    where is_due
)

select
    'initiative' as dimension, '*' as member, period, organisation, sum(expected)::bigint as owed
from reports
group by all
union all
select 'organisation', organisation, period, organisation, sum(expected)::bigint
from reports
group by all
union all
select 'organisation_type', organisation_type, period, organisation, sum(expected)::bigint
from reports
group by all
union all
select 'territory', territory, period, organisation, sum(expected)::bigint
from reports
group by all
union all
select 'indicator', indicator, period, organisation, sum(expected)::bigint
from reports
group by all
