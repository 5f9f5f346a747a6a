-- one row per version of the indicator $code, oldest first, with the reason given when the
-- version was saved (the audit entry of the save that made it; '' when none was given)
select
    v.version,
    v.label_fr,
    v.label_en,
    v.type,
    v.unit,
    v.definition_hash,
    v.valid_from,
    v.valid_to,
    v.retired_at,
    coalesce((
        select json_extract_string(a.details, '$.reason')
        from audit_log as a
        where
            a.action in ('definition.load', 'definition.edit')
            and list_contains(
                json_extract_string(a.details, '$.new_versions[*]'), v.code || ' v' || v.version
            )
        order by a.logged_at desc
        limit 1
    ), '') as reason
from indicator_versions as v
where v.code = $code
order by v.version
