-- one row per 5W record, commitment x place x school year, with its organisation's name and
-- type and its place's kind, name and territory (a school's parent; a territory itself): what
-- coordination_records shows and record_reports_live counts what was reported for.
with records as (
    select
        c.id as commitment,
        c.organisation,
        o.name as organisation_name,
        o.type as organisation_type,
        c.action_type,
        c.node,
        unnest(c.places) as place,
        c.grades,
        c.sex,
        c.targeted / len(c.places) as targeted,
        c.periods,
        c.status,
        c.indicators
    from commitments as c
    inner join organisations as o on o.code = c.organisation
),

yearly as (
    select r.* exclude (periods), unnest(r.periods) as period
    from records as r
),

located as (
    select
        y.*,
        pl.kind as place_kind,
        pl.name as place_name,
        case when pl.kind = 'territory' then pl.code else pl.parent end as territory
    from yearly as y
    inner join places as pl on pl.code = y.place
)

select * from located
