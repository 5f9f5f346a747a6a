"""What each role may download or read as a report: computed through the analytics' scoped
functions (so a file holds what its viewer may see, nothing more), drawn by `indicators.views`,
and written in the audit journal.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from indicators.access.viewer import Viewer, require_role
from indicators.analytics import figures, synchronisation
from indicators.analytics.synthesis import Summary
from indicators.common.i18n import label, t
from indicators.definition.model import Definition
from indicators.store.database import Store
from indicators.store.stored import stored_definition
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


# The exported columns, with their headers (the codes stay in the columns that name them).
VALUE_HEADERS = {
    "organisation": "column.organisation",
    "indicator": "column.indicator",
    "code": "column.indicator_code",
    "indicator_version": "column.version",
    "place": "column.place",
    "period": "column.period",
    "disaggregation": "column.breakdown",
    "value": "column.number",
    "numerator": "sheet.numerator",
    "denominator": "sheet.denominator",
    "unit": "column.unit",
    "raw_value": "column.value",
    "is_current": "column.current",
    "submission_id": "column.submission",
    "filename": "column.file",
    "sheet": "column.sheet",
    "cell": "column.cell",
    "uploaded_by": "column.by",
    "uploaded_at": "column.at",
    "rule": "column.rule",
    "organisations": "column.organisations",
    "hidden": "column.hidden",
    "own": "column.own",
}


NUMERIC = re.compile(r"^-?\d+\.\d+$")


def _readable(frame: pd.DataFrame, definition: Definition, lang: str) -> pd.DataFrame:
    """`frame` as a person reads it: names rather than codes (the indicator's code kept in a
    column of its own), units and breakdowns in words, yes/no, headers in `lang`."""
    out = frame.copy()
    english = lang == "en"
    names = {o.code: o.name for o in definition.organisations}
    places = {p.code: p.name for p in definition.places}
    titles = {i.code: i.label_en if english else i.label_fr for i in definition.indicators}
    if "indicator" in out:
        out.insert(list(out.columns).index("indicator"), "code", out["indicator"])
        out["indicator"] = out["indicator"].map(lambda c: titles.get(c, c))
        out = out.drop(columns=[c for c in ("label_fr", "label_en") if c in out])
    if "organisation" in out:
        out["organisation"] = out["organisation"].map(lambda c: names.get(c, c))
    if "place" in out:
        out["place"] = out["place"].map(lambda c: places.get(c, c))
    if "disaggregation" in out:
        out["disaggregation"] = out["disaggregation"].map(
            lambda key: definition.breakdown_label(str(key), lang)
        )
    if "unit" in out:
        out["unit"] = out["unit"].map(lambda u: label("unit", str(u), lang))
    if "is_current" in out:
        out["is_current"] = out["is_current"].map(
            lambda yes: t("export.yes" if yes else "export.no", lang)
        )
    if "uploaded_by" in out:  # the demo uploads for an organisation: "demo:<organisation>"
        out["uploaded_by"] = out["uploaded_by"].map(
            lambda by: (
                names.get(str(by).removeprefix("demo:"), by) if str(by).startswith("demo:") else by
            )
        )
    if "raw_value" in out and not english:  # a number cell as a French spreadsheet shows it
        out["raw_value"] = out["raw_value"].map(
            lambda raw: (
                raw.replace(".", ",") if isinstance(raw, str) and NUMERIC.match(raw) else raw
            )
        )
    for column in ("value", "own", "numerator", "denominator"):
        if column in out and pd.api.types.is_numeric_dtype(out[column]):
            rounded = out[column].round(2)  # 74.51, not 74.5098039
            whole = rounded.dropna()
            out[column] = rounded.astype("Int64") if (whole == whole.round()).all() else rounded
    return out.rename(columns={c: t(VALUE_HEADERS[c], lang) for c in out if c in VALUE_HEADERS})


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
    definition = stored_definition(store)
    sheets = {title: _readable(frame, definition, lang) for title, frame in sheets.items()}
    if fmt == "csv":
        return csv_text(next(iter(sheets.values())), lang).encode("utf-8-sig")
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
