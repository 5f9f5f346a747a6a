-- one row per indicator x school year in which $org has a value that figures count (current,
-- of a submission received or accepted): where its own figures are
select distinct o.indicator, coalesce(nullif(p.parent, ''), p.code) as school_year
from observations as o
inner join submissions as s on s.id = o.submission_id
inner join periods as p on p.code = o.period
where o.organisation = $org
    and o.is_current
    and o.value is not null
    and s.status in ('received', 'accepted')
