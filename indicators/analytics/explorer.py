"""The explorer: stored values pivoted by any two dimensions, down to the cells behind a figure.

A view (`ExplorerView`) names indicators, a dimension for rows, one for columns (or none),
filters, a chart and the figure drilled into; it travels in the URL's query string
(`to_params`, `from_params`), so that a link sent opens the same drill-down.

`pivot` gives one figure per indicator x row x column, by the indicator's own rules, as the
theory of change computes them (progress_units, progress_kept, progress): each unit is the
value of one organisation at one place for one period by the indicator's rule over time; in
each figure, the de-duplication rule keeps, per school (or per territory), the organisation
with the largest value, then the rule over space gives the figure: sum, mean, max, last (the
latest upload), ratio (sum of numerators / sum of denominators, never a mean of rates; a
single value stands as it is), none (a single value only). Sex and grade select the values
reported with exactly that breakdown. Without period among rows and columns, the figures are
those of one period: the latest of the chosen grain (school years or terms) with a value in
the year the other pages open on (synchronisation.opening_year: the latest school year with
at least half its due reports accepted) or before it; a later year that a single new value
opened is not the default. Only when nothing stands that early, the latest with a value.
Indicators of different units are not put side by side: `pivot` returns a `Refusal`.

Who sees what:
- an evaluator every figure and, with `drill`, every observation behind it;
- a partner its own figures (those made only of its own values), and of the collective only
  the protected figures the rest of the application publishes to it (progress.figures: the
  initiative, its territories and schools, by period and breakdown, after the primary rules
  and complementary suppression of disclosure.py), so that no view adds a figure another one
  lets it subtract; a figure with any other organisation behind it and no such counterpart
  (by partner type, priority education, version, or over several places at once) is hidden.
  It drills down to its own observations only; the others are counted, not shown;
- a funder nothing (AccessDeniedError): funders get fixed, published tables, never free
  filters (two overlapping queries can be subtracted; DOMAIN.md).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from indicators.access.viewer import Viewer, own_organisation, require_role
from indicators.analytics import progress, synchronisation
from indicators.common.i18n import label
from indicators.store.database import Store

# dimension -> the units' column holding its member
DIMENSIONS: dict[str, str] = {
    "period": "period",
    "territory": "territory",
    "school": "school",
    "priority": "education_priority",
    "partner": "organisation",
    "partner_type": "organisation_type",
    "sex": "sex",
    "grade": "grade",
    "version": "indicator_version",
}
BREAKDOWNS = ("sex", "grade")  # dimensions read from the values' disaggregation
# with f_<dimension>: the view's parameters (drill, drill_col: the figure drilled into)
PARAMS = ("ind", "rows", "cols", "chart", "grain", "drill", "drill_col")
CHARTS = ("table", "line", "bars", "heatmap")
GRAINS = ("school_year", "term")
# the dimensions of the figures published to partners (progress.figures): scope, period,
# breakdown; any other one makes a figure a partner may not see unless it is all its own
PUBLISHED = ("period", "territory", "school", "sex", "grade")
NOT_PUBLISHED = "not-published"
CELL_COLUMNS = [
    "indicator",
    "row",
    "column",
    "period",
    "value",
    "numerator",
    "denominator",
    "units",
    "organisations",
    "own",
    "hidden",
]


def _escape(code: str) -> str:
    return code.replace("%", "%25").replace(",", "%2C")


def _unescape(text: str) -> str:
    return text.replace("%2C", ",").replace("%25", "%")


def _split(text: str) -> tuple[str, ...]:
    seen: list[str] = []
    for item in text.split(","):
        code = _unescape(item.strip())
        if code and code not in seen:
            seen.append(code)
    return tuple(seen)


def _last(value: str | Sequence[str] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value[-1]) if len(value) else ""


@dataclass(frozen=True)
class ExplorerView:
    """What the explorer shows: indicators by `rows` x `columns` ('' for none), `filters`
    (dimension -> the members kept), drawn as `chart`, periods of `grain`; the figure drilled
    into at `drill_row` x `drill_column` ('' for the first row, or no column)."""

    indicators: tuple[str, ...] = ()
    rows: str = "period"
    columns: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    chart: str = "table"
    grain: str = "school_year"
    drill_row: str = ""
    drill_column: str = ""

    def to_params(self) -> dict[str, str]:
        """The view as query-string parameters (defaults left out)."""
        params: dict[str, str] = {}
        if self.indicators:
            params["ind"] = ",".join(_escape(c) for c in self.indicators)
        if self.rows != "period":
            params["rows"] = self.rows
        if self.columns:
            params["cols"] = self.columns
        if self.chart != "table":
            params["chart"] = self.chart
        if self.grain != "school_year":
            params["grain"] = self.grain
        for dimension in DIMENSIONS:
            members = self.filters.get(dimension)
            if members:
                params[f"f_{dimension}"] = ",".join(_escape(m) for m in members)
        if self.drill_row:
            params["drill"] = self.drill_row
        if self.drill_column:
            params["drill_col"] = self.drill_column
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, str | Sequence[str]]) -> ExplorerView:
        """The view a query string describes: unknown parameters are ignored, and a bad value
        gives way to the default (a dimension or chart not offered, columns equal to rows)."""
        rows = _last(params.get("rows"))
        rows = rows if rows in DIMENSIONS else "period"
        columns = _last(params.get("cols"))
        columns = columns if columns in DIMENSIONS and columns != rows else ""
        chart = _last(params.get("chart"))
        grain = _last(params.get("grain"))
        filters = {
            dimension: members
            for dimension in DIMENSIONS
            if (members := _split(_last(params.get(f"f_{dimension}"))))
        }
        return cls(
            indicators=_split(_last(params.get("ind"))),
            rows=rows,
            columns=columns,
            filters=filters,
            chart=chart if chart in CHARTS else "table",
            grain=grain if grain in GRAINS else "school_year",
            drill_row=_last(params.get("drill")).strip(),
            drill_column=_last(params.get("drill_col")).strip(),
        )

    def __hash__(self) -> int:  # filters are a dict: hash what the URL holds
        return hash(tuple(sorted(self.to_params().items())))

    def dimensions(self) -> tuple[str, ...]:
        """The dimensions laid out: rows, then columns when there are."""
        return (self.rows, self.columns) if self.columns else (self.rows,)


@dataclass(frozen=True)
class Refusal:
    """A view the explorer will not compute, with the sentence that says why."""

    code: str
    fr: str
    en: str

    def text(self, lang: str = "fr") -> str:
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class Pivot:
    """The figures of a view: one row of `cells` per indicator x row x column member
    (CELL_COLUMNS; `hidden` says why a figure is withheld from the viewer, '' when shown, its
    value then empty; `own` is a partner's own figure). `period` is the period shown when
    period is neither rows nor columns; `unit` the indicators' common unit."""

    view: ExplorerView
    cells: pd.DataFrame
    unit: str
    period: str = ""

    def table(self) -> pd.DataFrame:
        """The figures as a table: a row per row member (per indicator and row member when
        there are several indicators), a column per column member; hidden figures empty."""
        if self.cells.empty:
            return pd.DataFrame()
        index = ["indicator", "row"] if len(set(self.cells["indicator"])) > 1 else ["row"]
        wide = self.cells.pivot_table(
            index=index, columns="column", values="value", aggfunc="first", dropna=False
        )
        return wide.reindex(columns=list(dict.fromkeys(self.cells["column"])))


@dataclass(frozen=True)
class Drill:
    """The observations behind one figure that the viewer may see, with their provenance
    (file, sheet, cell, upload) and their part (counted, or left out by de-duplication); and
    how many other organisations' observations stand behind it, not shown to a partner."""

    cells: pd.DataFrame
    others: int


DRILL_COLUMNS = [
    "indicator",
    "organisation",
    "organisation_name",
    "place",
    "period",
    "disaggregation",
    "indicator_version",
    "value",
    "numerator",
    "denominator",
    "raw_value",
    "part",
    "submission_id",
    "filename",
    "sheet",
    "cell",
    "uploaded_by",
    "uploaded_at",
    "submission_status",
]


# -- reading --------------------------------------------------------------------------------


def _catalogue(store: Store) -> pd.DataFrame:
    return store.query("indicators").set_index("code")


def units(store: Store, indicators: Sequence[str]) -> pd.DataFrame:
    """The units of `indicators` (explorer_units) with their breakdown split into sex and grade
    ('' when not broken down so) and the dimensions of the breakdown (`breakdown`)."""
    frames = [
        store.query(
            "explorer_units",
            **(progress.EVERY_VALUE | {"indicator": code}),
        )
        for code in indicators
    ]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if frame.empty:
        return frame
    pairs = frame["disaggregation"].map(_pairs)
    frame["breakdown"] = pairs.map(lambda p: ",".join(sorted(p)))
    for dimension in BREAKDOWNS:
        frame[dimension] = pairs.map(lambda p, d=dimension: p.get(d, ""))
    frame["indicator_version"] = frame["indicator_version"].astype(int).astype(str)
    return frame


def _pairs(text: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in str(text).split(";") if "=" in pair)


def _unit_refusal(units_of: Mapping[str, str]) -> Refusal | None:
    found = sorted(set(units_of.values()))
    if len(found) <= 1:
        return None
    fr = ", ".join(f"« {label('unit', u, 'fr')} »" for u in found)
    en = ", ".join(f"'{label('unit', u, 'en')}'" for u in found)
    return Refusal(
        "mixed-units",
        f"Ces indicateurs ne se mesurent pas dans la même unité ({fr}) : les mettre côte à côte"
        " ferait comparer ce qui ne se compare pas. Choisissez des indicateurs de même unité.",
        f"These indicators are not measured in the same unit ({en}): side by side they would"
        " compare what cannot be compared. Choose indicators of one unit.",
    )


def _selected(
    frame: pd.DataFrame, view: ExplorerView, until: pd.Timestamp | None = None
) -> tuple[pd.DataFrame, str]:
    """The units the view's figures are made of, and the period shown when period is neither
    rows nor columns ('' otherwise): the latest starting no later than `until` (the end of the
    year pages open on), else the latest."""
    if frame.empty:
        return frame, ""
    frame = frame[frame["period_kind"] == view.grain]
    broken = sorted(d for d in BREAKDOWNS if d in view.dimensions() or d in view.filters)
    frame = frame[frame["breakdown"] == ",".join(broken)]
    for dimension, members in view.filters.items():
        frame = frame[frame[DIMENSIONS[dimension]].isin(members)]
    for dimension in view.dimensions():  # a territory's own value has no school, etc.
        frame = frame[frame[DIMENSIONS[dimension]] != ""]
    period = ""
    if "period" not in view.dimensions() and not frame.empty:
        dated = frame.sort_values(["start_date", "period"])
        if until is not None:
            early = dated[pd.to_datetime(dated["start_date"]) <= until]
            dated = early if not early.empty else dated
        period = str(dated["period"].iloc[-1])
        frame = frame[frame["period"] == period]
    return frame.reset_index(drop=True), period


def opening_end(store: Store) -> pd.Timestamp | None:
    """The last day of the school year the other pages open on (synchronisation.opening_year,
    among the years begun by the store's today); None when there is none."""
    today = store.clock().date()
    periods = store.query("periods_list")
    starts = pd.to_datetime(periods["start_date"])
    years = periods[(periods["kind"] == "school_year") & (starts <= pd.Timestamp(today))]
    opening = synchronisation.opening_year(store, today, list(years["code"]))
    ends = dict(zip(periods["code"], pd.to_datetime(periods["end_date"]), strict=True))
    return ends.get(opening)


def _keys(frame: pd.DataFrame, view: ExplorerView) -> pd.DataFrame:
    """`frame` with the cell of each unit: row, column ('' without columns)."""
    frame = frame.assign(row=frame[DIMENSIONS[view.rows]].astype(str))
    column = frame[DIMENSIONS[view.columns]].astype(str) if view.columns else ""
    return frame.assign(column=column)


# -- the rules --------------------------------------------------------------------------------


def _kept(frame: pd.DataFrame, dedup: str, by_school: bool) -> pd.Series:
    """Which units the de-duplication rule counts in their cell: for max_per_school and
    unique_id, in each place, the organisation with the largest total (numerators for a
    rate); for max_per_territory, in each territory (each place when figures are by school);
    ties to the first organisation code (progress_kept's rule)."""
    if dedup in ("max_per_school", "unique_id") or (dedup == "max_per_territory" and by_school):
        group = frame["place"]
    elif dedup == "max_per_territory":
        group = frame["territory"].where(frame["territory"] != "", frame["place"])
    else:
        return pd.Series(True, index=frame.index)
    weight = frame["numerator"].where(frame["numerator"].notna(), frame["value"])
    keys = [frame["row"], frame["column"], frame["period"], group]
    totals = weight.groupby([*keys, frame["organisation"]]).transform("sum")
    ranked = pd.DataFrame(
        {"g": list(zip(*keys, strict=True)), "org": frame["organisation"], "total": totals}
    ).sort_values(["total", "org"], ascending=[False, True], kind="stable")
    winner = ranked.groupby("g", sort=False)["org"].first()
    return pd.Series(
        [
            org == winner[g]
            for g, org in zip(zip(*keys, strict=True), frame["organisation"], strict=True)
        ],
        index=frame.index,
    )


def figure(rule: str, group: pd.DataFrame, scale: float) -> float:
    """The figure the rule over space gives of the kept units in `group` (see the module)."""
    values = group["value"].astype(float)
    if values.empty:
        return math.nan
    if rule == "sum":
        return float(values.sum())
    if rule == "mean":
        return float(values.mean())
    if rule == "max":
        return float(values.max())
    if rule == "last":
        return float(values.iloc[int(group["uploaded_at"].to_numpy().argmax())])
    if rule == "ratio":
        if len(group) == 1:
            return float(values.iloc[0])
        numerator, denominator = _base(group)
        return numerator / denominator * scale if denominator else math.nan
    if rule == "none":
        return float(values.iloc[0]) if len(group) == 1 else math.nan
    return math.nan


def _base(group: pd.DataFrame) -> tuple[float, float]:
    numerator = group["numerator"].where(group["denominator"].notna()).sum(min_count=1)
    denominator = group["denominator"].where(group["numerator"].notna()).sum(min_count=1)
    return float(numerator), float(denominator)


def _figures(frame: pd.DataFrame, catalogue: pd.DataFrame, by_school: bool) -> pd.DataFrame:
    """One row per indicator x row x column x period of `frame` (units with their cell)."""
    rows: list[dict[str, Any]] = []
    for code, units_of in frame.groupby("indicator", sort=False):
        sheet = catalogue.loc[str(code)]
        scale = 100.0 if sheet["unit"] == "percent" else 1.0
        kept = units_of[_kept(units_of, str(sheet["deduplication_rule"]), by_school)]
        for (row, column, period), group in kept.groupby(["row", "column", "period"], sort=False):
            numerator, denominator = _base(group)
            rows.append(
                {
                    "indicator": str(code),
                    "row": row,
                    "column": column,
                    "period": period,
                    "value": figure(str(sheet["aggregation_space"]), group, scale),
                    "numerator": numerator,
                    "denominator": denominator,
                    "units": len(group),
                    "organisations": group["organisation"].nunique(),
                }
            )
    return pd.DataFrame(rows, columns=CELL_COLUMNS[:9])


# -- the explorer -------------------------------------------------------------------------------


def pivot(store: Store, viewer: Viewer, view: ExplorerView) -> Pivot | Refusal:
    """The figures of `view` as `viewer` may see them (see the module), or a refusal when the
    indicators are measured in different units."""
    require_role(viewer, "evaluator", "partner")
    catalogue = _catalogue(store)
    codes = [c for c in view.indicators if c in catalogue.index]
    refusal = _unit_refusal({c: str(catalogue.at[c, "unit"]) for c in codes})
    if refusal is not None:
        return refusal
    unit = str(catalogue.at[codes[0], "unit"]) if codes else ""
    own = own_organisation(viewer) if viewer.role == "partner" else ""
    frame, period = _scoped(store, viewer, view, codes)
    if frame.empty:
        return Pivot(view, pd.DataFrame(columns=CELL_COLUMNS), unit, period)
    by_school = "school" in view.dimensions() or "school" in view.filters
    cells = _figures(frame, catalogue, by_school)
    cells["hidden"] = ""
    cells["own"] = math.nan
    if own:
        mine = frame[frame["organisation"] == own]
        theirs = _figures(mine, catalogue, by_school).set_index(["indicator", "row", "column"])
        cells["own"] = [
            theirs["value"].get((i, r, c), math.nan)
            for i, r, c in zip(cells["indicator"], cells["row"], cells["column"], strict=True)
        ]
        cells = _as_partner_sees(store, viewer, view, frame, cells, own)
    order = _order(store, view)
    ranks = pd.DataFrame(
        {
            "indicator": cells["indicator"].map(codes.index),
            "row": [order["row"].get(r, len(order["row"])) for r in cells["row"]],
            "row_code": cells["row"],
            "column": [order["column"].get(c, len(order["column"])) for c in cells["column"]],
            "column_code": cells["column"],
        }
    )
    cells = cells.loc[ranks.sort_values(list(ranks.columns)).index]
    return Pivot(view, cells[CELL_COLUMNS].reset_index(drop=True), unit, period)


def _scoped(
    store: Store, viewer: Viewer, view: ExplorerView, codes: Sequence[str]
) -> tuple[pd.DataFrame, str]:
    """The units of the view with their cells; a partner's partner dimension and filter hold
    its own organisation only (another's figure alone is never its to see)."""
    if viewer.role == "partner" and ("partner" in view.dimensions() or "partner" in view.filters):
        own = own_organisation(viewer)
        view = dataclasses.replace(view, filters={**view.filters, "partner": (own,)})
    until = opening_end(store) if "period" not in view.dimensions() else None
    frame, period = _selected(units(store, codes), view, until)
    return (_keys(frame, view) if not frame.empty else frame), period


def _as_partner_sees(
    store: Store,
    viewer: Viewer,
    view: ExplorerView,
    frame: pd.DataFrame,
    cells: pd.DataFrame,
    own: str,
) -> pd.DataFrame:
    """`cells` as a partner may see them: a figure made only of its own values as it is;
    another its published counterpart (progress.figures, protected for it), hidden as that one
    is; without a counterpart, hidden (NOT_PUBLISHED)."""
    cell = ["indicator", "row", "column", "period"]
    behind = frame.groupby(cell)["organisation"].agg(lambda s: set(s) == {own})
    breakdowns = frame.groupby(cell)["disaggregation"].first()
    published = _published(view)
    lattice = pd.concat(
        [progress.figures(store, viewer, str(code)) for code in cells["indicator"].unique()],
        ignore_index=True,
    )
    counterparts: dict[tuple[str, str, str, str], tuple[float, str]] = {
        (str(i), str(s), str(p), str(d)): (float(v), str(h or ""))
        for i, s, p, d, v, h in zip(
            lattice["indicator"],
            lattice["scope"],
            lattice["period"],
            lattice["disaggregation"],
            pd.to_numeric(lattice["value"], errors="coerce"),
            lattice["hidden"],
            strict=True,
        )
    }
    values, hidden = [], []
    for record in cells.to_dict("records"):
        key = tuple(record[str(c)] for c in cell)
        if behind.get(key, False):
            values.append(record["value"])
            hidden.append("")
            continue
        scope = _scope(view, record["row"], record["column"]) if published else None
        where = (
            str(record["indicator"]),
            str(scope),
            str(record["period"]),
            str(breakdowns.get(key, "")),
        )
        if scope is None or where not in counterparts:
            values.append(math.nan)
            hidden.append(NOT_PUBLISHED)
            continue
        value, why = counterparts[where]
        values.append(math.nan if why else value)
        hidden.append(why)
    cells = cells.assign(value=values, hidden=hidden)
    withheld = cells["hidden"] != ""
    cells.loc[withheld, ["numerator", "denominator"]] = math.nan
    # how many organisations and values stand behind a figure never published to partners
    # (per partner type, per priority status...) is not theirs to count either
    unpublished = cells["hidden"] == NOT_PUBLISHED
    for column in ("units", "organisations"):
        cells[column] = cells[column].astype(float).where(~unpublished)
    return cells


def _published(view: ExplorerView) -> bool:
    """True when the view's figures have counterparts among those published to partners: laid
    out by published dimensions only, each filtered one (other than period) to one member."""
    if any(d not in PUBLISHED for d in view.dimensions()):
        return False
    return all(
        d in PUBLISHED and (d == "period" or d in view.dimensions() or len(members) == 1)
        for d, members in view.filters.items()
    )


def _scope(view: ExplorerView, row: object, column: object) -> str:
    """The place of a figure: its school, else its territory, else the initiative."""
    for dimension in ("school", "territory"):
        if dimension == view.rows:
            return str(row)
        if dimension == view.columns:
            return str(column)
        if dimension in view.filters:
            return str(view.filters[dimension][0])
    return progress.SCOPE_ALL


def _order(store: Store, view: ExplorerView) -> dict[str, dict[str, int]]:
    """The order of the members of rows and columns: periods by date, the others by code."""
    order: dict[str, dict[str, int]] = {"row": {}, "column": {}}
    periods = store.query("periods_list")
    grades = store.query("dimension_grades")
    for name, dimension in (("row", view.rows), ("column", view.columns)):
        if dimension == "period":
            order[name] = {str(c): i for i, c in enumerate(periods["code"])}
        elif dimension == "grade":
            order[name] = {str(c): i for i, c in enumerate(grades["category"])}
    return order


def drill(
    store: Store, viewer: Viewer, view: ExplorerView, row_key: str, col_key: str = ""
) -> Drill:
    """The observations behind the figure at `row_key` x `col_key` of `view` (of every
    indicator of the view), each with its file, sheet, cell and upload, and its part: counted,
    or deduplicated (another organisation's larger value stands for the same young people).
    An evaluator sees them all; a partner its own only (the others are counted)."""
    require_role(viewer, "evaluator", "partner")
    catalogue = _catalogue(store)
    codes = [c for c in view.indicators if c in catalogue.index]
    frame, _ = _scoped(store, viewer, view, codes)
    if frame.empty:
        return Drill(pd.DataFrame(columns=DRILL_COLUMNS), 0)
    frame = frame[(frame["row"] == row_key) & (frame["column"] == col_key)]
    by_school = "school" in view.dimensions() or "school" in view.filters
    parts: dict[int, str] = {}
    for code, units_of in frame.groupby("indicator", sort=False):
        kept = _kept(units_of, str(catalogue.at[str(code), "deduplication_rule"]), by_school)
        for sources, counted in zip(units_of["sources"], kept, strict=True):
            for source in sources:
                parts[int(source)] = "counted" if counted else "deduplicated"
    cells = store.query("explorer_cells", ids=sorted(parts))
    cells["part"] = cells["id"].map(parts)
    others = 0
    if viewer.role == "partner":
        own = own_organisation(viewer)
        others = int((cells["organisation"] != own).sum())
        cells = cells[cells["organisation"] == own]
    return Drill(cells[DRILL_COLUMNS].reset_index(drop=True), others)


def members(store: Store, viewer: Viewer, dimension: str, lang: str = "fr") -> dict[str, str]:
    """The members a filter on `dimension` offers this viewer, code -> label, in order (a
    partner's partner dimension holds its own organisation only)."""
    require_role(viewer, "evaluator", "partner")
    en = lang == "en"
    if dimension == "period":
        periods = store.query("periods_list")
        return dict(zip(periods["code"], periods["label_en" if en else "label_fr"], strict=True))
    if dimension in ("territory", "school"):
        places = store.query("places_list")
        places = places[places["kind"] == dimension]
        return dict(zip(places["code"], places["name"], strict=True))
    if dimension == "priority":
        schools = store.query("schools")
        return {p: p for p in sorted(set(schools["education_priority"]) - {""})}
    if dimension == "partner":
        organisations = store.query("organisations")
        if viewer.role == "partner":
            organisations = organisations[organisations["code"] == own_organisation(viewer)]
        return dict(zip(organisations["code"], organisations["name"], strict=True))
    if dimension == "partner_type":
        types = sorted(set(store.query("organisations")["type"]))
        return {k: label("organisation_type", k, lang) for k in types}
    if dimension in BREAKDOWNS:
        categories = store.query("dimension_categories")
        categories = categories[categories["dimension"] == dimension]
        return dict(
            zip(
                categories["category"],
                categories["label_en" if en else "label_fr"],
                strict=True,
            )
        )
    if dimension == "version":
        versions = store.query("indicators")["version"].dropna()
        latest = int(versions.max()) if len(versions) else 1
        return {str(v): str(v) for v in range(1, latest + 1)}
    return {}
