-- Migration 17: the figures partners see of an indicator's school year ("piece"), protected
-- (progress._from_pieces), with the stamp of the figures they were protected from: for
-- `organisation`, of a piece it has values in; for every partner ('') of a piece in which it
-- has none (such a piece is the same for every such partner). A server started again, or
-- another server of the same store, reads them instead of protecting every piece again
-- (41 s at 1 M observations for the first page of the partner with the most values). The
-- pieces of the organisations kept last only (progress.PARTNERS_KEPT): one piece per
-- indicator and school year for every partner, and as many for each of these.
create table partner_pieces (
    organisation varchar not null,
    indicator varchar not null,
    school_year varchar not null,
    stamp varchar not null,
    payload varchar not null,
    kept_at timestamp not null
);
