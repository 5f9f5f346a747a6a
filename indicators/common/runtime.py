"""Settings of the Python process, made by `set_up` in the processes that run the app's work:
the server (serve.py), the command line (`mesure`) and the benchmarks (scripts/bench_scale.py,
scripts/bench_ingest.py). The package never sets them on import: a program that imports it
keeps its own."""

from __future__ import annotations

import gc
import os

import numpy as np

# New container objects (dicts, lists, tuples...) allocated between two collections of the
# youngest generation; Python's default is 700.
YOUNG_OBJECTS = 10_000

# numpy's own switch for the advice below; when it is set, its value is kept.
HUGEPAGE_VARIABLE = "NUMPY_MADVISE_HUGEPAGE"


def set_up() -> None:
    """Every setting of this module."""
    collect_less()
    small_pages()


def collect_less() -> None:
    """Have Python's cyclic garbage collector run less often (never more often than it would).

    Protecting a partner's figures makes millions of small dicts and tuples that live for one
    indicator's turn. At Python's default thresholds many of them outlive a young collection,
    and every few hundred thousand of those a full collection goes through every object of the
    process again: 46 full collections during a partner's first figures at 1 M observations,
    none of which found garbage. With 10,000: 28.4 s -> 23.3 s (BENCHMARKS.md). Cyclic
    garbage then waits for at most that many new objects."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_OBJECTS), middle, old)


def small_pages() -> None:
    """Have numpy stop asking Linux for huge pages for its large arrays, unless the operator
    said otherwise (`NUMPY_MADVISE_HUGEPAGE`).

    numpy advises huge pages (`madvise`) for every array of 4 MB or more. Where the kernel's
    transparent huge pages are on "madvise" with defragmentation on "madvise" (as on the
    machine of BENCHMARKS.md), the first touch of such an array may make the kernel compact
    memory to find a free 2 MB page, in the process's own time. The ingest's arrays of a large upload live for
    milliseconds: finding, mapping and checking 818,181 values spent 0.18 to 0.28 s in the
    kernel with the advice and 0.04 to 0.10 s without it (BENCHMARKS.md)."""
    if HUGEPAGE_VARIABLE in os.environ:
        return
    np._core.multiarray._set_madvise_hugepage(False)  # type: ignore[attr-defined]


def huge_pages_advised() -> bool:
    """Whether numpy advises huge pages for its large arrays in this process."""
    return bool(np._core.multiarray._get_madvise_hugepage())  # type: ignore[attr-defined]
