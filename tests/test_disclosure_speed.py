"""`disclosure.derivable` by exact sparse elimination, against the dense SVD rank test it
replaced (kept here as the reference), on random small systems of nests; and its speed on a
large one."""

from __future__ import annotations

import random
import time
from collections.abc import Collection, Iterable, Sequence

import numpy as np
import pytest

from indicators.access.disclosure import Key, Nest, _Coloops, _components, derivable, equations

TOLERANCE = 1e-9


def reference(nests: Iterable[Nest], hidden: Collection[Key]) -> set[Key]:
    """The rank test before: a dense SVD per group of equations sharing unknowns."""
    found: set[Key] = set()
    for rows in _components(equations(nests, hidden)):
        unknowns = sorted({k for row in rows for k in row}, key=repr)
        index = {k: i for i, k in enumerate(unknowns)}
        matrix = np.zeros((len(rows), len(unknowns)))
        for r, row in enumerate(rows):
            for k, v in row.items():
                matrix[r, index[k]] = v
        found |= _in_row_space(matrix, unknowns)
    return found


def _in_row_space(matrix: np.ndarray, unknowns: Sequence[Key]) -> set[Key]:
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > TOLERANCE * max(1.0, float(singular.max(initial=0.0)))).sum())
    null = vt[rank:]
    if null.size == 0:
        return set(unknowns)
    free = np.abs(null).max(axis=0) > 1e-7
    return {k for k, f in zip(unknowns, free, strict=True) if not f}


def random_system(rng: random.Random) -> tuple[list[Nest], set[Key]]:
    """Random nests over a few cells (some sharing members, some cells in several nests, a
    cell now and then both total and part), and a random set of hidden cells."""
    cells = [f"c{i}" for i in range(rng.randint(2, 14))]
    nests = []
    for _ in range(rng.randint(1, 9)):
        total = rng.choice(cells)
        parts = tuple(rng.sample(cells, rng.randint(1, min(5, len(cells)))))
        nests.append(Nest(total, parts, rng.choice(("space", "time", "breakdown"))))
    hidden = {c for c in cells if rng.random() < rng.choice((0.2, 0.5, 0.8))}
    return nests, hidden


@pytest.mark.parametrize("seed", range(40))
def test_the_sparse_elimination_finds_what_the_svd_found(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        nests, hidden = random_system(rng)
        assert derivable(nests, hidden) == reference(nests, hidden), (nests, hidden)


def test_nested_tables_like_the_figures(seed: int = 7) -> None:
    """Territories = Σ schools, initiative = Σ territories, years = Σ terms, totals = Σ sexes:
    the shapes `nests_of` makes, with a quarter of the cells hidden."""
    rng = random.Random(seed)
    for _ in range(20):
        nests = []
        schools = {t: [f"s{t}.{s}" for s in range(rng.randint(1, 5))] for t in range(4)}
        for when in ("y", "t1", "t2", "t3"):
            for sex in ("", "F", "M"):
                nests.append(Nest(("*", when, sex), tuple((f"T{t}", when, sex) for t in schools)))
                for t, members in schools.items():
                    parts = tuple((s, when, sex) for s in members)
                    nests.append(Nest((f"T{t}", when, sex), parts))
        every = {m for n in nests for m in n.members}
        for place in every:
            if place[1] == "y":
                parts = tuple((place[0], t, place[2]) for t in ("t1", "t2", "t3"))
                nests.append(Nest(place, parts, "time"))
        for place in every:
            if place[2] == "":
                parts = tuple((place[0], place[1], x) for x in ("F", "M"))
                nests.append(Nest(place, parts, "breakdown"))
        hidden = {c for c in sorted(every) if rng.random() < 0.25}
        assert derivable(nests, hidden) == reference(nests, hidden)


def test_a_large_system_is_solved_fast() -> None:
    """One territory of 400 schools over 12 periods: the SVD took seconds, this takes little."""
    nests = []
    for when in range(12):
        parts = tuple((f"s{s}", when) for s in range(400))
        nests.append(Nest(("T", when), parts))
        nests += [
            Nest((f"s{s}", when), tuple((f"s{s}", when, x) for x in "FM")) for s in range(400)
        ]
    rng = random.Random(3)
    hidden = {m for m in sorted({m for n in nests for m in n.members}) if rng.random() < 0.3}
    started = time.perf_counter()
    found = derivable(nests, hidden)
    fast = time.perf_counter() - started
    started = time.perf_counter()
    assert found == reference(nests, hidden)
    slow = time.perf_counter() - started
    assert fast < 2.0
    print(f"sparse elimination {fast:.3f} s, SVD {slow:.3f} s")


@pytest.mark.parametrize("seed", range(4))
def test_derivable_cells_kept_up_to_date_as_cells_are_hidden_one_by_one(seed: int) -> None:
    """What `protect` asks at each turn (`_Coloops`: each newly hidden cell one more unknown,
    worked out alone) is what solving every equation again gives (`derivable`), after each
    cell hidden, on random systems."""
    rng = random.Random(seed)
    for _ in range(40):
        nests, _ = random_system(rng)
        cells = sorted({m for n in nests for m in n.members} | {"alone"})
        rng.shuffle(cells)
        kept = _Coloops()
        for n, cell in enumerate(cells, start=1):
            column = {}
            for i, nest in enumerate(nests):
                coefficient = (-1 if nest.total == cell else 0) + nest.parts.count(cell)
                if coefficient:
                    column[i] = coefficient
            kept.add(cell, column)
            assert kept.coloops == derivable(nests, cells[:n]), (nests, cells[:n])
