-- one row per uploaded file of the organisation $org, newest first, with its current values
select
    s.id,
    s.filename,
    s.uploaded_by,
    s.uploaded_at,
    s.status,
    s.review_comment,
    s.sha256,
    count(o.id) filter (where o.is_current) as current_values,
    count(o.id) as values_sent
from submissions as s
left join observations as o on o.submission_id = s.id
where s.organisation = $org
group by all
order by s.uploaded_at desc, s.id desc
