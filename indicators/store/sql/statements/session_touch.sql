-- the session was used at $at
update sessions set last_seen_at = $at where id_hash = $id_hash and ended_at is null
