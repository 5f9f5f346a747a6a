-- Migration 12: the language an account's e-mails are written in (fr, en).

alter table users add column language varchar default 'fr';
