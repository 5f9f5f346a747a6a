-- one row per organisation in an overlap: two or more organisations doing the same action type
-- for the same school, grade and school year (a commitment without grades covers them all),
-- with what each reached there (see coordination_records).
with records as (
    select * from {{coordination_records}}
    where place_kind = 'school'
),

by_grade as (
    select r.*, g.category as grade
    from records as r
    inner join dimension_categories as g
        on g.dimension = 'grade' and (len(r.grades) = 0 or list_contains(r.grades, g.category))
),

counted as (
    select
        action_type,
        place,
        place_name,
        territory,
        grade,
        period,
        organisation,
        any_value(organisation_name) as organisation_name,
        any_value(organisation_type) as organisation_type,
        max(reached) as reached,
        count(distinct organisation) over (partition by action_type, place, grade, period)
            as partners
    from by_grade
    group by action_type, place, place_name, territory, grade, period, organisation
)

select * from counted
where partners >= 2
order by period, territory, place, action_type, grade, organisation
