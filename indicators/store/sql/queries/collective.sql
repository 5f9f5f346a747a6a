-- one row per indicator x period: the collective figure over every organisation's current
-- totals (disaggregation ''), by the indicator's rule over space; with the number of
-- organisations behind it, the largest one's share (sum rule), whether they are all the
-- backbone (backbone_only) and $org's own figure.
-- $accepted_only: only values of submissions an evaluator accepted.
with current_values as (
    select o.indicator, o.period, o.organisation, o.value, o.numerator, o.denominator
    from observations as o
    inner join submissions as s on s.id = o.submission_id
    where o.is_current
        and o.disaggregation = ''
        and o.value is not null
        and s.status in ('received', 'accepted')
        and (not $accepted_only or s.status = 'accepted')
),
rules as (
    select code, label_fr, label_en, unit, aggregation_space as rule
    from indicator_versions
    where valid_to is null and retired_at is null
),
by_organisation as (
    select
        v.indicator,
        v.period,
        v.organisation,
        r.rule,
        r.unit,
        sum(v.value) as total,
        avg(v.value) as mean,
        max(v.value) as top,
        sum(v.numerator) as numerator,
        sum(v.denominator) as denominator,
        count(*) as n
    from current_values as v
    inner join rules as r on r.code = v.indicator
    group by all
),
figures as (
    select
        indicator,
        period,
        organisation,
        case rule
            when 'sum' then total
            when 'mean' then mean
            when 'max' then top
            when 'ratio' then
                numerator / nullif(denominator, 0) * (case when unit = 'percent' then 100 else 1 end)
        end as value,
        total,
        mean * n as weighted,
        n,
        numerator,
        denominator
    from by_organisation
)
select
    f.indicator,
    r.label_fr,
    r.label_en,
    r.unit,
    r.rule,
    f.period,
    count(*) as organisations,
    case r.rule
        when 'sum' then sum(f.total)
        when 'mean' then sum(f.weighted) / sum(f.n)
        when 'max' then max(f.value)
        when 'ratio' then
            sum(f.numerator) / nullif(sum(f.denominator), 0)
            * (case when r.unit = 'percent' then 100 else 1 end)
    end as value,
    case when r.rule = 'sum' and sum(f.total) > 0 then max(f.total) / sum(f.total) end
        as largest_share,
    bool_and(f.organisation = (select backbone from initiative)) as backbone_only,
    max(f.value) filter (where f.organisation = $org) as own
from figures as f
inner join rules as r on r.code = f.indicator
inner join periods as p on p.code = f.period
group by f.indicator, r.label_fr, r.label_en, r.unit, r.rule, f.period
order by f.indicator, min(p.start_date), f.period
