"""The funders' summary (page Synthèse): fixed, pre-computed tables for a school year and a
scope (the whole initiative or one territory), frozen when an evaluator publishes the year.

Funders read only published tables: a figure they saw does not change under them until the next
publication, and they get fixed tables rather than free filters (two overlapping queries could
be subtracted to re-identify a small group). The tables are computed as a funder sees the data:
accepted submissions only, every hidden figure decided by the one protection of every figure
funders see (progress.as_funders_see, indicators/disclosure.py: fewer than 3 organisations, one
above 85 %, a count of 1 to 10 young people, complementary suppression over places, periods and
breakdowns), the schools of a territory's summary included; the synchronisation rates by
synchronisation.rates, under the same rules. Hidden figures are stored empty.

Tables: `headline` (young people reached, schools with an action, partners by type, hours,
internships), `reach` and `reach_grade` (young people reached by place and sex, grade), `progress` (each indicator's
value, expected value and status; `nodes`, each node's status), `history` (each indicator's
curve: its values up to the year, its baseline and targets over every school year), `need`
(pupils against young people reached, by place), `sync` (completeness and timeliness).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pandas as pd

from indicators.access.publications import PROTECTED, packed, payload, thawed
from indicators.access.suppression import TOTAL, Suppressed, small, suppress
from indicators.access.viewer import AccessDeniedError, Viewer, require_role
from indicators.analytics import coordination, progress, synchronisation
from indicators.analytics.figures import threshold
from indicators.analytics.kept import keep
from indicators.common.problems import RefusedInputError
from indicators.store.database import Audit, Store

PUBLISHER = Viewer("publication", "funder", "Publication")  # the data as a funder sees it
SEXES = ("F", "M")
HOURS = ("heures-mentorat", "heures-ateliers")
INTERNSHIPS = "stages-3e-trouves"
HISTORY_COLUMNS = [
    "indicator",
    "period",
    "position",
    "value",
    "hidden",
    "baseline",
    "baseline_period",
    "target",
    "expected",
    "status",
]
TABLES = (
    "headline",
    "reach",
    "reach_hidden",
    "reach_grade",
    "reach_grade_hidden",
    "progress",
    "nodes",
    "history",
    "need",
    "sync",
)


@dataclass(frozen=True)
class Summary:
    """The funders' tables of one school year and scope, and when they were published."""

    year: str
    scope: str
    tables: dict[str, pd.DataFrame]
    published_at: dt.datetime | None  # None: a live preview (evaluators only)
    threshold: int

    def reach(self, by: str = "sex") -> Suppressed:
        """Young people reached by place x sex (or x grade), with totals, protected.

        A summary carries its totals (row and column TOTAL): each is the published figure of
        the place (or of the scope, for a category), protected with every other figure by
        disclosure, not a new sum of the cells. A summary published before that carried cells
        only: their totals are added up and protected by suppression.suppress."""
        name = "reach" if by == "sex" else "reach_grade"
        cells = self.tables[name].set_index("place")
        hidden = self.tables[f"{name}_hidden"].set_index("place")
        if TOTAL in cells.index:
            reasons = hidden.reindex(index=cells.index, columns=cells.columns)
            reasons = reasons.astype(object).where(reasons.notna(), "").astype(str)
            return Suppressed(cells.astype(float), reasons, self.threshold)
        return suppress(cells, self.threshold, hidden=hidden)


class _Frozen(Store):
    """A store whose queries are run once each, while one publication is computed (the
    tables of every scope read the same figures). Each caller gets its own copy."""

    def __init__(self, store: Store):
        super().__init__(store.path, clock=store.clock, patience=store.patience)
        self._answers: dict[tuple[str, tuple[tuple[str, Any], ...]], pd.DataFrame] = {}

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        key = (
            name,
            tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())),
        )
        if key not in self._answers:
            self._answers[key] = super().query(name, **params)
        return self._answers[key].copy()


