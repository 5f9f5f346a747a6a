"""A differencing attack on what a viewer is shown: the check behind `tests/test_disclosure.py`
and `scripts/attack_disclosure.py`.

It collects every figure the functions behind the pages and exports give a viewer (the
progress figures of Théorie du changement and its breakdowns, the collective figures of
Données, a funder's published summaries), each with its coordinates (indicator, scope, period,
breakdown), the figures it is told are hidden, and a partner's own values; then, over every
nest of these figures (initiative and territories, territory and schools, year and terms,
total and categories: see disclosure.nests_of), it works out which hidden figures follow from
the published ones (disclosure.derivable: a rank test, all nests at once) and compares the
value it derives with the true one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from indicators.access.disclosure import KINDS, Key, Nest, derivable, derive, key_of, nests_of
from indicators.access.publications import frozen
from indicators.access.viewer import Viewer, require_role
from indicators.analytics import figures, progress, synthesis
from indicators.store.database import Store


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


@dataclass(frozen=True)
class Outcome:
    """What a differencing attack found: the hidden figures and, by kind of nest (and with
    all nests together, 'all'), those derivable and those derived exactly."""

    hidden: int
    derivable: dict[str, set[Key]]
    exact: dict[str, set[Key]]
    direct: set[Key]


def truth(store: Store, viewer: Viewer) -> pd.DataFrame:
    """The figures as they really are, for the data this viewer's figures come from (a funder:
    the accepted data frozen by the publications; a partner: every current value)."""
    require_role(viewer, "evaluator", "partner", "funder")
    if viewer.role == "funder":
        return frozen(
            store,
            "figures",
            lambda: store.query("progress", indicator="", accepted_only=True, org=""),
        )
    return store.query("progress", indicator="", accepted_only=False, org="")


def published(store: Store, viewer: Viewer, today: dt.date) -> Published:
    """Every figure the functions behind the pages and exports give `viewer`."""
    require_role(viewer, "evaluator", "partner", "funder")
    seen = Published()
    frame = progress.figures(store, viewer)
    for row in frame.to_dict("records"):
        key = key_of(row)
        own = row.get("own")
        if not row["hidden"]:
            seen.show(key, row["value"])
        elif viewer.role == "partner" and _number(own) and int(row["organisations"]) == 1:
            seen.values[key] = float(str(own))  # a figure of its own values only: it knows it
            seen.known.add(key)
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
    return seen


def attack(store: Store, viewer: Viewer, today: dt.date) -> Outcome:
    """Which hidden figures `viewer` can work out from what it is shown, by kind of nest."""
    seen = published(store, viewer, today)
    real = truth(store, viewer)
    context = progress.nest_context(store)
    nests = [
        n
        for n in nests_of(real, **context)
        if all(m in seen.values or m in seen.hidden for m in n.members)
    ]
    return outcome(nests, seen, weights(real), holding(nests, real))


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


def _number(value: object) -> bool:
    try:
        return value is not None and not math.isnan(float(str(value)))
    except ValueError:
        return False


def _same(a: object, b: object) -> bool:
    return _number(a) and _number(b) and abs(float(str(a)) - float(str(b))) < 1e-6
