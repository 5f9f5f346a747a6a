"""Drawing only: plotly figures, workbooks and CSV, the funder pack (workbook and PDF), from
frames the analytics computed. Nothing here reads the store.
"""

__all__ = [
    "changes",
    "charts",
    "coordination",
    "curves",
    "exports",
    "figure_locale",
    "pack",
    "pack_pdf",
    "synthesis",
]  # the modules other packages may import
