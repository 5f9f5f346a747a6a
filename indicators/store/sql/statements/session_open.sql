-- one new login session
insert into sessions (id_hash, username, via, client, created_at, last_seen_at, expires_at)
values ($id_hash, $username, $via, $client, $at, $at, $expires_at)
