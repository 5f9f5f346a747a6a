-- one note or decision of the learning log
insert into notes (created_at, author, kind, indicator, node, place, period, body, visibility, organisation)
values ($at, $author, $kind, $indicator, $node, $place, $period, $body, $visibility, $organisation)
returning id
