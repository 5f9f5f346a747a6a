"""Whatever a person types into a definition file, reading it returns problems, never a crash.

The builders of each kind of entry get arbitrary field values (text, numbers including
infinities and NaN, booleans, lists, mappings, nothing), as YAML and CSV can hand them over.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.common.problems import DefinitionProblem
from indicators.definition import loading as reader
from indicators.definition.loading import CSV_COLUMNS, Entry, read_definition
from tests.conftest import copy_definition

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["nan", "inf", "-Infinity", "1e400", "2024-13-45", "3,5", " 12 ", "0950001K"]),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=5), scalars, max_size=3),
)

INDICATOR_FIELDS = [
    "code",
    "version",
    "label_fr",
    "label_en",
    "definition_fr",
    "definition_en",
    "node",
    "type",
    "unit",
    "polarity",
    "aggregation",
    "deduplication",
    "frequency",
    "range",
    "source_fr",
    "source_en",
    "numerator_fr",
    "denominator_fr",
    "disaggregations",
    "aliases",
]
BUILDERS: dict[str, tuple[Callable[[Entry], Any], list[str]]] = {
    "indicator": (reader._indicator, INDICATOR_FIELDS),
    "node": (reader._node, ["code", "level", "label_fr", "label_en"]),
    "dimension": (reader._dimension, ["code", "label_fr", "label_en", "categories"]),
    "place": (reader._place, CSV_COLUMNS["places"]),
    "organisation": (reader._organisation, CSV_COLUMNS["organisations"]),
    "commitment": (reader._commitment, CSV_COLUMNS["commitments"]),
    "period": (reader._period, CSV_COLUMNS["periods"]),
    "target": (reader._target, CSV_COLUMNS["targets"]),
}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_field_values_give_problems_not_crashes(kind: str, data: st.DataObject) -> None:
    build, names = BUILDERS[kind]
    fields = {name: data.draw(values, label=name) for name in names}
    problems: list[DefinitionProblem] = []
    build(Entry("f.yaml", 3, fields, problems, "x"))
    for problem in problems:
        assert problem.message("fr") and problem.message("en") and problem.hint("en")


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=200))
def test_any_yaml_document(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_definition(Path(tmp) / "d")
        (folder / "indicators.yaml").write_text(text, encoding="utf-8", errors="replace")
        definition, problems = read_definition(folder)
        for problem in problems:
            assert problem.message("fr") and problem.message("en")
        if definition is None or not definition.indicators:
            assert problems


def test_infinite_and_nan_numbers_are_refused() -> None:
    problems: list[DefinitionProblem] = []
    entry = Entry("places.csv", 4, {"pupils_6e": "Infinity", "pupils_5e": "nan"}, problems, "x")
    assert entry.integer("pupils_6e") is None and entry.integer("pupils_5e") is None
    assert [p.code for p in problems] == ["not-a-number", "not-a-number"]
