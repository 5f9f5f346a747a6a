"""Disclosure control: what a partner and what a funder may see of figures that nest.

This is the one place that decides it. Every partner and funder view and export takes its
hidden figures from here: progress figures (Théorie du changement, Données, the Synthèse and
the funder pack, Coordination's need and reach) through `protect` (progress.protected); sums
over organisations that are not progress figures (Synchronisation's group rates and
consistency, Coordination's overlaps) through `protect_sums`, by the same rules. `derivable` is
the check the tests and `scripts/attack_disclosure.py` (indicators/attack.py, family by family)
use to prove that nothing hidden can be worked out.

**Primary rules** (`primary`), per role:

- an evaluator sees everything;
- a partner does not see a collective figure behind which fewer than 3 organisations stand or
  one organisation weighs more than 85 % of a sum (hidden_reason), except the figures
  made only of its own values (it knows them) and those made only of the backbone's values
  (its surveys of young people, the alliance's shared measure: shown to partners, never to
  funders);
- a funder does not see those figures either (no exception), nor a count of 1 to threshold - 1
  young people ("small-count").

**Nests** (`nests_of`): sets of published figures where one is the sum of the others, so that a
hidden one could be worked out by subtraction:

- space: the initiative = Σ its territories; a territory = Σ its schools (when schools are
  shown, as to partners);
- time: a school year = Σ its terms, when the indicator's time rule is a sum (or a ratio whose
  numerators add up) and the year is built from its terms;
- breakdowns: a total = Σ the categories of one dimension (sex, grade), at the same place and
  period.

Which aggregation rules make a figure linearly derivable: a **sum**, surely; a **mean**, when
the number of values behind it is published beside it (it is: `units`), since mean × units adds
up like a sum (a scale per figure does not change what can be derived); a **ratio**, when the
numerators and denominators are published (they are, in the figures' columns); and the
**gross** sum shown beside a de-duplicated figure is a plain sum whatever the rule. A **max** or
a **last value** is not exactly derivable from the other members of its nest (the maximum of
the parts is the maximum of the whole, but a hidden part below it is not pinned down; the last
value depends on dates): such indicators get no nest, only the primary rules. Likewise a year
made by a max, a last value or a mean of terms is not a sum of its terms.

**Complementary suppression** (`protect`): while a hidden figure can be derived from the
published ones (a rank test over every nest at once, not nest by nest), or while the hidden
members of a nest taken together, which its total minus the shown members reveals, would break
the primary rules themselves (fewer than 3 organisations, one above 85 %), one more member of
that nest is hidden: the smallest shown non-zero one the viewer does not already know, or the
total when there is none. It depends only on which figures are hidden and how they nest, so the
same choice protects value, numerator, denominator and gross sum, which are hidden together.

The **status** of a hidden figure is "hidden", never computed from its value (met or not met
would tell on which side of its target it lies); a node whose indicators are all hidden is
"hidden" too, and a hidden indicator does not count in the roll-up of its node.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

MIN_ORGANISATIONS = 3  # INSEE's rule for business tables (DOMAIN.md)
DOMINANCE = 0.85


def hidden_reason(organisations: int, largest_share: float | None) -> str:
    """Why a collective figure is hidden from partners and funders ('' when it is shown)."""
    if organisations < MIN_ORGANISATIONS:
        return "few-organisations"
    if largest_share is not None and not pd.isna(largest_share) and largest_share > DOMINANCE:
        return "dominant"
    return ""


Key = Any  # any hashable coordinates
T = TypeVar("T")
KINDS = ("space", "time", "breakdown")
LINEAR_SPACE = ("sum", "mean", "ratio")  # space rules a figure adds up by (see the docstring)
DEDUPLICATING = ("max_per_school", "unique_id", "max_per_territory")  # a gross sum is shown
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Nest:
    """A published total and its parts: total = Σ parts (for a mean or a ratio, by their
    counts or numerators, which changes nothing to what can be derived)."""

    total: Key
    parts: tuple[Key, ...]
    kind: str = "space"

    @property
    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


# -- derivation: what can be worked out from published figures -------------------------------


def equations(nests: Iterable[Nest], hidden: Collection[Key]) -> list[dict[Key, float]]:
    """One linear equation per nest over its hidden members (total - Σ parts = published
    right-hand side): coefficient -1 for a hidden total, +1 for each hidden part."""
    secret = hidden if isinstance(hidden, set | frozenset | Mapping) else set(hidden)
    out: list[dict[Key, float]] = []
    for nest in nests:
        row: dict[Key, float] = {}
        for member, sign in ((nest.total, -1.0), *((p, 1.0) for p in nest.parts)):
            if member in secret:
                row[member] = row.get(member, 0.0) + sign
        row = {k: v for k, v in row.items() if v}
        if row:
            out.append(row)
    return out


def derivable(
    nests: Iterable[Nest], hidden: Collection[Key], solved: dict[Any, set[Key]] | None = None
) -> set[Key]:
    """The hidden cells whose value follows from the published ones through the nests.

    Unknowns are the hidden cells; each nest gives one linear equation, its published members
    moved to the right-hand side. A hidden cell is derivable iff its unit vector lies in the
    row space of the coefficient matrix. Equations that share no unknown are solved apart
    (independent systems), each by exact elimination (`_pinned`). `solved`: the answers for
    systems met before (a cache kept by a caller that asks again with a few more cells hidden:
    most systems are then unchanged)."""
    found: set[Key] = set()
    for rows in _components(equations(nests, hidden)):
        if solved is None:
            found |= _pinned(rows)
            continue
        key = frozenset(frozenset(row.items()) for row in rows)
        if key not in solved:
            solved[key] = _pinned(rows)
        found |= solved[key]
    return found


def _pinned(rows: Sequence[Mapping[Key, float]]) -> set[Key]:
    """The unknowns whose unit vector lies in the row space of `rows` (sparse equations).

    Gauss-Jordan elimination in exact integer arithmetic (the coefficients are small integers;
    rows are scaled rather than divided, and kept divided by their gcd), the basis kept fully
    reduced as each equation comes in: every basis row is non-zero in its pivot column and zero
    in every other pivot column. A vector of the row space is then the combination of basis
    rows given by its own pivot entries, so a unit vector is in it iff a basis row holds its
    unknown alone. Sparse: the cost follows the non-zero entries, where a dense SVD (the
    reference in tests/test_disclosure_speed.py) cost the cube of the size.

    The answer depends neither on the order of the equations nor on the choice of pivots (any
    fully reduced basis of the same row space holds the same unit vectors); both are chosen to
    keep the rows sparse (`_elimination_order`): an arbitrary pivot let the rows fill in, and
    took 5 to 10 times longer on the figures of one indicator."""
    basis: dict[Key, dict[Key, int]] = {}  # pivot -> its reduced row
    holders: dict[Key, set[Key]] = {}  # non-pivot unknown -> pivots of the rows holding it
    for equation, hint in _elimination_order(rows):
        row = {k: _integer(v) for k, v in equation.items() if v}
        for pivot in [k for k in row if k in basis]:
            _eliminate(row, pivot, basis[pivot])
        if not row:
            continue  # a combination of the equations before it
        if hint in row:
            pivot = hint
        else:  # the unknown the fewest rows hold, with a coefficient of ±1 first
            pivot = min(row, key=lambda k: (abs(row[k]) != 1, len(holders.get(k, ()))))
        for other in holders.pop(pivot, set()):
            before = set(basis[other])
            _eliminate(basis[other], pivot, row)
            after = set(basis[other])
            for k in before - after:
                if k != pivot:
                    holders[k].discard(other)
            for k in after - before:
                holders.setdefault(k, set()).add(other)
        basis[pivot] = row
        for k in row:
            if k != pivot:
                holders.setdefault(k, set()).add(pivot)
    return {pivot for pivot, row in basis.items() if len(row) == 1}


def _elimination_order(
    rows: Sequence[Mapping[Key, float]],
) -> list[tuple[Mapping[Key, float], Key | None]]:
    """The equations in the order `_pinned` takes them, each with the pivot to give it (None:
    its choice). Equations are peeled off while some unknown is held by a single remaining
    one; what is left (the core) comes first, shortest first, then the peeled equations in the
    reverse order of their peeling, each pivoting on its own unknown: no row taken before
    holds that unknown, so none has to be cleared of it. Nests of figures (a total and its
    parts, over places, periods and breakdowns) peel off entirely as a rule."""
    holding: dict[Key, set[int]] = {}
    for i, row in enumerate(rows):
        for k, v in row.items():
            if v:
                holding.setdefault(k, set()).add(i)
    alive = set(range(len(rows)))
    alone = [k for k, held in holding.items() if len(held) == 1]
    peeled: list[tuple[int, Key]] = []
    while alone:
        k = alone.pop()
        held = holding[k]
        if len(held) != 1:
            continue
        (i,) = held
        alive.discard(i)
        peeled.append((i, k))
        for other, v in rows[i].items():
            if v:
                holding[other].discard(i)
                if len(holding[other]) == 1:
                    alone.append(other)
    core = sorted(alive, key=lambda i: (len(rows[i]), i))
    return [(rows[i], None) for i in core] + [(rows[i], k) for i, k in reversed(peeled)]


def _integer(value: float) -> int:
    """A coefficient of `equations` (a sum of +1 and -1) as the integer it is."""
    whole = round(value)
    if whole != value:
        raise ValueError(f"not an integer coefficient: {value}")
    return whole


def _eliminate(row: dict[Key, int], pivot: Key, other: Mapping[Key, int]) -> None:
    """row := a * row - b * other, in place, so that row[pivot] becomes 0 (a = other[pivot],
    b = row[pivot] over their gcd); zeros dropped, the row divided by the gcd of its entries."""
    b, a = row[pivot], other[pivot]
    common = math.gcd(a, b)
    a, b = a // common, b // common
    if a != 1:
        for k in row:
            row[k] *= a
    for k, v in other.items():
        value = row.get(k, 0) - b * v
        if value:
            row[k] = value
        else:
            row.pop(k, None)
    divisor = math.gcd(*row.values()) if row else 1
    if divisor > 1:
        for k in row:
            row[k] //= divisor


def _components(rows: list[dict[Key, float]]) -> list[list[dict[Key, float]]]:
    """The equations grouped by the unknowns they share."""
    parent: dict[Key, Key] = {}

    def root(k: Key) -> Key:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for row in rows:
        first, *others = list(row)
        for k in others:
            parent[root(k)] = root(first)
    groups: dict[Key, list[dict[Key, float]]] = {}
    for row in rows:
        groups.setdefault(root(next(iter(row))), []).append(row)
    return list(groups.values())


def derive(
    nests: Iterable[Nest], values: Mapping[Key, float], hidden: Collection[Key]
) -> dict[Key, float]:
    """The value an attacker works out for each derivable hidden cell (least squares over the
    nests, exact for a derivable cell): the published `values` on the right-hand side."""
    nests = list(nests)
    secret = set(hidden)
    found = derivable(nests, secret)
    if not found:
        return {}
    unknowns = sorted({m for n in nests for m in n.members if m in secret}, key=repr)
    index = {k: i for i, k in enumerate(unknowns)}
    rows, rhs = [], []
    for nest in nests:
        row = np.zeros(len(unknowns))
        right = 0.0
        for member, sign in ((nest.total, -1.0), *((p, 1.0) for p in nest.parts)):
            if member in secret:
                row[index[member]] += sign
            else:
                right -= sign * float(values.get(member, 0.0))
        if row.any():
            rows.append(row)
            rhs.append(right)
    solution, *_ = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)
    return {k: float(solution[index[k]]) for k in found}


# -- complementary suppression ------------------------------------------------------------------


def protect(
    values: Mapping[Key, float],
    nests: Sequence[Nest],
    reasons: Mapping[Key, str],
    *,
    known: Collection[Key] = (),
    contributions: Mapping[Key, Mapping[str, float]] | None = None,
    organisations: Mapping[Key, int] | None = None,
    small: Mapping[Key, int] | None = None,
    own: str = "",
) -> dict[Key, str]:
    """Why each figure is hidden after complementary suppression (only hidden ones listed).

    `values`: every figure (key -> value); `reasons`: the primary reasons ('' = shown);
    `known`: figures the viewer knows anyway (a partner's own), never hidden nor picked;
    `contributions`: each figure's organisations and what each adds to it, to check that the
    hidden members of a nest together obey the primary rules (else `organisations`, how many
    stand behind each figure, gives a lower bound); `small`: for figures counting young people,
    the threshold under which their total is a small count; `own`: a partner viewer's
    organisation (a sum of hidden figures is then sensitive when, the partner's own share
    taken out, it is one other organisation's figure or dominated by one).

    Loops until no hidden figure is derivable (`derivable`) and no nest reveals a sensitive
    sum of hidden members: each time, one more member of an exposed nest is hidden
    ("complementary"): the smallest shown non-zero part the viewer does not know, else a zero
    part, else the total. Terminates: every turn hides one more figure."""
    # The work is done on numbers given in the order of the keys' repr (the order in which
    # cells are picked, below): hashing a key (a tuple of strings; a remainder's holds its
    # nest's parts) again and again cost more than the work itself.
    universe = {*values, *reasons, *known}
    for nest in nests:
        universe.update(nest.members)
    order = sorted(universe, key=repr)
    number = {k: i for i, k in enumerate(order)}

    def numbered(mapping: Mapping[Key, T] | None) -> dict[int, T] | None:
        if mapping is None:
            return None
        return {number[k]: v for k, v in mapping.items() if k in number}

    hidden = _protect(
        {number[k]: v for k, v in values.items()},
        [Nest(number[n.total], tuple(number[p] for p in n.parts), n.kind) for n in nests],
        {number[k]: r for k, r in reasons.items()},
        known={number[k] for k in known},
        contributions=numbered(contributions),
        organisations=numbered(organisations),
        small=numbered(small),
        own=own,
    )
    return {order[i]: why for i, why in hidden.items()}


def _protect(
    values: Mapping[int, float],
    nests: Sequence[Nest],
    reasons: Mapping[int, str],
    *,
    known: Collection[int],
    contributions: Mapping[int, Mapping[str, float]] | None,
    organisations: Mapping[int, int] | None,
    small: Mapping[int, int] | None,
    own: str,
) -> dict[int, str]:
    """`protect` over numbered keys (smaller numbers picked first)."""
    seen = set(known)
    out = {k: r for k, r in reasons.items() if r and k not in seen}
    by_cell: dict[int, list[Nest]] = {}
    for nest in nests:
        for member in nest.members:
            by_cell.setdefault(member, []).append(nest)
    stuck: set[int] = set()
    turns = _Turns(nests, out, stuck, (contributions, organisations, small, own), values)
    while True:
        exposed_nest = turns.first_exposed()
        if exposed_nest is not None:
            nest = exposed_nest
        else:
            exposed = turns.derivable() - stuck
            if not exposed:
                return out
            cell = min(exposed)
            choices = [
                n for n in by_cell.get(cell, []) if _complement(n, values, out, seen) is not None
            ]
            if not choices:
                stuck.add(cell)  # nothing left to hide around it (cannot happen with a total)
                turns.changed([cell])
                continue
            nest = choices[0]
        target = _complement(nest, values, out, seen)
        if target is None:
            now_stuck = [m for m in nest.members if m in out]
            stuck.update(now_stuck)
            turns.changed(now_stuck)
            continue
        out[target] = "complementary"
        turns.changed([target])


class _Turns:
    """What each turn of `protect` asks, kept up to date as cells are hidden (or given up as
    stuck) one at a time, instead of worked out again over every nest: the first exposed nest
    (`_exposed`, in the order of `nests`) and the derivable hidden cells (`_Coloops`: each newly
    hidden cell is one more unknown, whose effect is worked out alone). Hidden cells are only
    ever added."""

    def __init__(
        self,
        nests: Sequence[Nest],
        out: Mapping[Key, str],
        stuck: Collection[Key],
        evidence: Evidence,
        values: Mapping[Key, float],
    ) -> None:
        self.nests = list(nests)
        self.out, self.stuck, self.evidence, self.values = out, stuck, evidence, values
        self.of_cell: dict[Key, list[int]] = {}  # cell -> the nests holding it, each once
        for i, nest in enumerate(self.nests):
            for member in dict.fromkeys(nest.members):
                self.of_cell.setdefault(member, []).append(i)
        self.exposed = {i for i, n in enumerate(self.nests) if self._exposed(n)}
        self.unknowns = _Coloops()
        for cell in list(out):
            self.unknowns.add(cell, self._column(cell))

    def _column(self, cell: Key) -> dict[int, int]:
        """The coefficients of `cell` in the equations of the nests holding it (`equations`:
        -1 as a total, +1 as each part), by nest."""
        column: dict[int, int] = {}
        for i in self.of_cell.get(cell, ()):
            nest = self.nests[i]
            coefficient = (-1 if nest.total == cell else 0) + sum(p == cell for p in nest.parts)
            if coefficient:
                column[i] = coefficient
        return column

    def _exposed(self, nest: Nest) -> bool:
        """A nest with a single hidden member (the others reveal it), or whose published total
        minus its shown parts reveals a sum of hidden parts that breaks a primary rule."""
        out, values = self.out, self.values
        present = [m for m in nest.members if m in values or m in out]
        secret = [m for m in present if m in out]
        if not secret or any(m in self.stuck for m in secret):
            return False
        if len(secret) == 1:
            return True
        if nest.total in out or nest.total not in values:
            return False
        return _sensitive(secret, self.evidence, values)

    def changed(self, cells: Iterable[Key]) -> None:
        """These cells were just hidden or given up as stuck."""
        cells = list(cells)
        touched = sorted({i for c in cells for i in self.of_cell.get(c, ())})
        for i in touched:
            if self._exposed(self.nests[i]):
                self.exposed.add(i)
            else:
                self.exposed.discard(i)
        for cell in cells:
            if cell in self.out and cell not in self.unknowns.added:
                self.unknowns.add(cell, self._column(cell))

    def first_exposed(self) -> Nest | None:
        """The first exposed nest, None when there is none."""
        return self.nests[min(self.exposed)] if self.exposed else None

    def derivable(self) -> set[Key]:
        """The hidden cells derivable now (`derivable` over every nest)."""
        return set(self.unknowns.coloops)


class _Coloops:
    """The derivable unknowns of the equations of every nest (`derivable`), kept up to date as
    unknowns are added one at a time, each with its column of coefficients (nest -> integer).

    An unknown is derivable iff its unit vector lies in the row space of the coefficient
    matrix, iff its column is not a combination of the other columns (it is a "coloop": every
    largest set of independent columns holds it). So when a column comes: if it is independent
    of the columns before, it is derivable and nothing else changes; if it is a combination of
    them, it is not, and neither is any derivable unknown that combination uses (a derivable
    unknown is used by every such combination or by none, so this does not depend on which).

    The columns are kept as a fully reduced basis (each vector non-zero at its own pivot nest,
    zero at every other vector's), in exact integer arithmetic, pivots chosen as in `_pinned`;
    each vector with the coefficients of the derivable unknowns in the combination it is (the
    others are never derivable again: they are left out). `_pinned`, the whole system solved
    again at every turn, gives the same cells (tests/test_disclosure_speed.py)."""

    def __init__(self) -> None:
        self.basis: dict[int, dict[int, int]] = {}  # pivot nest -> vector: nest -> coefficient
        self.made: dict[int, dict[Key, int]] = {}  # pivot nest -> derivable unknowns it uses
        self.holders: dict[int, set[int]] = {}  # non-pivot nest -> pivots of vectors holding it
        self.coloops: set[Key] = set()
        self.added: set[Key] = set()

    def add(self, unknown: Key, column: Mapping[int, int]) -> None:
        """One more unknown and its column."""
        self.added.add(unknown)
        self.coloops.add(unknown)  # until its column turns out to depend on the others
        vector = {k: v for k, v in column.items() if v}
        made: dict[Key, int] = {unknown: 1}  # vector = Σ made x columns (and of the others)
        for pivot in [k for k in vector if k in self.basis]:
            vector, made = self._reduced(vector, made, pivot)
        if not vector:  # Σ made x columns = 0: each unknown it uses follows from the others
            self.coloops.difference_update(made)
            self.coloops.discard(unknown)
            return
        holders = self.holders
        pivot = min(vector, key=lambda k: (abs(vector[k]) != 1, len(holders.get(k, ())), k))
        for other in holders.pop(pivot, set()):
            before = set(self.basis[other])
            self.basis[other], self.made[other] = _combined(
                self.basis[other], self.made[other], pivot, vector, made, self.coloops
            )
            after = set(self.basis[other])
            for k in before - after:
                if k != pivot:
                    holders[k].discard(other)
            for k in after - before:
                holders.setdefault(k, set()).add(other)
        self.basis[pivot], self.made[pivot] = vector, made
        for k in vector:
            if k != pivot:
                holders.setdefault(k, set()).add(pivot)

    def _reduced(
        self, vector: dict[int, int], made: dict[Key, int], pivot: int
    ) -> tuple[dict[int, int], dict[Key, int]]:
        """`vector` cleared at `pivot` by the basis vector of that pivot."""
        return _combined(vector, made, pivot, self.basis[pivot], self.made[pivot], self.coloops)


def _combined(
    vector: dict[int, int],
    made: dict[Key, int],
    pivot: int,
    other: Mapping[int, int],
    other_made: Mapping[Key, int],
    coloops: Collection[Key],
) -> tuple[dict[int, int], dict[Key, int]]:
    """a x vector - b x other, zero at `pivot` (a, b: other's and vector's entries there over
    their gcd), and the same of what they are made of, the unknowns no longer derivable left
    out; both divided by the gcd of their entries."""
    b, a = vector[pivot], other[pivot]
    common = math.gcd(a, b)
    a, b = a // common, b // common
    vector = _minus(vector, a, other, b)
    made = {k: v for k, v in _minus(made, a, other_made, b).items() if k in coloops}
    divisor = math.gcd(*vector.values(), *made.values())
    if divisor > 1:
        vector = {k: v // divisor for k, v in vector.items()}
        made = {k: v // divisor for k, v in made.items()}
    return vector, made


def _minus(row: Mapping[T, int], a: int, other: Mapping[T, int], b: int) -> dict[T, int]:
    """a x row - b x other, without its zeros."""
    out = {k: a * v for k, v in row.items()} if a != 1 else dict(row)
    for k, v in other.items():
        value = out.get(k, 0) - b * v
        if value:
            out[k] = value
        else:
            out.pop(k, None)
    return out


Evidence = tuple[
    Mapping[Key, Mapping[str, float]] | None,
    Mapping[Key, int] | None,
    Mapping[Key, int] | None,
    str,
]


def _sensitive(secret: Sequence[Key], evidence: Evidence, values: Mapping[Key, float]) -> bool:
    """True when the sum of the hidden parts `secret`, which the nest reveals, would itself be
    hidden by the primary rules: fewer than 3 organisations, one above 85 %, a small count.
    For a partner (`own`), its own share is taken out first: what is left must be the sum of
    two other organisations at least, none of them above 85 % of it."""
    contributions, organisations, small, own = evidence
    if small is not None and all(k in small for k in secret):
        total = sum(float(values.get(k, 0.0) or 0.0) for k in secret)
        if 0 < total < min(small[k] for k in secret):
            return True
    if contributions is not None and all(k in contributions for k in secret):
        merged: dict[str, float] = {}
        for k in secret:
            for org, amount in contributions[k].items():
                merged[org] = merged.get(org, 0.0) + float(amount)
        return bool(sensitive_sum(merged, own))
    if organisations is not None:
        at_least = max((int(organisations.get(k, 0)) for k in secret), default=0)
        return bool(hidden_reason(at_least, None))
    return False


def sensitive_sum(amounts: Mapping[str, float], own: str = "") -> str:
    """Why a sum of these organisations' amounts may not be revealed ('' when it may): the
    primary rules on it; to a partner (`own`), on what is left once its own share is out."""
    others = {o: a for o, a in amounts.items() if o != own and abs(a) > 1e-12}
    if own and not others:
        return ""  # its own values only: it knows them
    whole = sum(others.values())
    share = max(others.values()) / whole if others and whole > 0 else None
    return hidden_reason(len(others) + (1 if own else 0), share)


def _complement(
    nest: Nest, values: Mapping[int, float], out: Mapping[int, str], known: Collection[int]
) -> int | None:
    """The member of `nest` to hide next: its smallest shown non-zero part the viewer does not
    know, else a shown zero part, else its total (None when nothing is left to hide); among
    equals, the first by number (`protect`: the order of the keys' repr)."""
    free: list[int] = [p for p in nest.parts if p in values and p not in out and p not in known]

    def size(k: int) -> float:
        v = values.get(k)
        return abs(float(v)) if v is not None and not _nan(v) else 0.0

    nonzero = [p for p in free if size(p) > 0]
    if nonzero:
        return min(nonzero, key=lambda k: (size(k), k))
    if free:
        return min(free)
    total: int = nest.total
    if total in values and total not in out and total not in known:
        return total
    return None


def sum_reason(amounts: Mapping[str, float], role: str, own: str = "") -> str:
    """The primary reason a sum over organisations (`amounts`: what each adds to it) is hidden
    from `role` ('' when shown): an evaluator sees every sum; a partner (`own`) the sums of its
    own amounts only (it knows them); otherwise fewer than 3 organisations behind the sum, or
    one above 85 % of it, hide it (figures.hidden_reason), as for every other figure."""
    if role == "evaluator":
        return ""
    behind = {o: float(a) for o, a in amounts.items() if not _nan(a)}
    if role == "partner" and own and behind and set(behind) <= {own}:
        return ""
    if not behind:
        return ""
    return _rule({o: abs(a) for o, a in behind.items()})


def protect_sums(
    figures: Mapping[Key, Mapping[str, float]],
    nests: Sequence[Nest],
    role: str,
    *,
    own: str = "",
    values: Mapping[Key, float] | None = None,
) -> dict[Key, str]:
    """Why each sum over organisations is hidden from `role` (only hidden ones listed), for the
    figures that are not progress figures (synchronisation rates, consistency, the reach of
    organisations in an overlap): the primary rule of each sum (`sum_reason`), then the same
    complementary suppression as every other figure (`protect`) over `nests`, which must hold
    among published figures only.

    `figures`: every figure the viewer is given, keyed, with what each organisation adds to
    it; `values`: what is compared to choose a complement (by default the sums themselves);
    `own`: a partner's organisation, whose figures of its own amounts it knows."""
    if role == "evaluator":
        return {}
    sums = {k: float(sum(float(a) for a in v.values() if not _nan(a))) for k, v in figures.items()}
    reasons = {k: sum_reason(v, role, own) for k, v in figures.items()}
    known = {
        k
        for k, v in figures.items()
        if role == "partner" and own and v and set(v) <= {own} and not reasons[k]
    }
    return protect(
        dict(values) if values is not None else sums,
        nests,
        reasons,
        known=known,
        contributions={k: {o: float(a) for o, a in v.items()} for k, v in figures.items()},
        own=own if role == "partner" else "",
    )


def _rule(amounts: Mapping[str, float]) -> str:
    whole = sum(amounts.values())
    share = max(amounts.values()) / whole if amounts and whole > 0 else None
    return hidden_reason(len(amounts), share)


def _nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


# -- the rules applied to progress figures -----------------------------------------------------


def key_of(row: Mapping[Any, Any]) -> tuple[str, str, str, str]:
    """A figure's coordinates: indicator, scope, period, disaggregation."""
    return (
        str(row["indicator"]),
        str(row["scope"]),
        str(row["period"]),
        str(row["disaggregation"]),
    )


def keys_of(frame: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """`key_of` of every row of `frame`, without making a dict of each row."""
    columns = [frame[c].astype(str).tolist() for c in ("indicator", "scope", "period")]
    columns.append(frame["disaggregation"].astype(str).tolist())
    return list(zip(*columns, strict=True))


def primary(
    frame: pd.DataFrame,
    role: str,
    *,
    own_only: Sequence[bool] | None = None,
    person: Sequence[bool] | None = None,
    threshold: int = 11,
) -> list[str]:
    """Each figure's primary reason to be hidden from `role` ('' when shown).

    `frame` has organisations, largest_share, backbone_only and value per figure; `own_only`
    flags a partner's figures made only of its own values; `person` flags counts of young
    people (small counts are hidden from funders)."""
    n = len(frame)
    if role == "evaluator":
        return [""] * n
    own = list(own_only) if own_only is not None else [False] * n
    people = list(person) if person is not None else [False] * n
    reasons = []
    for i, (count, share, backbone, value) in enumerate(
        zip(
            frame["organisations"],
            frame["largest_share"],
            frame["backbone_only"],
            pd.to_numeric(frame["value"], errors="coerce"),
            strict=True,
        )
    ):
        if role == "partner" and (own[i] or bool(backbone)):
            reasons.append("")
            continue
        why = hidden_reason(int(count), None if _nan(share) or share is None else float(share))
        if not why and role == "funder" and people[i] and not _nan(value) and 0 < value < threshold:
            why = "small-count"
        reasons.append(why)
    return reasons


def nests_of(
    frame: pd.DataFrame,
    *,
    parent_place: Mapping[str, str],
    parent_period: Mapping[str, str],
    time_rules: Mapping[str, str],
) -> list[Nest]:
    """The nests among the figures of `frame` (progress figures: indicator, scope, scope_kind,
    period, disaggregation, rule, dedup): space, time and breakdowns, for the indicators whose
    figures add up (see the module's docstring). `parent_place` maps a school to its territory,
    `parent_period` a term to its school year; `time_rules` an indicator to its rule over time."""
    nests: list[Nest] = []
    rows = frame[["indicator", "scope", "scope_kind", "period", "disaggregation", "rule", "dedup"]]
    for indicator, group in rows.groupby("indicator", sort=True):
        rule = str(group["rule"].iloc[0])
        dedup = str(group["dedup"].iloc[0])
        if rule not in LINEAR_SPACE and dedup not in DEDUPLICATING:
            continue
        code = str(indicator)
        keys = {
            (code, str(s), str(p), str(d))
            for s, p, d in zip(
                group["scope"], group["period"], group["disaggregation"], strict=True
            )
        }
        kinds = dict(zip(group["scope"].astype(str), group["scope_kind"].astype(str), strict=False))
        nests += _space_nests(code, keys, kinds, parent_place)
        time_rule = time_rules.get(code, "")
        if time_rule == "sum" or (time_rule == "ratio" and rule == "ratio"):
            nests += _time_nests(code, keys, parent_period)
        nests += _breakdown_nests(code, keys)
    return nests


def _space_nests(
    code: str,
    keys: set[tuple[str, str, str, str]],
    kinds: Mapping[str, str],
    parent_place: Mapping[str, str],
) -> list[Nest]:
    children: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {}
    for key in keys:
        _, scope, period, breakdown = key
        kind = kinds.get(scope, "")
        if kind == "territory":
            children.setdefault(("*", period, breakdown), []).append(key)
        elif kind == "school" and parent_place.get(scope):
            children.setdefault((parent_place[scope], period, breakdown), []).append(key)
    return [
        Nest((code, scope, period, breakdown), tuple(sorted(parts)), "space")
        for (scope, period, breakdown), parts in sorted(children.items())
        if (code, scope, period, breakdown) in keys
    ]


def _time_nests(
    code: str, keys: set[tuple[str, str, str, str]], parent_period: Mapping[str, str]
) -> list[Nest]:
    children: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {}
    for key in keys:
        _, scope, period, breakdown = key
        if parent_period.get(period):
            children.setdefault((scope, parent_period[period], breakdown), []).append(key)
    return [
        Nest((code, scope, year, breakdown), tuple(sorted(parts)), "time")
        for (scope, year, breakdown), parts in sorted(children.items())
        if (code, scope, year, breakdown) in keys
    ]


def _breakdown_nests(code: str, keys: set[tuple[str, str, str, str]]) -> list[Nest]:
    """total = Σ categories of one dimension; 'a=x;b=y' cells nest in 'a=x' over b, and in
    'b=y' over a."""
    children: dict[tuple[str, str, str, str], list[tuple[str, str, str, str]]] = {}
    for key in keys:
        _, scope, period, breakdown = key
        if not breakdown:
            continue
        pairs = breakdown.split(";")
        for i, pair in enumerate(pairs):
            dimension = pair.split("=", 1)[0]
            rest = ";".join(pairs[:i] + pairs[i + 1 :])
            children.setdefault((scope, period, rest, dimension), []).append(key)
    return [
        Nest((code, scope, period, rest), tuple(sorted(parts)), "breakdown")
        for (scope, period, rest, _dimension), parts in sorted(children.items())
        if (code, scope, period, rest) in keys
    ]


def with_remainders(
    nests: Sequence[Nest],
    contributions: Mapping[Key, Mapping[str, float]] | None,
    own: str = "",
) -> tuple[list[Nest], dict[Key, tuple[float, str, dict[str, float]]]]:
    """The nests made exact: where a total holds more than its published parts (a value
    reported for a territory itself rather than for one of its schools, for a whole year
    rather than by term, for a total without its breakdown), that unpublished remainder is
    one more part of the nest, a figure the viewer never sees. It is returned with its value,
    why it must stay secret (hidden_reason of the organisations behind it, '' when it may
    be known without harm, as a published figure would) and what each organisation adds to it.

    Without `contributions` the nests are returned as they are (a remainder is then treated
    as if it were nil: more is hidden, never less)."""
    if contributions is None:
        return list(nests), {}
    exact: list[Nest] = []
    rests: dict[Key, tuple[float, str, dict[str, float]]] = {}
    for nest in nests:
        residual = dict(contributions.get(nest.total, {}))
        for part in nest.parts:
            for org, amount in contributions.get(part, {}).items():
                residual[org] = residual.get(org, 0.0) - float(amount)
        left = {o: a for o, a in residual.items() if abs(a) > 1e-9}
        if not left:
            exact.append(nest)
            continue
        rest = ("remainder", nest.kind, nest.total, nest.parts)
        why = sensitive_sum(left, own) if own else _rule(left)
        rests[rest] = (sum(left.values()), why, left)
        exact.append(Nest(nest.total, (*nest.parts, rest), nest.kind))
    return exact, rests
