"""A differencing attack on what a viewer is shown: the check behind `tests/test_disclosure.py`
and `scripts/attack_disclosure.py`.

It collects every figure the functions behind the pages and exports give a viewer, family by
family, each with its coordinates, the figures it is told are hidden, and a partner's own
values; then, over every linear relation among these figures (a total and its parts: see
disclosure.Nest), it works out which hidden figures follow from the published ones
(disclosure.derivable: a rank test, all relations at once) and compares the value it derives
with the true one. The families (`FAMILIES`):

- **progress**: the progress figures of Théorie du changement and its breakdowns, the same
  figures read on Données, a funder's published progress tables; nests over space, time and
  breakdowns (disclosure.nests_of);
- **gross**: the gross sums (before de-duplication) shown beside progress figures and the
  collective figures of Données, which are gross sums too (same nests, always plain sums);
- **synthesis**: a funder's published reach tables by sex and grade, at the initiative and
  at each territory (its schools), their totals, need and headline figures, with the reach
  figures of Théorie du changement;
- **sync**: completeness and timeliness by group (partner type, territory, indicator; counts
  of expected, received, on-time reports): the initiative = Σ the groups of each dimension;
- **consistency**: partners reporting in any and in every period, by group: the initiative
  = Σ partner types; each group = Σ its organisations;
- **overlaps**: the young people reached in an overlap (gross, de-duplicated, counted twice):
  each gross = Σ the reach of its organisations, and one overlap's gross minus another's
  (same school and year, fewer organisations) is the sum of the others' reach.

Relations are made exact on the true figures: where a total holds more than its parts (a
value reported for the territory itself, a year reported as such), that remainder is one more
unknown, never published. Beside what a viewer is told is hidden, `exposed` lists the figures
the primary rules hide from this viewer (disclosure) that it reads or derives anyway.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from indicators.access.disclosure import (
    KINDS,
    Key,
    Nest,
    derivable,
    derive,
    key_of,
    nests_of,
    primary,
    sum_reason,
)
from indicators.access.publications import frozen
from indicators.access.suppression import TOTAL
from indicators.access.viewer import Viewer, require_role
from indicators.analytics import coordination, figures, progress, synchronisation, synthesis
from indicators.analytics.figures import threshold
from indicators.store.database import Store

FAMILIES = ("progress", "gross", "synthesis", "sync", "consistency", "overlaps")
CLOSE = 1e-6


@dataclass
class Published:
    """What one viewer is shown: figures with their values (`values`, the ones it knows of its
    own included), the figures it is told are hidden, and those it knows as its own."""

    values: dict[Key, float] = field(default_factory=dict)
    hidden: set[Key] = field(default_factory=set)
    known: set[Key] = field(default_factory=set)
    direct: set[Key] = field(default_factory=set)  # hidden in one view, shown in another

    def show(self, key: Key, value: float) -> None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return
        if key in self.hidden:
            self.direct.add(key)
        self.values[key] = float(value)

    def hide(self, key: Key) -> None:
        if key in self.values and key not in self.known:
            self.direct.add(key)
        self.hidden.add(key)

    def own(self, key: Key, value: float) -> None:
        self.values[key] = float(value)
        self.known.add(key)


@dataclass(frozen=True)
class Outcome:
    """What a differencing attack found: the hidden figures and, by kind of nest (and with
    all nests together, 'all'), those derivable and those derived exactly; the figures hidden
    in one view but shown in another (`direct`); the figures the primary rules hide from the
    viewer that it reads or derives all the same (`exposed`)."""

    hidden: int
    derivable: dict[str, set[Key]]
    exact: dict[str, set[Key]]
    direct: set[Key]
    exposed: set[Key] = field(default_factory=set)

    @property
    def leaks(self) -> int:
        """Hidden figures derivable, plus sensitive figures read or derived."""
        return len(self.derivable["all"] | self.exposed | self.direct)


@dataclass
class Family:
    """One family of figures as a viewer is shown them, with the true relations among them."""

    seen: Published
    nests: list[Nest]
    real: dict[Key, float]  # what adds up in each figure, true
    sensitive: set[Key]  # what the primary rules hide from this viewer


# -- the progress family --------------------------------------------------------------------------


def truth(store: Store, viewer: Viewer) -> pd.DataFrame:
    """The figures as they really are, for the data this viewer's figures come from (a funder:
    the accepted data frozen by the publications; a partner: every current value)."""
    require_role(viewer, "evaluator", "partner", "funder")
    if viewer.role == "funder":
        return frozen(
            store,
            "figures",
            lambda: store.query("progress", indicator="", accepted_only=True, years=[]),
        )
    return store.query("progress", indicator="", accepted_only=False, years=[])


def _truth_shares(store: Store, viewer: Viewer) -> pd.DataFrame:
    if viewer.role == "funder":
        return frozen(
            store, "contributions", lambda: progress.contributions(store, accepted_only=True)
        )
    return progress.contributions(store, accepted_only=False)


def published(store: Store, viewer: Viewer, today: dt.date) -> Published:
    """Every progress figure the functions behind the pages and exports give `viewer`."""
    require_role(viewer, "evaluator", "partner", "funder")
    seen = Published()
    frame = progress.figures(store, viewer)
    for row in frame.to_dict("records"):
        key = key_of(row)
        own = row.get("own")
        if not row["hidden"]:
            seen.show(key, row["value"])
        elif viewer.role == "partner" and _number(own) and int(row["organisations"]) == 1:
            seen.own(key, float(str(own)))  # a figure of its own values only: it knows it
        else:
            seen.hidden.add(key)
    real = {key_of(r): r["value"] for r in truth(store, viewer).to_dict("records")}
    for row in figures.collective(store, viewer).to_dict("records"):
        key = (str(row["indicator"]), progress.SCOPE_ALL, str(row["period"]), "")
        if _number(row["value"]) and _same(row["value"], real.get(key)):
            seen.show(key, float(row["value"]))  # the same figure, read on Données
    if viewer.role in ("funder", "evaluator"):
        for year in synthesis.published_years(store, viewer):
            for scope in synthesis.scopes(store):
                summary = synthesis.summary(store, viewer, year, scope, today)
                if summary is None:
                    continue
                table = summary.tables["progress"]
                for indicator, value, hidden in zip(
                    table["indicator"], table["value"], table["hidden"].fillna(""), strict=True
                ):
                    if not hidden:
                        seen.show((str(indicator), scope, year, ""), value)
                # the curves of the pack: other years' figures, frozen with this one
                curves = summary.tables.get("history")
                for indicator, period, value, hidden in (
                    []
                    if curves is None
                    else zip(
                        curves["indicator"],
                        curves["period"],
                        curves["value"],
                        curves["hidden"].fillna(""),
                        strict=True,
                    )
                ):
                    if not hidden and _number(value):
                        seen.show((str(indicator), scope, str(period), ""), value)
    return seen


def attack(store: Store, viewer: Viewer, today: dt.date) -> Outcome:
    """Which hidden progress figures `viewer` can work out from what it is shown."""
    seen = published(store, viewer, today)
    real = truth(store, viewer)
    nests = nests_of(real, **progress.nest_context(store))
    return judge(Family(seen, nests, weights(real), _sensitive_figures(store, viewer, real)))


def _sensitive_figures(store: Store, viewer: Viewer, real: pd.DataFrame) -> set[Key]:
    """The progress figures the primary rules hide from `viewer` (disclosure.primary)."""
    if viewer.role == "evaluator" or real.empty:
        return set()
    keys = [key_of(r) for r in real.to_dict("records")]
    own = viewer.organisation if viewer.role == "partner" else ""
    behind: dict[Key, set[str]] = {}
    for row in _truth_shares(store, viewer).to_dict("records"):
        behind.setdefault(key_of(row), set()).add(str(row["organisation"]))
    units = real["indicator"].map(_units(store))
    reasons = primary(
        real.assign(backbone_only=real["backbone_only"].fillna(False).astype(bool)),
        viewer.role,
        own_only=[bool(own) and behind.get(k) == {own} for k in keys],
        person=list(units == "person"),
        threshold=threshold(store),
    )
    return {k for k, why in zip(keys, reasons, strict=True) if why}


def weights(real: pd.DataFrame) -> dict[Key, float]:
    """What adds up in each figure: its value for a sum, value x units for a mean, its
    numerator for a ratio."""
    out: dict[Key, float] = {}
    for row in real.to_dict("records"):
        rule = str(row["rule"])
        if rule == "mean":
            amount = row["value"] * row["units"] if _number(row["value"]) else math.nan
        elif rule == "ratio":
            amount = row["numerator"]
        else:
            amount = row["value"]
        if _number(amount):
            out[key_of(row)] = float(str(amount))
    return out


def holding(nests: Iterable[Nest], real: pd.DataFrame) -> list[Nest]:
    """The nests whose equation holds exactly on the true figures (a de-duplication or a year
    reported as such can break one)."""
    added = weights(real)
    kept = []
    for nest in nests:
        if nest.total in added and all(p in added for p in nest.parts):
            whole = added[nest.total]
            if abs(whole - sum(added[p] for p in nest.parts)) <= 1e-6 * max(1.0, abs(whole)):
                kept.append(nest)
    return kept


def outcome(
    nests: Iterable[Nest], seen: Published, real: dict[Key, float], exact_nests: Iterable[Nest]
) -> Outcome:
    """The attack on given nests: the hidden figures derivable by kind of nest (and all
    together), and those derived exactly from the nests that hold on the true figures `real`
    (what adds up in each figure: see `weights`)."""
    nests = list(nests)
    holds = list(exact_nests)
    hidden = seen.hidden - seen.direct
    published = {k: real[k] for k in seen.values if k in real}
    found: dict[str, set[Key]] = {}
    exact: dict[str, set[Key]] = {}
    for kind in (*KINDS, "all"):
        found[kind] = derivable([n for n in nests if kind in ("all", n.kind)], hidden)
        chosen = [n for n in holds if kind in ("all", n.kind)]
        derived = derive(chosen, published, hidden)
        exact[kind] = {
            k for k, v in derived.items() if k in real and abs(v - real[k]) <= 1e-6 * max(1, abs(v))
        }
    return Outcome(len(seen.hidden), found, exact, seen.direct)


# -- the attack on one family, relations made exact -------------------------------------------------


def exact(nests: Iterable[Nest], real: Mapping[Key, float]) -> list[Nest]:
    """`nests` made to hold on the true figures: a nest whose total is more (or less) than the
    sum of its parts gets one more part, its remainder, a figure nobody is shown. A nest with
    a member of no true value is left out (nothing to solve it with)."""
    out: list[Nest] = []
    for nest in nests:
        if not all(m in real for m in nest.members):
            continue
        rest = real[nest.total] - sum(real[p] for p in nest.parts)
        if abs(rest) <= CLOSE * max(1.0, abs(real[nest.total])):
            out.append(nest)
        else:
            out.append(Nest(nest.total, (*nest.parts, ("remainder", nest)), nest.kind))
    return out


def remainders(nests: Iterable[Nest], real: Mapping[Key, float]) -> dict[Key, float]:
    """The true value of each remainder part that `exact` added."""
    out: dict[Key, float] = {}
    for nest in nests:
        for part in nest.parts:
            if isinstance(part, tuple) and part and part[0] == "remainder":
                inner: Nest = part[1]
                out[part] = real[inner.total] - sum(real[p] for p in inner.parts)
    return out


def judge(family: Family) -> Outcome:
    """The attack on one family: every figure the viewer is not shown is an unknown; which
    hidden ones follow from the shown ones through the (exact) nests, which sensitive ones it
    reads or derives."""
    seen = family.seen
    nests = exact(family.nests, family.real)
    real = {**family.real, **remainders(nests, family.real)}
    members = {m for n in nests for m in n.members}
    unknown = (members - set(seen.values)) | (seen.hidden - seen.direct)
    told = seen.hidden - seen.direct
    shown = {k: real[k] for k in seen.values if k in real}
    found: dict[str, set[Key]] = {}
    solved: dict[str, set[Key]] = {}
    everything: set[Key] = set()
    for kind in (*KINDS, "all"):
        chosen = [n for n in nests if kind in ("all", n.kind)]
        got = derivable(chosen, unknown)
        if kind == "all":
            everything = got
        found[kind] = got & told
        derived = derive(chosen, shown, unknown)
        solved[kind] = {
            k
            for k, v in derived.items()
            if k in told and k in real and abs(v - real[k]) <= CLOSE * max(1.0, abs(v))
        }
    exposed = family.sensitive & ((set(seen.values) - seen.known) | everything)
    return Outcome(len(seen.hidden), found, solved, set(seen.direct), exposed)


def families(
    store: Store, viewer: Viewer, today: dt.date, names: Iterable[str] = FAMILIES
) -> dict[str, Outcome]:
    """The attack on each family of figures (`names`, all by default: see FAMILIES) a viewer
    is given."""
    require_role(viewer, "evaluator", "partner", "funder")
    built: dict[str, Callable[[], Outcome]] = {
        "progress": lambda: attack(store, viewer, today),
        "gross": lambda: judge(_gross(store, viewer)),
        "synthesis": lambda: judge(_synthesis(store, viewer, today)),
        "sync": lambda: judge(_sync(store, viewer, today)),
        "consistency": lambda: judge(_consistency(store, viewer, today)),
        "overlaps": lambda: judge(_overlaps(store, viewer)),
    }
    return {name: built[name]() for name in names}


# -- gross sums (Théorie du changement's facts, Données' collective figures) --------------------


def _gross_key(key: Key) -> Key:
    return (*key, "gross")


def _gross(store: Store, viewer: Viewer) -> Family:
    """Gross sums: beside each shown progress figure, and the collective figures of Données,
    the plain sum of every value at the initiative."""
    real_frame = truth(store, viewer)
    real = {
        _gross_key(key_of(r)): float(r["gross"])
        for r in real_frame.to_dict("records")
        if _number(r["gross"])
    }
    seen = Published()
    for row in progress.figures(store, viewer).to_dict("records"):
        key = _gross_key(key_of(row))
        if row["hidden"]:
            seen.hide(key)
        elif _number(row.get("gross")):
            seen.show(key, float(row["gross"]))
    for row in figures.collective(store, viewer).to_dict("records"):
        key = _gross_key((str(row["indicator"]), progress.SCOPE_ALL, str(row["period"]), ""))
        if _number(row["value"]) and _same(row["value"], real.get(key)):
            seen.show(key, float(row["value"]))
    plain = real_frame.assign(rule="sum", dedup="none")
    context = progress.nest_context(store)
    context["time_rules"] = dict.fromkeys(context["time_rules"], "sum")
    nests = [
        Nest(_gross_key(n.total), tuple(_gross_key(p) for p in n.parts), n.kind)
        for n in nests_of(plain, **context)
    ]
    sensitive = {_gross_key(k) for k in _sensitive_figures(store, viewer, real_frame)}
    return Family(seen, nests, real, sensitive)


# -- a funder's published reach tables ------------------------------------------------------------


def _synthesis(store: Store, viewer: Viewer, today: dt.date) -> Family:
    """The reach of young people a funder reads: Théorie du changement's figures, and in each
    published summary (initiative and territories) the reach tables by sex and grade with
    their totals, the need table and the headline figure."""
    reach = coordination.REACH_INDICATOR
    seen = Published()
    real_frame = truth(store, viewer)
    real_frame = real_frame[real_frame["indicator"] == reach]
    real = weights(real_frame)
    nests = nests_of(real_frame, **progress.nest_context(store))
    sensitive = _sensitive_figures(store, viewer, real_frame)
    if viewer.role not in ("funder", "evaluator"):
        return Family(seen, [], real, set())
    for row in progress.figures(store, viewer, reach).to_dict("records"):
        if row["hidden"]:
            seen.hide(key_of(row))
        else:
            seen.show(key_of(row), row["value"])
    places = store.query("places_list")
    code_of = dict(zip(places["name"].astype(str), places["code"].astype(str), strict=True))
    limit = threshold(store)
    for year in synthesis.published_years(store, viewer):
        for scope in synthesis.scopes(store):
            summary = synthesis.summary(store, viewer, year, scope, today)
            if summary is None:
                continue
            for by in ("sex", "grade"):
                table = summary.reach(by)
                cells: dict[tuple[str, str], Key] = {}
                for row in table.values.index:
                    for column in table.values.columns:
                        raw = table.values.at[row, column]
                        if not _number(raw):
                            continue
                        value = float(str(raw))
                        place = scope if row == TOTAL else code_of.get(str(row), str(row))
                        breakdown = "" if column == TOTAL else f"{by}={column}"
                        figure: Key = (reach, place, year, breakdown)
                        if (row == TOTAL or column == TOTAL) and not _same(value, real.get(figure)):
                            figure = ("table", year, scope, by, str(row), str(column))
                            real[figure] = value
                            if 0 < value < limit:
                                sensitive.add(figure)
                        cells[(str(row), str(column))] = figure
                        if table.reasons.at[row, column]:
                            seen.hide(figure)
                        else:
                            seen.show(figure, value)
                rows = {r for r, _ in cells}
                columns = {c for _, c in cells}
                for r in rows - {TOTAL}:
                    parts = tuple(cells[(r, c)] for c in columns - {TOTAL} if (r, c) in cells)
                    if (r, TOTAL) in cells and parts:
                        nests.append(Nest(cells[(r, TOTAL)], parts, "breakdown"))
                for c in columns:
                    parts = tuple(cells[(r, c)] for r in rows - {TOTAL} if (r, c) in cells)
                    if (TOTAL, c) in cells and parts:
                        nests.append(Nest(cells[(TOTAL, c)], parts, "space"))
            need = summary.tables["need"]
            for place, reached, hidden in zip(
                need["place"], need["reached"], need["hidden"].fillna(""), strict=True
            ):
                figure = (reach, code_of.get(str(place), str(place)), year, "")
                if hidden:
                    seen.hide(figure)
                elif _number(reached):
                    seen.show(figure, float(reached))
            headline = summary.tables["headline"].set_index("measure")
            if "reached" in headline.index:
                told = headline.loc["reached", "value"], headline.loc["reached", "hidden"]
                figure = (reach, scope, year, "")
                if isinstance(told[1], str) and told[1]:
                    seen.hide(figure)
                elif _number(told[0]) and not (0 < float(str(told[0])) < limit):
                    seen.show(figure, float(str(told[0])))
    return Family(seen, nests, real, sensitive)


# -- synchronisation ----------------------------------------------------------------------------------

RATE_COUNTS = ("expected", "received", "on_time")
GROUPS = ("organisation_type", "territory", "indicator", "organisation")


def _sync(store: Store, viewer: Viewer, today: dt.date) -> Family:
    """Counts of expected, received and on-time reports by group and period; the initiative
    is the sum of the groups of each dimension (each report has one organisation, one type,
    one territory, one indicator)."""
    real_table = store.query("sync_rates", today=today)
    shares = synchronisation.rate_shares(store, today)
    own = viewer.organisation if viewer.role == "partner" else ""
    real: dict[Key, float] = {}
    sensitive: set[Key] = set()
    for row in real_table.to_dict("records"):
        group = (str(row["dimension"]), str(row["member"]), str(row["period"]))
        why = sum_reason(shares.get(group, {}), viewer.role, own or "")
        for measure in RATE_COUNTS:
            real[("sync", measure, *group)] = float(row[measure])
            if why:
                sensitive.add(("sync", measure, *group))
    seen = Published()
    for row in synchronisation.rates(store, viewer, today).to_dict("records"):
        group = (str(row["dimension"]), str(row["member"]), str(row["period"]))
        mine = row["dimension"] == "organisation" and row["member"] == own
        for measure in RATE_COUNTS:
            key = ("sync", measure, *group)
            if mine:
                seen.own(key, float(row[measure]))
            elif str(row.get("hidden", "") or "") or not _number(row[measure]):
                seen.hide(key)
            else:
                seen.show(key, float(row[measure]))
    nests = []
    for measure in RATE_COUNTS:
        for period in sorted(set(real_table["period"].astype(str))):
            total = ("sync", measure, "initiative", "*", period)
            for dimension in GROUPS:
                members = real_table[
                    (real_table["dimension"] == dimension) & (real_table["period"] == period)
                ]["member"]
                parts = tuple(("sync", measure, dimension, str(m), period) for m in members)
                if parts:
                    nests.append(Nest(total, parts, "space"))
    return Family(seen, nests, real, sensitive)


def _consistency(store: Store, viewer: Viewer, today: dt.date) -> Family:
    """Partners reporting in any and every period of each school year's periods that are
    over, by group: the initiative = Σ partner types; each group = Σ its organisations (one
    0-or-1 figure each, per territory for the territories)."""
    own = viewer.organisation if viewer.role == "partner" else ""
    seen = Published()
    real: dict[Key, float] = {}
    sensitive: set[Key] = set()
    nests: list[Nest] = []
    for year, window in synchronisation.windows(store, today).items():
        members = synchronisation.consistency_members(store, today, window)
        members = members[members["reporting_any"]]
        groups: dict[tuple[str, str], dict[str, float]] = {}
        for measure in ("reporting_any", "reporting_every"):
            for (dimension, member), rows in members.groupby(["dimension", "member"]):
                where = "*" if dimension != "territory" else str(member)
                atoms = []
                for organisation, value in zip(rows["organisation"], rows[measure], strict=True):
                    atom = ("consistency-org", measure, str(organisation), where, year)
                    real[atom] = float(bool(value))
                    atoms.append(atom)
                    if organisation == own:
                        seen.own(atom, float(bool(value)))
                    elif viewer.role != "evaluator":
                        sensitive.add(atom)
                total = ("consistency", measure, str(dimension), str(member), year)
                real[total] = float(rows[measure].astype(bool).sum())
                groups[(str(dimension), str(member))] = dict.fromkeys(
                    rows["organisation"].astype(str), 1.0
                )
                nests.append(Nest(total, tuple(atoms), "space"))
                if sum_reason(groups[(str(dimension), str(member))], viewer.role, own or ""):
                    sensitive.add(total)
            kinds = members.loc[members["dimension"] == "organisation_type", "member"]
            nests.append(
                Nest(
                    ("consistency", measure, "initiative", "*", year),
                    tuple(
                        ("consistency", measure, "organisation_type", str(k), year)
                        for k in sorted(set(kinds))
                    ),
                    "space",
                )
            )
        shown = synchronisation.consistency(store, viewer, today, window)
        for row in shown.to_dict("records"):
            for measure in ("reporting_any", "reporting_every"):
                key = ("consistency", measure, str(row["dimension"]), str(row["member"]), year)
                if str(row.get("hidden", "") or "") or not _number(row[measure]):
                    seen.hide(key)
                else:
                    seen.show(key, float(row[measure]))
    return Family(seen, nests, real, sensitive)


# -- overlaps ------------------------------------------------------------------------------------------


def _overlaps(store: Store, viewer: Viewer) -> Family:
    """The young people reached in each overlap (action type x school x grade x year): its
    gross = Σ the reach of its organisations (one unknown per organisation, school, year and
    value); the de-duplicated reach is the largest organisation's; one overlap's gross minus
    another's with fewer organisations (same school and year) is the others' sum."""
    own = viewer.organisation if viewer.role == "partner" else ""
    rows = store.query("coordination_overlaps", accepted_only=False)
    seen = Published()
    real: dict[Key, float] = {}
    sensitive: set[Key] = set()
    nests: list[Nest] = []
    keys = ["action_type", "place", "grade", "period"]
    gross: dict[tuple[str, ...], tuple[Key, dict[str, float], dict[str, Key]]] = {}
    for key, group in rows.groupby(keys, sort=True):
        reached = group.dropna(subset=["reached"])
        if reached.empty:
            continue
        where = tuple(str(k) for k in key)
        atoms = {
            str(o): _atom(str(o), where[1], where[3], float(v))
            for o, v in zip(reached["organisation"], reached["reached"], strict=True)
        }
        amounts = {
            str(o): float(v)
            for o, v in zip(reached["organisation"], reached["reached"], strict=True)
        }
        for organisation, atom in atoms.items():
            real[atom] = amounts[organisation]
            if organisation != own and viewer.role != "evaluator":
                sensitive.add(atom)
        total: Key = ("overlap", *where)
        real[total] = sum(amounts.values())
        if sum_reason(amounts, viewer.role, own or ""):
            sensitive.add(total)
        nests.append(Nest(total, tuple(atoms.values()), "space"))
        gross[where] = (total, amounts, atoms)
    by_place: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for where in gross:
        by_place.setdefault((where[1], where[3]), []).append(where)
    for group_keys in by_place.values():
        for big in group_keys:
            for small_ in group_keys:
                total_big, amounts_big, atoms_big = gross[big]
                total_small, amounts_small, _ = gross[small_]
                rest = set(amounts_big) - set(amounts_small)
                if big == small_ or not rest or not set(amounts_small) < set(amounts_big):
                    continue
                if any(atoms_big[o] != gross[small_][2][o] for o in amounts_small):
                    continue
                difference: Key = ("overlap-difference", big, small_)
                real[difference] = sum(amounts_big[o] for o in rest)
                nests.append(Nest(difference, tuple(atoms_big[o] for o in sorted(rest)), "space"))
                nests.append(Nest(total_big, (total_small, difference), "space"))
                if sum_reason({o: amounts_big[o] for o in rest}, viewer.role, own or ""):
                    sensitive.add(difference)
    years = sorted(set(rows["period"].astype(str)))
    for year in years:
        shown = coordination.overlaps(store, viewer, year)
        for row in shown.to_dict("records"):
            where = tuple(str(row[k]) for k in keys)
            if where not in gross:
                continue
            total, amounts, atoms = gross[where]
            if _number(row.get("own_reach")) and own in atoms:
                seen.own(atoms[own], float(row["own_reach"]))
            if str(row.get("hidden", "") or "") or not _number(row["gross"]):
                seen.hide(total)
            else:
                seen.show(total, float(row["gross"]))
            largest = max(amounts, key=lambda o: (amounts[o], o))
            if _number(row.get("deduplicated")):
                seen.show(atoms[largest], float(row["deduplicated"]))
            if _number(row.get("double_counted")):
                twice: Key = ("overlap-twice", *where)
                real[twice] = real[total] - amounts[largest]
                nests.append(Nest(total, (twice, atoms[largest]), "space"))
                seen.show(twice, float(row["double_counted"]))
    return Family(seen, nests, real, sensitive)


def _atom(organisation: str, place: str, year: str, value: float) -> Key:
    return ("reach", organisation, place, year, round(value, 6))


# -- helpers --------------------------------------------------------------------------------------------


def _units(store: Store) -> dict[str, str]:
    catalogue = store.query("indicators")
    return dict(zip(catalogue["code"], catalogue["unit"], strict=True))


def _number(value: Any) -> bool:
    try:
        return value is not None and not math.isnan(float(str(value)))
    except ValueError:
        return False


def _same(a: object, b: object) -> bool:
    return _number(a) and _number(b) and abs(float(str(a)) - float(str(b))) < 1e-6