@keep  # the evaluator's live summary of each scope and year, and a publication, read it
def funders_figures(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The figures of now as funders will see them once frozen (not the last publication's),
    and every accepted figure funders may be shown with the reason it would be hidden: what
    `build` reads."""
    every = progress.accepted_figures(store, funders_only=True)
    seen = progress.as_funders_see(store, every.copy(), progress.funders_shares(store))
    return seen, every


def build(
    store: Store,
    year: str,
    scope: str,
    today: dt.date,
    *,
    figures: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every table of the summary of `year` for `scope`, computed as a funder sees the data.

    `figures`: `funders_figures(store)`, when already computed for another scope."""
    viewer = PUBLISHER
    places = store.query("places_list")
    if scope == progress.SCOPE_ALL:
        members = places[places["kind"] == "territory"]
    else:
        members = places[(places["kind"] == "school") & (places["parent"] == scope)]
    # every table takes its hidden figures from this one protection (progress.protected)
    seen, every = figures if figures is not None else funders_figures(store)
    every = every[(every["period"] == year)]
    # each figure's reason to be hidden as funders see it (the last one seen of a key wins),
    # joined on its key: a loop over every figure of every year cost seconds per scope at 10 M
    keys = ["indicator", "scope", "disaggregation"]
    seen_year = seen.loc[seen["period"] == year, [*keys, "hidden"]].astype(str)
    seen_year = seen_year.drop_duplicates(keys, keep="last").rename(columns={"hidden": "_seen"})
    joined = every[keys].astype(str).merge(seen_year, on=keys, how="left")
    hidden = every["hidden"].to_numpy(dtype=object).copy()
    found_at = joined["_seen"].notna().to_numpy()
    hidden[found_at] = joined["_seen"].to_numpy(dtype=object)[found_at]
    every = every.assign(hidden=hidden)
    grades = store.query("dimension_grades")["category"].tolist()
    # the figures of this scope and its members, each looked up by its key (the first row of a
    # key, as a selection's first row): a selection per figure cost seconds per scope at 10 M
    shown = every[every["scope"].isin([*members["code"], scope])]
    firsts: dict[tuple[str, str, str], tuple[str, float]] = {}
    for i, s, d, h, v in zip(
        shown["indicator"],
        shown["scope"],
        shown["disaggregation"],
        shown["hidden"],
        shown["value"],
        strict=True,
    ):
        firsts.setdefault((str(i), str(s), str(d)), (str(h), float(v)))
    cells = {
        (place, breakdown): cell
        for (indicator, place, breakdown), cell in firsts.items()
        if indicator == coordination.REACH_INDICATOR
    }

    def by(dimension: str, categories: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Young people reached by place x category of `dimension`, and why cells are hidden;
        the totals (row and column TOTAL) are the published figures of each place and of the
        scope, not sums of the cells (a value reported without the breakdown, or for the
        territory itself, counts in them): no new figure, the same protection. Hidden cells
        are left empty."""
        rows, reasons = [], []
        places = [*zip(members["code"], members["name"], strict=True), (scope, TOTAL)]
        for code, name in places:
            row: dict[str, object] = {"place": name}
            why: dict[str, object] = {"place": name}
            for category in [*categories, TOTAL]:
                key = "" if category == TOTAL else f"{dimension}={category}"
                reason, value = cells.get((str(code), key), ("", float("nan")))
                row[category] = float("nan") if reason else value
                why[category] = reason
            rows.append(row)
            reasons.append(why)
        columns = ["place", *categories, TOTAL]
        return pd.DataFrame(rows, columns=columns), pd.DataFrame(reasons, columns=columns)

    reach, reach_hidden = by("sex", list(SEXES))
    reach_grade, reach_grade_hidden = by("grade", grades)

    def figure(indicator: str, where: str = scope) -> tuple[float, str]:
        """A figure as funders may see it: its value, or empty and why it is hidden."""
        found = firsts.get((indicator, str(where), ""))
        if found is None:
            return float("nan"), ""
        why, value = found
        return (float("nan") if why else value), why

    reached, reached_hidden = figure(coordination.REACH_INDICATOR)
    hours = [figure(code) for code in HOURS]
    internships, internships_hidden = figure(INTERNSHIPS)
    records = store.query("coordination_plan", accepted_only=True, period=year)
    if scope != progress.SCOPE_ALL:
        records = records[records["territory"] == scope]
    at_schools = records[records["place_kind"] == "school"]
    headline = [
        ("reached", reached, reached_hidden),
        ("schools", float(at_schools["place"].nunique()), ""),
        ("hours", sum(h for h, _ in hours), next((w for _, w in hours if w), "")),
        ("internships", internships, internships_hidden),
    ]
    by_type = records.groupby("organisation_type")["organisation"].nunique()
    headline += [(f"partners:{kind}", float(n), "") for kind, n in by_type.items()]
    every_year = progress.progress(store, viewer, scope=scope, frame=seen)
    table = every_year[every_year["period"] == year]
    nodes = progress.node_statuses(store, viewer, table, year)
    pupils = store.query("enrolment")
    need_rows = []
    for code, name in zip(members["code"], members["name"], strict=True):
        enrolled = pupils.loc[(pupils["school"] == code) | (pupils["territory"] == code), "pupils"]
        reached_here, hidden_here = figure(coordination.REACH_INDICATOR, code)
        need_rows.append((name, float(enrolled.sum()), reached_here, hidden_here))
    need = pd.DataFrame(need_rows, columns=["place", "pupils", "reached", "hidden"])
    rates = synchronisation.rates(store, viewer, today)
    rates = rates[rates["period"].isin(_periods_of(store, year))]
    member = "initiative" if scope == progress.SCOPE_ALL else "territory"
    rates = rates[(rates["dimension"] == member) & rates["member"].isin(("*", scope))]
    return {
        "headline": pd.DataFrame(headline, columns=["measure", "value", "hidden"]),
        "reach": reach,
        "reach_hidden": reach_hidden,
        "reach_grade": reach_grade,
        "reach_grade_hidden": reach_grade_hidden,
        "progress": table[
            ["indicator", "value", "hidden", "baseline", "expected", "forecast", "status", "turned"]
        ].reset_index(drop=True),
        "nodes": pd.DataFrame(
            [(code, state.own, state.status) for code, state in nodes.items()],
            columns=["node", "own", "status"],
        ),
        "history": _history(every_year, year),
        "need": need,
        "sync": rates[
            ["period", "expected", "received", "on_time", "completeness", "timeliness", "hidden"]
        ].reset_index(drop=True),
    }


def _history(table: pd.DataFrame, year: str) -> pd.DataFrame:
    """Each indicator's curve as the summary of `year` shows it (`table`: progress rows of every
    school year): values up to `year` (none after it: a summary does not tell the future), the
    baseline, targets and expected path of every year."""
    rows = table[HISTORY_COLUMNS].sort_values(["indicator", "position"]).reset_index(drop=True)
    at = rows.loc[rows["period"] == year, "position"]
    if len(at):
        later = rows["position"] > int(at.iloc[0])
        rows.loc[later, "value"] = float("nan")
        rows.loc[later, "hidden"] = ""
        rows.loc[later, "status"] = "no_data"
    return rows


def _periods_of(store: Store, year: str) -> set[str]:
    periods = store.query("periods_list")
    return set(periods.loc[(periods["code"] == year) | (periods["parent"] == year), "code"])


def scopes(store: Store) -> list[str]:
    """The fixed scopes of the summary: the whole initiative, then each territory."""
    places = store.query("places_list")
    return [progress.SCOPE_ALL, *places.loc[places["kind"] == "territory", "code"]]


@dataclass(frozen=True)
class Contents:
    """What publishing a year would give funders: by organisation, its accepted values (and
    submissions, indicators) and those still waiting for review, which it would leave out;
    and the year's last publication, if any."""

    year: str
    organisations: pd.DataFrame
    last_published: dt.datetime | None
    last_published_by: str

    @property
    def accepted_values(self) -> int:
        """Values a publication would carry."""
        return int(self.organisations["accepted_values"].sum())

    @property
    def accepted_organisations(self) -> int:
        """Organisations with at least one accepted value."""
        return int((self.organisations["accepted_values"] > 0).sum())

    @property
    def waiting_values(self) -> int:
        """Values still waiting for review, which a publication leaves out."""
        return int(self.organisations["waiting_values"].sum())

    @property
    def publishable(self) -> bool:
        """True when the year has accepted data: an empty year is never published."""
        return self.accepted_values > 0


def contents(store: Store, viewer: Viewer, year: str) -> Contents:
    """What publishing `year` would contain, for the evaluator to read before confirming."""
    require_role(viewer, "evaluator")
    organisations = store.query("publication_contents", year=year)
    past = store.query("publications")
    past = past[past["period"] == year]
    last = past.iloc[0] if not past.empty else None
    return Contents(
        year,
        organisations,
        None if last is None else pd.Timestamp(last["published_at"]).to_pydatetime(),
        "" if last is None else str(last["published_by"]),
    )


def publish(store: Store, viewer: Viewer, year: str, today: dt.date) -> int:
    """Freeze the summary of `year` for every scope (evaluators only); the publication id.

    Raises RefusedInputError for a year without any accepted value: funders would land on an
    empty summary."""
    require_role(viewer, "evaluator")
    found = contents(store, viewer, year)
    store, writer = _Frozen(store), store  # nothing is written until the end
    if not found.publishable:
        raise RefusedInputError(
            "nothing-accepted",
            f"L'année {year} n'a encore aucune valeur acceptée : il n'y a rien à publier."
            " Acceptez d'abord des dépôts (page Synchronisation), puis publiez.",
            f"The year {year} has no accepted value yet: there is nothing to publish."
            " Accept uploads first (Synchronisation page), then publish.",
        )
    seen = funders_figures(store)
    tables = [
        (scope, name, payload(frame))
        for scope in scopes(store)
        for name, frame in build(store, year, scope, today, figures=seen).items()
    ]
    periods = _periods_of(store, year)
    # what funders may be shown, frozen: not the schools' figures but of REACH_INDICATOR
    figures = store.query(
        "funders_figures",
        indicator="",
        accepted_only=True,
        years=[year],
        reach=progress.REACH_INDICATOR,
    )
    collective = store.query("collective", org="", accepted_only=True)
    shares = progress.funders_shares(store, [year])
    frozen_figures, frozen_shares = payload(figures), payload(shares)
    # and those figures as funders' views show them, protected now from what was frozen,
    # rather than by the first funder's page after each start of a server (at 10 M
    # observations, minutes); under the definition of now (a later change: protected again)
    protected = progress.funders_protection(store, thawed(frozen_figures), thawed(frozen_shares))
    tables += [
        ("", "figures", frozen_figures),
        ("", "collective", payload(collective[collective["period"].isin(periods)])),
        ("", "contributions", frozen_shares),
        ("", PROTECTED, packed(protected, progress.definition_stamp(store))),
    ]
    details = {
        "organisations": found.accepted_organisations,
        "values": found.accepted_values,
        "left_waiting": found.waiting_values,
    }
    return writer.publish(year, tables, Audit(viewer.username, "summary.publish", year, details))


def published_years(store: Store, viewer: Viewer) -> list[str]:
    """The school years with a publication, newest first."""
    require_role(viewer, "evaluator", "funder")
    return list(dict.fromkeys(store.query("publications")["period"]))


def summary(
    store: Store, viewer: Viewer, year: str, scope: str, today: dt.date, *, live: bool = False
) -> Summary | None:
    """The summary of `year` for `scope`: the latest publication (None when the year was never
    published), or for an evaluator with `live`, the tables as they would be published now."""
    require_role(viewer, "evaluator", "funder")
    if scope not in scopes(store):
        raise AccessDeniedError(f"summary:{scope}")  # fixed tables only
    if live:
        require_role(viewer, "evaluator")
        return Summary(year, scope, build(store, year, scope, today), None, threshold(store))
    rows = store.query("publication_tables", period=year)
    rows = rows[rows["scope"] == scope]
    if rows.empty:
        return None
    tables = {
        str(name): pd.read_json(io.StringIO(str(payload)), orient="split")
        for name, payload in zip(rows["name"], rows["payload"], strict=True)
    }
    at = pd.Timestamp(rows["published_at"].iloc[0]).to_pydatetime()
    return Summary(year, scope, tables, at, threshold(store))


def protected_count(value: float, hidden: str, limit: int) -> tuple[float, str]:
    """A headline count as it may be shown: its value, or why it is hidden."""
    if hidden:
        return float("nan"), hidden
    if small(value, limit):
        return float("nan"), "small-count"
    return value, ""
