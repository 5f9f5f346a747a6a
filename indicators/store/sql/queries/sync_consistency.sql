-- one row per group (dimension organisation_type, territory, or initiative with member '*'): of
-- the partners that reported in any period of the window $periods, how many reported in every
-- period of it in which they had reports expected; consistency = every / any (DOMAIN.md, where a
-- period a partner owed nothing in does not count against it); the organisations of each group
-- are in sync_consistency_members
select
    dimension,
    member,
    count(*) filter (where reported > 0) as reporting_any,
    count(*) filter (where reported > 0 and reported = owed) as reporting_every,
    count(*) filter (where reported > 0 and reported = owed)
        / nullif(count(*) filter (where reported > 0), 0) as consistency
from {{sync_consistency_members}}
group by dimension, member
having count(*) filter (where reported > 0) > 0
order by dimension, member
