-- end one session (logout, idle, absolute, disabled)
update sessions set ended_at = $at, end_reason = $reason
where id_hash = $id_hash and ended_at is null
