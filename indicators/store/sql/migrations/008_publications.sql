-- Migration 8: published snapshots of the funders' summary.

create sequence publication_ids start 1;

-- one row per publication of a school year by an evaluator; the latest one of a year is the
-- one funders read.
create table publications (
    id integer primary key default nextval('publication_ids'),
    period varchar not null,
    published_at timestamp not null,
    published_by varchar not null
);

-- one row per publication x scope ('*' or a territory) x table of the summary, frozen as JSON
create table publication_tables (
    publication_id integer not null,
    scope varchar not null,
    name varchar not null,
    payload json not null,
    primary key (publication_id, scope, name)
);
