"""The definition lives in the store once initialised: saved with its files, read back as the
model, written back as the files of data/ (`mesure definition export`), used by ingest."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from indicators.cli import EXIT_OK, EXIT_USAGE, main
from indicators.definition.loading import FILES, load_definition
from indicators.definition.model import Definition
from indicators.definition.writing import files, rows, write_definition
from indicators.store.database import Store
from indicators.store.setup import init_store
from indicators.store.stored import definition_from_export, stored_definition
from tests.conftest import PROJECT, copied_store

DATA = PROJECT / "data"


def test_writing_a_definition_gives_back_the_same_definition(tmp_path: Path) -> None:
    original = load_definition(DATA)
    written = write_definition(original, tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(FILES.values())
    assert load_definition(tmp_path / "out") == original


def test_written_files_are_stable_and_say_where_they_come_from(tmp_path: Path) -> None:
    """Writing twice gives the same bytes (a team diffs them in git)."""
    definition = load_definition(DATA)
    assert files(definition) == files(
        load_definition(write_definition(definition, tmp_path)[0].parent)
    )
    assert files(definition)["indicators.yaml"].startswith(
        "# Écrit par « mesure definition export »"
    )


def test_rows_are_text_in_the_files_columns() -> None:
    tables = rows(load_definition(DATA))
    first = tables["commitments"][0]
    assert first["id"] == "C0001" and ";" in first["places"]
    assert all(
        isinstance(v, str) for table in tables.values() for row in table for v in row.values()
    )
    school = next(r for r in tables["places"] if r["kind"] == "school")
    assert school["pupils_3e"].isdigit()


def test_the_store_gives_back_the_definition_it_was_given(tmp_path: Path) -> None:
    store, _ = init_store(tmp_path / "s.duckdb", DATA)
    try:
        assert stored_definition(store) == load_definition(DATA)
        assert set(store.definition_files() or {}) == set(FILES.values())
    finally:
        store.close()


def test_a_store_without_saved_files_is_read_from_its_tables(tmp_path: Path) -> None:
    """Stores saved before migration 10 kept no files: the same content comes from the tables
    (in the tables' order)."""
    store, _ = init_store(tmp_path / "s.duckdb", DATA)
    try:
        from_tables = definition_from_export(store.export_definition())
    finally:
        store.close()
    original = load_definition(DATA)
    for part in dataclasses.fields(original):
        mine, theirs = getattr(original, part.name), getattr(from_tables, part.name)
        if isinstance(mine, tuple):
            key = json.dumps  # Place holds a dict: compare as sorted JSON
            assert sorted(key(dataclasses.asdict(x), default=str) for x in mine) == sorted(
                key(dataclasses.asdict(x), default=str) for x in theirs
            ), part.name
        else:
            assert mine == theirs


def without_last_partner(definition: Definition) -> Definition:
    """`definition` once its last organisation left, with its commitments."""
    leaving = definition.organisations[-1].code
    return dataclasses.replace(
        definition,
        organisations=definition.organisations[:-1],
        commitments=tuple(c for c in definition.commitments if c.organisation != leaving),
    )


def test_each_save_keeps_its_files_and_who_saved_them(tmp_path: Path) -> None:
    store, _ = init_store(tmp_path / "s.duckdb", DATA)
    try:
        changed = without_last_partner(load_definition(DATA))
        store.save_definition(changed, actor="evaluation", reason="départ d'un partenaire")
        assert stored_definition(store) == changed
        history = store.query("definition_history_list")
        assert list(history["actor"])[-1] == "evaluation"
        assert list(history["reason"])[-1] == "départ d'un partenaire"
        assert len(history) == 2
    finally:
        store.close()


def test_stores_holding_the_same_files_share_one_reading_and_a_save_reads_again(
    tmp_path: Path, store: Store, store_template: Path
) -> None:
    """Two stores whose definition files are the same text (a copy, as the tests make) read
    them once; a save that changes them is read again on that store only."""
    other = copied_store(store_template, tmp_path / "other.duckdb")
    first = stored_definition(store)
    assert stored_definition(other) is first  # the same files: not read a second time
    changed = without_last_partner(first)
    other.save_definition(changed, actor="evaluation", reason="départ d'un partenaire")
    assert stored_definition(other) == changed
    assert stored_definition(store) is first  # the other store's save changed nothing here


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_definition_export_writes_the_stores_definition_as_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, definition_dir: Path
) -> None:
    db = tmp_path / "s.duckdb"
    assert run(capsys, "init", "--db", str(db), "--data", str(definition_dir))[0] == EXIT_OK
    code, out, _ = run(capsys, "definition", "export", str(tmp_path / "git"), "--db", str(db))
    assert code == EXIT_OK and "9 fichiers écrits" in out
    assert load_definition(tmp_path / "git") == load_definition(definition_dir)


def test_definition_export_without_a_store_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "definition", "export", str(tmp_path / "x"), "--db", str(tmp_path / "none.duckdb")
    )
    assert code == EXIT_USAGE and "mesure init" in err
    assert not (tmp_path / "none.duckdb").exists()


def test_ingest_checks_files_against_the_stores_definition_not_the_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, definition_dir: Path
) -> None:
    """Once initialised, the store is the truth: a partner removed from data/ afterwards still
    uploads (the folder is how an initiative starts, not what it is)."""
    db = tmp_path / "s.duckdb"
    assert run(capsys, "init", "--db", str(db), "--data", str(definition_dir))[0] == EXIT_OK
    organisations = definition_dir / "organisations.csv"
    kept = [
        line
        for line in organisations.read_text(encoding="utf-8").splitlines()
        if not line.startswith("asso-elan,")
    ]
    organisations.write_text("\n".join(kept) + "\n", encoding="utf-8")
    template = tmp_path / "modele.xlsx"
    code, _, err = run(
        capsys,
        "template",
        "--org",
        "asso-elan",
        "--output",
        str(template),
        "--db",
        str(db),
        "--data",
        str(definition_dir),
    )
    assert code == EXIT_OK, err
    assert template.stat().st_size > 0
    store = Store(db)
    try:
        assert "asso-elan" in {o.code for o in stored_definition(store).organisations}
    finally:
        store.close()
