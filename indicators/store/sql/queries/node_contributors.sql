-- one row per theory-of-change node x organisation whose commitments feed it (see
-- commitment_nodes). direct: one of its commitments names the node.
select
    f.node,
    o.code as organisation,
    o.name,
    o.type,
    count(distinct f.commitment) as commitments,
    bool_or(f.direct) as direct,
    list(distinct f.action_type order by f.action_type) as action_types
from {{commitment_nodes}} as f
inner join organisations as o on o.code = f.organisation
group by f.node, o.code, o.name, o.type
order by f.node, not bool_or(f.direct), o.name
