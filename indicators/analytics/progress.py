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
than 3 organisations or one dominant organisation stand behind them (disclosure.hidden_reason),
and its own; a funder the same hidden figures, from accepted submissions only. Anyone else is
refused. The trace of a figure down to cells is for evaluators, and for a partner its own
cells only.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pandas as pd

from indicators.access.disclosure import (
    keys_of,
    nests_of,
    primary,
    protect,
    with_remainders,
)
from indicators.access.publications import (
    frozen,
    funders_protected,
    packed_each,
    unpacked_each,
)
from indicators.access.viewer import Viewer, own_organisation, require_role
from indicators.analytics.figures import threshold
from indicators.analytics.kept import data_stamp, keep
from indicators.store.database import Store

log = logging.getLogger(__name__)

STATUSES = ("met", "on_track", "off_track", "no_progress", "no_data", "unrated", "hidden")
STATUS_COLOURS = {
    "met": "#2e7d32",
    "on_track": "#8bc34a",
    "off_track": "#f0a030",
    "no_progress": "#d9534f",
    "no_data": "#c8ccd2",
    "unrated": "#8e9aaf",
    "hidden": "#ffffff",  # drawn white with a dark outline: a figure withheld, not a result
}
POINTS = {"met": 3, "on_track": 2, "off_track": 1, "no_progress": 0}
ON_TRACK = 0.75  # share of the expected progress since the baseline that counts as on track
FORECAST_POINTS = 3
SCOPE_ALL = "*"
# young people reached: the one indicator funders read school by school (the Synthèse of a
# territory shows its schools' reach by sex and grade, and their need), so its school figures
# are protected with every other figure funders see (`as_funders_see`)
REACH_INDICATOR = "jeunes-touches"
# the parameters of progress_units (and the queries built on it) for every value received or
# accepted, of every organisation, indicator and school year
EVERY_VALUE: dict[str, Any] = {
    "indicator": "",
    "orgs": [],
    "accepted_only": False,
    "indicators": [],
    "years": [],
}

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
    - no data when nothing rated stands behind it; unrated when only unrated things do;
      hidden when nothing rated does and some of it is hidden from the viewer (a hidden
      figure's status is "hidden", never computed from its value: met or not met would tell
      on which side of its target it lies; it does not count in the roll-up either).

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
        if statuses and all(s == "unrated" for s in statuses):
            return "unrated"
        return "hidden" if "hidden" in statuses else "no_data"

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
    """A partner's primary reasons, the backbone's own figures shown (see disclosure)."""
    return primary(frame, "partner")


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
            str(c): str(p)
            for c, p in zip(places["code"], places["parent"], strict=True)
            if isinstance(p, str) and p
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


def contributions(
    store: Store, *, accepted_only: bool, indicator: str = "", years: Sequence[str] = ()
) -> pd.DataFrame:
    """What each organisation adds to each figure (progress_contributions), of `years` (all
    when empty)."""
    return store.query(
        "progress_contributions",
        indicator=indicator,
        accepted_only=accepted_only,
        years=list(years),
    )


