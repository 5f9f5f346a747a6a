-- an evaluator accepts or returns submissions $ids (still open to review), with a comment;
-- returns the ids it changed (selected first: a DuckLake has no RETURNING)
select id from submissions
where list_contains($ids, id) and status in ('received', 'accepted', 'returned');

update submissions
set status = $status, review_comment = $comment, reviewed_by = $by, reviewed_at = $at
where list_contains($ids, id) and status in ('received', 'accepted', 'returned');
