-- one row per indicator with values: what changes whenever one of its figures may change (the
-- observations progress_units reads: current, with a value, of received or accepted
-- submissions, and which of them are accepted). With the definition and publication parts of
-- data_stamp, equal stamps mean the indicator's figures computed then still hold.
select
    o.indicator,
    count(*) as observations,
    max(o.id) as last_observation,
    sum(o.id) as ids,
    count(*) filter (where s.status = 'accepted') as accepted,
    coalesce(sum(o.id) filter (where s.status = 'accepted'), 0) as accepted_ids
from observations as o
inner join submissions as s on s.id = o.submission_id
where o.is_current
    and o.value is not null
    and s.status in ('received', 'accepted')
group by o.indicator
order by o.indicator
