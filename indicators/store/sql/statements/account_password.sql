-- a new password hash for one account
update users set password_hash = $password_hash, updated_at = $at where username = $username
