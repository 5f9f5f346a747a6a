-- one row per piece kept for partners (see migration 17) of $pieces (organisation or '',
-- indicator and school year, joined by a unit separator): its protected figures and the stamp
-- they were made under
select organisation, indicator, school_year, stamp, payload
from partner_pieces
where list_contains(
    $pieces::varchar[], organisation || chr(31) || indicator || chr(31) || school_year
)
