-- one row per indicator x scope ('*', a territory, a school) x period x disaggregation: the
-- figure the indicator's rule over space gives from the units its de-duplication rule keeps
-- (progress_kept): sum, mean (of the units), max, last (the latest upload), ratio (sum of
-- numerators / sum of denominators; a single unit stands as it is; units without numerator and
-- denominator cannot enter it and are counted in without_base), none (only a single unit).
-- gross: the plain sum of every unit, before de-duplication; organisations: behind the kept
-- units; backbone_only: all of them from the backbone; largest_share: the largest
-- organisation's share of a sum. Computed from the observations (progress: as the store keeps
-- it); the parameters of progress_units choose which.
with every_unit as materialized (
    select
        scope,
        scope_kind,
        indicator,
        period,
        disaggregation,
        organisation,
        value,
        numerator,
        denominator,
        uploaded_at,
        space_rule,
        dedup,
        scale,
        terms,
        kept
    from {{progress_kept}}
),

kept as (
    select * from every_unit
    where kept
),

-- the largest organisation's sum in each figure (a group by, not a window)
largest as (
    select scope, indicator, period, disaggregation, max(organisation_sum) as organisation_sum
    from (
        select scope, indicator, period, disaggregation, organisation, sum(value) as organisation_sum
        from kept
        group by all
    )
    group by all
),

figures as (
    select
        scope,
        any_value(scope_kind) as scope_kind,
        indicator,
        period,
        disaggregation,
        any_value(space_rule) as rule,
        any_value(dedup) as dedup,
        count(*) as units,
        count(distinct organisation) as organisations,
        bool_and(organisation = (select backbone from initiative)) as backbone_only,
        count(*) filter (where numerator is null or denominator is null) as without_base,
        max(terms) as terms,
        sum(numerator) filter (where denominator is not null) as numerator,
        sum(denominator) filter (where numerator is not null) as denominator,
        case any_value(space_rule)
            when 'sum' then sum(value)
            when 'mean' then avg(value)
            when 'max' then max(value)
            when 'last' then arg_max(value, uploaded_at)
            when 'ratio' then
                case
                    when count(*) = 1 then any_value(value)
                    else
                        sum(numerator) filter (where denominator is not null)
                        / nullif(sum(denominator) filter (where numerator is not null), 0)
                        * any_value(scale)
                end
            when 'none' then case when count(*) = 1 then any_value(value) end
        end as value,
        sum(value) as total
    from kept
    group by scope, indicator, period, disaggregation
),

gross as (
    select
        scope,
        indicator,
        period,
        disaggregation,
        sum(value) as gross,
        count(*) as all_units
    from every_unit
    group by all
)

select
    f.* exclude (total),
    case when f.rule = 'sum' and f.total > 0 then l.organisation_sum / f.total end
        as largest_share,
    g.gross,
    g.all_units - f.units as dropped
from figures as f
inner join gross as g using (scope, indicator, period, disaggregation)
inner join largest as l using (scope, indicator, period, disaggregation)
order by f.indicator, f.scope_kind, f.scope, f.period, f.disaggregation
