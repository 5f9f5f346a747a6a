-- one row per expected report: organisation x indicator x place x period that a commitment makes
-- due (a term indicator every term of the committed school years, a yearly one once), with when
-- a value for it first arrived (a value for a school counts for its territory) and its status
-- on $today: not_yet_due (period not over), due (over, before its due date), overdue, received.
-- The reports and their arrival as the store keeps them (report_arrivals_live).
with matched as (
    select * from report_arrivals
)

select
    m.organisation,
    org.name as organisation_name,
    org.type as organisation_type,
    m.indicator,
    iv.label_fr as indicator_label_fr,
    iv.label_en as indicator_label_en,
    m.place,
    coalesce(pl.name, m.place) as place_name,
    coalesce(case when pl.kind = 'territory' then pl.code else pl.parent end, m.place)
        as territory,
    m.period,
    p.kind as period_kind,
    p.start_date,
    p.end_date,
    p.due_date,
    m.received_at,
    m.received_at is not null as received,
    m.received_at is not null and cast(m.received_at as date) <= p.due_date as on_time,
    p.end_date < $today as is_due,
    case
        when m.received_at is not null then 'received'
        when p.end_date >= $today then 'not_yet_due'
        when p.due_date >= $today then 'due'
        else 'overdue'
    end as status
from matched as m
inner join organisations as org on org.code = m.organisation
inner join periods as p on p.code = m.period
left join places as pl on pl.code = m.place
inner join indicator_versions as iv
    on iv.code = m.indicator and iv.valid_to is null and iv.retired_at is null
order by m.organisation, p.start_date, m.indicator, m.place
