"""Settings of the Python process, called by the processes that run the app: the server
(serve.py), the command line (`mesure`) and the benchmark of the analytics
(scripts/bench_scale.py). The package never sets them on import: a program that imports it
keeps its own."""

from __future__ import annotations

import gc

# New container objects (dicts, lists, tuples...) allocated between two collections of the
# youngest generation; Python's default is 700.
YOUNG_OBJECTS = 10_000


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
