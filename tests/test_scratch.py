"""Uploaded files' private folders: removed with their owner, at exit, or when stale."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

from indicators.ingest.scratch import PREFIX, STALE, Scratch, remove_all, sweep


def test_a_file_is_kept_under_its_own_name_one_folder_per_upload(tmp_path: Path) -> None:
    scratch = Scratch(tmp_path)
    first = scratch.keep("Bilan T1.XLSX", b"one")
    second = scratch.keep("Bilan T1.xlsx", b"two")
    assert first.name == second.name == "Bilan T1.xlsx"
    assert first != second and first.read_bytes() == b"one" and second.read_bytes() == b"two"
    assert scratch.keep(" .xlsx", b"x").name == "fichier.xlsx"
    assert scratch.path.parent == tmp_path and scratch.path.name.startswith(PREFIX)


def test_the_folder_goes_with_its_owner(tmp_path: Path) -> None:
    scratch = Scratch(tmp_path)
    path = scratch.keep("a.xlsx", b"data").parent.parent
    del scratch
    gc.collect()
    assert not path.exists()


def test_removed_on_demand_and_made_again_when_removed_behind_its_back(tmp_path: Path) -> None:
    scratch = Scratch(tmp_path)
    scratch.keep("a.xlsx", b"data")
    sweep(tmp_path, now=time.time() + STALE.total_seconds() + 1)
    assert not scratch.path.exists()
    assert scratch.keep("b.xlsx", b"b").read_bytes() == b"b"  # a sweep never breaks an owner
    scratch.remove()
    assert scratch.removed and not scratch.path.exists()


def test_the_folder_goes_when_the_process_exits(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from indicators.ingest.scratch import Scratch;"
        "s = Scratch(Path(sys.argv[1])); s.keep('a.xlsx', b'x'); print(s.path)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    folder = Path(out.stdout.strip())
    assert folder.parent == tmp_path and not folder.exists()


def test_stale_folders_are_swept_fresh_ones_and_others_left(tmp_path: Path) -> None:
    old, fresh, other = tmp_path / f"{PREFIX}old", tmp_path / f"{PREFIX}fresh", tmp_path / "x"
    for folder in (old, fresh, other):
        (folder / "0").mkdir(parents=True)
        (folder / "0" / "f.xlsx").write_bytes(b"partner data")
    two_days_ago = time.time() - 2 * STALE.total_seconds()
    os.utime(old, (two_days_ago, two_days_ago))
    os.utime(other, (two_days_ago, two_days_ago))
    assert sweep(tmp_path) == 1
    assert not old.exists() and fresh.exists() and other.exists()
    Scratch(tmp_path)  # a new folder sweeps before it is made
    assert fresh.exists()
    os.utime(fresh, (two_days_ago, two_days_ago))
    kept = Scratch(tmp_path)
    assert not fresh.exists() and kept.path.exists()


def test_a_stopping_server_removes_every_folder_of_its_sessions(tmp_path: Path) -> None:
    import web

    folders = [Scratch(tmp_path), Scratch(tmp_path)]
    folders[0].keep("a.xlsx", b"partner data")
    folders[1].remove()
    assert remove_all() >= 1  # the live one (and any of another test of this process)
    web.stopped()  # what the server's lifespan calls when it stops serving
    assert all(f.removed for f in folders)
    assert not list(tmp_path.glob(f"{PREFIX}*"))
