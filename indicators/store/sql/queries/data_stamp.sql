-- one row per store: what changes whenever a figure may change (values, reviews, publications, the
-- definition, any audited action); equal stamps mean the figures computed then still hold
select
    (select count(*) from observations) as observations,
    (select max(id) from observations) as last_observation,
    (select count(*) from submissions) as submissions,
    (select max(reviewed_at) from submissions) as last_review,
    (select count(*) filter (where status = 'accepted') from submissions) as accepted,
    (select max(id) from publications) as last_publication,
    (select max(saved_at) from definition_history) as last_definition,
    (select max(loaded_at) from initiative) as loaded_at,
    (select count(*) from indicator_versions) as versions,
    (select max(id) from audit_log) as last_audit
