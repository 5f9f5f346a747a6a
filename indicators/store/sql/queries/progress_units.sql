-- one row per unit: indicator x organisation x place x period x disaggregation, with the value
-- its indicator's rule over time gives it and the observations that value uses (`sources`).
-- A term's unit is the value reported for the term. A school year's unit is the value reported
-- for the year, else the time rule over the year's terms: sum, mean, max, last (the latest term
-- reported), ratio (sum of numerators / sum of denominators), none (only a single term).
-- Current values of received or accepted submissions; $accepted_only: accepted ones only;
-- $indicator: one indicator ('' = all); $orgs, $indicators, $years: those organisations, those
-- indicators, the periods of those school years (a year and its terms; [] = all).
with rules as (
    select
        code as indicator,
        unit,
        aggregation_time as time_rule,
        case when unit = 'percent' then 100.0 else 1.0 end as scale
    from indicator_versions
    where valid_to is null and retired_at is null
),

current_values as (
    select
        o.id,
        o.indicator,
        o.organisation,
        o.place,
        o.period,
        o.disaggregation,
        o.value,
        o.numerator,
        o.denominator,
        s.uploaded_at,
        p.kind as period_kind,
        p.parent as school_year,
        p.start_date
    from observations as o
    inner join submissions as s on s.id = o.submission_id
    inner join periods as p on p.code = o.period
    where o.is_current
        and o.value is not null
        and s.status in ('received', 'accepted')
        and (not $accepted_only or s.status = 'accepted')
        and ($indicator = '' or o.indicator = $indicator)
        and (len($orgs::varchar[]) = 0 or list_contains($orgs::varchar[], o.organisation))
        and (len($indicators::varchar[]) = 0 or list_contains($indicators::varchar[], o.indicator))
        and (
            len($years::varchar[]) = 0
            or list_contains($years::varchar[], coalesce(nullif(p.parent, ''), p.code))
        )
),

as_reported as (
    select
        indicator,
        organisation,
        place,
        period,
        disaggregation,
        value,
        numerator,
        denominator,
        [id] as sources,
        1 as terms,
        uploaded_at
    from current_values
),

term_groups as (
    select
        v.indicator,
        v.organisation,
        v.place,
        v.school_year as period,
        v.disaggregation,
        r.time_rule,
        r.scale,
        count(*) as terms,
        count(v.numerator) filter (where v.denominator is not null) as with_base,
        sum(v.value) as total,
        avg(v.value) as mean,
        arg_max(v.value, v.start_date) as last_value,
        arg_max(v.numerator, v.start_date) as last_numerator,
        arg_max(v.denominator, v.start_date) as last_denominator,
        arg_max(v.id, v.start_date) as last_id,
        max(v.value) as top_value,
        arg_max(v.numerator, v.value) as top_numerator,
        arg_max(v.denominator, v.value) as top_denominator,
        arg_max(v.id, v.value) as top_id,
        sum(v.numerator) as numerator,
        sum(v.denominator) as denominator,
        avg(v.numerator) as mean_numerator,
        avg(v.denominator) as mean_denominator,
        list(v.id order by v.start_date) as ids,
        max(v.uploaded_at) as uploaded_at
    from current_values as v
    inner join rules as r on r.indicator = v.indicator
    where v.period_kind = 'term'
    group by all
),

from_terms as (
    select
        indicator,
        organisation,
        place,
        period,
        disaggregation,
        case time_rule
            when 'sum' then total
            when 'mean' then mean
            when 'max' then top_value
            when 'last' then last_value
            when 'ratio' then
                case when with_base = terms then numerator / nullif(denominator, 0) * scale end
            when 'none' then case when terms = 1 then total end
        end as value,
        case time_rule
            when 'sum' then case when with_base = terms then numerator end
            when 'mean' then case when with_base = terms then mean_numerator end
            when 'max' then top_numerator
            when 'last' then last_numerator
            when 'ratio' then case when with_base = terms then numerator end
            when 'none' then case when terms = 1 then numerator end
        end as numerator,
        case time_rule
            when 'sum' then case when with_base = terms then denominator end
            when 'mean' then case when with_base = terms then mean_denominator end
            when 'max' then top_denominator
            when 'last' then last_denominator
            when 'ratio' then case when with_base = terms then denominator end
            when 'none' then case when terms = 1 then denominator end
        end as denominator,
        case time_rule
            when 'max' then [top_id]
            when 'last' then [last_id]
            else ids
        end as sources,
        terms,
        uploaded_at
    from term_groups
)

select * from as_reported
union all
select t.*
from from_terms as t
where t.value is not null
    and not exists (
        -- a value reported for the whole year is the year's value
        select 1 from current_values as y
        where y.indicator = t.indicator
            and y.organisation = t.organisation
            and y.place = t.place
            and y.period = t.period
            and y.disaggregation = t.disaggregation
    )
