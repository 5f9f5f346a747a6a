-- Migration 16: the expected reports counted by organisation, territory, indicator and period
-- (report_counts_live), kept in the store and refreshed with report_arrivals: what the
-- synchronisation rates, statuses and consistency add up (3 million reports at 10 M
-- observations, some 400,000 counts).
create table report_counts (
    organisation varchar not null,
    territory varchar,
    indicator varchar not null,
    period varchar not null,
    expected bigint,
    received bigint,
    on_time bigint,
    last_received_at timestamp
);
