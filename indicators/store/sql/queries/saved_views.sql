-- one row per saved explorer view open to a person: theirs ($owner, saved under their current
-- organisation $organisation, '' for none), and for an evaluator ($evaluator) those other
-- evaluators share; with the owner's name, in order of name
select
    v.id,
    v.owner,
    coalesce(u.display_name, v.owner) as owner_name,
    coalesce(v.organisation, '') as organisation,
    v.name,
    v.name_key,
    v.params::varchar as params,
    v.shared,
    v.owner = $owner as own,
    v.created_at,
    v.updated_at
from saved_views as v
left join users as u on u.username = v.owner
where (v.owner = $owner and coalesce(v.organisation, '') = $organisation)
    or ($evaluator and v.shared and coalesce(u.role, '') = 'evaluator')
order by v.owner <> $owner, v.name_key, v.id
