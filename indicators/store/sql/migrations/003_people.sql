-- Migration 3: accounts, the audit log and the learning log.

-- one row per account. role: evaluator, partner, funder.
create table users (
    username varchar primary key,
    display_name varchar not null,
    role varchar not null,
    organisation varchar,
    password_hash varchar,
    email varchar,
    disabled boolean not null default false,
    created_at timestamp not null,
    updated_at timestamp not null
);

create sequence audit_ids start 1;

-- one row per audited action: who, when, what.
create table audit_log (
    id bigint primary key default nextval('audit_ids'),
    logged_at timestamp not null,
    actor varchar not null,
    action varchar not null,
    target varchar,
    details json
);

create sequence note_ids start 1;

-- one row per note or decision, attached to an indicator, a node, a place and/or a period.
create table notes (
    id integer primary key default nextval('note_ids'),
    created_at timestamp not null,
    author varchar not null,
    kind varchar not null,
    indicator varchar,
    node varchar,
    place varchar,
    period varchar,
    body varchar not null
);
