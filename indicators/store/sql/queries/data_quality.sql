-- one row per organisation that uploaded or tried to: uploads stored, attempts refused for
-- errors, warnings and notes found in the stored uploads (per upload too), values corrected by
-- a later upload, and reports received after their due date
with stored as (
    select
        organisation,
        count(*) as uploads,
        sum(coalesce(cast(problems -> 'severity' ->> 'warning' as integer), 0)) as warnings,
        sum(coalesce(cast(problems -> 'severity' ->> 'info' as integer), 0)) as notes
    from submissions
    group by organisation
),

refused as (
    select details ->> 'organisation' as organisation, count(*) as refused
    from audit_log
    where action = 'submission.refused'
    group by details ->> 'organisation'
),

corrected as (
    select organisation, count(*) filter (where not is_current) as corrected
    from observations
    group by organisation
),

late as (
    select
        organisation,
        sum(received)::bigint as received_reports,
        sum(received - on_time)::bigint as late_reports
    from report_counts
    group by organisation
),

everyone as (
    select organisation from stored
    union
    select organisation from refused
)

select
    e.organisation,
    org.name as organisation_name,
    org.type as organisation_type,
    coalesce(s.uploads, 0) as uploads,
    coalesce(r.refused, 0) as refused,
    coalesce(s.warnings, 0) as warnings,
    coalesce(s.warnings, 0) / nullif(s.uploads, 0) as warnings_per_upload,
    coalesce(s.notes, 0) as notes,
    coalesce(c.corrected, 0) as corrected,
    coalesce(l.received_reports, 0) as received_reports,
    coalesce(l.late_reports, 0) as late_reports
from everyone as e
inner join organisations as org on org.code = e.organisation
left join stored as s on s.organisation = e.organisation
left join refused as r on r.organisation = e.organisation
left join corrected as c on c.organisation = e.organisation
left join late as l on l.organisation = e.organisation
order by refused desc, warnings_per_upload desc nulls last, e.organisation
