-- one row per organisation x territory x indicator x period with expected reports (from the
-- reports the store keeps, report_arrivals), of the organisations $orgs ([] = all): how many,
-- how many arrived, how many by the period's due date, when the last one arrived; what the
-- store keeps in `report_counts` (a report at a school counts in the school's territory)
select
    r.organisation,
    coalesce(case when pl.kind = 'territory' then pl.code else pl.parent end, r.place)
        as territory,
    r.indicator,
    r.period,
    count(*) as expected,
    count(r.received_at) as received,
    count(*) filter (where cast(r.received_at as date) <= p.due_date) as on_time,
    max(r.received_at) as last_received_at
from report_arrivals as r
inner join periods as p on p.code = r.period
left join places as pl on pl.code = r.place
where len($orgs::varchar[]) = 0 or list_contains($orgs::varchar[], r.organisation)
group by all
