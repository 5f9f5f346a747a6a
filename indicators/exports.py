"""Files the app and the command line write for people to open in a spreadsheet.

Every export is computed for a viewer through `figures` (so it holds what that viewer may see,
nothing more), is audited, and neutralises text a spreadsheet would run as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from indicators import figures, synchronisation
from indicators.access import Viewer
from indicators.formula_guard import safe_cell
from indicators.i18n import t
from indicators.store import Store

FORMATS = ("xlsx", "csv")
SHEET_TITLES = {
    "fr": {"values": "Valeurs", "collective": "Collectif"},
    "en": {"values": "Values", "collective": "Collective"},
}
HIDDEN_NOTES = {
    "fr": {
        "few-organisations": f"masqué : moins de {figures.MIN_ORGANISATIONS} organisations",
        "dominant": f"masqué : une organisation pèse plus de {figures.DOMINANCE:.0%}",
        "small-count": "masqué : moins de 11 jeunes (petit effectif)",
        "complementary": "masqué : avec les autres chiffres publiés, il révélerait un chiffre masqué",
    },
    "en": {
        "few-organisations": f"hidden: fewer than {figures.MIN_ORGANISATIONS} organisations",
        "dominant": f"hidden: one organisation weighs more than {figures.DOMINANCE:.0%}",
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


def csv_text(frame: pd.DataFrame) -> str:
    """`frame` as CSV text, formulas neutralised."""
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False)
    return buffer.getvalue()


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame, every text cell written as text, never a formula."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, frame in sheets.items():
        sheet = book.create_sheet(title[:31])
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


def collective_table(store: Store, viewer: Viewer, lang: str = "fr") -> pd.DataFrame:
    """The collective figures as this viewer may see them, with why any figure is hidden."""
    table = figures.collective(store, viewer)
    table["hidden"] = table["hidden"].map(lambda code: hidden_note(code, lang))
    if viewer.role != "partner":
        table = table.drop(columns=["own"])
    return table.drop(columns=["label_en" if lang == "fr" else "label_fr"])


def values_export(store: Store, viewer: Viewer, fmt: str, lang: str = "fr") -> bytes:
    """What the Données page offers to download: the viewer's values with their provenance
    (evaluators: all; partners: their own) and the collective figures; a funder gets the
    collective figures only. `fmt`: xlsx (both as sheets) or csv (the first table)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    titles = SHEET_TITLES["en" if lang == "en" else "fr"]
    sheets: dict[str, pd.DataFrame] = {}
    if viewer.role in ("evaluator", "partner"):
        sheets[titles["values"]] = figures.values(store, viewer)
    sheets[titles["collective"]] = collective_table(store, viewer, lang)
    rows = {title: len(frame) for title, frame in sheets.items()}
    store.audit(viewer.username, "export", f"values.{fmt}", role=viewer.role, rows=rows)
    if fmt == "csv":
        return csv_text(next(iter(sheets.values()))).encode("utf-8-sig")
    return xlsx_bytes(sheets)


def observations_csv(store: Store, viewer: Viewer, organisation: str = "") -> str:
    """Every stored value, current or superseded, with its provenance, as CSV text
    (evaluators: one organisation or all when empty; partners: their own)."""
    frame = figures.values(store, viewer, organisation, history=True)
    store.audit(
        viewer.username, "export", "observations.csv", organisation=organisation, rows=len(frame)
    )
    return csv_text(frame)


def reminder_export(
    store: Store, viewer: Viewer, today: dt.date, organisation: str, lang: str = "fr"
) -> bytes:
    """The reports an organisation still owes, as a workbook to attach to a reminder."""
    missing = synchronisation.missing_reports(store, viewer, today, organisation)
    label = "indicator_label_en" if lang == "en" else "indicator_label_fr"
    columns = {
        "indicator": t("column.indicator", lang),
        label: t("sheet.label", lang),
        "place": t("column.place", lang),
        "place_name": "Nom du lieu" if lang == "fr" else "Place name",
        "period": t("column.period", lang),
        "due_date": t("column.due", lang),
    }
    table = missing[list(columns)].rename(columns=columns)
    store.audit(
        viewer.username, "export", "reminder.xlsx", organisation=organisation, rows=len(table)
    )
    return xlsx_bytes({"Rapports manquants" if lang == "fr" else "Missing reports": table})
