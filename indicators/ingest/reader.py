"""Read an untrusted workbook: checks first, then parsing in a worker process with limits.

A parser crash (python-calamine aborts the whole process on some malformed sheets), a
runaway allocation or an endless loop ends the worker, never the app: each becomes a
refusal with a clear reason.
"""

from __future__ import annotations

import math
import pickle
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from indicators.common.problems import FileProblem, UnreadableFileError
from indicators.ingest.intake import Limits, inspect_file
from indicators.ingest.workbook import Workbook


def run_worker(task: str, args: list[str], name: str, limits: Limits) -> object:
    """Run one task of `worker` under the limits; its result, or UnreadableFileError."""
    command = [
        sys.executable,
        "-m",
        "indicators.ingest.worker",
        task,
        str(limits.worker_memory),
        str(math.ceil(limits.worker_seconds)),
        *args,
    ]

    def refuse(code: str, **details: object) -> UnreadableFileError:
        return UnreadableFileError(FileProblem(code, name, details))

    try:
        done = subprocess.run(
            command, capture_output=True, timeout=limits.worker_seconds, check=False
        )
    except subprocess.TimeoutExpired:
        raise refuse("reader-timeout", seconds=f"{limits.worker_seconds:g}") from None
    if done.returncode != 0 or not done.stdout:
        if done.returncode < 0:
            reason = signal.Signals(-done.returncode).name
        else:
            lines = done.stderr.decode(errors="replace").strip().splitlines()
            reason = lines[-1][:200] if lines else f"code {done.returncode}"
        raise refuse("reader-crashed", reason=reason)
    answer = pickle.loads(done.stdout)  # written by our own worker, never by the file
    if answer[0] == "refused":
        _, code, reason = answer
        raise refuse(code, reason=reason)
    return answer[1]


def read_workbook(path: Path, name: str | None = None, limits: Limits | None = None) -> Workbook:
    """The visible sheets of the file at `path` (uploaded as `name`); UnreadableFileError if not."""
    limits = limits or Limits()
    name = name or path.name
    intake = inspect_file(path, name, limits)
    workbook = run_worker("read", [str(path), intake.format], name, limits)
    assert isinstance(workbook, Workbook)
    return replace(workbook, notes=workbook.notes + intake.notes)
