-- one row per figure of funders_figures x organisation: what it adds to the figure
-- (progress_contributions)
select c.*
from {{progress_contributions}} as c
left join places as pl on pl.code = c.scope
where coalesce(pl.kind, '') <> 'school' or c.indicator = $reach
order by c.indicator, c.scope, c.period, c.disaggregation, c.organisation
