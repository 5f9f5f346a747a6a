-- one row per category of the grade dimension, in its order
select category, label_fr, label_en
from dimension_categories
where dimension = 'grade'
order by position
