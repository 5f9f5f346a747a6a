-- one row per ticket whose SHA-256 is $id_hash (at most one): why it may have been refused
select username, via, client, created_at, expires_at, used_at
from login_tickets
where id_hash = $id_hash
