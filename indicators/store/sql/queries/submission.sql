-- one row per submission whose id is $id (one or none): whose, which file and period, its review
select
    id,
    organisation,
    coalesce(period, '') as period,
    filename,
    uploaded_by,
    uploaded_at,
    status,
    coalesce(review_comment, '') as review_comment,
    reviewed_by,
    reviewed_at
from submissions
where id = $id
