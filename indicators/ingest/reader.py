"""Read an untrusted workbook: checks first, then parsing in a worker process with limits.

A parser crash (python-calamine aborts the whole process on some malformed sheets), a
runaway allocation or an endless loop ends the worker, never the app: each becomes a
refusal with a clear reason, and the next file gets a new worker.

Workers are kept between files (starting Python and its imports costs far more than reading
a partner's workbook): a process keeps up to `IDLE_WORKERS` idle workers per memory limit,
each serving one file at a time. A worker is let go after a crash, a limit reached, a task
past its time, `TASKS_PER_WORKER` files or once it holds more than `RETIRE_MB` of memory.
"""

from __future__ import annotations

import atexit
import math
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from indicators.common.problems import FileProblem, UnreadableFileError
from indicators.ingest.intake import Limits, inspect_file
from indicators.ingest.workbook import Workbook

IDLE_WORKERS = 4  # idle workers kept per memory limit
TASKS_PER_WORKER = 500
RETIRE_MB = 512.0  # a worker holding more resident memory after a task is let go
HEADER = struct.Struct(">Q")  # the length of a pickle that follows (worker.HEADER)


class _GoneError(Exception):
    """The worker ended before answering (crash, signal, limit)."""


class _LateError(Exception):
    """The worker did not answer in time."""


@dataclass
class _Worker:
    """One worker process, serving one task at a time."""

    memory: int
    process: subprocess.Popen[bytes] = field(init=False)
    errors: IO[bytes] = field(init=False)
    tasks: int = 0

    def __post_init__(self) -> None:
        # Standard error goes to a file: read only after a crash, it never fills a pipe.
        self.errors = tempfile.NamedTemporaryFile(prefix="mesure-worker-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "indicators.ingest.worker", str(self.memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(
        self, task: str, args: list[str], seconds: float
    ) -> tuple[tuple[object, ...], bool, float]:
        """Send one task; its answer, whether the worker may serve again and its memory (MB).

        Raises _GoneError when the worker ended, _LateError when `seconds` passed without an answer."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.tasks += 1
        body = pickle.dumps((task, args, math.ceil(seconds)), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.process.stdin.write(HEADER.pack(len(body)) + body)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _GoneError from None
        deadline = time.monotonic() + seconds
        out = self.process.stdout.fileno()
        header = _receive(out, HEADER.size, deadline)
        answer: tuple[tuple[object, ...], bool, float] = pickle.loads(  # our worker wrote it
            _receive(out, HEADER.unpack(header)[0], deadline)
        )
        return answer

    def reason(self) -> str:
        """Why the worker ended: the signal that stopped it, else the last line it wrote."""
        code = self.process.wait()
        if code < 0:
            return signal.Signals(-code).name
        self.errors.seek(0)
        lines = self.errors.read().decode(errors="replace").strip().splitlines()
        return lines[-1][:200] if lines else f"code {code}"

    def stop(self) -> None:
        """End the worker (at once) and forget its files."""
        if self.alive():
            self.process.kill()
        self.process.wait()
        self.close_files()

    def let_go(self) -> None:
        """Ask the worker to end once idle: its input closes, and it ends by itself."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.close_files()

    def close_files(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None and not stream.closed:
                stream.close()
        self.errors.close()


def _receive(fd: int, size: int, deadline: float) -> bytes:
    """Exactly `size` bytes from the pipe `fd` before `deadline`; _GoneError on end of file."""
    chunks: list[bytes] = []
    left = size
    while left:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _LateError
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            raise _LateError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise _GoneError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


@dataclass
class _Pool:
    """This process's idle workers, by memory limit."""

    pid: int = field(default_factory=os.getpid)
    guard: threading.Lock = field(default_factory=threading.Lock)
    idle: dict[int, list[_Worker]] = field(default_factory=dict)

    def take(self, memory: int) -> _Worker:
        with self.guard:
            waiting = self.idle.setdefault(memory, [])
            while waiting:
                worker = waiting.pop()
                if worker.alive():
                    return worker
                worker.stop()
        return _Worker(memory)

    def give_back(self, worker: _Worker) -> None:
        with self.guard:
            waiting = self.idle.setdefault(worker.memory, [])
            if len(waiting) < IDLE_WORKERS:
                waiting.append(worker)
                return
        worker.let_go()

    def close(self) -> None:
        with self.guard:
            workers = [w for waiting in self.idle.values() for w in waiting]
            self.idle.clear()
        for worker in workers:
            worker.let_go()


_pool = _Pool()


def _current() -> _Pool:
    """The pool of this process (a forked child starts with an empty one)."""
    global _pool
    if _pool.pid != os.getpid():
        _pool = _Pool()
    return _pool


def idle_workers() -> list[int]:
    """The process ids of this process's idle workers (for tests and diagnostics)."""
    pool = _current()
    with pool.guard:
        return sorted(w.process.pid for waiting in pool.idle.values() for w in waiting)


@atexit.register
def close_workers() -> None:
    """Let every idle worker of this process go (also at exit)."""
    _current().close()


def run_worker(task: str, args: list[str], name: str, limits: Limits) -> object:
    """Run one task of `worker` under the limits; its result, or UnreadableFileError."""

    def refuse(code: str, **details: object) -> UnreadableFileError:
        return UnreadableFileError(FileProblem(code, name, details))

    pool = _current()
    worker = pool.take(limits.worker_memory)
    try:
        answer, healthy, resident_mb = worker.ask(task, args, limits.worker_seconds)
    except _LateError:
        worker.stop()
        raise refuse("reader-timeout", seconds=f"{limits.worker_seconds:g}") from None
    except _GoneError:
        reason = worker.reason()
        worker.stop()
        raise refuse("reader-crashed", reason=reason) from None
    if healthy and worker.tasks < TASKS_PER_WORKER and resident_mb <= RETIRE_MB:
        pool.give_back(worker)
    else:
        worker.let_go()
    if answer[0] == "refused":
        raise refuse(str(answer[1]), reason=answer[2])
    return answer[1]


def read_workbook(path: Path, name: str | None = None, limits: Limits | None = None) -> Workbook:
    """The visible sheets of the file at `path` (uploaded as `name`); UnreadableFileError if not."""
    limits = limits or Limits()
    name = name or path.name
    intake = inspect_file(path, name, limits)
    workbook = run_worker("read", [str(path), intake.format], name, limits)
    assert isinstance(workbook, Workbook)
    return replace(workbook, notes=workbook.notes + intake.notes)


def read_ahead(
    files: Iterable[tuple[Path, str]],
    limits: Limits | None = None,
    workers: int = 0,
    ahead: int = 0,
    before: Callable[[int], None] | None = None,
) -> Iterator[Workbook | UnreadableFileError]:
    """Each (path, name)'s workbook or refusal, in order, read by up to `workers` workers at
    once (default: one per core), up to `ahead` files (default: `workers`) ahead of the
    caller, who works on the previous ones meanwhile. `before(i)` is called by the reading
    thread before the i-th file is read (to wait until it is written, say)."""
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    ahead = max(ahead, workers)

    def read(index: int, path: Path, name: str) -> Workbook | UnreadableFileError:
        if before is not None:
            before(index)
        try:
            return read_workbook(path, name, limits)
        except UnreadableFileError as refused:
            return refused

    pending: deque[Future[Workbook | UnreadableFileError]] = deque()
    items = iter(files)
    with ThreadPoolExecutor(workers, thread_name_prefix="mesure-read") as executor:
        try:
            for index, (path, name) in enumerate(items):
                pending.append(executor.submit(read, index, path, name))
                if len(pending) > ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
