-- one row per version of the indicator $code, oldest first
select version, label_fr, label_en, type, unit, definition_hash, valid_from, valid_to, retired_at
from indicator_versions
where code = $code
order by version