def protected(
    store: Store,
    frame: pd.DataFrame,
    role: str,
    shares: pd.DataFrame,
    own: str = "",
) -> pd.DataFrame:
    """`frame` (progress figures) as `role` may see it, decided in one place
    (indicators/disclosure.py): the primary rules of the role, then complementary suppression
    over every nest of the figures `frame` holds (space, time, breakdowns), so that no hidden
    figure can be worked out from the shown ones, nor a sum of hidden ones break the primary
    rules. `shares` (progress_contributions) tells which organisations stand behind each
    figure; `own` is a partner's organisation, whose figures of its own values only it sees.
    Hidden figures have their value, numerator, denominator and gross sum emptied."""
    frame = frame.reset_index(drop=True)
    keys = keys_of(frame)
    behind: dict[Any, dict[str, float]] = {}
    amounts = pd.to_numeric(shares["amount"], errors="coerce").fillna(0.0).astype(float)
    for key, organisation, amount in zip(
        keys_of(shares), shares["organisation"].astype(str).tolist(), amounts.tolist(), strict=True
    ):
        behind.setdefault(key, {})[organisation] = amount
    own_only = [bool(own) and set(behind.get(k, {})) == {own} for k in keys]
    units = frame["indicator"].map(_units(store))
    limit = threshold(store)
    reasons = primary(
        frame, role, own_only=own_only, person=list(units == "person"), threshold=limit
    )
    if role == "evaluator":
        frame["hidden"] = reasons
        return frame
    context = nest_context(store)
    year_of = context["parent_period"]
    values = dict(zip(keys, pd.to_numeric(frame["value"], errors="coerce"), strict=True))
    counts = dict(zip(keys, frame["organisations"].fillna(0).astype(int), strict=True))
    people = {k: limit for k, u in zip(keys, units, strict=True) if u == "person"}
    first = dict(zip(keys, reasons, strict=True))
    known = {k for k, o in zip(keys, own_only, strict=True) if o}
    hidden: dict[Any, str] = {}
    # each indicator's school years apart: no nest joins two years (a year is the sum of its
    # own terms only), so each year's figures are protected as they would be with the others
    years = [year_of.get(str(p), str(p)) for p in frame["period"]]
    for _, group in frame.groupby([frame["indicator"], pd.Series(years, index=frame.index)]):
        at = [keys[int(str(i))] for i in group.index]
        nests, rests = with_remainders(nests_of(group, **context), behind if behind else None, own)
        known_here = known | {r for r, (_, why, _) in rests.items() if not why}
        hidden |= protect(
            {k: values[k] for k in at} | {r: v for r, (v, _, _) in rests.items()},
            nests,
            {k: first[k] for k in at if first[k]} | {r: w for r, (_, w, _) in rests.items() if w},
            known=known_here,
            contributions=(
                {k: behind[k] for k in at if k in behind}
                | {r: amounts for r, (_, _, amounts) in rests.items()}
                if behind
                else None
            ),
            organisations={k: counts[k] for k in at},
            small={k: people[k] for k in at if k in people} if role == "funder" else None,
            own=own,
        )
    frame["hidden"] = [hidden.get(k, "") for k in keys]
    return _masked(frame)


def accepted_figures(
    store: Store, indicator: str = "", *, funders_only: bool = False
) -> pd.DataFrame:
    """Figures of accepted submissions only, each with the reason it would be hidden from a
    funder, its value kept: the input of the published tables, whose suppression decides what
    shows (see synthesis). Never displayed as such. `funders_only`: those funders may be shown
    only (`funders_figures`: not the schools' but of REACH_INDICATOR; at 10 M observations,
    some 1.2 million figures of 15 million)."""
    frame = store.query(
        "funders_figures" if funders_only else "progress",
        indicator=indicator,
        accepted_only=True,
        years=[],
        **({"reach": REACH_INDICATOR} if funders_only else {}),
    )
    frame["hidden"] = primary(frame, "funder")
    return frame


def funders_shares(store: Store, years: Sequence[str] = ()) -> pd.DataFrame:
    """What each organisation adds to each accepted figure funders may be shown (of `years`,
    all when empty): `contributions` of the rows of `accepted_figures(funders_only=True)`."""
    return store.query(
        "funders_shares",
        indicator="",
        accepted_only=True,
        years=list(years),
        reach=REACH_INDICATOR,
    )


def as_funders_see(
    store: Store, frame: pd.DataFrame, shares: pd.DataFrame | None = None
) -> pd.DataFrame:
    """`frame` (figures of accepted data) as a funder may see it: the initiative and its
    territories, and the schools' figures of REACH_INDICATOR (the Synthèse of a territory
    shows them), each figure hidden for its organisations, a small count of young people, or
    to protect a hidden one (complementary: see `protected`), its value then empty; one
    protection over all of them, since each view shows some of them. `shares`: what each
    organisation adds to each figure (the accepted data's, by default)."""
    keep = (frame["scope_kind"] != "school") | (frame["indicator"] == REACH_INDICATOR)
    frame = frame[keep].reset_index(drop=True)
    if shares is None:
        shares = contributions(store, accepted_only=True)
    frame = protected(store, frame, "funder", shares)
    frame["own"] = float("nan")
    return frame


