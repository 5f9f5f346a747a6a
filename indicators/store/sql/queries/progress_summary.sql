-- one row per indicator x scope x period, without breakdown: the rows of `progress` that
-- year_figures reads (every school year's figure, and every period's at the initiative, scope
-- '*'), a twentieth of them, read alone where no complementary suppression needs the others
-- (an evaluator's Théorie du changement); the same parameters as `progress`.
select * exclude (accepted_only, school_year)
from figures
where accepted_only = $accepted_only
    and ($indicator = '' or indicator = $indicator)
    and (len($years::varchar[]) = 0 or list_contains($years::varchar[], school_year))
    and disaggregation = ''
    and (period = school_year or scope = '*')
order by indicator, scope_kind, scope, period, disaggregation
