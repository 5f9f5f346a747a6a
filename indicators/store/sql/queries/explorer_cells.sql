-- one row per observation of $ids (the cells behind an explorer figure), with its provenance:
-- the file, sheet and cell it was read from and the upload that brought it
select
    o.id,
    o.indicator,
    o.indicator_version,
    o.organisation,
    org.name as organisation_name,
    o.place,
    o.period,
    o.disaggregation,
    o.value,
    o.numerator,
    o.denominator,
    o.raw_value,
    s.id as submission_id,
    s.filename,
    o.sheet,
    o.cell,
    s.uploaded_by,
    s.uploaded_at,
    s.status as submission_status
from observations as o
inner join submissions as s on s.id = o.submission_id
left join organisations as org on org.code = o.organisation
where list_contains($ids, o.id)
order by o.indicator, o.organisation, o.place, o.period, o.id
