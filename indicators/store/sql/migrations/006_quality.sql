-- Migration 6: how each value and each upload met the common definitions.

-- mapping: how the indicator's label in the file was matched (code, label, words, similar,
-- memory, or '' before this migration); converted: the number in the cell was rescaled to the
-- indicator's unit (0.45 read as 45 %).
alter table observations add column mapping varchar default '';
alter table observations add column converted boolean default false;

-- the problems found in the file when it was stored, counted by severity and by code (JSON)
alter table submissions add column problems json;
