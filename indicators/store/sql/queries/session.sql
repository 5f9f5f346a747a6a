-- one row per session whose id hashes to $id_hash (at most one), with its account
select
    s.username,
    s.via,
    s.created_at,
    s.last_seen_at,
    s.expires_at,
    s.ended_at,
    s.end_reason,
    u.display_name,
    u.role,
    u.organisation,
    u.disabled
from sessions as s
inner join users as u on u.username = s.username
where s.id_hash = $id_hash
