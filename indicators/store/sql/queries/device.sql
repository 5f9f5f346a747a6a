-- one row per trusted device whose id hashes to $id_hash (at most one), with its account's state
select d.username, d.created_at, d.last_used_at, d.expires_at, d.revoked_at, u.disabled
from devices as d
inner join users as u on u.username = d.username
where d.id_hash = $id_hash
