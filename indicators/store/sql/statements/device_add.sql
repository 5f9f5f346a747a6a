-- one new trusted device of an account
insert into devices (id_hash, username, client, created_at, last_used_at, expires_at)
values ($id_hash, $username, $client, $at, $at, $expires_at)
