"""Shared fixtures: the small valid definition, broken variants, and real stores in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indicators.access import Viewer
from indicators.setup import init_store
from indicators.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
BASE_DEFINITION = FIXTURES / "definition"
BROKEN = FIXTURES / "broken"
PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"


def copy_definition(target: Path, overlay: str | None = None) -> Path:
    """A copy of the valid fixture definition in `target`, with one broken case laid over it."""
    shutil.copytree(BASE_DEFINITION, target)
    if overlay:
        for path in (BROKEN / overlay).iterdir():
            shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def definition_dir(tmp_path: Path) -> Path:
    """A writable copy of the small valid definition."""
    return copy_definition(tmp_path / "definition")


@pytest.fixture
def store(tmp_path: Path, definition_dir: Path) -> Store:
    """A real DuckDB store in tmp_path, created and loaded from the small definition."""
    created, _ = init_store(tmp_path / "mesure.duckdb", definition_dir, actor="test")
    return created


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, definition_dir: Path) -> Path:
    """Point the app at a fresh store built from the small definition on first start.

    The store starts empty: the demo data a demo initiative gets on first start is switched
    off (`MESURE_DEMO_BUILD=0`), except in the test that turns it back on.
    """
    db = tmp_path / "app.duckdb"
    monkeypatch.setenv("MESURE_DB", str(db))
    monkeypatch.setenv("MESURE_DATA", str(definition_dir))
    monkeypatch.setenv("MESURE_DEMO_BUILD", "0")
    return db


# Viewers of each role for the tests of `indicators` functions (no login needed there).
EVALUATOR = Viewer("eva", "evaluator", "Éva Luation")
PARTNER_A = Viewer("valmont", "partner", "Transports Valmont", "ent-valmont")
PARTNER_B = Viewer("elan", "partner", "Association Élan", "asso-elan")
FUNDER = Viewer("horizon", "funder", "Fondation Horizon", "fin-fondation")
