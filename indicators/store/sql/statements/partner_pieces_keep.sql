-- partners' protected figures of these pieces, in place of those kept before; then only the
-- pieces of the $organisations_kept organisations whose pieces were kept last (see migration 17)
delete from partner_pieces
where list_contains(
    $pieces::varchar[], organisation || chr(31) || indicator || chr(31) || school_year
);
insert into partner_pieces (organisation, indicator, school_year, stamp, payload, kept_at)
select unnest($organisations::varchar[]), unnest($indicators::varchar[]),
    unnest($years::varchar[]), unnest($stamps::varchar[]), unnest($payloads::varchar[]), $at;
delete from partner_pieces
where organisation <> ''
    and organisation not in (
        select organisation
        from partner_pieces
        where organisation <> ''
        group by organisation
        order by max(kept_at) desc, organisation
        limit $organisations_kept
    )
