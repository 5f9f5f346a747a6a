-- one row per link of the theory of change
select source, target from toc_links order by source, target
