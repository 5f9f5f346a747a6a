"""The whole-column helpers of the ingest give what the plain loop they replace gives."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.definition.loading import load_definition
from indicators.ingest.layout import TOTAL_HINT, TOTAL_WORDS, text_of, texts_of, totals_among
from indicators.ingest.matching import Vocabulary, words
from indicators.ingest.pipeline import (
    distinct_count,
    duplicated_keys,
    factorised_texts,
    first_positions,
)
from indicators.ingest.workbook import factorise
from tests.conftest import PROJECT

CELLS = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "a", "Total", "1", "NC"]),
    st.text(max_size=6),
    st.integers(-3, 3),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 1, 3)),
)


def plain_factorise(rows: list[list[object]]) -> tuple[list[int], int, list[object]]:
    """The loop `factorise` replaced: codes by first appearance, keyed by type when a
    boolean is present (True == 1 == 1.0 in Python), short rows padded."""
    width = max((len(row) for row in rows), default=0)
    typed = any(type(v) is bool for row in rows for v in row)
    index: dict[object, int] = {
        (type(None), None) if typed else None: 0,
        (str, "") if typed else "": 1,
    }
    codes = []
    for row in rows:
        for value in row:
            key = (type(value), value) if typed else value
            codes.append(index.setdefault(key, len(index)))
        codes += [0] * (width - len(row))
    keys = list(index)[2:]
    return codes, width, [None, None, *(k[1] for k in keys)] if typed else [None, None, *keys]  # type: ignore[index]


def same(a: list[object], b: list[object]) -> bool:
    return len(a) == len(b) and all(
        (x is y)
        or (x == y and type(x) is type(y))
        or (isinstance(x, float) and math.isnan(x) and isinstance(y, float) and math.isnan(y))
        for x, y in zip(a, b, strict=True)
    )


@given(st.lists(st.lists(CELLS, max_size=5), max_size=6))
def test_factorise_gives_what_the_cell_by_cell_loop_gave(rows: list[list[object]]) -> None:
    codes, width, uniques = factorise(rows)
    expected_codes, expected_width, expected_uniques = plain_factorise(rows)
    assert (list(codes), width) == (expected_codes, expected_width)
    assert same(uniques, expected_uniques)
    for r, row in enumerate(rows):  # every cell reads back as written (nan: as a nan)
        for c, value in enumerate(row):
            back = uniques[codes[r * width + c]]
            assert (
                back is value
                or back == value
                or (value == "" and back is None)
                or (isinstance(value, float) and math.isnan(value))
            )


def test_factorise_keeps_a_rectangle_and_short_rows_alike() -> None:
    rows: list[list[object]] = [["a", 1.0], [1, "a"]]
    assert factorise(rows) == (factorise(rows)[0], 2, [None, None, "a", 1.0])
    assert list(factorise([["a"], ["a", "b"], []])[0]) == [2, 0, 2, 3, 0, 0]


@given(st.lists(CELLS, max_size=30))
def test_texts_of_is_text_of_of_each(values: list[object]) -> None:
    assert texts_of(values) == [text_of(v) for v in values]


def is_total(text: str) -> bool:
    return bool(TOTAL_HINT.search(text)) and bool(set(words(text)) & TOTAL_WORDS)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "Total",
                    "Sous-total",
                    "TOTAL GÉNÉRAL",
                    "Ensemble",
                    "sous",
                    "totalement",
                    "Tous\nles",
                    "x\ntotal",
                ]
            ),
            st.text(alphabet="aost lTu\n-é", max_size=12),
        ),
        max_size=20,
    )
)
def test_totals_among_finds_each_text_naming_a_total(texts: list[str]) -> None:
    assert totals_among(texts).tolist() == [is_total(t) for t in texts]


def test_totals_among_of_nothing_and_of_many_school_names() -> None:
    assert totals_among([]).tolist() == []
    names = [f"Collège {n}" for n in range(5000)] + ["Total collèges", "Sous-total"]
    assert np.flatnonzero(totals_among(names)).tolist() == [5000, 5001]


KEYS = st.lists(st.tuples(st.integers(-2, 3), st.integers(0, 2), st.integers(-1, 1)), max_size=40)


@given(KEYS)
def test_duplicated_keys_is_pandas_duplicated(rows: list[tuple[int, int, int]]) -> None:
    columns = [np.array([r[k] for r in rows], dtype=np.int64) for k in range(3)]
    expected: list[bool] = (
        pd.DataFrame(dict(enumerate(columns))).duplicated().tolist() if rows else []
    )
    assert duplicated_keys(columns).tolist() == list(expected)


def test_duplicated_keys_too_many_combinations_for_one_integer() -> None:
    big = np.array([0, 1 << 40, 0, 1 << 40], dtype=np.int64)
    columns = [big, big, np.array([5, 5, 5, 6], dtype=np.int64)]
    assert duplicated_keys(columns).tolist() == [False, False, True, False]
    assert duplicated_keys([]).tolist() == []


@given(st.lists(st.integers(0, 9), max_size=40))
def test_first_positions_and_distinct_count(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    _, first = np.unique(array, return_index=True)
    assert first_positions(array).tolist() == sorted(first.tolist())
    assert distinct_count(array + 1_000_000) == len(set(values))


@given(st.lists(st.integers(0, 5), max_size=30))
def test_factorised_texts_is_factorize_of_the_texts(codes: list[int]) -> None:
    uniques: list[object] = [None, None, 1.0, "1", " a ", "a", "b"]
    array = np.array(codes, dtype=np.int64)
    got_codes, got_texts = factorised_texts(array, uniques)
    expected_codes, expected_texts = pd.factorize(
        np.array([text_of(uniques[c]) for c in codes], dtype=object)
    )
    assert got_codes.tolist() == expected_codes.tolist()
    assert list(got_texts) == list(expected_texts)


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_definition(load_definition(PROJECT / "data"))


@settings(max_examples=30)
@given(
    st.lists(
        st.sampled_from(
            ["0950243Y", " Collège des Tilleuls ", "clg des tilleuls", "Tilleul", "inconnu", ""]
        ),
        max_size=8,
    )
)
def test_match_all_is_match_of_each_label(vocabulary: Vocabulary, labels: list[str]) -> None:
    assert vocabulary.match_all("place", labels) == [vocabulary.match("place", t) for t in labels]
