-- one row per organisation with at least one expected report: its latest upload that stored
-- values, and that data's age in days on $today (empty when nothing arrived yet)
with committed as (
    select distinct organisation from commitments
),

latest as (
    select s.organisation, max(s.uploaded_at) as latest_upload
    from submissions as s
    where exists (select 1 from observations as o where o.submission_id = s.id)
    group by s.organisation
)

select
    c.organisation,
    org.name as organisation_name,
    org.type as organisation_type,
    l.latest_upload,
    date_diff('day', cast(l.latest_upload as date), $today) as age_days
from committed as c
inner join organisations as org on org.code = c.organisation
left join latest as l on l.organisation = c.organisation
order by age_days desc nulls first, c.organisation
