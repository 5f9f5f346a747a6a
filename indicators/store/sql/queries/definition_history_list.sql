-- one row per saved definition, oldest first (who saved it and why; not its files)
select saved_at, actor, reason
from definition_history
order by saved_at
