-- use one ticket: unused, unexpired and redeemed from the address it was issued to; returns its
-- account and how it signed in (no row: refused, and the ticket is left as it was)
select username, via from login_tickets
where id_hash = $id_hash and used_at is null and expires_at > $at and client = $client;

update login_tickets set used_at = $at
where id_hash = $id_hash and used_at is null and expires_at > $at and client = $client;
