"""The architecture as checked rules: the domain never imports Streamlit, only the store
module talks to DuckDB, pages stay thin and start with their guard."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from tests.conftest import PROJECT

DOMAIN = sorted((PROJECT / "indicators").rglob("*.py"))
PAGES = sorted((PROJECT / "pages").glob("*.py"))


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: p.name)
def test_domain_never_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in imported(path)


@pytest.mark.parametrize(
    "path",
    [*DOMAIN, *PAGES, *(PROJECT / name for name in ("app.py", "ui.py", "web.py", "serve.py"))],
    ids=lambda p: p.name,
)
def test_only_the_store_module_talks_to_duckdb(path: Path) -> None:
    if path.name in ("store.py", "connection.py"):  # connection.py: store.py's instances
        return
    assert "duckdb" not in imported(path)


def test_only_the_store_module_uses_the_connections() -> None:
    users = [p.name for p in DOMAIN if "connection" in _names(p)]
    assert users == ["store.py"]


def _names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "indicators"
        for alias in node.names
    } | {
        node.module.rsplit(".", 1)[-1]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("indicators.")
    }


def test_the_launchers_http_glue_leaves_the_streamlit_app_to_streamlit() -> None:
    """web.py (routes and middleware) stands in front of the app without importing Streamlit;
    serve.py only assembles them."""
    assert "streamlit" not in imported(PROJECT / "web.py")
    assert imported(PROJECT / "serve.py") == {"streamlit", "web"}


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_page_starts_with_its_guard(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    statements = [n for n in tree.body if not isinstance(n, ast.Import | ast.ImportFrom | ast.Expr)]
    first = ast.unparse(statements[0])
    assert first.startswith(("viewer, store, lang = ui.guard(", "lang = ui.language_switch()")), (
        first
    )
    if "guard" not in first:  # the sign-in page shows no data at all
        assert "indicators." not in path.read_text(encoding="utf-8").replace("indicators.i18n", "")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_do_not_query(path: Path) -> None:
    text = path.read_text(encoding="utf-8").lower()
    for call in ("select ", ".query(", ".execute(", ".audit("):
        assert call not in text, call  # pages read through indicators/, scoped by the viewer
    assert "Store(" not in path.read_text(encoding="utf-8")


def test_ci_runs_the_browser_tests() -> None:
    """On CI the browser tests must run, never skip: .ci/run installs chromium first."""
    if not os.environ.get("CI"):
        pytest.skip("only meaningful on CI (CI is not set)")
    assert Path("/usr/bin/chromium").exists()
