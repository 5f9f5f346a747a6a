-- one row per organisation with current values in $year (the school year or its terms): how many of them a publication would carry (accepted) and how many still wait for review
select
    o.organisation,
    count(*) filter (where s.status = 'accepted') as accepted_values,
    count(distinct o.submission_id) filter (where s.status = 'accepted') as accepted_submissions,
    count(distinct o.indicator) filter (where s.status = 'accepted') as accepted_indicators,
    count(*) filter (where s.status = 'received') as waiting_values,
    count(distinct o.submission_id) filter (where s.status = 'received') as waiting_submissions
from observations as o
join submissions as s on s.id = o.submission_id
join periods as p on p.code = o.period
where o.is_current and o.value is not null and (p.code = $year or p.parent = $year)
group by o.organisation
order by o.organisation
