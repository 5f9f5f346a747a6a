-- Migration 1: the initiative definition (rewritten from data/ by `mesure init`,
-- except indicator_versions, which only grows).

-- one row: the initiative
create table initiative (
    code varchar primary key,
    name_fr varchar not null,
    name_en varchar not null,
    demo boolean not null,
    backbone varchar not null,
    completeness_goal double not null,
    timeliness_goal double not null,
    suppression_threshold integer not null,
    loaded_at timestamp not null
);

-- one row per theory-of-change node
create table toc_nodes (
    code varchar primary key,
    level varchar not null,
    level_rank integer not null,
    label_fr varchar not null,
    label_en varchar not null,
    description_fr varchar,
    description_en varchar
);

-- one row per link (source node -> target node)
create table toc_links (
    source varchar not null,
    target varchar not null,
    primary key (source, target)
);

-- one row per disaggregation dimension category
create table dimension_categories (
    dimension varchar not null,
    dimension_label_fr varchar not null,
    dimension_label_en varchar not null,
    category varchar not null,
    label_fr varchar not null,
    label_en varchar not null,
    position integer not null,
    primary key (dimension, category)
);

-- one row per version of an indicator definition; never deleted.
-- valid_to is null for the current version; retired_at is set when the indicator left the catalogue.
create table indicator_versions (
    code varchar not null,
    version integer not null,
    label_fr varchar not null,
    label_en varchar not null,
    node varchar not null,
    type varchar not null,
    unit varchar not null,
    polarity varchar not null,
    frequency varchar not null,
    aggregation_time varchar not null,
    aggregation_space varchar not null,
    deduplication_rule varchar not null,
    range_min double not null,
    range_max double not null,
    disaggregations varchar[] not null,
    aliases varchar[] not null,
    sheet json not null,
    definition_hash varchar not null,
    valid_from timestamp not null,
    valid_to timestamp,
    retired_at timestamp,
    primary key (code, version)
);

-- one row per place: territories and schools
create table places (
    code varchar primary key,
    kind varchar not null,
    name varchar not null,
    parent varchar,
    uai varchar,
    education_priority varchar,
    commune_insee varchar,
    qpv varchar
);

-- one row per school x grade with a known enrolment
create table place_enrolment (
    place varchar not null,
    grade varchar not null,
    pupils integer not null,
    primary key (place, grade)
);

-- one row per organisation
create table organisations (
    code varchar primary key,
    name varchar not null,
    type varchar not null,
    place varchar,
    territories varchar[] not null
);

-- one row per commitment (5W) of a partner
create table commitments (
    id varchar primary key,
    organisation varchar not null,
    action_type varchar not null,
    node varchar not null,
    places varchar[] not null,
    grades varchar[] not null,
    sex varchar[] not null,
    targeted integer,
    periods varchar[] not null,
    status varchar not null,
    indicators varchar[] not null
);

-- one row per reporting period
create table periods (
    code varchar primary key,
    label_fr varchar not null,
    label_en varchar not null,
    kind varchar not null,
    parent varchar,
    start_date date not null,
    end_date date not null,
    due_date date not null
);

-- one row per indicator x place x period x kind (baseline or target); place '*' = whole initiative
create table targets (
    indicator varchar not null,
    place varchar not null,
    period varchar not null,
    kind varchar not null,
    value double not null,
    note varchar,
    primary key (indicator, place, period, kind)
);
