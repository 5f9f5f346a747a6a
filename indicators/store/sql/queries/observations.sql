-- one row per stored value (current or superseded) with its provenance; $org = '' for all
select
    o.organisation,
    o.indicator,
    o.indicator_version,
    o.place,
    o.period,
    o.disaggregation,
    o.value,
    o.numerator,
    o.denominator,
    o.unit,
    o.raw_value,
    o.is_current,
    o.submission_id,
    s.filename,
    o.sheet,
    o.cell,
    s.uploaded_by,
    s.uploaded_at
from observations as o
inner join submissions as s on s.id = o.submission_id
where $org = '' or o.organisation = $org
order by o.organisation, o.indicator, o.place, o.period, o.disaggregation, o.id
