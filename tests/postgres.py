"""A throwaway PostgreSQL server on loopback, for the DuckLake store's catalog.

Debian's binaries (`postgresql` package: /usr/lib/postgresql/<version>/bin) or any `initdb` on
the PATH. PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres`
user when there is one, else to `nobody`, and its folder is made outside pytest's private
temporary folders, which those users cannot enter.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port


def binaries() -> Path | None:
    """The folder of `initdb`, `pg_ctl`, `createdb` and `postgres` (Debian's newest, else the
    PATH's), None when PostgreSQL is not installed."""
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    found = [p.parent for p in reversed(debian)]
    on_path = shutil.which("initdb")
    if on_path:
        found.append(Path(on_path).parent)
    for folder in found:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "createdb")):
            return folder
    return None


def missing() -> str:
    """Why the PostgreSQL tests cannot run here, or '' when they can."""
    if binaries() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    return ""


def _owner() -> str | None:
    """The user that runs the server: None for ourselves, unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("no user other than root to run PostgreSQL")


@dataclass(frozen=True)
class Server:
    """A running PostgreSQL server: its port and superuser."""

    port: int
    user: str
    bin: Path

    def conninfo(self, dbname: str) -> str:
        return f"dbname={dbname} host=127.0.0.1 port={self.port} user={self.user}"

    def create_database(self, name: str) -> str:
        """Create database `name`; return its libpq connection string."""
        subprocess.run(
            [
                str(self.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.user,
                name,
            ],
            check=True,
            capture_output=True,
        )
        return self.conninfo(name)

    def lake(self, name: str, data: Path) -> str:
        """A new database `name` as the catalog of a DuckLake store with its data in `data`."""
        return f"ducklake:postgres:{self.create_database(name)};data={data}"

    def psql(self, dbname: str) -> list[str]:
        """The command line of `psql` on database `dbname`: unaligned rows, tab-separated."""
        return [
            str(self.bin / "psql"),
            "-X",
            "-q",
            "-A",
            "-t",
            "-F",
            "\t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            self.user,
            dbname,
        ]

    def query(self, dbname: str, sql: str) -> list[list[str]]:
        """The rows `sql` returns in database `dbname`, as text."""
        done = subprocess.run(
            [*self.psql(dbname), "-c", sql], check=True, capture_output=True, text=True
        )
        return [line.split("\t") for line in done.stdout.splitlines()]

    def waiting_on_locks(self, dbname: str) -> int:
        """Connections to `dbname` waiting for a lock (a DuckLake commit held up by `locked`)."""
        return int(
            self.query(
                dbname,
                "select count(*) from pg_stat_activity"
                " where datname = current_database() and wait_event_type = 'Lock'",
            )[0][0]
        )

    @contextmanager
    def locked(self, dbname: str, table: str) -> Iterator[None]:
        """`table` of `dbname` locked in EXCLUSIVE mode while the block runs: read by others
        but not written. Locking DuckLake's `ducklake_snapshot` holds every commit up at its
        end, its transaction open and its Parquet files written, until the block ends."""
        holder = subprocess.Popen(
            self.psql(dbname), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.write(f"begin; lock table {table} in exclusive mode; select 'locked';\n")
        holder.stdin.flush()
        try:
            assert holder.stdout.readline().strip() == "locked"
            yield
        finally:
            holder.stdin.write("rollback;\n")
            holder.stdin.close()
            holder.wait(timeout=30)


@contextmanager
def running() -> Iterator[Server]:
    """A new PostgreSQL cluster, started on loopback on a free port, removed on exit."""
    folder = binaries()
    if folder is None:
        raise RuntimeError(missing())
    owner = _owner()
    base = Path(tempfile.mkdtemp(prefix="mesure-pg-"))
    as_owner = ["runuser", "-u", owner, "--"] if owner else []
    if owner:
        shutil.chown(base, user=owner)
    data, port, user = base / "data", free_port(), "mesure"
    subprocess.run(
        [
            *as_owner,
            str(folder / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            user,
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    options = f"-k {base} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
    ctl = [*as_owner, str(folder / "pg_ctl"), "-D", str(data)]
    subprocess.run(
        [*ctl, "-l", str(base / "log"), "-w", "-o", options, "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield Server(port, user, folder)
    finally:
        subprocess.run([*ctl, "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
