-- end every open session of one account (disabled, password changed)
update sessions set ended_at = $at, end_reason = $reason
where username = $username and ended_at is null
