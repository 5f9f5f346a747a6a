"""Drawing only: plotly figures, workbooks and CSV, the funder pack (workbook and PDF), from
frames the analytics computed. Nothing here reads the store.
"""

__all__ = [
    "charts",
    "coordination",
    "curves",
    "exports",
    "pack",
    "synthesis",
]  # the modules other packages may import