def funders_protection(store: Store, frame: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """The figures of `frame` (frozen by a publication; `shares`, what each organisation adds
    to them) that funders' progress views show, protected (`as_funders_see`): the initiative's
    and the territories' (the schools' of REACH_INDICATOR are the Synthèse's)."""
    frame = as_funders_see(store, frame, shares)
    return frame[frame["scope_kind"] != "school"].reset_index(drop=True)


def definition_stamp(store: Store) -> tuple[str, ...]:
    """What of the store's `data_stamp` changes how figures are protected: the definition
    (rules, places, periods, threshold)."""
    row = data_stamp(store)
    return tuple(str(row[part]) for part in _DEFINITION_STAMP)


def _masked(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame["hidden"] == ""
    for column in ("value", "numerator", "denominator", "gross", "largest_share"):
        frame[column] = frame[column].where(shown)
    return frame


# The protected figures, kept (see `figures`): whole answers under the store's data stamp, and
# the figures of each indicator x school year ("piece") under its own stamp.
_FIGURES: dict[
    tuple[str, str, str, str, int], tuple[tuple[tuple[str, str], ...], pd.DataFrame]
] = {}
_FIGURES_KEPT = 32
# (store, role, holder, indicator, school year) -> (stamp, (figures, their year_figures rows));
# holder: a partner's organisation for the pieces it has values in, '' for every other piece
# (`_holder`); an evaluator's figures None while only their year_figures rows were asked for
_PIECES: OrderedDict[
    tuple[str, str, str, str, str],
    tuple[tuple[object, ...], tuple[pd.DataFrame | None, pd.DataFrame]],
] = OrderedDict()
_PIECES_KEPT = 20_000  # pieces kept in all (150 indicators x 6 years x 22 viewers)
_ONE_BY_ONE = 8  # more pieces to compute again than this: one computation for all, then split
_FIGURES_GUARD = threading.Lock()
# data_stamp's parts that change every indicator's figures: the definition (rules, places,
# periods, threshold) and the publications funders read
_DEFINITION_STAMP = ("last_definition", "loaded_at", "versions")
_SHARED_STAMP = ("last_publication", *_DEFINITION_STAMP)
# the school years `_figures` computes (None: all of them), set by the kept figures
_YEARS: ContextVar[tuple[str, ...] | None] = ContextVar("progress_years", default=None)
# the pieces (indicator, school year) of those years `_figures` protects (None: all of them)
_ONLY: ContextVar[frozenset[tuple[str, str]] | None] = ContextVar("progress_only", default=None)
# True while an evaluator's `_figures` reads the year_figures rows only (see `_from_pieces`)
_SUMMARY: ContextVar[bool] = ContextVar("progress_summary", default=False)


def forget() -> None:
    """Let go of every figure this process keeps, as a process started anew has none (the
    pieces the store keeps for partners stay there)."""
    with _FIGURES_GUARD:
        _FIGURES.clear()
        _PIECES.clear()


def figures(store: Store, viewer: Viewer, indicator: str = "") -> pd.DataFrame:
    """`_figures`, kept until the data behind them change: pages ask for the same protected
    figures again and again, and computing them (complementary suppression over every figure)
    grows with the data.

    While the store's `data_stamp` (values, reviews, publications, definition, any audited
    action) stays the same, the answer kept is returned. When it moved, only the pieces
    (indicator x school year) whose own stamp moved are computed again: for an evaluator and a
    partner, the version the store gave the piece's figures when it last computed them
    (`figure_versions`: an upload or a review computes again those of the indicators and school
    years it touched); for a funder, the publications (funders read what they froze). With the
    definition for all. Protection works piece by piece (no nest joins two indicators nor two
    school years), so every other piece still holds. A partner's pieces of the indicators and
    years it has no value in are the same for every such partner (`_holder`): they are kept
    once for all of them. A copy is returned: callers may change it."""
    return _kept_figures(store, viewer, indicator).copy()


def year_figures(store: Store, viewer: Viewer, indicator: str = "") -> pd.DataFrame:
    """The rows of `figures` without breakdown (disaggregation '') of every school year, and of
    every period at the initiative (scope '*'): what `progress` and the collective figures
    read, without the rest of the figures (at 10 M observations, some 780,000 rows of
    15 million). Kept as `figures` is; not a copy: for callers that only read it."""
    return _kept_figures(store, viewer, indicator, part=1)


def _summary(frame: pd.DataFrame, year: str) -> pd.DataFrame:
    """`year_figures`' rows of one piece (figures of the school year `year`)."""
    return frame[_summary_rows(frame, year)].reset_index(drop=True)


def _summary_rows(frame: pd.DataFrame, year: str | pd.Series) -> pd.Series:
    """Which rows of `frame` are `year_figures`' (`year`: their school year, one for all or
    each row's): the figure of the year itself, and the initiative's of each of its periods,
    without breakdown."""
    return (frame["disaggregation"] == "") & ((frame["period"] == year) | (frame["scope"] == "*"))


def _summaries(
    every: pd.DataFrame, school_year: pd.Series, pieces: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], pd.DataFrame]:
    """`_summary` of each of `pieces` (indicator, school year) of the figures `every` (each
    row's school year: `school_year`), picked out once for all of them."""
    rows = every[_summary_rows(every, school_year)]
    picked = dict(iter(rows.groupby([rows["indicator"], school_year[rows.index]], sort=False)))
    return {p: picked[p].reset_index(drop=True) if p in picked else every.iloc[0:0] for p in pieces}


def _kept_figures(
    store: Store, viewer: Viewer, indicator: str = "", *, part: int = 0
) -> pd.DataFrame:
    """`figures` itself, not a copy: for callers that only read it (`part` 1: `year_figures`)."""
    require_role(viewer, "evaluator", "partner", "funder")
    row = data_stamp(store)
    stamp = tuple(sorted(row.items()))
    own = own_organisation(viewer) if viewer.role == "partner" else ""
    key = (str(store.path.resolve()), viewer.role, own, indicator, part)
    with _FIGURES_GUARD:
        kept = _FIGURES.get(key)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    shared = tuple(row[part] for part in _SHARED_STAMP)
    frame = _from_pieces(store, viewer, shared, indicator, part)
    with _FIGURES_GUARD:
        _FIGURES.pop(key, None)
        _FIGURES[key] = (stamp, frame)
        while len(_FIGURES) > _FIGURES_KEPT:
            _FIGURES.pop(next(iter(_FIGURES)))
    return frame


def _from_pieces(
    store: Store, viewer: Viewer, shared: tuple[object, ...], indicator: str, part: int = 0
) -> pd.DataFrame:
    """The figures of `indicator` (every indicator: ''), from the pieces kept for this viewer,
    those whose stamp moved computed again (by `_figures`, restricted to their school years);
    `part` 1: their `year_figures` rows only.

    An evaluator's figures are the kept ones as they are (no complementary suppression, which
    needs every figure of a piece): for its `year_figures` only those rows are read, a twentieth
    of the figures (at 10 M observations, the first Théorie du changement read 15 million rows
    for 780,000: 30 s). Its whole pieces are read when `figures` asks for them."""
    versions = store.query("figure_versions")
    version = {
        (str(i), str(y)): int(v)
        for i, y, v in zip(
            versions["indicator"], versions["school_year"], versions["version"], strict=True
        )
    }
    years = [str(y) for y in school_years(store)["code"]]
    codes = [indicator] if indicator else sorted(set(store.query("indicators")["code"].astype(str)))
    holder = _holder(store, viewer)
    path = str(store.path.resolve())

    def key_of(code: str, year: str) -> tuple[str, str, str, str, str]:
        return (path, viewer.role, holder(code, year), code, year)

    def stamp_of(code: str, year: str) -> tuple[object, ...]:
        if viewer.role == "funder":  # what the publications froze
            return shared
        return (*shared, version.get((code, year), 0))

    wanted = [(code, year) for code in codes for year in years]
    summary_only = part == 1 and viewer.role == "evaluator"
    with _FIGURES_GUARD:
        kept = {p: _PIECES.get(key_of(*p)) for p in wanted}

    def usable(p: tuple[str, str]) -> bool:
        found = kept[p]
        return (
            found is not None
            and found[0] == stamp_of(*p)
            and (summary_only or found[1][0] is not None)
        )

    changed = [p for p in wanted if not usable(p)]
    # a partner's pieces as the store keeps them, if it does under the same stamp (another
    # process protected them), else protected here and then kept
    held: dict[tuple[str, str], tuple[Held, str]] = {
        p: ((holder(*p), *p), _stamp_text(stamp_of(*p)))
        for p in changed
        if viewer.role == "partner"
    }
    stored = _stored_pieces(store, dict(held.values()))
    changed = [p for p in changed if p not in stored]
    fresh: dict[tuple[str, str], pd.DataFrame] = {}
    summaries: dict[tuple[str, str], pd.DataFrame] = {}
    summary = _SUMMARY.set(summary_only)
    try:
        if len(changed) > _ONE_BY_ONE:
            token = _YEARS.set(tuple(sorted({y for _, y in changed})))
            only = _ONLY.set(frozenset(changed))
            try:
                every = _figures(store, viewer, indicator)
            finally:
                _ONLY.reset(only)
                _YEARS.reset(token)
            school_year = every["period"].map(_year_of(store))
            split = dict(iter(every.groupby([every["indicator"], school_year], sort=False)))
            for p in changed:  # a piece without figures: none
                fresh[p] = split[p].reset_index(drop=True) if p in split else every.iloc[0:0]
            if not summary_only:
                summaries |= _summaries(every, school_year, changed)
        else:
            for code, year in changed:
                token = _YEARS.set((year,))
                try:
                    fresh[(code, year)] = _figures(store, viewer, code)
                finally:
                    _YEARS.reset(token)
                if not summary_only:
                    summaries[(code, year)] = _summary(fresh[(code, year)], year)
    finally:
        _SUMMARY.reset(summary)
    _keep_pieces(store, {held[p][0]: (held[p][1], fresh[p]) for p in changed if p in held})
    if stored:
        fresh |= stored
        every = pd.concat(stored.values(), ignore_index=True)
        summaries |= _summaries(every, every["period"].map(_year_of(store)), stored)
    made: dict[tuple[str, str], tuple[pd.DataFrame | None, pd.DataFrame]] = {
        p: (None, frame) if summary_only else (frame, summaries[p]) for p, frame in fresh.items()
    }
    if made:
        with _FIGURES_GUARD:
            for p, both in made.items():
                _PIECES.pop(key_of(*p), None)
                _PIECES[key_of(*p)] = (stamp_of(*p), both)
            while len(_PIECES) > _PIECES_KEPT:
                _PIECES.popitem(last=False)
    parts = [(made[p] if p in made else kept[p][1])[part] for p in wanted]  # type: ignore[index]
    filled = [frame for frame in parts if frame is not None and not frame.empty]
    if not filled:  # no figure at all (a funder before any publication): asked as a whole
        every = _figures(store, viewer, indicator)
        return every if not part else every.iloc[0:0]
    if len(filled) == 1:
        single: pd.DataFrame = filled[0].copy()
        return single
    frame: pd.DataFrame = pd.concat(filled, ignore_index=True)
    if part:
        return frame
    # in the order `_figures` gives them (that of the `progress` query)
    ordered: pd.DataFrame = frame.sort_values(
        ["indicator", "scope_kind", "scope", "period", "disaggregation"], kind="stable"
    )
    return ordered.reset_index(drop=True)


def _stamp_text(stamp: tuple[object, ...]) -> str:
    """A piece's stamp as the store keeps it beside the piece (`partner_pieces`)."""
    return json.dumps([str(part) for part in stamp])


# the organisations whose own pieces the store keeps (those kept last): a partner with values
# in many pieces has as many of its own (at 1 M observations, 18 kB each)
PARTNERS_KEPT = 10
_SEPARATOR = "\x1f"  # between the parts of a piece's key in `partner_pieces`' queries
Held = tuple[str, str, str]  # a piece and whose it is: (`_holder`, indicator, school year)


def _stored_pieces(store: Store, stamps: Mapping[Held, str]) -> dict[tuple[str, str], pd.DataFrame]:
    """The pieces of `stamps` that the store keeps for partners under those stamps (see
    `_keep_pieces`), by (indicator, school year): their protected figures as they were made.
    A piece kept under another stamp is left out (the caller protects it again), and so is
    every piece when they cannot be read (logged): they save time, they are never needed."""
    if not stamps:
        return {}
    try:
        rows = store.query("partner_pieces", pieces=[_SEPARATOR.join(k) for k in stamps])
        found: dict[tuple[str, str], str] = {}
        for holder, code, year, stamp, payload in zip(
            rows["organisation"],
            rows["indicator"],
            rows["school_year"],
            rows["stamp"],
            rows["payload"],
            strict=True,
        ):
            held = (str(holder), str(code), str(year))
            if stamps.get(held) == stamp:
                found[held[1:]] = str(payload)
        return dict(zip(found, unpacked_each(list(found.values())), strict=True))
    except Exception:  # a store not yet migrated, a payload that cannot be read
        log.exception("partners' protected figures kept in %s not read", store.path)
        return {}


def _keep_pieces(store: Store, pieces: Mapping[Held, tuple[str, pd.DataFrame]]) -> None:
    """Keep in the store partners' protected figures of `pieces` (each: its stamp and its
    figures), in place of those kept before: read by `_stored_pieces` in any process. The
    own pieces of the PARTNERS_KEPT organisations kept last stay, the others' go. Not kept
    when the store refuses the write (logged): the figures are right all the same."""
    if not pieces:
        return
    try:
        store.execute(
            "partner_pieces_keep",
            pieces=[_SEPARATOR.join(k) for k in pieces],
            organisations=[holder for holder, _, _ in pieces],
            indicators=[code for _, code, _ in pieces],
            years=[year for _, _, year in pieces],
            stamps=[stamp for stamp, _ in pieces.values()],
            payloads=packed_each([frame for _, frame in pieces.values()]),
            at=store.clock(),
            organisations_kept=PARTNERS_KEPT,
        )
    except Exception:  # busy, not yet migrated: protected again next time
        log.exception("partners' protected figures not kept in %s", store.path)


def _holder(store: Store, viewer: Viewer) -> Callable[[str, str], str]:
    """Whose protected figures a piece (indicator, school year) is: a partner's, for the pieces
    it has a value in (its own figures in them, and those it knows); '' for every other piece,
    which is the same for every partner without a value in it: protection reads the viewer's
    organisation only where it stands behind a figure (disclosure.protect, own) and its own
    figures are those of its values. Evaluators' and funders' pieces are their role's."""
    if viewer.role != "partner":
        return lambda code, year: ""
    own = store.query("organisation_pieces", org=own_organisation(viewer))
    mine = set(zip(own["indicator"].astype(str), own["school_year"].astype(str), strict=True))
    organisation = own_organisation(viewer)
    return lambda code, year: organisation if (code, year) in mine else ""


def _of(
    store: Store, frame: pd.DataFrame, pieces: frozenset[tuple[str, str]] | None
) -> pd.DataFrame:
    """The rows of `frame` (figures, or what organisations add to them) of `pieces`
    (indicator, school year; None: every row). Protection works piece by piece: the pieces left
    out change nothing to the others'."""
    if pieces is None:
        return frame
    year = frame["period"].map(_year_of(store))
    held = pd.MultiIndex.from_arrays([frame["indicator"].astype(str), year.astype(str)])
    return frame[held.isin(list(pieces))].reset_index(drop=True)


def _year_of(store: Store) -> dict[str, str]:
    """Each period's school year (a year's is itself)."""
    periods = store.query("periods_list")
    return {
        str(c): str(p) if isinstance(p, str) and p else str(c)
        for c, p in zip(periods["code"], periods["parent"], strict=True)
    }


def _figures(store: Store, viewer: Viewer, indicator: str = "") -> pd.DataFrame:
    """Every figure (indicator x scope x period x disaggregation) this viewer may see, computed
    from the figures the store keeps (of the school years `_YEARS` holds, all when None).

    `hidden` says why a figure is withheld ('' when shown; its value is then empty; see
    `protected`); `own` is a partner's own figure by the same rules (empty for other roles). A
    funder reads what the latest publication of each year froze (see publications).
    """
    require_role(viewer, "evaluator", "partner", "funder")
    years = _YEARS.get()
    chosen = {"years": list(years) if years is not None else []}
    only = _ONLY.get()
    if viewer.role == "funder":
        stored = funders_protected(store, definition_stamp(store))
        if stored is not None:  # as each year's publication protected them
            frame = stored
            if indicator:
                frame = frame[frame["indicator"] == indicator]
            if years is not None:
                frame = frame[frame["period"].map(_year_of(store)).isin(years)]
            frame = frame.reset_index(drop=True)
        else:
            frame = frozen(
                store,
                "figures",
                lambda: store.query("progress", indicator="", accepted_only=True, years=[]),
            )
            shares = frozen(
                store, "contributions", lambda: contributions(store, accepted_only=True)
            )
            if indicator:
                frame = frame[frame["indicator"] == indicator]
                shares = shares[shares["indicator"] == indicator]
            if years is not None:
                year_of = _year_of(store)
                frame = frame[frame["period"].map(year_of).isin(years)]
                shares = shares[shares["period"].map(year_of).isin(years)]
            frame = funders_protection(store, _of(store, frame, only), _of(store, shares, only))
    else:
        rows = "progress_summary" if _SUMMARY.get() and viewer.role == "evaluator" else "progress"
        frame = _of(
            store, store.query(rows, indicator=indicator, accepted_only=False, **chosen), only
        )
        frame["hidden"] = ""
        if viewer.role == "partner":
            shares = contributions(store, accepted_only=False, indicator=indicator, **chosen)
            frame = protected(
                store, frame, "partner", _of(store, shares, only), own_organisation(viewer)
            )
    keys = ["indicator", "scope", "period", "disaggregation"]
    if viewer.role == "partner":
        own = store.query(
            "progress_live",
            **(EVERY_VALUE | {"indicator": indicator, "orgs": [own_organisation(viewer)]} | chosen),
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


@keep
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
    every = year_figures(store, viewer, indicator) if frame is None else frame  # read only
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
    # each indicator's figures and plan, split once (not a mask over every row per indicator)
    figures_of = {str(c): g for c, g in chosen.groupby("indicator", sort=False, observed=True)}
    plans_of = {str(c): g for c, g in plan.groupby("indicator", sort=False, observed=True)}
    for sheet in catalogue.to_dict("records"):
        code = str(sheet["code"])
        mine = figures_of.get(code, chosen.iloc[0:0])
        values = {
            at_year[str(p)]: float(v)
            for p, v in zip(mine["period"], mine["value"], strict=True)
            if not _missing(v)
        }
        declared = plans_of.get(code, plan.iloc[0:0])
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
    withheld = table["hidden"] != ""
    table.loc[withheld, "status"] = "hidden"  # never judged on a hidden value
    table["turned"] = table["turned"].astype(object).where(~withheld, None)
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


@keep
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
        scope=scope,
        period=period,
        disaggregation=disaggregation,
        **(EVERY_VALUE | {"indicator": indicator}),
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
    dimension ('sex', 'grade') at `scope`. Columns member, period, value, hidden (why a figure
    is withheld from the viewer, '' when shown: it is kept, to be drawn as such); members
    with neither a figure shown nor one hidden are left out. `frame` is `figures` for the
    viewer."""
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
        {
            "member": members,
            "period": rows["period"],
            "value": rows["value"],
            "hidden": [h if isinstance(h, str) else "" for h in rows["hidden"]],
        }
    ).reset_index(drop=True)
    present = out["value"].notna() | (out["hidden"] != "")
    kept = present.groupby(out["member"]).transform("any")
    return out[kept.astype(bool)].reset_index(drop=True)
