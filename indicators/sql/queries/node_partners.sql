-- one row per theory-of-change node x organisation committed to it (as action type or as target node)
with committed as (
    select action_type as node, organisation, id from commitments
    union
    select node, organisation, id from commitments
),

final as (
    select
        committed.node,
        organisations.code as organisation,
        organisations.name,
        organisations.type,
        count(distinct committed.id) as commitments
    from committed
    inner join organisations on organisations.code = committed.organisation
    group by all
)

select * from final order by node, name
