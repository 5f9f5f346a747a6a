-- Migration 12: explorer views saved under a name by the person who built them.

create sequence saved_view_ids start 1;

-- one row per saved explorer view: its owner (a username), the owner's organisation when a
-- partner saved it (a partner's list holds its organisation's views only), its name (unique per
-- owner, whatever the case and spacing: `name_key`), the view's query-string parameters as
-- JSON (`ExplorerView.to_params`, never who may see what: whoever opens it gets their own
-- access), and `shared`: open to every evaluator (evaluators' views only).
create table saved_views (
    id integer primary key default nextval('saved_view_ids'),
    owner varchar not null,
    organisation varchar,
    name varchar not null,
    name_key varchar not null,
    params json not null,
    shared boolean not null default false,
    created_at timestamp not null,
    updated_at timestamp not null
);
