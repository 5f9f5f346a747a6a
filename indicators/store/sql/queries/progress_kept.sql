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

organisation_totals as (
    select
        *,
        sum(weight) over (
            partition by scope, indicator, period, disaggregation, dedup_group, organisation
        ) as organisation_total
    from grouped
)

select
    * exclude (weight, organisation_total),
    dedup_group is null
    or organisation = first(organisation) over (
        partition by scope, indicator, period, disaggregation, dedup_group
        order by organisation_total desc, organisation
        rows between unbounded preceding and unbounded following
    ) as kept
from organisation_totals
