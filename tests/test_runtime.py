"""The process settings the app's server and the command line share (indicators/common/runtime.py),
checked in processes of their own: the test process keeps its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from indicators.common.runtime import YOUNG_OBJECTS

PROJECT = Path(__file__).resolve().parent.parent


def young_threshold(code: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", f"import gc\n{code}\nprint(gc.get_threshold()[0])"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.split()[-1])


def test_the_collector_runs_less_often_and_never_more_often() -> None:
    assert young_threshold("") < YOUNG_OBJECTS  # Python's own (700)
    collect = "from indicators.common.runtime import collect_less\n"
    assert young_threshold(collect + "collect_less()") == YOUNG_OBJECTS
    assert young_threshold(collect + "gc.set_threshold(50_000)\ncollect_less()") == 50_000


def test_the_command_line_runs_with_it() -> None:
    assert young_threshold("import contextlib\nfrom indicators import cli") < YOUNG_OBJECTS
    code = (
        "import contextlib, io\nfrom indicators import cli\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['--help'])"
    )
    assert young_threshold(code) == YOUNG_OBJECTS


def test_the_server_runs_with_it() -> None:
    code = "import web\nweb.set_up_process()"
    assert young_threshold(code) == YOUNG_OBJECTS
    calls = [
        ast.unparse(node.value)
        for node in ast.parse((PROJECT / "serve.py").read_text(encoding="utf-8")).body
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    ]
    assert calls[:2] == ["web.set_up_process()", "web.first_start()"]  # before any work
