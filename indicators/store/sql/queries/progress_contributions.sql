-- one row per indicator x scope x period x disaggregation x organisation: what it adds to the
-- progress figure, as the store keeps it (table `figure_shares`: see
-- progress_contributions_live); $accepted_only, $indicator, $years as progress.
select * exclude (accepted_only, school_year)
from figure_shares
where accepted_only = $accepted_only
    and ($indicator = '' or indicator = $indicator)
    and (len($years::varchar[]) = 0 or list_contains($years::varchar[], school_year))
order by indicator, scope, period, disaggregation, organisation
