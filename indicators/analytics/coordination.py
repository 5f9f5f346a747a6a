"""Gaps in coordination: who does what where, who is missing, who overlaps.

Everything starts from the 5W records (`sql/queries/coordination_records.sql`): each commitment
x place x school year, planned from the commitments, with what its organisation reported there.
From them, in DuckDB or as pure functions here:

- **presence**: organisations per place x action type or theory-of-change node they feed;
- **gaps**: outcome x school x grade nobody covers, schools without any partner's action,
  targets without a committed action, commitments whose reports are due and missing;
- **overlaps**: two or more organisations doing the same action type for the same school,
  grade and year, with what each reached and the de-duplicated reach (the largest);
- **need and reach**: pupils enrolled by school and grade against the young people reached;
- **network**: organisations linked by the schools they share; isolated ones; places where one
  organisation alone carries an outcome (fragile coverage).

Every view can be narrowed to schools of a kind (`Schools`: priority education REP+, REP or
none; in a QPV or not). Narrowing only leaves rows out: every figure of a narrowed view is the
very figure, protected the same way and hidden for the same reason, of the view on every
school (protection is decided on all of them first), and no view adds up the schools it keeps;
so two narrowed views cannot be subtracted into a figure the whole one hides.

Who sees what: an evaluator everything. A partner the shared plan (who committed to what,
where) and its own reported figures; of the others, only counts, and collective figures
protected by the one set of rules of indicators/disclosure.py (fewer than 3 organisations,
one above 85 %, complementary suppression: see `overlaps`, `need_and_reach`). A funder counts
only, never an organisation's name or figure. The presence matrix counts organisations (the
shared plan), not what they reported: it is not hidden. Anyone else is refused.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from indicators.access.disclosure import Key, Nest, protect_sums
from indicators.access.viewer import Viewer, own_organisation, require_role
from indicators.analytics import progress
from indicators.analytics.kept import keep
from indicators.analytics.progress import figures as progress_figures
from indicators.store.database import Store

REACH_INDICATOR = progress.REACH_INDICATOR  # young people reached, by school and grade
FRAGILE = 1  # one organisation alone carries it
DIMENSIONS = ("node", "action_type")
OUTCOME_LEVELS = ("output", "intermediate_outcome", "long_term_outcome")
RECORD_VALUES = ("reported", "reached")


QPV_CHOICES = ("", "in", "out")  # either; in a QPV; in none


@dataclass(frozen=True)
class Schools:
    """Which schools a view keeps: those of these priority-education statuses (REP+, REP,
    none; every status when empty), in a QPV ('in'), in none ('out') or either ('')."""

    priorities: tuple[str, ...] = ()
    qpv: str = ""

    @property
    def narrowed(self) -> bool:
        return bool(self.priorities) or bool(self.qpv)

    def keep(self, schools: pd.DataFrame) -> pd.DataFrame:
        """The rows of `schools` (the `schools` query) this choice keeps."""
        kept = schools
        if self.priorities:
            kept = kept[kept["education_priority"].isin(self.priorities)]
        if self.qpv == "in":
            kept = kept[kept["qpv"] != ""]
        elif self.qpv == "out":
            kept = kept[kept["qpv"] == ""]
        return kept


EVERY_SCHOOL = Schools()


@keep
def schools(store: Store, viewer: Viewer) -> pd.DataFrame:
    """Every school with its territory, priority-education status, QPV and commune (the
    shared plan's places: public to every role)."""
    require_role(viewer, "evaluator", "partner", "funder")
    return store.query("schools")


def _kept(store: Store, which: Schools) -> set[str] | None:
    """The codes of the schools `which` keeps; None when it keeps them all."""
    if not which.narrowed:
        return None
    return set(which.keep(store.query("schools"))["school"])


def _records(store: Store, accepted_only: bool, year: str = "") -> pd.DataFrame:
    """The 5W records of `year` (all years: '')."""
    return store.query("coordination_year", accepted_only=accepted_only, period=year)


@keep
def _plan(store: Store, year: str, accepted_only: bool = False) -> pd.DataFrame:
    """The 5W records of `year` without their lists (coordination_plan); kept, as presence,
    gaps and the network each read them (at 10 M, 0.6 s each)."""
    return store.query("coordination_plan", accepted_only=accepted_only, period=year)


@keep
def records(store: Store, viewer: Viewer, year: str = "") -> pd.DataFrame:
    """The 5W records of `year` (all years when ''): the shared plan with what was reported.
    A partner gets the reported figures of its own records only; a funder is refused."""
    require_role(viewer, "evaluator", "partner")
    frame = _records(store, accepted_only=False, year=year)
    if viewer.role == "partner":
        others = frame["organisation"] != own_organisation(viewer)
        frame.loc[others, "reported"] = float("nan")
        frame.loc[others, "reached"] = float("nan")
    return frame.reset_index(drop=True)


def presence_of(records: pd.DataFrame, fed: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Organisations per place x member of `dimension` ('node': every node a commitment feeds;
    'action_type'), from 5W `records` and `fed` (commitment_nodes). A record at a school counts
    for the school and its territory; one for a whole territory, for the territory only.
    Columns place, place_kind, territory, member, partners, organisations (a sorted tuple)."""
    at_school = records[records["place_kind"] == "school"][
        ["commitment", "organisation", "place", "place_kind", "territory", "action_type"]
    ]
    at_territory = records.assign(place=records["territory"], place_kind="territory")[
        ["commitment", "organisation", "place", "place_kind", "territory", "action_type"]
    ]
    placed = pd.concat([at_school, at_territory], ignore_index=True)
    if dimension == "node":
        placed = placed.merge(fed[["commitment", "node"]], on="commitment")
        placed["member"] = placed["node"]
    else:
        placed["member"] = placed["action_type"]
    keys = ["place", "place_kind", "territory", "member"]
    grouped = _distinct_tuples(placed, keys, "organisation", "organisations")
    grouped.insert(len(keys), "partners", grouped["organisations"].map(len).astype("int64"))
    return grouped


def _distinct_tuples(frame: pd.DataFrame, keys: list[str], column: str, name: str) -> pd.DataFrame:
    """One row per group of `keys` (in their order; a group with an empty key left out, as a
    groupby does), with the sorted tuple of its distinct `column` values as `name`. Made by one
    pass over sorted rows: a groupby's aggregation into tuples calls Python once per group (at
    10 M observations, 2.7 s of Coordination's first visit)."""
    distinct = frame[[*keys, column]].dropna(subset=keys).drop_duplicates()
    distinct = distinct.sort_values([*keys, column]).reset_index(drop=True)
    rows: list[tuple[object, ...]] = []
    width = len(keys)
    records = zip(*(distinct[k].tolist() for k in [*keys, column]), strict=True)
    for key, group in itertools.groupby(records, key=lambda r: r[:width]):
        rows.append((*key, tuple(r[width] for r in group)))
    out = pd.DataFrame(rows, columns=[*keys, name])
    for k in keys:  # the keys' types as they came
        out[k] = out[k].astype(distinct[k].dtype) if rows else distinct[k].iloc[0:0]
    return out


@keep
def presence(
    store: Store,
    viewer: Viewer,
    year: str,
    dimension: str = "node",
    *,
    territory: str = "",
    organisation_type: str = "",
    kept: Schools = EVERY_SCHOOL,
) -> pd.DataFrame:
    """The matrix place x member for `year`: every place (the territories, or the schools of
    `territory`; the schools `kept` where it narrows them, priority education being a
    school's) against every member of `dimension` (outcome and output nodes, or action
    types), with the number of organisations acting there (0 where none: a gap; 1: fragile),
    narrowed to organisations of `organisation_type`. Organisation codes are listed for
    evaluators and partners (the shared plan), never for funders."""
    require_role(viewer, "evaluator", "partner", "funder")
    frame = _plan(store, year)
    if organisation_type:
        frame = frame[frame["organisation_type"] == organisation_type]
    found = presence_of(frame, store.query("commitment_nodes"), dimension)
    places = store.query("places_list")
    chosen = _kept(store, kept)
    if territory or chosen is not None:
        places = places[places["kind"] == "school"]
        if territory:
            places = places[places["parent"] == territory]
        if chosen is not None:
            places = places[places["code"].isin(chosen)]
    else:
        places = places[places["kind"] == "territory"]
    nodes = store.query("toc_nodes")
    if dimension == "node":
        members = nodes[
            nodes["level"].isin(("output", "intermediate_outcome", "long_term_outcome"))
        ]
    else:
        members = nodes[nodes["level"] == "activity"]
    grid = places[["code", "name", "kind"]].merge(members[["code"]], how="cross")
    grid.columns = ["place", "place_name", "place_kind", "member"]
    grid = grid.merge(found[["place", "member", "partners", "organisations"]], how="left")
    grid["partners"] = grid["partners"].fillna(0).astype(int)
    grid["organisations"] = [o if isinstance(o, tuple) else () for o in grid["organisations"]]
    if viewer.role == "funder":
        grid = grid.drop(columns="organisations")
    return grid


@dataclass(frozen=True)
class Gaps:
    """What nobody does, for one school year."""

    coverage: pd.DataFrame  # node x school: the grades nobody covers there
    schools: pd.DataFrame  # schools without any partner's action
    targets: pd.DataFrame  # targets without a committed action
    silent: pd.DataFrame  # records whose reports were due and nothing came (empty for funders)


@keep
def gaps(
    store: Store,
    viewer: Viewer,
    year: str,
    today: dt.date,
    *,
    territory: str = "",
    kept: Schools = EVERY_SCHOOL,
) -> Gaps:
    """The gaps of `year` (narrowed to `territory`, and to the schools `kept`: targets and
    silent records then at those schools only). Silent records: an evaluator sees them all,
    a partner its own, a funder none."""
    require_role(viewer, "evaluator", "partner", "funder")
    params = {"accepted_only": False}
    coverage = store.query("coverage_gaps", **params)
    coverage = coverage[coverage["period"] == year]
    schools = store.query("schools_without_action", **params)
    schools = schools[schools["period"] == year]
    if territory:
        coverage = coverage[coverage["territory"] == territory]
        schools = schools[schools["territory"] == territory]
    coverage = (
        coverage.groupby(
            ["node", "level_rank", "territory", "school", "school_name"], as_index=False
        )
        .agg(grades=("grade", lambda g: tuple(sorted(g, key=_grade_order))))
        .sort_values(["level_rank", "node", "territory", "school_name"])
        .reset_index(drop=True)
    )
    targets = store.query("targets_without_action", **params)
    targets = targets[targets["period"] == year].reset_index(drop=True)
    silent = _plan(store, year)
    silent = silent[
        (silent["reported"] == 0)
        & (pd.to_datetime(silent["due_date"]).dt.date < today)
        & (silent["indicator_count"] > 0)
    ]
    if territory:
        silent = silent[silent["territory"] == territory]
    if viewer.role == "partner":
        silent = silent[silent["organisation"] == own_organisation(viewer)]
    elif viewer.role == "funder":
        silent = silent.iloc[0:0]
    chosen = _kept(store, kept)
    if chosen is not None:
        coverage = coverage[coverage["school"].isin(chosen)].reset_index(drop=True)
        schools = schools[schools["school"].isin(chosen)]
        targets = targets[targets["place"].isin(chosen)].reset_index(drop=True)
        silent = silent[silent["place"].isin(chosen)]
    columns = [
        "commitment",
        "organisation",
        "organisation_name",
        "action_type",
        "place",
        "place_name",
        "period",
        "due_date",
    ]
    return Gaps(
        coverage, schools.reset_index(drop=True), targets, silent[columns].reset_index(drop=True)
    )


def _grade_order(grade: str) -> int:
    return {"6e": 0, "5e": 1, "4e": 2, "3e": 3}.get(grade, 9)


@keep
def overlaps(
    store: Store,
    viewer: Viewer,
    year: str,
    *,
    territory: str = "",
    kept: Schools = EVERY_SCHOOL,
) -> pd.DataFrame:
    """One row per overlap of `year`: action type x school x grade where two or more
    organisations act, with how many, who (not for funders), each one's reach (an evaluator
    all, a partner its own), the sum (gross) and the de-duplicated reach (the largest), and
    the young people possibly counted twice (sum - largest).

    To a partner and a funder, the gross is a collective figure like any other, hidden by the
    one set of rules (disclosure.protect_sums, see `overlap_protection`; `hidden` says why,
    '' when shown): fewer than 3 organisations reporting a reach, one above 85 %, or
    complementary, where another overlap of the same school and year would give it away by
    difference. The largest is one organisation's figure, and the sum minus it gives it away:
    both are withheld from them (empty)."""
    require_role(viewer, "evaluator", "partner", "funder")
    rows = store.query("coordination_overlaps", accepted_only=False)
    rows = rows[rows["period"] == year]
    own = own_organisation(viewer) if viewer.role == "partner" else ""
    hidden = overlap_protection(rows, viewer.role, own)  # on every school, before narrowing
    if territory:
        rows = rows[rows["territory"] == territory]
    chosen = _kept(store, kept)
    if chosen is not None:
        rows = rows[rows["place"].isin(chosen)]
    keys = ["action_type", "place", "place_name", "territory", "grade", "period"]
    rows = rows.reset_index(drop=True)
    # each overlap's rows by position, and plain lists of their columns: a pandas selection per
    # overlap took seconds at 10 M observations (10,000 overlaps in a year)
    groups: dict[tuple[str, ...], list[int]] = {
        tuple(str(k) for k in key): [int(i) for i in at]  # type: ignore[attr-defined]
        for key, at in rows.groupby(keys, sort=True).indices.items()
    }
    organisations = rows["organisation"].astype(object).tolist()
    names = rows["organisation_name"].astype(object).tolist()
    reach = pd.to_numeric(rows["reached"], errors="coerce").astype(float).tolist()
    out = []
    for key in sorted(groups):
        at = groups[key]
        reached = [reach[i] for i in at if not math.isnan(reach[i])]
        row: dict[str, object] = dict(zip(keys, key, strict=True))
        why = hidden.get(_overlap_key(row), "")
        gross = float(sum(reached)) if reached and not why else math.nan
        largest = float(max(reached)) if reached else math.nan
        if viewer.role != "evaluator":
            largest = math.nan
        row |= {
            "partners": len(at),
            "gross": gross,
            "deduplicated": largest,
            "double_counted": gross - largest,
            "hidden": why,
        }
        if viewer.role == "evaluator":
            row["organisations"] = tuple(organisations[i] for i in at)
            row["reach"] = tuple((names[i], reach[i]) for i in at)
        elif viewer.role == "partner":
            row["organisations"] = tuple(organisations[i] for i in at)
            mine = [reach[i] for i in at if organisations[i] == own]
            row["own_reach"] = float(mine[0]) if mine else math.nan
        out.append(row)
    return pd.DataFrame(out)


def _overlap_key(row: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (str(row["action_type"]), str(row["place"]), str(row["grade"]), str(row["period"]))


def overlap_protection(rows: pd.DataFrame, role: str, own: str = "") -> dict[Key, str]:
    """Why each overlap's gross reach is hidden from `role` (coordination_overlaps `rows` of
    one or more years; only hidden ones listed; own: a partner's organisation), decided by
    disclosure.protect_sums over these relations: each gross = Σ the reach of its
    organisations (one figure each, per school, year and value, never shown but a partner's
    own); and where an overlap of the same school and year has the organisations of another
    and more, its gross = the other's + the sum of the others' reach, which must not be
    worked out either when it stands on fewer than 3 organisations or one above 85 %."""
    if role == "evaluator":
        return {}
    reached = rows.dropna(subset=["reached"])
    figures: dict[Key, dict[str, float]] = {}
    parts: dict[Key, dict[str, Key]] = {}
    by_place: dict[tuple[str, str], list[Key]] = {}
    for key, group in reached.groupby(["action_type", "place", "grade", "period"], sort=True):
        total = tuple(str(k) for k in key)
        amounts = {
            str(o): float(v) for o, v in zip(group["organisation"], group["reached"], strict=True)
        }
        figures[total] = amounts
        parts[total] = {
            o: ("reach", o, total[1], total[3], round(v, 6)) for o, v in amounts.items()
        }
        for organisation, atom in parts[total].items():
            figures[atom] = {organisation: amounts[organisation]}
        by_place.setdefault((total[1], total[3]), []).append(total)
    nests = [Nest(total, tuple(atoms.values())) for total, atoms in parts.items()]
    for totals in by_place.values():
        for big in totals:
            for small in totals:
                rest = set(figures[big]) - set(figures[small])
                if not rest or not set(figures[small]) < set(figures[big]):
                    continue
                if any(parts[big][o] != parts[small][o] for o in figures[small]):
                    continue
                difference = ("difference", big, small)
                figures[difference] = {o: figures[big][o] for o in rest}
                nests.append(Nest(difference, tuple(parts[big][o] for o in sorted(rest))))
                nests.append(Nest(big, (small, difference)))
    hidden = protect_sums(figures, nests, role, own=own)
    return {k: why for k, why in hidden.items() if k in parts}


@keep
def need_and_reach(
    store: Store,
    viewer: Viewer,
    year: str,
    *,
    territory: str = "",
    kept: Schools = EVERY_SCHOOL,
) -> pd.DataFrame:
    """One row per school x grade: pupils enrolled (the need), young people reached
    (REACH_INDICATOR by its rules, by grade where reported so, else the school's total against
    all its pupils, grade '') and the coverage rate; hidden as every figure is for this viewer.
    Each school's priority-education status and QPV are beside it; `kept` narrows the
    schools, never adding any of them up."""
    require_role(viewer, "evaluator", "partner", "funder")
    pupils = store.query("enrolment")
    if territory:
        pupils = pupils[pupils["territory"] == territory]
    chosen = _kept(store, kept)
    if chosen is not None:
        pupils = pupils[pupils["school"].isin(chosen)]
    found = progress_figures(store, viewer, REACH_INDICATOR)
    found = found[(found["scope_kind"] == "school") & (found["period"] == year)]
    by_grade = found[found["disaggregation"].str.startswith("grade=")].assign(
        grade=lambda f: f["disaggregation"].str.removeprefix("grade=")
    )
    rows = pupils.merge(
        by_grade[["scope", "grade", "value", "hidden"]].rename(columns={"scope": "school"}),
        on=["school", "grade"],
        how="left",
    )
    totals = pupils.groupby(["school", "school_name", "territory"], as_index=False)["pupils"].sum()
    overall = found[found["disaggregation"] == ""][["scope", "value", "hidden"]]
    totals = totals.merge(overall.rename(columns={"scope": "school"}), on="school", how="left")
    totals["grade"] = ""
    # a school reporting by grade is read by grade; the others by their total
    graded = set(rows.loc[rows["value"].notna(), "school"])
    rows = pd.concat(
        [rows[rows["school"].isin(graded)], totals[~totals["school"].isin(graded)]],
        ignore_index=True,
    )
    rows["reached"] = rows.pop("value")
    rows["hidden"] = [h if isinstance(h, str) else "" for h in rows["hidden"]]
    rows["coverage"] = rows["reached"] / rows["pupils"].where(rows["pupils"] > 0)
    status = store.query("schools")[["school", "education_priority", "qpv"]]
    rows = rows.merge(status, on="school", how="left")
    ordered: pd.DataFrame = rows.sort_values(["territory", "school_name", "grade"])
    return ordered.reset_index(drop=True)


@dataclass(frozen=True)
class Network:
    """Organisations linked by the schools where they serve the same node, in one year."""

    organisations: pd.DataFrame  # code, name, type, schools, links (number of partners linked)
    links: pd.DataFrame  # source, target, schools shared, nodes both serve there
    fragile: pd.DataFrame  # place x node carried by a single organisation


@keep
def network(
    store: Store,
    viewer: Viewer,
    year: str,
    *,
    territory: str = "",
    kept: Schools = EVERY_SCHOOL,
) -> Network:
    """The partner network of `year` (narrowed to `territory` and to the schools `kept`):
    for evaluators and partners (the shared plan); funders are refused."""
    require_role(viewer, "evaluator", "partner")
    plan = _plan(store, year)
    plan = plan[plan["place_kind"] == "school"]
    if territory:
        plan = plan[plan["territory"] == territory]
    chosen = _kept(store, kept)
    if chosen is not None:
        plan = plan[plan["place"].isin(chosen)]
    links = _links_within(plan)
    degree = pd.concat([links["source"], links["target"]]).value_counts()
    organisations = (
        plan.groupby(["organisation", "organisation_name", "organisation_type"], as_index=False)
        .agg(schools=("place", "nunique"))
        .rename(
            columns={
                "organisation": "code",
                "organisation_name": "name",
                "organisation_type": "type",
            }
        )
    )
    organisations["links"] = organisations["code"].map(degree).fillna(0).astype(int)
    found = presence_of(plan, store.query("commitment_nodes"), "node")
    nodes = store.query("toc_nodes")
    outcomes = set(nodes.loc[nodes["level"].isin(OUTCOME_LEVELS), "code"])
    fragile = found[
        (found["partners"] == FRAGILE)
        & (found["place_kind"] == "school")
        & found["member"].isin(outcomes)
    ]
    return Network(
        organisations.sort_values(["type", "name"]).reset_index(drop=True),
        links.reset_index(drop=True),
        fragile.reset_index(drop=True),
    )


def _links_within(plan: pd.DataFrame) -> pd.DataFrame:
    """Pairs of organisations serving the same node in the same school, among the records of
    `plan` (one year): how many schools they share so, and which nodes."""
    pairs = plan[["organisation", "place", "node"]].merge(
        plan[["organisation", "place", "node"]], on=["place", "node"], suffixes=("_a", "_b")
    )
    pairs = pairs[pairs["organisation_a"] < pairs["organisation_b"]]
    if pairs.empty:
        return pd.DataFrame(columns=["source", "target", "schools", "shared_nodes"])
    keys = ["organisation_a", "organisation_b"]
    grouped = pairs.groupby(keys, as_index=False).agg(schools=("place", "nunique"))
    grouped["shared_nodes"] = _distinct_tuples(pairs, keys, "node", "shared_nodes")["shared_nodes"]
    return grouped.rename(columns={"organisation_a": "source", "organisation_b": "target"})


# -- long lists, most important first ----------------------------------------------------------
PRIORITY_RANK = {"REP+": 0, "REP": 1}  # then every other school
LIST_LIMIT = 20  # rows a long list shows before "voir tout"


def _school_facts(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(schools with priority education and QPV, pupils enrolled by school and grade): the
    shared plan's public facts that decide what matters most."""
    schools_ = store.query("schools")[["school", "education_priority", "qpv"]]
    pupils = store.query("enrolment")[["school", "grade", "pupils"]]
    return schools_, pupils


def targeted_nodes(store: Store) -> set[str]:
    """The theory-of-change nodes with a target declared on one of their indicators."""
    targets = store.query("progress_targets")
    indicators = store.query("indicators")[["code", "node"]]
    with_target = set(targets.loc[targets["kind"] == "target", "indicator"])
    return set(indicators.loc[indicators["code"].isin(with_target), "node"].astype(str))


def rank_gaps(
    coverage: pd.DataFrame,
    targeted: set[str],
    schools_: pd.DataFrame,
    pupils: pd.DataFrame,
) -> pd.DataFrame:
    """`coverage` gaps (node x school, its uncovered grades), most important first (pure):
    those on a node with a target, then at REP+ schools, REP ones, the others; in a QPV
    first; then by the pupils enrolled in the grades nobody covers, most first; then by the
    node's level (long-term outcomes first). Adds with_target, education_priority, qpv,
    pupils (the sum over the uncovered grades) and rank (1 = most important)."""
    if coverage.empty:
        return coverage.assign(
            with_target=pd.Series(dtype=bool),
            education_priority="",
            qpv="",
            pupils=pd.Series(dtype=int),
            rank=pd.Series(dtype=int),
        )
    enrolled = {(str(s), str(g)): int(n) for s, g, n in pupils.itertuples(index=False)}
    table = coverage.merge(schools_, on="school", how="left")
    table["education_priority"] = table["education_priority"].fillna("none")
    table["qpv"] = table["qpv"].fillna("")
    table["with_target"] = table["node"].isin(targeted)
    table["pupils"] = [
        sum(enrolled.get((str(school), str(g)), 0) for g in grades)
        for school, grades in zip(table["school"], table["grades"], strict=True)
    ]
    table["_priority"] = table["education_priority"].map(PRIORITY_RANK).fillna(2)
    table["_outside_qpv"] = table["qpv"] == ""
    ranked = table.sort_values(
        ["with_target", "_priority", "_outside_qpv", "pupils", "level_rank", "node", "school_name"],
        ascending=[False, True, True, False, False, True, True],
        kind="stable",
    ).drop(columns=["_priority", "_outside_qpv"])
    ranked["rank"] = range(1, len(ranked) + 1)
    return ranked.reset_index(drop=True)


def rank_overlaps(
    crossing: pd.DataFrame, schools_: pd.DataFrame, pupils: pd.DataFrame
) -> pd.DataFrame:
    """`overlaps` rows, most important first (pure): by the number of organisations doing
    the same thing, most first, then by the pupils enrolled in that school and grade (those
    who may be counted twice), then REP+ and QPV schools first. Only public facts of the shared
    plan decide the order, never a reach that might be hidden. Adds education_priority, qpv,
    pupils and rank (1 = most important)."""
    if crossing.empty:
        return crossing
    table = crossing.merge(schools_.rename(columns={"school": "place"}), on="place", how="left")
    table = table.merge(
        pupils.rename(columns={"school": "place"}), on=["place", "grade"], how="left"
    )
    table["education_priority"] = table["education_priority"].fillna("none")
    table["qpv"] = table["qpv"].fillna("")
    table["pupils"] = table["pupils"].fillna(0).astype(int)
    table["_priority"] = table["education_priority"].map(PRIORITY_RANK).fillna(2)
    table["_outside_qpv"] = table["qpv"] == ""
    ranked = table.sort_values(
        ["partners", "pupils", "_priority", "_outside_qpv", "place_name", "grade"],
        ascending=[False, False, True, True, True, True],
        kind="stable",
    ).drop(columns=["_priority", "_outside_qpv"])
    ranked["rank"] = range(1, len(ranked) + 1)
    return ranked.reset_index(drop=True)


def ranked_gaps(store: Store, viewer: Viewer, coverage: pd.DataFrame) -> pd.DataFrame:
    """`rank_gaps` of the coverage gaps of `gaps`, with the store's targets and schools."""
    require_role(viewer, "evaluator", "partner", "funder")
    schools_, pupils = _school_facts(store)
    return rank_gaps(coverage, targeted_nodes(store), schools_, pupils)


def ranked_overlaps(store: Store, viewer: Viewer, crossing: pd.DataFrame) -> pd.DataFrame:
    """`rank_overlaps` of the rows of `overlaps`, with the store's schools."""
    require_role(viewer, "evaluator", "partner", "funder")
    schools_, pupils = _school_facts(store)
    return rank_overlaps(crossing, schools_, pupils)


def first_rows(frame: pd.DataFrame, every: bool, limit: int = LIST_LIMIT) -> pd.DataFrame:
    """The rows of a ranked list to show: all of them when `every`, else the first `limit`."""
    return frame if every else frame.head(limit)
