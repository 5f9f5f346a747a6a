-- a new role and organisation for one account
update users set role = $role, organisation = $organisation, updated_at = $at
where username = $username
