-- one row per 5W record (commitment x place x school year: see coordination_records) that
-- something was reported for, of the organisations $orgs ([] = all), of every value received
-- or accepted, or of accepted ones only ($accepted_only): `reported`, the organisation's yearly
-- figures on the commitment's indicators at the place (for a territory, at it or one of its
-- schools); `reached`, the largest of them among indicators counting people. What the store
-- keeps in `record_reports`.
with located as (
    select * from {{record_places}}
    where len($orgs::varchar[]) = 0 or list_contains($orgs::varchar[], organisation)
),

units as (
    select u.*, pu.parent as place_parent, iv.unit as indicator_unit
    from {{progress_units}} as u
    inner join places as pu on pu.code = u.place
    inner join indicator_versions as iv
        on iv.code = u.indicator and iv.valid_to is null and iv.retired_at is null
    where u.disaggregation = ''
),

by_indicator as (
    select
        l.commitment,
        l.organisation,
        l.place,
        l.period,
        u.indicator,
        any_value(u.indicator_unit) as indicator_unit,
        sum(u.value) as total
    from located as l
    inner join units as u
        on u.organisation = l.organisation
        and u.period = l.period
        and list_contains(l.indicators, u.indicator)
        and (u.place = l.place or (l.place_kind = 'territory' and u.place_parent = l.place))
    group by all
),

reported as (
    select
        commitment,
        organisation,
        place,
        period,
        count(*) as reported,
        max(total) filter (where indicator_unit = 'person') as reached
    from by_indicator
    group by all
)

select organisation, commitment, place, period, reported, reached from reported
