-- one row per organisation x period x submission holding current values for it, of the
-- organisations $orgs ([] = all): what the store keeps in `period_submissions`, from which a
-- period's reporting status reads the reviews of its submissions (reporting_status)
select distinct organisation, period, submission_id
from observations
where is_current
    and (len($orgs::varchar[]) = 0 or list_contains($orgs::varchar[], organisation))
