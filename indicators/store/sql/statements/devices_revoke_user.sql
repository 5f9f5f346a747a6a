-- revoke every trusted device of one account (password changed, account disabled)
update devices set revoked_at = $at, revoke_reason = $reason
where username = $username and revoked_at is null
