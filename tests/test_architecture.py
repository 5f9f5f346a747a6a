"""The architecture as checked rules: the contracts of pyproject.toml (import-linter: layers,
the core never imports Streamlit, only the store opens connections, views do not query), shown
to fail when broken; each sub-package's public surface; pages stay thin and start with their
guard."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

DOMAIN = sorted((PROJECT / "indicators").rglob("*.py"))
PAGES = sorted((PROJECT / "pages").glob("*.py"))
SUBPACKAGES = sorted(p.parent.name for p in (PROJECT / "indicators").glob("*/__init__.py"))
LINT_IMPORTS = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())",
]


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def project_modules(path: Path) -> set[str]:
    """The modules of `indicators` a file imports, dotted ('indicators.ingest.pipeline')."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("indicators")
        ):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("indicators")}
    return {m for m in found if _is_module(m)}


def _is_module(dotted: str) -> bool:
    path = PROJECT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LINT_IMPORTS, "--no-cache"], cwd=folder, capture_output=True, text=True, check=False
    )


def test_the_import_contracts_are_kept() -> None:
    done = lint_imports(PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("ingest/values.py", "from indicators.analytics import figures", "Layers"),
        ("analytics/figures.py", "from indicators.ingest import pipeline", "Layers"),
        ("store/database.py", "from indicators.access import viewer", "Layers"),
        ("views/curves.py", "import duckdb", "Only the store opens connections"),
        ("views/curves.py", "from indicators.store import database", "Views draw but do not query"),
        ("analytics/theory.py", "import streamlit", "The core never imports Streamlit"),
        ("access/journal.py", "from indicators.store import connection", "connections are used"),
    ],
)
def test_a_broken_contract_fails(tmp_path: Path, module: str, line: str, contract: str) -> None:
    """The contracts are not decoration: one forbidden import makes lint-imports fail."""
    shutil.copytree(PROJECT / "indicators", tmp_path / "indicators")
    shutil.copy(PROJECT / "pyproject.toml", tmp_path)
    target = tmp_path / "indicators" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout
    broken = done.stdout.split("Broken contracts")[1]
    assert contract in broken, done.stdout


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_other_parts_use_only_a_sub_packages_public_modules(package: str) -> None:
    """Each sub-package names in `__all__` the modules the rest of the code may import; the
    others are its own business (tests may reach them, to test them alone)."""
    init = PROJECT / "indicators" / package / "__init__.py"
    public = set(
        ast.literal_eval(
            next(
                node.value
                for node in ast.parse(init.read_text(encoding="utf-8")).body
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__"
            )
        )
    )
    prefix = f"indicators.{package}."
    outside = [
        p
        for p in [*DOMAIN, *PAGES, *(PROJECT / n for n in ("app.py", "ui.py", "web.py"))]
        if f"indicators/{package}/" not in p.as_posix()
    ]
    reached = {
        (p.relative_to(PROJECT).as_posix(), m)
        for p in outside
        for m in project_modules(p)
        if m.startswith(prefix) and m.removeprefix(prefix).split(".")[0] not in public
    }
    assert not reached, sorted(reached)


def test_the_tree_has_no_flat_modules_left() -> None:
    """indicators/ holds sub-packages, the command line and the reports; nothing else."""
    flat = sorted(p.name for p in (PROJECT / "indicators").glob("*.py"))
    assert flat == ["__init__.py", "cli.py", "reports.py"]


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_domain_never_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in imported(path)


@pytest.mark.parametrize(
    "path",
    [*DOMAIN, *PAGES, *(PROJECT / name for name in ("app.py", "ui.py", "web.py", "serve.py"))],
    ids=lambda p: p.relative_to(PROJECT).as_posix(),
)
def test_only_the_store_talks_to_duckdb(path: Path) -> None:
    if path.parent.name == "store" and path.name in ("database.py", "connection.py"):
        return
    assert "duckdb" not in imported(path)


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
        assert "indicators." not in path.read_text(encoding="utf-8").replace(
            "indicators.common.i18n", ""
        )


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
