-- one row per store, a single one: what the observations and submissions are now, as the
-- table figures_made records it when the kept tables are computed
select
    (select count(*) from observations) as observations,
    (select max(id) from observations) as last_observation,
    (select count(*) from submissions) as submissions,
    (select count(*) from submissions where status = 'accepted') as accepted,
    (select max(reviewed_at) from submissions) as last_review
