"""The process settings the app's server and the command line share (indicators/common/runtime.py),
checked in processes of their own: the test process keeps its own."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from indicators.common.runtime import HUGEPAGE_VARIABLE, YOUNG_OBJECTS

PROJECT = Path(__file__).resolve().parent.parent


def settings(code: str, **environment: str) -> tuple[int, bool]:
    """The young collections' threshold, and whether numpy advises huge pages, in a new
    process after `code`."""
    show = (
        "from indicators.common.runtime import huge_pages_advised\n"
        "print(gc.get_threshold()[0], huge_pages_advised())"
    )
    done = subprocess.run(
        [sys.executable, "-c", f"import gc\n{code}\n{show}"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={k: v for k, v in os.environ.items() if k != HUGEPAGE_VARIABLE} | environment,
    )
    young, advised = done.stdout.split()[-2:]
    return int(young), advised == "True"


def young_threshold(code: str) -> int:
    return settings(code)[0]


def test_the_collector_runs_less_often_and_never_more_often() -> None:
    assert young_threshold("") < YOUNG_OBJECTS  # Python's own (700)
    collect = "from indicators.common.runtime import collect_less\n"
    assert young_threshold(collect + "collect_less()") == YOUNG_OBJECTS
    assert young_threshold(collect + "gc.set_threshold(50_000)\ncollect_less()") == 50_000


def test_numpy_stops_advising_huge_pages_unless_the_operator_said() -> None:
    assert settings("")[1]  # numpy's own choice on Linux
    small = "from indicators.common.runtime import small_pages\nsmall_pages()"
    assert not settings(small)[1]
    assert settings(small, **{HUGEPAGE_VARIABLE: "1"})[1]  # the operator's choice is kept
    assert not settings("", **{HUGEPAGE_VARIABLE: "0"})[1]


def test_the_command_line_runs_with_them() -> None:
    imported = settings("import contextlib\nfrom indicators import cli")
    assert imported == settings("")  # importing it sets nothing
    code = (
        "import contextlib, io\nfrom indicators import cli\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['--help'])"
    )
    assert settings(code) == (YOUNG_OBJECTS, False)


def test_the_server_runs_with_them() -> None:
    code = "import web\nweb.set_up_process()"
    assert settings(code) == (YOUNG_OBJECTS, False)
    calls = [
        ast.unparse(node.value)
        for node in ast.parse((PROJECT / "serve.py").read_text(encoding="utf-8")).body
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    ]
    assert calls[:2] == ["web.set_up_process()", "web.first_start()"]  # before any work
