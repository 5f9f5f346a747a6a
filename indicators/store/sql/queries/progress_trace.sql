-- one row per current value behind the figure of $indicator at $scope ('*', a territory, a
-- school) for $period and $disaggregation, with its provenance and its part in the figure:
-- counted; time_rule (the time rule did not use it, e.g. an earlier term under "last");
-- deduplicated (another organisation's larger value stands for the same young people);
-- no_base (a rate without numerator and denominator cannot enter a sum of them).
-- $accepted_only, $orgs as in progress_units.
with units as (
    select
        *,
        count(*) filter (where kept) over () as kept_units
    from {{progress_kept}}
    where scope = $scope and period = $period and disaggregation = $disaggregation
),

used as (
    select
        unnest(sources) as id,
        kept,
        space_rule,
        kept_units,
        numerator is null or denominator is null as without_base
    from units
)

select
    o.id,
    o.organisation,
    org.name as organisation_name,
    o.place,
    o.period,
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
    s.status as submission_status,
    case
        when u.id is null then 'time_rule'
        when not u.kept then 'deduplicated'
        when u.space_rule = 'ratio' and u.kept_units > 1 and u.without_base then 'no_base'
        else 'counted'
    end as part
from observations as o
inner join submissions as s on s.id = o.submission_id
inner join periods as p on p.code = o.period
inner join places as pl on pl.code = o.place
inner join organisations as org on org.code = o.organisation
left join used as u on u.id = o.id
where o.is_current
    and o.value is not null
    and s.status in ('received', 'accepted')
    and (not $accepted_only or s.status = 'accepted')
    and (len($orgs::varchar[]) = 0 or list_contains($orgs::varchar[], o.organisation))
    and o.indicator = $indicator
    and o.disaggregation = $disaggregation
    and (o.period = $period or p.parent = $period)
    and (
        $scope = '*'
        or o.place = $scope
        or (pl.parent = $scope and pl.kind = 'school')
    )
order by part, o.organisation, o.place, p.start_date
