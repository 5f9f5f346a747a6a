-- a trusted device signed in again at $at
update devices set last_used_at = $at where id_hash = $id_hash and revoked_at is null
