-- one row per school year, in order, with its position (0 = the first) and its dates
select
    code,
    label_fr,
    label_en,
    start_date,
    end_date,
    row_number() over (order by start_date) - 1 as position
from periods
where kind = 'school_year'
order by start_date
