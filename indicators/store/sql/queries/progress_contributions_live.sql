-- one row per indicator x scope x period x disaggregation x organisation: what the
-- organisation's kept units (progress_kept) add to the figure: the sum of their values (their
-- numerators for a rate), so that disclosure control can tell which organisations stand behind
-- a set of hidden figures taken together, and how much each weighs. An organisation's part of
-- the figure (progress_parts), where it has kept units.
select
    indicator,
    scope,
    period,
    disaggregation,
    organisation,
    amount
from {{progress_parts}}
where units > 0
order by indicator, scope, period, disaggregation, organisation
