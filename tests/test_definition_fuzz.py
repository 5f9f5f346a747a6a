"""Whatever a person types into a definition file, reading it returns problems, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.definition import read_definition
from tests.conftest import copy_definition

cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


def _read_with(name: str, old: str, new: str) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_definition(Path(tmp) / "d")
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        _, problems = read_definition(folder)
        return [p.message("fr") for p in problems] + [p.message("en") for p in problems]


@settings(max_examples=40, deadline=None)
@given(cells)
def test_any_csv_cell(value: str) -> None:
    quoted = '"' + value.replace('"', '""') + '"'
    _read_with("targets.csv", "target,300,", f"target,{quoted},")
    _read_with("places.csv", ",120,", f",{quoted},")
    _read_with("periods.csv", "2024-12-31", quoted)


@settings(max_examples=40, deadline=None)
@given(cells)
def test_any_yaml_scalar(value: str) -> None:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    _read_with("indicators.yaml", "version: 1", f'version: "{escaped}"')
    _read_with(
        "indicators.yaml", "range: {min: 0, max: 500}", f'range: {{min: 0, max: "{escaped}"}}'
    )
    _read_with("theory_of_change.yaml", "level: output", f'level: "{escaped}"')


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=200))
def test_any_yaml_document(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_definition(Path(tmp) / "d")
        (folder / "indicators.yaml").write_text(text, encoding="utf-8", errors="replace")
        definition, problems = read_definition(folder)
        for problem in problems:  # every problem renders, whatever the details hold
            assert problem.message("fr") and problem.message("en") and problem.hint("fr")
        if definition is None or not definition.indicators:
            assert problems
