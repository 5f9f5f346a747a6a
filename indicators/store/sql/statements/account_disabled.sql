-- disable or enable one account; a disabled account's open sessions end with it
update users set disabled = $disabled, updated_at = $at where username = $username
