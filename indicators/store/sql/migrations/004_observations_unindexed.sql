-- Migration 4: observations without the index of a primary key.
-- Ids still come from the sequence observation_ids, so they stay unique. The index DuckDB
-- keeps for a primary key took more than half of the time of storing a large upload, and
-- nothing looks one observation up by its id alone.

create table observations_unindexed (
    id bigint not null default nextval('observation_ids'),
    submission_id integer not null,
    indicator varchar not null,
    indicator_version integer not null,
    organisation varchar not null,
    place varchar not null,
    period varchar not null,
    disaggregation varchar not null default '',
    value double,
    numerator double,
    denominator double,
    unit varchar not null,
    raw_value varchar,
    sheet varchar not null,
    cell varchar not null,
    is_current boolean not null default true
);

insert into observations_unindexed select * from observations order by id;

drop table observations;

alter table observations_unindexed rename to observations;
