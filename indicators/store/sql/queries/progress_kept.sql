-- one row per unit (see progress_units) x scope it falls in: the whole initiative ('*'), its
-- territory, its school. `kept` says whether the indicator's de-duplication rule counts it in
-- that scope: none, not_applicable: every unit; max_per_school, unique_id: in each place, the
-- organisation with the largest value (the largest numerator for a rate), since the same young
-- people may be counted by several partners and their identifiers do not reach us;
-- max_per_territory: in each territory (each school within a school), the organisation with
-- the largest total. Ties go to the first organisation code.
with rules as (
    select
        code as indicator,
        unit,
        polarity,
        aggregation_space as space_rule,
        deduplication_rule as dedup,
        case when unit = 'percent' then 100.0 else 1.0 end as scale
    from indicator_versions
    where valid_to is null and retired_at is null
),

located as (
    select
        u.*,
        r.space_rule,
        r.dedup,
        r.scale,
        case when pl.kind = 'school' then pl.code end as school,
        case when pl.kind = 'territory' then pl.code else pl.parent end as territory
    from {{progress_units}} as u
    inner join rules as r on r.indicator = u.indicator
    inner join places as pl on pl.code = u.place
),

scoped as (
    select *, '*' as scope, 'initiative' as scope_kind from located
    union all
    select *, territory as scope, 'territory' as scope_kind from located
    where territory is not null
    union all
    select *, school as scope, 'school' as scope_kind from located
    where school is not null
),

grouped as (
    select
        *,
        case
            when dedup in ('max_per_school', 'unique_id') then place
            when dedup = 'max_per_territory' and scope_kind <> 'school' then coalesce(territory, place)
            when dedup = 'max_per_territory' then place
        end as dedup_group,
        coalesce(numerator, value) as weight
    from scoped
),

-- in each de-duplication group, the organisation with the largest total (ties: the first code);
-- a group by, not a window over every unit (several times faster)
organisation_totals as (
    select
        scope,
        indicator,
        period,
        disaggregation,
        dedup_group,
        organisation,
        sum(weight) as organisation_total
    from grouped
    where dedup_group is not null
    group by all
),

chosen as (
    select
        scope,
        indicator,
        period,
        disaggregation,
        dedup_group,
        first(organisation order by organisation_total desc nulls last, organisation) as chosen
    from organisation_totals
    group by all
)

select
    g.* exclude (weight),
    g.dedup_group is null or g.organisation = c.chosen as kept
from grouped as g
left join chosen as c
    on c.scope = g.scope
    and c.indicator = g.indicator
    and c.period = g.period
    and c.disaggregation = g.disaggregation
    and c.dedup_group = g.dedup_group
