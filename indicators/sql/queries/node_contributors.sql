-- one row per theory-of-change node x organisation whose commitments feed it: a commitment
-- feeds its action type, the node it serves, and every node on a path through them (from the
-- action type up to the node served, then beyond it along the links). direct: the commitment
-- names the node (as action type or as node served).
with recursive reach(source, target) as (
    select code, code from toc_nodes
    union
    select r.source, l.target
    from reach as r
    inner join toc_links as l on l.source = r.target
),

fed as (
    select
        r.target as node,
        c.organisation,
        c.id,
        c.action_type,
        r.target in (c.action_type, c.node) as direct
    from commitments as c
    inner join reach as r on r.source = c.action_type
    where exists (
        select 1 from reach as up where up.source = r.target and up.target = c.node
    )
    or exists (
        select 1 from reach as down where down.source = c.node and down.target = r.target
    )
)

select
    f.node,
    o.code as organisation,
    o.name,
    o.type,
    count(distinct f.id) as commitments,
    bool_or(f.direct) as direct,
    list(distinct f.action_type order by f.action_type) as action_types
from fed as f
inner join organisations as o on o.code = f.organisation
group by f.node, o.code, o.name, o.type
order by f.node, not bool_or(f.direct), o.name
