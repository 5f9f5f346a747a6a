-- one row per part of what changes whenever a figure may change (values, reviews,
-- publications, the definition, any audited action but signing in and out, sessions, trusted
-- devices and exports, which change nothing that is read: with them, each sign-in let go of every
-- answer kept for everyone); equal stamps mean the figures computed
-- then still hold. One row per part, not one row of ten subqueries: DuckDB answers each of
-- these from its statistics, and the single row took 60 to 200 ms at 10 M observations.
select 'observations' as part, count(*)::varchar as value from observations
union all
select 'last_observation', max(id)::varchar from observations
union all
select 'submissions', count(*)::varchar from submissions
union all
select 'last_review', max(reviewed_at)::varchar from submissions
union all
select 'accepted', (count(*) filter (where status = 'accepted'))::varchar from submissions
union all
select 'last_publication', max(id)::varchar from publications
union all
select 'last_definition', max(saved_at)::varchar from definition_history
union all
select 'loaded_at', max(loaded_at)::varchar from initiative
union all
select 'versions', count(*)::varchar from indicator_versions
union all
select 'last_audit', max(id)::varchar from audit_log
where not (
    action like 'login%'
    or action like 'session.%'
    or action in ('logout', 'device.add', 'export', 'account.rehash')
)
