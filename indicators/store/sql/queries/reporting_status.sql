-- one row per organisation x period with expected reports: how many, how many arrived (on time),
-- and the reporting status on $today: accepted or returned (by an evaluator, for the submissions
-- whose current values cover the period: period_submissions), submitted, not_yet_due, due,
-- overdue
with reports as (
    select * from {{report_counted}}
),

reviews as (
    select
        o.organisation,
        o.period,
        bool_or(s.status = 'returned') as any_returned,
        bool_and(s.status = 'accepted') as all_accepted,
        arg_max(s.review_comment, s.reviewed_at) filter (where s.status = 'returned')
            as review_comment
    from period_submissions as o
    inner join submissions as s on s.id = o.submission_id
    group by o.organisation, o.period
),

counted as (
    select
        organisation,
        any_value(organisation_name) as organisation_name,
        any_value(organisation_type) as organisation_type,
        period,
        any_value(period_kind) as period_kind,
        any_value(start_date) as start_date,
        any_value(end_date) as end_date,
        any_value(due_date) as due_date,
        sum(expected)::bigint as expected,
        sum(received)::bigint as received,
        sum(on_time)::bigint as on_time,
        max(last_received_at) as last_received_at,
        list(distinct territory order by territory) as territories
    from reports
    group by organisation, period
)

select
    c.*,
    case
        when c.received > 0 and coalesce(v.any_returned, false) then 'returned'
        when c.received > 0 and coalesce(v.all_accepted, false) then 'accepted'
        when c.received > 0 then 'submitted'
        when c.end_date >= $today then 'not_yet_due'
        when c.due_date >= $today then 'due'
        else 'overdue'
    end as status,
    v.review_comment
from counted as c
left join reviews as v on v.organisation = c.organisation and v.period = c.period
order by c.organisation, c.start_date, c.period
