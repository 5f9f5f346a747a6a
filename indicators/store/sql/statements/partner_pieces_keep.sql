-- partners' protected figures of these pieces, in place of those kept before (see migration 17)
delete from partner_pieces
where list_contains(
    $pieces::varchar[], organisation || chr(31) || indicator || chr(31) || school_year
);
insert into partner_pieces (organisation, indicator, school_year, stamp, payload)
select unnest($organisations::varchar[]), unnest($indicators::varchar[]),
    unnest($years::varchar[]), unnest($stamps::varchar[]), unnest($payloads::varchar[])
