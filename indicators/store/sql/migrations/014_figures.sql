-- Migration 14: the progress figures kept in the store, refreshed in the transaction of every
-- write that changes them (an upload, a review, the definition), school year by school year
-- of each indicator: what `progress_live` computes over every observation, read instead of
-- computed at every request (at 10 M observations one indicator's took 30 s).

-- one row per figure, of every value received or accepted (accepted_only false) and of
-- accepted values only (true); school_year: the figure's period, or the year of its term
create table figures (
    accepted_only boolean not null,
    school_year varchar not null,
    scope varchar,
    scope_kind varchar,
    indicator varchar,
    period varchar,
    disaggregation varchar,
    rule varchar,
    dedup varchar,
    units bigint,
    organisations bigint,
    backbone_only boolean,
    without_base bigint,
    terms bigint,
    numerator double,
    denominator double,
    value double,
    largest_share double,
    gross double,
    dropped bigint
);

-- what each organisation adds to each figure (progress_contributions_live)
create table figure_shares (
    accepted_only boolean not null,
    school_year varchar not null,
    indicator varchar,
    scope varchar,
    period varchar,
    disaggregation varchar,
    organisation varchar,
    amount double
);

-- one row per indicator x school year refreshed: `version` grows at each refresh (what the
-- figures kept in a server's memory are keyed on); `everything` (indicator '*', school year
-- '*') is written once every figure was computed (after this migration, by Store.migrate)
create table figure_versions (
    indicator varchar not null,
    school_year varchar not null,
    version bigint not null
);

-- what the observations and submissions were when the figures were last computed (one row):
-- a store written by other means than the store's own (a hand-made fix, a test's plain SQL)
-- shows other counts, and its figures are then all computed again before they are read
create table figures_made (
    observations bigint,
    last_observation bigint,
    submissions bigint,
    accepted bigint,
    last_review timestamp
);
