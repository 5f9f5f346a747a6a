-- one row per audit entry logged between $since and $until, newest first
select id, logged_at, actor, action, target, details
from audit_log
where logged_at >= $since and logged_at < $until
order by logged_at desc, id desc
