-- Migration 2: what partners send (filled by the ingest).

create sequence submission_ids start 1;

-- one row per uploaded file. status: received, accepted, returned, superseded, refused.
create table submissions (
    id integer primary key default nextval('submission_ids'),
    organisation varchar not null,
    period varchar,
    filename varchar not null,
    sha256 varchar not null,
    size_bytes bigint not null,
    uploaded_by varchar not null,
    uploaded_at timestamp not null,
    status varchar not null,
    superseded_by integer,
    review_comment varchar,
    reviewed_by varchar,
    reviewed_at timestamp
);

create sequence observation_ids start 1;

-- one row per value read from one cell: indicator x organisation x place x period x
-- disaggregation x submission. Superseded values stay, with is_current = false.
create table observations (
    id bigint primary key default nextval('observation_ids'),
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

-- one row per partner x kind of label x normalised source label, as confirmed by a person.
-- kind: indicator, place, period, column.
create table mapping_memory (
    organisation varchar not null,
    kind varchar not null,
    source_label varchar not null,
    normalised_label varchar not null,
    target varchar not null,
    confirmed_by varchar not null,
    confirmed_at timestamp not null,
    primary key (organisation, kind, normalised_label)
);
