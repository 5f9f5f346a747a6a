-- one row per progress figure funders may be shown (progress): of the initiative and the
-- territories, and of the schools for $reach only (young people reached, which the Synthèse of
-- a territory shows school by school); what a publication freezes and protects
-- (progress.as_funders_see)
select *
from {{progress}}
where scope_kind <> 'school' or indicator = $reach
