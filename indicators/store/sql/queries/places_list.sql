-- one row per place (territories first, then schools), with its territory
select code, kind, name, coalesce(parent, '') as parent
from places
order by kind desc, parent, name
