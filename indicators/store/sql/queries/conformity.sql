-- one row per organisation with current values: how many arrived on the common definitions
-- (the indicator found by its code or its label, the number stored as written), how many needed
-- a mapping by resemblance or by the partner's memory, how many were rescaled, how many are on
-- an older version of their indicator than the catalogue's current one, and which indicators;
-- values stored before migration 6 say nothing of their mapping: `unknown`, left out of the share
with current_values as (
    select
        o.organisation,
        o.indicator,
        o.mapping,
        o.converted,
        o.indicator_version < iv.version as old_version
    from observations as o
    inner join indicator_versions as iv on iv.code = o.indicator and iv.valid_to is null
    where o.is_current
)

select
    v.organisation,
    org.name as organisation_name,
    org.type as organisation_type,
    count(*) as values_count,
    count(*) filter (
        where v.mapping in ('code', 'label') and not v.converted and not v.old_version
    ) as conforming,
    count(*) filter (where v.mapping in ('words', 'similar', 'memory')) as mapped,
    count(*) filter (where v.converted) as converted,
    count(*) filter (where v.old_version) as old_version,
    coalesce(
        array_to_string(
            list(distinct v.indicator order by v.indicator) filter (where v.old_version), ', '
        ),
        ''
    ) as old_indicators,
    count(*) filter (where coalesce(v.mapping, '') = '') as unknown,
    count(*) filter (
        where v.mapping in ('code', 'label') and not v.converted and not v.old_version
    ) / nullif(count(*) filter (where coalesce(v.mapping, '') <> ''), 0) as conformity
from current_values as v
inner join organisations as org on org.code = v.organisation
group by v.organisation, org.name, org.type
order by conformity, v.organisation
