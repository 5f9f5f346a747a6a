-- one row per category of a disaggregation dimension, in the dimension's order
select dimension, category, label_fr, label_en
from dimension_categories
order by dimension, position
