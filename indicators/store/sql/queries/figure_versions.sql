-- one row per indicator x school year whose figures the store keeps: the version of their last
-- computation (what the figures kept in a server's memory are keyed on)
select indicator, school_year, version
from figure_versions
