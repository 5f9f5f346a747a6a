"""The app server as the README starts it (`streamlit run serve.py`), for the tests and the
benchmarks that need a live one: launched on a free loopback port, then waited for until
Streamlit's health route answers.

Used by tests/test_browser.py, tests/test_lake_browser.py and scripts/bench_first_start.py.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


class ServerStartError(RuntimeError):
    """The server exited, or did not answer its health route in time."""


def free_port() -> int:
    """A TCP port of the loopback interface no one listens on (at the time of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch(env: Mapping[str, str], port: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start `streamlit run serve.py` headless on 127.0.0.1 with the environment `env`
    (complete: it replaces this process's); the process and its address."""
    port = free_port() if port is None else port
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(PROJECT / "serve.py"),
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
        ],
        cwd=PROJECT,
        env=dict(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, f"http://127.0.0.1:{port}"


def wait_healthy(
    process: subprocess.Popen[bytes], url: str, within: float = 120, poll: float = 0.3
) -> float:
    """Wait until the server at `url` answers its health route; the seconds waited.

    Raises ServerStartError when the process exits first or `within` seconds pass (a loaded
    machine starts a server slowly: the default is generous)."""
    started = time.monotonic()
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return time.monotonic() - started
        except OSError:
            if process.poll() is not None:
                raise ServerStartError(
                    f"the Streamlit server exited with code {process.returncode}"
                ) from None
            if time.monotonic() - started > within:
                raise ServerStartError(
                    f"the Streamlit server did not answer within {within:.0f} s"
                ) from None
            time.sleep(poll)


def stop(process: subprocess.Popen[bytes], within: float = 30) -> None:
    """Terminate the server and wait for it (killed if it does not stop in time)."""
    process.terminate()
    try:
        process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=within)
