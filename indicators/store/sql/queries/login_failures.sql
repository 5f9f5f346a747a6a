-- one row per call (a single row): the failed logins since $since for the account $username
-- (counted after its last successful login), from the client address $client, and through the
-- trusted device $device (counted after the account's last successful login too), each with its
-- oldest one. A failure made through a trusted device (its `device` detail set) counts for that
-- device only, never for the account or the address: strangers' failures do not lock its owner
-- out, and its owner's typos do not count against the others.
with last_success as (
    select max(logged_at) as at
    from audit_log
    where action = 'login.success' and target = $username and logged_at >= $since
),
failures as (
    select
        f.logged_at,
        coalesce(f.details ->> 'device', '') as device,
        f.details ->> 'client' as client,
        f.target = $username and f.logged_at > coalesce(s.at, $since) as recent
    from audit_log as f, last_success as s
    where f.action = 'login.failure' and f.logged_at >= $since
),
counted as (
    select
        logged_at,
        device = '' and recent as of_account,
        device = '' and client = $client as of_client,
        $device <> '' and device = $device and recent as of_device
    from failures
)
select
    count(*) filter (where of_account) as of_account,
    min(logged_at) filter (where of_account) as first_of_account,
    count(*) filter (where of_client) as of_client,
    min(logged_at) filter (where of_client) as first_of_client,
    count(*) filter (where of_device) as of_device,
    min(logged_at) filter (where of_device) as first_of_device
from counted
