-- one row per outcome or output node x school x grade x school year that no commitment covers:
-- none feeds the node (see commitment_nodes) at the school or for its whole territory, for that
-- grade (a commitment without grades covers them all), in that year.
with records as (
    select * from {{coordination_records}}
),

covered as (
    select distinct f.node, r.place, r.place_kind, r.grades, r.period
    from records as r
    inner join {{commitment_nodes}} as f on f.commitment = r.commitment
),

candidates as (
    select
        n.code as node,
        n.level,
        n.level_rank,
        s.code as school,
        s.name as school_name,
        s.parent as territory,
        g.category as grade,
        y.code as period
    from toc_nodes as n
    cross join places as s
    cross join dimension_categories as g
    cross join periods as y
    where n.level in ('output', 'intermediate_outcome', 'long_term_outcome')
        and s.kind = 'school'
        and g.dimension = 'grade'
        and y.kind = 'school_year'
        and y.code in (select distinct period from records)
)

select c.*
from candidates as c
where not exists (
    select 1 from covered as v
    where v.node = c.node
        and v.period = c.period
        and (v.place = c.school or (v.place_kind = 'territory' and v.place = c.territory))
        and (len(v.grades) = 0 or list_contains(v.grades, c.grade))
)
order by c.period, c.level_rank, c.node, c.territory, c.school, c.grade
