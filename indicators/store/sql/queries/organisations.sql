-- one row per organisation of the initiative
select code, name, type from organisations order by code
