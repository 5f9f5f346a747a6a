"""Building blocks every layer uses: problems found in files (stable codes, sheet and cell,
French and English messages), text folding, the French/English vocabulary, the guard that
keeps a cell from being run as a formula, a page's choices read from and written to its
address, and the settings of the Python process that the app's processes share. Imports
nothing of the project.
"""

__all__ = [
    "address",
    "formula_guard",
    "i18n",
    "problems",
    "runtime",
    "text",
]  # the modules other packages may import
