-- one row per period, in order of start (a school year before its terms)
select code, label_fr, label_en, kind, coalesce(parent, '') as parent, start_date, end_date
from periods
order by start_date, kind <> 'school_year', code
