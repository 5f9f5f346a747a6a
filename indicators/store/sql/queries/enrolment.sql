-- one row per school x grade with a known enrolment (the need): pupils enrolled
select e.place as school, p.name as school_name, p.parent as territory, e.grade, e.pupils
from place_enrolment as e
inner join places as p on p.code = e.place
order by p.parent, p.name, e.grade
