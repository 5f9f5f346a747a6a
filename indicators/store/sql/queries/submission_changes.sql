-- one row per value of the organisation $org that differs between what stood after its
-- submission $old (0: before any) and what stands after its submission $new: added, removed
-- (a value emptied) or changed, with the file, sheet and cell each side was read from.
-- Uploads are stored in order of their submission's id: a value stands until a later
-- submission of the same organisation brings another one for its indicator x place x period x
-- breakdown (unchanged values are not stored again, so they never show as changes).
with observed as (
    select
        o.id,
        o.submission_id,
        o.indicator,
        o.place,
        o.period,
        o.disaggregation,
        o.value,
        o.numerator,
        o.denominator,
        o.unit,
        o.sheet,
        o.cell,
        s.filename
    from observations as o
    inner join submissions as s on s.id = o.submission_id
    where o.organisation = $org and s.organisation = $org
),

before as (
    select *
    from observed
    where submission_id <= $old
    qualify row_number() over (
        partition by indicator, place, period, disaggregation order by id desc
    ) = 1
),

after as (
    select *
    from observed
    where submission_id <= $new
    qualify row_number() over (
        partition by indicator, place, period, disaggregation order by id desc
    ) = 1
),

compared as (
    select
        coalesce(a.indicator, b.indicator) as indicator,
        coalesce(a.place, b.place) as place,
        coalesce(a.period, b.period) as period,
        coalesce(a.disaggregation, b.disaggregation) as disaggregation,
        coalesce(a.unit, b.unit) as unit,
        case
            when b.value is null then 'added'
            when a.value is null then 'removed'
            else 'changed'
        end as change,
        b.value as old_value,
        a.value as new_value,
        b.numerator as old_numerator,
        a.numerator as new_numerator,
        b.denominator as old_denominator,
        a.denominator as new_denominator,
        b.submission_id as old_submission,
        coalesce(b.filename, '') as old_file,
        coalesce(b.sheet, '') as old_sheet,
        coalesce(b.cell, '') as old_cell,
        a.submission_id as new_submission,
        coalesce(a.filename, '') as new_file,
        coalesce(a.sheet, '') as new_sheet,
        coalesce(a.cell, '') as new_cell
    from after as a
    full join before as b using (indicator, place, period, disaggregation)
    where a.id is distinct from b.id
        and (a.value is not null or b.value is not null)
        and (
            a.value is distinct from b.value
            or a.numerator is distinct from b.numerator
            or a.denominator is distinct from b.denominator
        )
),

final as (
    select
        c.*,
        coalesce(i.label_fr, c.indicator) as indicator_label_fr,
        coalesce(i.label_en, c.indicator) as indicator_label_en,
        coalesce(pl.name, c.place) as place_name,
        coalesce(pe.label_fr, c.period) as period_label_fr,
        coalesce(pe.label_en, c.period) as period_label_en
    from compared as c
    left join indicator_versions as i
        on i.code = c.indicator and i.valid_to is null
    left join places as pl on pl.code = c.place
    left join periods as pe on pe.code = c.period
)

select *
from final
order by
    case change when 'changed' then 0 when 'added' then 1 else 2 end,
    indicator, place, period, disaggregation
