"""What each role may download or read as a report: computed through the analytics' scoped
functions (so a file holds what its viewer may see, nothing more), drawn by `indicators.views`,
and written in the audit journal.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from indicators.access.viewer import Viewer, require_role
from indicators.analytics import figures, synchronisation
from indicators.analytics.synthesis import Summary
from indicators.common.i18n import t
from indicators.store.database import Store
from indicators.views import pack
from indicators.views import pack_pdf as pack_pdf_view
from indicators.views.exports import FORMATS, SHEET_TITLES, csv_text, hidden_note, xlsx_bytes


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


def pack_progress_rows(store: Store, summary: Summary, lang: str) -> pd.DataFrame:
    """The pack's progress table as the Synthèse page shows it."""
    return pack.progress_rows(summary, store.query("indicators"), lang)


def pack_workbook(store: Store, viewer: Viewer, summary: Summary, lang: str) -> bytes:
    """The funder pack as a workbook (audited as an export)."""
    require_role(viewer, "evaluator", "funder")
    data = pack.workbook(summary, store.query("indicators"), lang)
    store.audit(
        viewer.username, "export", "pack.xlsx", year=summary.year, scope=summary.scope, lang=lang
    )
    return data


def pack_pdf(store: Store, viewer: Viewer, summary: Summary, lang: str) -> bytes:
    """The funder pack as a PDF report (audited as an export)."""
    require_role(viewer, "evaluator", "funder")
    initiative = store.initiative() or {}
    places = store.query("places_list")
    names = dict(zip(places["code"], places["name"], strict=True))
    links = store.query("toc_links")
    context = pack_pdf_view.Context(
        catalogue=store.query("indicators"),
        nodes=store.query("toc_nodes"),
        links=list(zip(links["source"], links["target"], strict=True)),
        initiative=str(initiative.get(f"name_{lang}") or initiative.get("name_fr") or ""),
        scope_name=(
            t("progress.whole", lang)
            if summary.scope == "*"
            else str(names.get(summary.scope, summary.scope))
        ),
        made_on=store.clock().date(),
        lang=lang,
    )
    data = pack_pdf_view.document(summary, context)
    store.audit(
        viewer.username, "export", "pack.pdf", year=summary.year, scope=summary.scope, lang=lang
    )
    return data
