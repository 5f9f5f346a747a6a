-- Migration 7: who may read a note of the learning log, and the organisation of its author.
-- visibility: 'partners' (the evaluation team and every partner) or 'team' (evaluators only).
alter table notes add column visibility varchar default 'partners';
alter table notes add column organisation varchar;
