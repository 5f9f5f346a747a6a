-- one row per store: how many observations the store holds (current and superseded)
select count(*) as n from observations
