-- Migration 5: login sessions and the store's own settings.

-- one row per setting of this store (the key that signs session cookies, ...).
create table settings (
    key varchar primary key,
    value varchar not null
);

-- one row per login session. The cookie carries the session id; only its SHA-256 is kept here,
-- so reading the store does not give anyone a live session. via: password, sso.
create table sessions (
    id_hash varchar primary key,
    username varchar not null,
    via varchar not null,
    client varchar,
    created_at timestamp not null,
    last_seen_at timestamp not null,
    expires_at timestamp not null,
    ended_at timestamp,
    end_reason varchar
);

create index audit_by_action on audit_log (action, target);
