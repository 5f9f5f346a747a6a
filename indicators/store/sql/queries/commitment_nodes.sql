-- one row per commitment x theory-of-change node it feeds: its action type, the node it serves,
-- and every node on a path through them (from the action type up to the node served, then
-- beyond it along the links). direct: the commitment names the node (action type or node served).
with recursive reach(source, target) as (
    select code, code from toc_nodes
    union
    select r.source, l.target
    from reach as r
    inner join toc_links as l on l.source = r.target
)

select distinct
    c.id as commitment,
    c.organisation,
    c.action_type,
    r.target as node,
    r.target in (c.action_type, c.node) as direct
from commitments as c
inner join reach as r on r.source = c.action_type
where exists (
    select 1 from reach as up where up.source = r.target and up.target = c.node
)
or exists (
    select 1 from reach as down where down.source = c.node and down.target = r.target
)
