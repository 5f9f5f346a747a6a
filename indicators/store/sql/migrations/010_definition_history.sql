-- Migration 10: the definition's history, as the files a team keeps in git.

-- one row per saved definition (mesure init, the Administration page, an Excel round trip):
-- the text of each definition file as `mesure definition export` writes it, so that the store
-- gives back exactly what was saved, in its order, and every earlier state stays readable.
create table definition_history (
    saved_at timestamp not null,
    actor varchar not null,
    reason varchar not null,
    files json not null
);
