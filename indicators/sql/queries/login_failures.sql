-- one row per call (a single row): the failed logins since $since for the account $username (counted after
-- its last successful login) and from the client address $client, each with its oldest one
with last_success as (
    select max(logged_at) as at
    from audit_log
    where action = 'login.success' and target = $username and logged_at >= $since
),
failures as (
    select f.logged_at, f.target = $username and f.logged_at > coalesce(s.at, $since) as of_account,
        $client <> '' and f.details ->> 'client' = $client as of_client
    from audit_log as f, last_success as s
    where f.action = 'login.failure' and f.logged_at >= $since
)
select
    count(*) filter (where of_account) as of_account,
    min(logged_at) filter (where of_account) as first_of_account,
    count(*) filter (where of_client) as of_client,
    min(logged_at) filter (where of_client) as first_of_client
from failures
