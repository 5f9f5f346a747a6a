-- one row per indicator x scope x period x disaggregation x organisation with units there
-- (progress_kept): its part of the figure, which progress_live adds up into the figure and
-- progress_contributions_live gives as the organisation's share. Of its kept units: how many,
-- how many without numerator and denominator, the most terms, the numerators and denominators
-- of those with both, the sum, count and largest of the values, the value uploaded last and
-- when, any one value; `amount`, what it adds to the figure (the sum of the numerators for a
-- rate); of all its units, kept or not: their sum and count.
select
    scope,
    indicator,
    period,
    disaggregation,
    organisation,
    any_value(scope_kind) as scope_kind,
    any_value(space_rule) as space_rule,
    any_value(dedup) as dedup,
    any_value(scale) as scale,
    count(*) filter (where kept) as units,
    count(*) filter (where kept and (numerator is null or denominator is null))
        as without_base,
    max(terms) filter (where kept) as terms,
    sum(numerator) filter (where kept and denominator is not null) as numerator,
    sum(denominator) filter (where kept and numerator is not null) as denominator,
    sum(value) filter (where kept) as total,
    count(value) filter (where kept) as counted,
    max(value) filter (where kept) as top,
    arg_max(value, uploaded_at) filter (where kept) as latest,
    max(uploaded_at) filter (where kept) as latest_at,
    any_value(value) filter (where kept) as one_value,
    sum(coalesce(numerator, value)) filter (where kept) as amount,
    sum(value) as gross,
    count(*) as all_units
from {{progress_kept}}
group by scope, indicator, period, disaggregation, organisation
