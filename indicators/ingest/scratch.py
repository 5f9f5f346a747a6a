"""Private folders for the files a person uploads: gone with their owner, stale ones swept.

A browser session keeps its uploaded files while it reviews and confirms them (the page reads
them more than once). Partners' data must not outlive that: the folder is removed when the
object holding it is collected (the session ended), when the process exits, and a folder left
by a process that could not clean up (killed, crashed) is removed by the next one to make a
folder once it has not changed for a day.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import time
import weakref
from pathlib import Path

PREFIX = "mesure-upload-"
STALE = dt.timedelta(days=1)

log = logging.getLogger(__name__)
_LIVE: weakref.WeakSet[Scratch] = weakref.WeakSet()  # this process's folders not yet removed


class Scratch:
    """One owner's private folder of uploaded files, one subfolder per file."""

    def __init__(self, root: Path | None = None) -> None:
        sweep(root)
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
        self._remove = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)
        _LIVE.add(self)

    def keep(self, name: str, data: bytes) -> Path:
        """A private copy of `data` under its own file name (a CSV's only sheet is named after
        it: problems read « Feuille bilan », not « Feuille 0 »)."""
        if not self.path.is_dir():  # removed behind our back (a sweep, a cleaner)
            self.path.mkdir(mode=0o700, parents=True)
        own = self.path / str(sum(1 for _ in self.path.iterdir()))
        own.mkdir()
        stem = Path(name).stem.strip(" .") or "fichier"
        path = own / f"{stem}{Path(name).suffix.lower()}"
        path.write_bytes(data)
        return path

    def remove(self) -> None:
        """Remove the folder and everything in it now."""
        self._remove()

    @property
    def removed(self) -> bool:
        return not self._remove.alive


def remove_all() -> int:
    """Remove every folder of this process now (a server that stops); how many were."""
    live = [s for s in list(_LIVE) if not s.removed]
    for scratch in live:
        scratch.remove()
    return len(live)


def sweep(root: Path | None = None, *, now: float | None = None) -> int:
    """Remove the upload folders under `root` (the system's temporary folder by default)
    unchanged for longer than STALE; how many were removed."""
    base = Path(root) if root is not None else Path(tempfile.gettempdir())
    limit = (now if now is not None else time.time()) - STALE.total_seconds()
    removed = 0
    for folder in base.glob(PREFIX + "*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder)
                removed += 1
        except OSError as exc:  # another process removing it, or not ours to remove
            log.info("upload folder %s left: %s", folder, exc)
    if removed:
        log.info("%d stale upload folder(s) removed under %s", removed, base)
    return removed
