-- one row per indicator x scope x period x disaggregation x organisation: what the
-- organisation's kept units (progress_kept) add to the figure: the sum of their values (their
-- numerators for a rate), so that disclosure control can tell which organisations stand behind
-- a set of hidden figures taken together, and how much each weighs.
select
    indicator,
    scope,
    period,
    disaggregation,
    organisation,
    sum(coalesce(numerator, value)) as amount
from {{progress_kept}}
where kept
group by all
order by indicator, scope, period, disaggregation, organisation
