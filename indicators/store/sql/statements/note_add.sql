-- one note or decision of the learning log; returns its id
insert into notes (id, created_at, author, kind, indicator, node, place, period, body, visibility, organisation)
values (nextval('note_ids'), $at, $author, $kind, $indicator, $node, $place, $period, $body, $visibility, $organisation);

select currval('note_ids') as id;
