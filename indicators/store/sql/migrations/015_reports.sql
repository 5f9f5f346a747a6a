-- Migration 15: what Synchronisation and Coordination read of the observations, kept in the
-- store organisation by organisation and refreshed in the transaction of every write that
-- changes it (an upload, a review, the definition): at 10 M observations each of their
-- queries grouped every observation again.

-- one row per expected report (report_arrivals_live): when a value for it first arrived
create table report_arrivals (
    organisation varchar not null,
    indicator varchar not null,
    place varchar not null,
    period varchar not null,
    received_at timestamp
);

-- one row per organisation x period x submission holding current values for it
create table period_submissions (
    organisation varchar not null,
    period varchar not null,
    submission_id integer not null
);

-- one row per 5W record (commitment x place x school year) something was reported for, of
-- every value received or accepted (accepted_only false) and of accepted ones only (true)
create table record_reports (
    accepted_only boolean not null,
    organisation varchar not null,
    commitment varchar not null,
    place varchar not null,
    period varchar not null,
    reported bigint,
    reached double
);
