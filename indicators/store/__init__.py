"""The DuckDB store: the only code that opens a connection (`connection`, for `database`
only) or runs SQL (`sql/`: migrations, one query or statement per file); `setup` makes a store
from a definition.
"""

__all__ = ["database", "setup", "stored"]  # the modules other packages may import
