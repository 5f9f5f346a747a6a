"""Files the app and the command line write for people to open in a spreadsheet."""

from __future__ import annotations

import io

import pandas as pd

from indicators.formula_guard import safe_cell
from indicators.store import Store


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
