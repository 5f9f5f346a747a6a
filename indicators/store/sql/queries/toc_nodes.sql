-- one row per theory-of-change node, from activities up to the impact
select code, level, level_rank, label_fr, label_en, description_fr, description_en
from toc_nodes
order by level_rank, code
