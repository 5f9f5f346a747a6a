-- an evaluator accepts or returns one received submission, with a comment
update submissions
set status = $status, review_comment = $comment, reviewed_by = $by, reviewed_at = $at
where id = $id and status in ('received', 'accepted', 'returned')
returning id
