"""Writing tables for people to open in a spreadsheet: CSV text and workbooks that neutralise
text a spreadsheet would run as a formula, and the words for why a figure is hidden.

What goes in them is computed for a viewer elsewhere (`indicators.reports`, through the
analytics' scoped functions); nothing here reads the store.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from indicators.access import disclosure
from indicators.common.formula_guard import safe_cell

FORMATS = ("xlsx", "csv")
SHEET_TITLES = {
    "fr": {"values": "Valeurs", "collective": "Collectif"},
    "en": {"values": "Values", "collective": "Collective"},
}
HIDDEN_NOTES = {
    "fr": {
        "few-organisations": f"masqué : moins de {disclosure.MIN_ORGANISATIONS} organisations",
        "dominant": f"masqué : une organisation pèse plus de {100 * disclosure.DOMINANCE:.0f} %",
        "small-count": "masqué : moins de 11 jeunes (petit effectif)",
        "complementary": "masqué : avec les autres chiffres publiés, il révélerait un chiffre masqué",
    },
    "en": {
        "few-organisations": f"hidden: fewer than {disclosure.MIN_ORGANISATIONS} organisations",
        "dominant": f"hidden: one organisation weighs more than {disclosure.DOMINANCE:.0%}",
        "small-count": "hidden: fewer than 11 young people (small number)",
        "complementary": "hidden: with the other published figures it would reveal a hidden one",
    },
}


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column.dtype)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells cannot run as formulas."""
    safe = frame.copy()
    for column in safe.columns:
        if _is_text(safe[column]):
            safe[column] = safe[column].astype(object).map(safe_cell)
    return safe


def csv_text(frame: pd.DataFrame, lang: str = "en") -> str:
    """`frame` as CSV text, formulas neutralised; in French, as a French spreadsheet opens it
    (`;` between fields, a decimal comma)."""
    buffer = io.StringIO()
    if lang == "fr":
        safe_frame(frame).to_csv(buffer, index=False, sep=";", decimal=",")
    else:
        safe_frame(frame).to_csv(buffer, index=False)
    return buffer.getvalue()


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame, every text cell written as text, never a formula."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, frame in sheets.items():
        if len(title) > 31:  # Excel's limit: a title cut short would read as a typo
            raise ValueError(f"sheet title longer than 31 characters: {title!r}")
        sheet = book.create_sheet(title)
        sheet.append([str(c) for c in frame.columns])
        for row in safe_frame(frame).itertuples(index=False):
            sheet.append([_plain(v) for v in row])
        for index, column in enumerate(frame.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                40, max(10, len(str(column)) + 2)
            )
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def hidden_note(code: str, lang: str = "fr") -> str:
    """Why a collective figure is hidden, in words ('' when it is shown)."""
    return HIDDEN_NOTES["en" if lang == "en" else "fr"].get(code, "")
