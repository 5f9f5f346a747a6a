-- one row per indicator x scope ('*', a territory, a school) x period x disaggregation: the
-- figure the indicator's rule over space gives from the units its de-duplication rule keeps
-- (progress_kept): sum, mean (of the units), max, last (the latest upload), ratio (sum of
-- numerators / sum of denominators; a single unit stands as it is; units without numerator and
-- denominator cannot enter it and are counted in without_base), none (only a single unit).
-- gross: the plain sum of every unit, before de-duplication; organisations: behind the kept
-- units; backbone_only: all of them from the backbone; largest_share: the largest
-- organisation's share of a sum. Computed from the observations (progress: as the store keeps
-- it); the parameters of progress_units choose which.
--
-- From each organisation's part of each figure (progress_parts): every rule adds up from parts
-- (a mean from sums and counts, the latest from each part's latest), and one pass over them
-- gives the kept figure, the gross, the count of organisations and the largest one's share,
-- with no join (at 818,181 values, 1.1 M figures: several times fewer rows grouped than a
-- pass over the units for each).
with figures as (
    select
        scope,
        any_value(scope_kind) as scope_kind,
        indicator,
        period,
        disaggregation,
        any_value(space_rule) as rule,
        any_value(dedup) as dedup,
        sum(units)::bigint as units,
        count(*) filter (where units > 0) as organisations,
        bool_and(organisation = (select backbone from initiative)) filter (where units > 0)
            as backbone_only,
        sum(without_base)::bigint as without_base,
        max(terms) as terms,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        case any_value(space_rule)
            when 'sum' then sum(total)
            when 'mean' then sum(total) / sum(counted)
            when 'max' then max(top)
            when 'last' then arg_max(latest, latest_at)
            when 'ratio' then
                case
                    when sum(units) = 1 then any_value(one_value) filter (where units > 0)
                    else sum(numerator) / nullif(sum(denominator), 0) * any_value(scale)
                end
            when 'none' then
                case when sum(units) = 1 then any_value(one_value) filter (where units > 0) end
        end as value,
        max(total) as largest,
        sum(total) as total,
        sum(gross) as gross,
        sum(all_units)::bigint as all_units
    from {{progress_parts}}
    group by scope, indicator, period, disaggregation
    having sum(units) > 0
)

select
    scope,
    scope_kind,
    indicator,
    period,
    disaggregation,
    rule,
    dedup,
    units,
    organisations,
    backbone_only,
    without_base,
    terms,
    numerator,
    denominator,
    value,
    case when rule = 'sum' and total > 0 then largest / total end as largest_share,
    gross,
    all_units - units as dropped
from figures
order by indicator, scope_kind, scope, period, disaggregation
