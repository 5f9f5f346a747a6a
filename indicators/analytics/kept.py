"""Answers kept until the store's data change: pages ask the same analytics again and again
(Streamlit runs a page again on every click), and their SQL grows with the data.

`data_stamp` is what changes whenever a figure may change (values, reviews, publications, the
definition, any audited action but signing in and out and exports: `sql/queries/data_stamp.sql`,
a few milliseconds even at 10 M observations). `keep` wraps an analytics function whose first
argument is the store: its answer is kept per store, stamp and arguments, and a copy handed out,
so that callers may change it.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar

import pandas as pd

from indicators.store.database import Store

P = ParamSpec("P")
R = TypeVar("R")
KEPT = 128  # answers kept in all, the least recently used let go first
_ANSWERS: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_GUARD = threading.Lock()


def data_stamp(store: Store) -> dict[str, str]:
    """The store's data stamp, part by part (see the module)."""
    parts = store.query("data_stamp")
    return dict(zip(parts["part"].astype(str), parts["value"].astype(str), strict=True))


def _hashable(value: object) -> Hashable:
    """`value` as a key: lists and tuples as tuples, sets as frozen sets, dicts as items;
    TypeError when some part cannot be a key (a DataFrame, say)."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    hash(value)
    return value


def _copied(value: Any) -> Any:
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_copied(v) for v in value)
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    return copy.deepcopy(value)


def keep(function: Callable[P, R]) -> Callable[P, R]:
    """`function(store, ...)`, its answer kept until the store's data stamp moves."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        store = args[0] if args else kwargs.get("store")
        if not isinstance(store, Store):
            return function(*args, **kwargs)
        try:
            arguments = _hashable((args[1:], kwargs))
        except TypeError:  # an argument that cannot be a key: computed every time
            return function(*args, **kwargs)
        stamp = tuple(sorted(data_stamp(store).items()))
        key = (name, str(store.path.resolve()), stamp, arguments)
        with _GUARD:
            found = key in _ANSWERS
            if found:
                _ANSWERS.move_to_end(key)
                answer = _ANSWERS[key]
        if not found:
            answer = function(*args, **kwargs)
            with _GUARD:
                _ANSWERS[key] = answer
                while len(_ANSWERS) > KEPT:
                    _ANSWERS.popitem(last=False)
        result: R = _copied(answer)
        return result

    return wrapper


def forget() -> None:
    """Let go of every answer kept (tests, and a store replaced under the same path)."""
    with _GUARD:
        _ANSWERS.clear()
