"""Files the app and the command line write for people to open in a spreadsheet."""

from __future__ import annotations

import io

import pandas as pd

from indicators.store import Store

# A spreadsheet runs a cell starting with one of these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """`value`, with text that a spreadsheet would run as a formula turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells cannot run as formulas."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(safe_cell)
    return safe


def observations_csv(store: Store, organisation: str = "") -> str:
    """Every stored value with its provenance, as CSV text (all organisations when empty)."""
    frame = safe_frame(store.query("observations", org=organisation))
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue()
