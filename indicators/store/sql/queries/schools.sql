-- one row per school: its territory, priority-education status (REP+, REP, none), the QPV it
-- serves ('' when none) and its commune
select
    code as school,
    name as school_name,
    coalesce(parent, '') as territory,
    coalesce(education_priority, '') as education_priority,
    coalesce(qpv, '') as qpv,
    coalesce(commune_insee, '') as commune_insee
from places
where kind = 'school'
order by parent, name
