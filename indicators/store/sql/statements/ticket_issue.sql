-- one new sign-in ticket, good once until $expires_at
insert into login_tickets (id_hash, username, via, client, created_at, expires_at)
values ($id_hash, $username, $via, $client, $at, $expires_at)
