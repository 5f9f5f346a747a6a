-- one row per expected report (expected_reports) of a period that is over on $today and that
-- nothing arrived for, of the organisation $org ('' = all), oldest first: what a reminder lists
select *
from {{expected_reports}}
where is_due
    and not received
    and ($org = '' or organisation = $org)
order by organisation, due_date, indicator, place, period
