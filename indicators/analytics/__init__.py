"""Figures read for a viewer, scoped in every function: values and collective figures,
synchronisation of partners, progress on the theory of change, coordination (5W, gaps,
overlaps), the catalogue, the learning log, the explorer and its saved views, the funders'
synthesis, and the differencing attack the tests run against them. Never imports `ingest`.
"""

__all__ = [
    "attack",
    "catalogue",
    "coordination",
    "explorer",
    "figures",
    "learning",
    "progress",
    "saved_views",
    "synchronisation",
    "synthesis",
    "theory",
]  # the modules other packages may import
