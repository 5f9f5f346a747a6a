-- an evaluator accepts or returns submissions $ids (still open to review), with a comment
update submissions
set status = $status, review_comment = $comment, reviewed_by = $by, reviewed_at = $at
where list_contains($ids, id) and status in ('received', 'accepted', 'returned')
returning id
