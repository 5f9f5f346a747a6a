"""The worker process that parses untrusted files, one task at a time, under memory and CPU limits.

Run as `python -m indicators.ingest.worker MEMORY_BYTES` by `reader.py`, which keeps it for the
next file. It reads tasks on standard input and writes answers on standard output, each a
pickle preceded by its length (8 bytes, big-endian); both ends are our own code, never the
file. A task is (TASK, ARGS, CPU_SECONDS) where TASK is `read PATH FORMAT` (answer: the
Workbook) or `annotate PATH FORMAT PROBLEMS OUT` (answer: the path written). An answer is
(("ok", result) or ("refused", code, reason), healthy, resident_mb): a worker that is not
healthy (out of memory, too deep a structure) is not given another file.

The memory limit holds for the worker's whole life; the CPU limit is set again before each
task, to the CPU time used so far plus the task's allowance. A crash of the parser (a Rust
panic aborts the process), a limit reached or a task that takes too long ends this process:
the parent refuses the file and starts another worker for the next one. Reading imports only
the standard library and python-calamine (`parse`); annotating imports openpyxl when asked.
The worker ends when its standard input closes (the parent let it go, or died).
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import pickle
import resource
import struct
import sys
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from indicators.ingest.parse import RefusedError, read

HEADER = struct.Struct(">Q")  # the length of the pickle that follows


def _status(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB (Linux); 0 if unknown."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    """This process's peak resident memory since the task began (Linux), 0 if unknown."""
    return _status("VmHWM")


def _reset_peak() -> None:
    """Start the peak resident memory again from the current one (Linux 4.0+), so that each
    task reports its own peak."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def run_task(task: str, args: list[str]) -> object:
    """The result of one task on an untrusted file."""
    path, fmt = Path(args[0]), args[1]
    if task == "read":
        return replace(read(path, fmt), reader_peak_mb=peak_mb())
    if task == "annotate":
        from indicators.ingest.annotate import annotate_file  # openpyxl: only when asked

        problems = pickle.loads(Path(args[2]).read_bytes())  # written by the parent process
        return str(annotate_file(path, fmt, problems, Path(args[3])))
    raise ValueError(task)


def _limit_cpu(seconds: int) -> None:
    """Allow `seconds` more CPU seconds from now: the soft limit (SIGXCPU ends the process)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = math.ceil(usage.ru_utime + usage.ru_stime)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def answer_task(task: str, args: list[str], seconds: int) -> tuple[tuple[object, ...], bool]:
    """One task's answer, and whether this worker may take another."""
    _limit_cpu(seconds)
    _reset_peak()
    gc.disable()  # a task building a million objects: no collection pauses
    try:
        return ("ok", run_task(task, args)), True
    except RefusedError as refused:
        return ("refused", refused.code, refused.reason), True
    except MemoryError:
        return ("refused", "reader-crashed", "mémoire dépassée / out of memory"), False
    except RecursionError:
        return ("refused", "reader-crashed", "structure trop profonde / too deeply nested"), False
    finally:
        gc.enable()


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def serve(memory: int, tasks: BinaryIO, answers: BinaryIO) -> None:
    """Answer tasks until `tasks` closes."""
    # The limit first, before any byte of any file is parsed.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    while True:
        header = _read_exactly(tasks, HEADER.size)
        if header is None:
            return
        body = _read_exactly(tasks, HEADER.unpack(header)[0])
        if body is None:
            return
        task, args, seconds = pickle.loads(body)  # written by reader.py, never by a file
        answer, healthy = answer_task(task, args, seconds)
        out = pickle.dumps((answer, healthy, _status("VmRSS")), protocol=pickle.HIGHEST_PROTOCOL)
        del answer
        answers.write(HEADER.pack(len(out)) + out)
        answers.flush()
        if not healthy:
            return
        del out
        gc.collect()  # while the parent works on the answer


def main(argv: list[str]) -> int:
    memory = int(argv[0])
    # The answers get standard output's pipe to themselves: anything a library prints goes to
    # standard error instead of corrupting them.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(memory, sys.stdin.buffer, answers)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
