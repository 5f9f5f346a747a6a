-- one row per publication, newest first
select id, period, published_at, published_by from publications order by published_at desc, id desc
