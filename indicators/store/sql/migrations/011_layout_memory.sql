-- Migration 11: how a partner showed the reader a sheet it did not understand.

-- one row per partner x shape of header row (its filled cells, digits folded): which row heads
-- the table and what each column holds, as the JSON of `indicators.ingest.shapes.SheetLayout`,
-- applied to the partner's next sheets of the same shape. Only what a person confirmed is here.
create table layout_memory (
    organisation varchar not null,
    signature varchar not null,
    layout json not null,
    confirmed_by varchar not null,
    confirmed_at timestamp not null,
    primary key (organisation, signature)
);
