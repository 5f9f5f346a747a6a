-- Migration 9: one-time sign-in tickets and trusted devices (the HttpOnly cookies of serve.py).

-- one row per sign-in ticket. The sign-in form issues one once the password (or single sign-on)
-- is right; the browser redeems it, once, within a minute and from the same address, at
-- /mesure/session for its HttpOnly session cookie. Only the SHA-256 of the ticket is kept.
create table login_tickets (
    id_hash varchar primary key,
    username varchar not null,
    via varchar not null,
    client varchar not null,
    created_at timestamp not null,
    expires_at timestamp not null,
    used_at timestamp
);

-- one row per trusted device: a browser that signed in to an account and keeps its long-lived
-- HttpOnly device cookie, which lets its owner past the lock that strangers' failures put on
-- the account. Only the SHA-256 of the device id is kept; revoked_at ends the trust for good.
create table devices (
    id_hash varchar primary key,
    username varchar not null,
    client varchar,
    created_at timestamp not null,
    last_used_at timestamp not null,
    expires_at timestamp not null,
    revoked_at timestamp,
    revoke_reason varchar
);
