"""The worker process that parses one untrusted file, under memory and CPU limits.

Run as `python -m indicators.ingest.worker TASK MEMORY_BYTES CPU_SECONDS ARGS...` where TASK is
`read PATH FORMAT` (answer: the Workbook) or `annotate PATH FORMAT PROBLEMS OUT` (answer: the
path written). It writes one pickled answer on standard output: ("ok", result) or
("refused", code, reason). A crash of the parser (a Rust panic aborts the process) is seen by
the parent as a signal, never here. Reading imports only the standard library and
python-calamine (`parse`); annotating imports openpyxl when it is asked for.
"""

from __future__ import annotations

import gc
import pickle
import resource
import sys
from dataclasses import replace
from pathlib import Path

from indicators.ingest.parse import RefusedError, read


def peak_mb() -> float:
    """This process's peak resident memory (Linux), 0 where it cannot be told."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


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


def main(argv: list[str]) -> int:
    task, memory, seconds = argv[0], int(argv[1]), int(argv[2])
    gc.disable()  # a short-lived process building a million objects: no collection pauses
    # Limits first, before any byte of the file is parsed.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    try:
        answer: tuple[object, ...] = ("ok", run_task(task, argv[3:]))
    except RefusedError as refused:
        answer = ("refused", refused.code, refused.reason)
    except MemoryError:
        answer = ("refused", "reader-crashed", "mémoire dépassée / out of memory")
    except RecursionError:
        answer = ("refused", "reader-crashed", "structure trop profonde / too deeply nested")
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
