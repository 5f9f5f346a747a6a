"""Progress on the theory of change: each indicator against its baseline, targets and forecast.

The figures come from DuckDB (`sql/queries/progress*.sql`): each indicator's declared rules,
over time (a school year from its terms) and over space (partners and places), after its
de-duplication rule. What this module adds, as pure functions with their rules written out:

- **expected value**: on the straight line from the baseline to the next declared target
  (by school year); after the last target, that target.
- **status** of a value (`status`): met, on track, off track, no progress, no data, unrated.
- **forecast** (Results-Based Accountability): where the curve goes if nothing changes, a
  least-squares line through the last `FORECAST_POINTS` values up to the baseline (a flat line
  through a single one); the curve **turned** when a value does better than its forecast.
- **roll-up** along the graph (`rollup`): a node's status from its indicators and the nodes
  that feed it.

Who sees what: an evaluator every figure; a partner the collective figures hidden where fewer
than 3 organisations or one dominant organisation stand behind them (figures.hidden_reason),
and its own; a funder the same hidden figures, from accepted submissions only. Anyone else is
refused. The trace of a figure down to cells is for evaluators, and for a partner its own
cells only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pandas as pd

from indicators.access import Viewer, own_organisation, require_role
from indicators.figures import hidden_reason, small_counts, threshold
from indicators.publications import frozen
from indicators.store import Store

STATUSES = ("met", "on_track", "off_track", "no_progress", "no_data", "unrated")
STATUS_COLOURS = {
    "met": "#2e7d32",
    "on_track": "#8bc34a",
    "off_track": "#f0a030",
    "no_progress": "#d9534f",
    "no_data": "#c8ccd2",
    "unrated": "#8e9aaf",
}
POINTS = {"met": 3, "on_track": 2, "off_track": 1, "no_progress": 0}
ON_TRACK = 0.75  # share of the expected progress since the baseline that counts as on track
FORECAST_POINTS = 3
SCOPE_ALL = "*"

PROGRESS_COLUMNS = [
    "indicator",
    "scope",
    "period",
    "position",
    "value",
    "own",
    "hidden",
    "baseline",
    "baseline_period",
    "target",
    "expected",
    "forecast",
    "status",
    "turned",
    "organisations",
    "units",
    "dropped",
    "gross",
    "without_base",
]


# -- the rules, as pure functions ------------------------------------------------------------


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def status(
    value: float | None, baseline: float | None, expected: float | None, polarity: str
) -> str:
    """The progress status of `value`, by this rule (better = higher, or lower by polarity):

    - no data: no value;  unrated: a neutral indicator, or no target and no baseline;
    - met: the value reaches what was expected for its year (its target);
    - without a target: on track when better than the baseline, no progress otherwise;
    - on track: it covered at least ON_TRACK of the way from the baseline to the target;
    - no progress: it is no better than the baseline;  off track: in between.
    """
    if _missing(value):
        return "no_data"
    assert value is not None
    if polarity == "neutral":
        return "unrated"
    sign = -1.0 if polarity == "lower_is_better" else 1.0
    if _missing(expected):
        if _missing(baseline):
            return "unrated"
        assert baseline is not None
        return "on_track" if sign * (value - baseline) > 0 else "no_progress"
    assert expected is not None
    if sign * (value - expected) >= 0:
        return "met"
    if _missing(baseline):
        return "off_track"
    assert baseline is not None
    way = sign * (expected - baseline)
    gained = sign * (value - baseline)
    if gained <= 0:
        return "no_progress"
    if way > 0 and gained >= ON_TRACK * way:
        return "on_track"
    return "off_track"


def interpolate(anchors: Mapping[int, float], position: int) -> float | None:
    """The value expected at `position` on straight lines between `anchors` (school-year
    position -> baseline or target); after the last anchor, its value; None before the first."""
    if not anchors:
        return None
    points = sorted(anchors.items())
    if position < points[0][0]:
        return None
    for (x0, y0), (x1, y1) in pairwise(points):
        if x0 <= position <= x1:
            return y0 + (y1 - y0) * (position - x0) / (x1 - x0)
    return points[-1][1]


def forecast(
    history: Mapping[int, float],
    until: int,
    positions: Iterable[int],
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> dict[int, float]:
    """Where the curve goes if nothing changes, at each of `positions` after `until`.

    A least-squares line through the last FORECAST_POINTS values of `history` at or before
    `until` (the baseline's position), a flat line through a single one; kept within `bounds`
    (the indicator's plausible range). Empty without history.
    """
    known = sorted((x, y) for x, y in history.items() if x <= until and not _missing(y))
    known = known[-FORECAST_POINTS:]
    if not known:
        return {}
    if len(known) == 1:
        slope, intercept = 0.0, known[0][1]
    else:
        n = len(known)
        mean_x = sum(x for x, _ in known) / n
        mean_y = sum(y for _, y in known) / n
        slope = sum((x - mean_x) * (y - mean_y) for x, y in known) / sum(
            (x - mean_x) ** 2 for x, _ in known
        )
        intercept = mean_y - slope * mean_x
    low, high = bounds
    return {x: min(high, max(low, intercept + slope * x)) for x in positions if x >= known[-1][0]}


def turned(value: float | None, forecast_value: float | None, polarity: str) -> bool | None:
    """True when `value` does better than the forecast (the curve turned), False when not,
    None when either is missing or the indicator is neutral."""
    if _missing(value) or _missing(forecast_value) or polarity == "neutral":
        return None
    assert value is not None and forecast_value is not None
    sign = -1.0 if polarity == "lower_is_better" else 1.0
    return sign * (value - forecast_value) > 0


def status_of_points(points: Sequence[float]) -> str:
    """The status nearest to the mean of `points` (ties go to the worse one)."""
    mean = sum(points) / len(points)
    rounded = math.ceil(mean - 0.5)
    return next(s for s, p in POINTS.items() if p == rounded)


@dataclass(frozen=True)
class NodeStatus:
    """A node's status, on its own indicators and rolled up with the nodes that feed it."""

    own: str
    status: str
    indicators: dict[str, str] = field(default_factory=dict)  # indicator -> status
    feeders: dict[str, str] = field(default_factory=dict)  # feeding node -> rolled-up status


def rollup(
    nodes: Sequence[str],
    links: Iterable[tuple[str, str]],
    indicator_statuses: Mapping[str, Mapping[str, str]],
) -> dict[str, NodeStatus]:
    """Each node's status, by this rule:

    - own: from its own indicators, the status nearest to the mean of their points (met 3,
      on track 2, off track 1, no progress 0; ties go to the worse);
    - rolled up: the same over its own indicators and the rolled-up status of each node that
      feeds it, each counting once;
    - no data when nothing rated stands behind it; unrated when only unrated things do.

    `nodes` are in level order (activities first); `indicator_statuses` maps a node to its
    indicators' statuses.
    """
    feeders: dict[str, list[str]] = {code: [] for code in nodes}
    for source, target in links:
        if target in feeders and source in feeders:
            feeders[target].append(source)
    result: dict[str, NodeStatus] = {}

    def judge(statuses: Sequence[str]) -> str:
        rated = [POINTS[s] for s in statuses if s in POINTS]
        if rated:
            return status_of_points(rated)
        return "unrated" if statuses and all(s == "unrated" for s in statuses) else "no_data"

    for code in nodes:
        own = dict(indicator_statuses.get(code, {}))
        fed = {f: result[f].status for f in feeders[code] if f in result}
        result[code] = NodeStatus(
            own=judge(list(own.values())),
            status=judge([*own.values(), *fed.values()]),
            indicators=own,
            feeders=fed,
        )
    return result


# -- the figures, as each viewer may see them -------------------------------------------------


def _hidden_reasons(frame: pd.DataFrame) -> list[str]:
    return [
        "" if backbone else hidden_reason(int(n), share)
        for n, share, backbone in zip(
            frame["organisations"], frame["largest_share"], frame["backbone_only"], strict=True
        )
    ]


def _units(store: Store) -> dict[str, str]:
    catalogue = store.query("indicators")
    return dict(zip(catalogue["code"], catalogue["unit"], strict=True))


def nest_context(store: Store) -> dict[str, Any]:
    """What tells how figures nest (disclosure.nests_of): each school's territory, each term's
    school year, each indicator's rule over time."""
    places = store.query("places_list")
    periods = store.query("periods_list")
    catalogue = store.query("indicators")
    return {
        "parent_place": {
            str(c): str(p) for c, p in zip(places["code"], places["parent"], strict=True) if p
        },
        "parent_period": {
            str(c): str(p)
            for c, p in zip(periods["code"], periods["parent"], strict=True)
            if isinstance(p, str) and p
        },
        "time_rules": dict(
            zip(
                catalogue["code"].astype(str),
                catalogue["aggregation_time"].astype(str),
                strict=True,
            )
        ),
    }


def complementary(frame: pd.DataFrame) -> list[str]:
    """`frame`'s hidden reasons, with the territories of a sum protected against subtraction:
    where exactly one territory's figure is hidden and the initiative's is shown, the
    initiative minus the others would reveal it, so the smallest other territory is hidden too
    ("complementary"), or the initiative's figure when there is no other."""
    hidden = [str(h) for h in frame["hidden"]]
    keys = ["indicator", "period", "disaggregation"]
    rows = frame.reset_index(drop=True)
    sums = rows[rows["rule"] == "sum"]
    for _, group in sums.groupby(keys):
        at = [int(str(i)) for i in group.index]
        kinds = dict(zip(at, group["scope_kind"], strict=True))
        values = dict(zip(at, group["value"], strict=True))
        whole = [i for i in at if kinds[i] == "initiative"]
        parts = [i for i in at if kinds[i] == "territory"]
        secret = [i for i in parts if hidden[i]]
        if not whole or hidden[whole[0]] or len(secret) != 1:
            continue
        others = [i for i in parts if not hidden[i] and (values[i] or 0) > 0]
        target = min(others, key=lambda i: values[i]) if others else whole[0]
        hidden[target] = "complementary"
    return hidden


def accepted_figures(store: Store, indicator: str = "") -> pd.DataFrame:
    """Figures of accepted submissions only, each with the reason it would be hidden from a
    funder, its value kept: the input of the published tables, whose suppression decides what
    shows (see synthesis). Never displayed as such."""
    frame = store.query("progress", indicator=indicator, accepted_only=True, org="")
    frame["hidden"] = _hidden_reasons(frame)
    return frame


def as_funders_see(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (figures of accepted data) as a funder may see it: the initiative and its
    territories only, each figure hidden for its organisations, a small count of young people,
    or to protect a hidden territory (complementary), its value then empty."""
    frame = frame[frame["scope_kind"] != "school"].reset_index(drop=True)
    frame["hidden"] = _hidden_reasons(frame)
    units = frame["indicator"].map(_units(store))
    frame["hidden"] = small_counts(frame, units, threshold(store))
    frame["hidden"] = complementary(frame)
    frame["own"] = float("nan")
    return _masked(frame)


def _masked(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame["hidden"] == ""
    for column in ("value", "numerator", "denominator", "gross", "largest_share"):
        frame[column] = frame[column].where(shown)
    return frame


def figures(store: Store, viewer: Viewer, indicator: str = "") -> pd.DataFrame:
    """Every figure (indicator x scope x period x disaggregation) this viewer may see.

    `hidden` says why a figure is withheld ('' when shown; its value is then empty); `own` is
    a partner's own figure by the same rules (empty for other roles). A funder reads what the
    latest publication of each year froze (see publications).
    """
    require_role(viewer, "evaluator", "partner", "funder")
    if viewer.role == "funder":
        frame = frozen(
            store,
            "figures",
            lambda: store.query("progress", indicator="", accepted_only=True, org=""),
        )
        if indicator:
            frame = frame[frame["indicator"] == indicator]
        frame = as_funders_see(store, frame)
    else:
        frame = store.query("progress", indicator=indicator, accepted_only=False, org="")
        frame["hidden"] = ""
        if viewer.role == "partner":
            frame["hidden"] = _hidden_reasons(frame)
            frame = _masked(frame)
    keys = ["indicator", "scope", "period", "disaggregation"]
    if viewer.role == "partner":
        own = store.query(
            "progress",
            indicator=indicator,
            accepted_only=False,
            org=own_organisation(viewer),
        )[[*keys, "value"]].rename(columns={"value": "own"})
        frame = frame.merge(own, on=keys, how="left")
    else:
        frame["own"] = float("nan")
    return frame


def targets(store: Store) -> pd.DataFrame:
    """The declared baselines and targets (the initiative's plan, open to every role)."""
    return store.query("progress_targets")


def school_years(store: Store) -> pd.DataFrame:
    """The school years in order, with their position."""
    return store.query("school_years")


def curve(
    values: Mapping[int, float],
    baseline: tuple[int, float] | None,
    goals: Mapping[int, float],
    positions: Sequence[int],
    polarity: str,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> list[dict[str, Any]]:
    """One indicator's curve, a dict per school-year position: its value, the baseline (the
    declared one, else the first value known), the declared target, the expected value, the
    forecast, the status (years after the baseline) and whether the curve turned."""
    if baseline is None and values:
        first = min(values)
        baseline = (first, values[first])
    base_at, base_value = baseline if baseline is not None else (-1, math.nan)
    anchors = {base_at: base_value} if baseline is not None and goals else {}
    anchors.update(goals)  # a target declared for the baseline's year wins
    history = {x: y for x, y in values.items() if x < base_at}
    if baseline is not None:
        history[base_at] = base_value
    ahead = forecast(history, base_at, positions, bounds) if baseline is not None else {}
    rows: list[dict[str, Any]] = []
    for at in positions:
        value = values.get(at, math.nan)
        expected = interpolate(anchors, at)
        after = baseline is not None and at > base_at
        judged = status(value, base_value, expected, polarity) if after else "unrated"
        rows.append(
            {
                "position": at,
                "value": value,
                "baseline": base_value,
                "baseline_position": base_at,
                "target": goals.get(at, math.nan),
                "expected": math.nan if expected is None else expected,
                "forecast": ahead.get(at, math.nan),
                "status": "no_data" if _missing(value) else judged,
                "turned": turned(value, ahead.get(at), polarity) if after else None,
            }
        )
    return rows


FIGURE_COLUMNS = ["own", "hidden", "organisations", "units", "dropped", "gross", "without_base"]


def progress(
    store: Store,
    viewer: Viewer,
    *,
    scope: str = SCOPE_ALL,
    indicator: str = "",
    disaggregation: str = "",
    frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator x school year at `scope` (see `curve`), with the partner's own
    figure, why a figure is hidden, and how many organisations and values stand behind it.
    `frame` reuses figures already read for this viewer."""
    require_role(viewer, "evaluator", "partner", "funder")
    every = figures(store, viewer, indicator) if frame is None else frame
    years = school_years(store)
    year_at = {int(p): str(c) for c, p in zip(years["code"], years["position"], strict=True)}
    catalogue = store.query("indicators")
    if indicator:
        catalogue = catalogue[catalogue["code"] == indicator]
    plan = targets(store)
    plan = plan[plan["place"] == scope]
    chosen = every[
        (every["scope"] == scope)
        & (every["disaggregation"] == disaggregation)
        & every["period"].isin(year_at.values())
    ]
    at_year = {c: p for p, c in year_at.items()}
    rows: list[dict[str, Any]] = []
    for sheet in catalogue.to_dict("records"):
        code = str(sheet["code"])
        mine = chosen[chosen["indicator"] == code]
        values = {
            at_year[str(p)]: float(v)
            for p, v in zip(mine["period"], mine["value"], strict=True)
            if not _missing(v)
        }
        declared = plan[plan["indicator"] == code]
        base = declared[declared["kind"] == "baseline"]
        goals = declared[declared["kind"] == "target"]
        for row in curve(
            values,
            (int(base["position"].iloc[0]), float(base["value"].iloc[0])) if len(base) else None,
            {int(p): float(v) for p, v in zip(goals["position"], goals["value"], strict=True)},
            sorted(year_at),
            str(sheet["polarity"]),
            (float(sheet["range_min"]), float(sheet["range_max"])),
        ):
            at = int(row["position"])
            base_at = int(row.pop("baseline_position"))
            row |= {
                "indicator": code,
                "scope": scope,
                "period": year_at[at],
                "baseline_period": year_at.get(base_at, ""),
            }
            rows.append(row)
    table = pd.DataFrame(rows, columns=[c for c in PROGRESS_COLUMNS if c not in FIGURE_COLUMNS])
    behind = chosen[["indicator", "period", *FIGURE_COLUMNS]]
    table = table.merge(behind, on=["indicator", "period"], how="left")
    table["hidden"] = [h if isinstance(h, str) else "" for h in table["hidden"]]
    for column in ("organisations", "units", "dropped", "without_base"):
        table[column] = table[column].fillna(0).astype(int)
    return table[PROGRESS_COLUMNS]


def latest_year(table: pd.DataFrame) -> str:
    """The last school year with a figure in `table` ('' when none)."""
    shown = table.dropna(subset=["value"])
    if shown.empty:
        return ""
    return str(shown.sort_values("position")["period"].iloc[-1])


def node_statuses(
    store: Store, viewer: Viewer, table: pd.DataFrame, year: str
) -> dict[str, NodeStatus]:
    """Each node's status for `year`, from the indicators' statuses in `table` (progress)."""
    require_role(viewer, "evaluator", "partner", "funder")
    catalogue = store.query("indicators")
    nodes = store.query("toc_nodes")
    links = store.query("toc_links")
    at_year = table[table["period"] == year].set_index("indicator")["status"]
    by_node: dict[str, dict[str, str]] = {}
    for code, node in zip(catalogue["code"], catalogue["node"], strict=True):
        by_node.setdefault(str(node), {})[str(code)] = str(at_year.get(code, "no_data"))
    return rollup(
        list(nodes["code"]),
        zip(links["source"], links["target"], strict=True),
        by_node,
    )


def contributors(store: Store, viewer: Viewer, node: str = "") -> pd.DataFrame:
    """The organisations whose commitments feed `node` (all nodes when ''), directly or along
    the graph. The plan is shared with partners; a funder gets organisations counted by type."""
    require_role(viewer, "evaluator", "partner", "funder")
    frame = store.query("node_contributors")
    if node:
        frame = frame[frame["node"] == node]
    if viewer.role == "funder":
        frame = (
            frame.groupby(["node", "type"], as_index=False)
            .agg(
                organisations=("organisation", "nunique"),
                direct=("direct", "sum"),
                commitments=("commitments", "sum"),
            )
            .sort_values(["node", "organisations"], ascending=[True, False])
        )
    return frame.reset_index(drop=True)


TRACE_COLUMNS = [
    "organisation",
    "organisation_name",
    "place",
    "period",
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


@dataclass(frozen=True)
class Trace:
    """The cells behind one figure that this viewer may see, and how many others there are."""

    cells: pd.DataFrame
    others: int  # values of other organisations, not shown to a partner


def trace(
    store: Store,
    viewer: Viewer,
    indicator: str,
    scope: str,
    period: str,
    disaggregation: str = "",
) -> Trace:
    """Every current value behind a figure, with its submission, sheet and cell, and its part:
    counted, or left out by the time rule, the de-duplication rule, or for want of a base.
    An evaluator sees them all; a partner its own only; a funder none (refused)."""
    require_role(viewer, "evaluator", "partner")
    cells = store.query(
        "progress_trace",
        indicator=indicator,
        scope=scope,
        period=period,
        disaggregation=disaggregation,
        accepted_only=False,
        org="",
    )
    others = 0
    if viewer.role == "partner":
        own = own_organisation(viewer)
        others = int((cells["organisation"] != own).sum())
        cells = cells[cells["organisation"] == own]
    return Trace(cells[TRACE_COLUMNS].reset_index(drop=True), others)


BREAKDOWNS = ("territory", "school", "sex", "grade")


def breakdown(
    frame: pd.DataFrame,
    indicator: str,
    by: str,
    scope: str,
    years: Sequence[str],
    places: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One indicator's figures over `years` by member of `by`: each territory or school (of
    the `scope` territory when `places` maps schools to territories), or each category of a
    dimension ('sex', 'grade') at `scope`. Columns member, period, value; members with no
    figure shown are left out. `frame` is `figures` for the viewer."""
    rows = frame[(frame["indicator"] == indicator) & frame["period"].isin(years)]
    if by in ("territory", "school"):
        rows = rows[(rows["scope_kind"] == by) & (rows["disaggregation"] == "")]
        if by == "school" and scope != SCOPE_ALL and places is not None:
            rows = rows[rows["scope"].map(lambda s: places.get(s) == scope or s == scope)]
        members = rows["scope"]
    else:
        rows = rows[
            (rows["scope"] == scope)
            & rows["disaggregation"].str.fullmatch(rf"{by}=[^;=]+", na=False)
        ]
        members = rows["disaggregation"].str.split("=").str[1]
    out = pd.DataFrame(
        {"member": members, "period": rows["period"], "value": rows["value"]}
    ).reset_index(drop=True)
    shown = out.groupby("member")["value"].transform(lambda v: v.notna().any())
    return out[shown.astype(bool)].reset_index(drop=True)
