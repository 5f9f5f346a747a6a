-- one row per indicator x scope x period x disaggregation: the progress figure as the store
-- keeps it (table `figures`, refreshed by every write that changes it: see progress_live for
-- what each column is), of values received or accepted, or of accepted ones only
-- ($accepted_only); $indicator: one indicator ('' = all); $years: the periods of those school
-- years (a year and its terms; [] = all).
select * exclude (accepted_only, school_year)
from figures
where accepted_only = $accepted_only
    and ($indicator = '' or indicator = $indicator)
    and (len($years::varchar[]) = 0 or list_contains($years::varchar[], school_year))
order by indicator, scope_kind, scope, period, disaggregation
