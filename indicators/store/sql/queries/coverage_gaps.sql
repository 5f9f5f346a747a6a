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

-- each grade a covering record covers (a commitment without grades covers them all)
covered_grades as (
    select v.node, v.place, v.place_kind, g.category as grade, v.period
    from covered as v
    inner join dimension_categories as g
        on g.dimension = 'grade' and (len(v.grades) = 0 or list_contains(v.grades, g.category))
),

-- each school x grade x year covered for a node: by a record at the school, or for its whole
-- territory (equality joins: the former `not exists` over places x grades ran as a join of a
-- billion rows at 10 M observations)
covered_schools as (
    select node, place as school, grade, period from covered_grades
    union
    select v.node, s.code as school, v.grade, v.period
    from covered_grades as v
    inner join places as s on s.parent = v.place and s.kind = 'school'
    where v.place_kind = 'territory'
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
anti join covered_schools as v
    on v.node = c.node and v.school = c.school and v.grade = c.grade and v.period = c.period
order by c.period, c.level_rank, c.node, c.territory, c.school, c.grade
