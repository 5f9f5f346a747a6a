-- one row per expected report (organisation x indicator x place x period that a commitment
-- makes due: see expected_reports) with when a value for it first arrived, of the organisations
-- $orgs ([] = all): what the store keeps in `report_arrivals`, computed from the commitments
-- and the observations
with commitment_indicators as (
    select id, organisation, unnest(indicators) as indicator from commitments
    where len($orgs::varchar[]) = 0 or list_contains($orgs::varchar[], organisation)
),

commitment_places as (
    select id, unnest(places) as place from commitments
),

commitment_years as (
    select id, unnest(periods) as school_year from commitments
),

expected as (
    select distinct
        ci.organisation,
        ci.indicator,
        cp.place,
        p.code as period
    from commitment_indicators as ci
    inner join commitment_places as cp on cp.id = ci.id
    inner join commitment_years as cy on cy.id = ci.id
    inner join indicator_versions as iv
        on iv.code = ci.indicator and iv.valid_to is null and iv.retired_at is null
    inner join periods as p
        on (iv.frequency = 'term' and p.kind = 'term' and p.parent = cy.school_year)
        or (iv.frequency <> 'term' and p.code = cy.school_year)
),

arrivals as (
    select
        o.organisation,
        o.indicator,
        o.place,
        o.period,
        min(s.uploaded_at) as received_at
    from observations as o
    inner join submissions as s on s.id = o.submission_id
    where len($orgs::varchar[]) = 0 or list_contains($orgs::varchar[], o.organisation)
    group by o.organisation, o.indicator, o.place, o.period
),

-- each place with the places whose values count for it: itself and its schools (an equality
-- join: DuckDB 1.4 ran the former `on true` join with an OR as a nested loop, 100 times slower)
counted_in as (
    select code as reported, code as place from places
    union all
    select code as reported, parent as place from places where parent is not null
),

placed_arrivals as (
    select a.organisation, a.indicator, a.period, c.place, a.received_at
    from arrivals as a
    inner join counted_in as c on c.reported = a.place
),

matched as (
    select
        e.organisation,
        e.indicator,
        e.place,
        e.period,
        min(a.received_at) as received_at
    from expected as e
    left join placed_arrivals as a
        on a.organisation = e.organisation
        and a.indicator = e.indicator
        and a.period = e.period
        and a.place = e.place
    group by e.organisation, e.indicator, e.place, e.period
)

select * from matched
