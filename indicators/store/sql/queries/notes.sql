-- one row per note of the learning log, newest first, with its author's name; $team: include
-- the notes kept for the evaluation team
select
    n.id,
    n.created_at,
    n.author,
    coalesce(u.display_name, n.author) as author_name,
    n.organisation,
    coalesce(o.name, '') as organisation_name,
    n.kind,
    coalesce(n.indicator, '') as indicator,
    coalesce(n.node, '') as node,
    coalesce(n.place, '') as place,
    coalesce(n.period, '') as period,
    n.body,
    coalesce(n.visibility, 'partners') as visibility
from notes as n
left join users as u on u.username = n.author
left join organisations as o on o.code = n.organisation
where $team or coalesce(n.visibility, 'partners') = 'partners'
order by n.created_at desc, n.id desc
