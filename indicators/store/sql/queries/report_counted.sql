-- one row per organisation x territory x indicator x period with expected reports
-- (report_counts), with the organisation's name and type, the indicator's labels and the
-- period's dates, and whether its reports are due on $today (the period is over)
select
    c.*,
    org.name as organisation_name,
    org.type as organisation_type,
    p.kind as period_kind,
    p.start_date,
    p.end_date,
    p.due_date,
    p.end_date < $today as is_due
from report_counts as c
inner join organisations as org on org.code = c.organisation
inner join periods as p on p.code = c.period
inner join indicator_versions as iv
    on iv.code = c.indicator and iv.valid_to is null and iv.retired_at is null
