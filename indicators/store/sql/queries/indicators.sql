-- one row per indicator of the catalogue, at its current version (retired ones left out)
select
    i.code,
    i.version,
    i.label_fr,
    i.label_en,
    i.node,
    n.level,
    n.level_rank,
    n.label_fr as node_label_fr,
    n.label_en as node_label_en,
    i.type,
    i.unit,
    i.polarity,
    i.frequency,
    i.aggregation_time,
    i.aggregation_space,
    i.deduplication_rule,
    i.range_min,
    i.range_max,
    i.disaggregations,
    i.aliases,
    i.sheet,
    i.valid_from
from indicator_versions as i
left join toc_nodes as n on n.code = i.node
where i.valid_to is null and i.retired_at is null
order by n.level_rank, i.code
