"""The DuckDB store on real files: creation, migration, versioning, atomicity, locking."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indicators.common.problems import DefinitionError
from indicators.definition.loading import load_definition
from indicators.store.database import (
    LATEST_SCHEMA,
    QUERIES_DIR,
    Store,
    StoreError,
    data_dir,
    default_db_path,
    migrations,
)
from indicators.store.setup import ensure_store, init_store
from tests.conftest import PROJECT

EXPECTED_TABLES = {
    "initiative",
    "toc_nodes",
    "toc_links",
    "dimension_categories",
    "indicator_versions",
    "places",
    "place_enrolment",
    "organisations",
    "commitments",
    "periods",
    "targets",
    "submissions",
    "observations",
    "mapping_memory",
    "users",
    "audit_log",
    "notes",
    "schema_migrations",
}


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_new_store_has_every_table_and_the_definition(store: Store) -> None:
    assert store.schema_version() == LATEST_SCHEMA
    assert set(store.tables()) >= EXPECTED_TABLES
    exported = store.export_definition()
    assert exported["initiative"]["code"] == "petite-initiative"
    assert len(exported["indicators"]) == 7
    assert len(exported["theory_of_change"]["nodes"]) == 7
    school = next(p for p in exported["places"] if p["code"] == "0950001K")
    assert school["pupils"]["3e"] == 100
    valmont = next(o for o in exported["organisations"] if o["code"] == "ent-valmont")
    assert [c["id"] for c in valmont["commitments"]] == ["C1"]


def test_migrating_an_old_store_keeps_its_data(tmp_path: Path) -> None:
    old = Store(tmp_path / "old.duckdb")
    assert old.migrate(target=1) == [1]
    assert "submissions" not in old.tables() and "audit_log" not in old.tables()
    with old._connect() as con:  # a store of schema 1 already holds a definition
        con.execute("insert into toc_nodes values ('N1', 'impact', 4, 'Impact', 'Impact', '', '')")
    assert Store(old.path).migrate() == list(range(2, LATEST_SCHEMA + 1))
    assert set(old.tables()) >= EXPECTED_TABLES
    assert list(old.query("toc_nodes")["code"]) == ["N1"]
    assert [n for n, _, _ in migrations()] == list(range(1, LATEST_SCHEMA + 1))
    assert old.migrate() == []


def test_migration_applies_in_order_without_touching_rows(
    tmp_path: Path, definition_dir: Path
) -> None:
    store, _ = init_store(tmp_path / "s.duckdb", definition_dir)
    before = store.export_definition()
    assert store.migrate() == []
    assert store.export_definition() == before


def test_store_newer_than_the_software_is_refused(store: Store) -> None:
    store.migrate()
    with store._connect() as con:  # simulate a future migration applied by a newer release
        con.execute("insert into schema_migrations values (999, '999_future', now())")
    with pytest.raises(StoreError, match="plus récent"):
        store.migrate()


def test_changed_definition_without_new_version_is_refused_and_nothing_written(
    store: Store, definition_dir: Path
) -> None:
    _edit(
        definition_dir,
        "indicators.yaml",
        "Jeunes distincts ayant participé",
        "Jeunes ayant participé",
    )
    _edit(definition_dir, "places.csv", "Collège du Moulin", "Collège du Grand Moulin")
    with pytest.raises(DefinitionError) as refused:
        store.save_definition(load_definition(definition_dir))
    [problem] = refused.value.problems
    assert problem.code == "version-not-raised"
    assert "jeunes-touches" in problem.message() and "definition_fr" in problem.message()
    assert "passez-la à 2" in problem.message()
    names = {p["code"]: p["name"] for p in store.export_definition()["places"]}
    assert names["0950002L"] == "Collège du Moulin"  # the whole load was rolled back


def test_new_version_keeps_the_history(store: Store, definition_dir: Path) -> None:
    _edit(
        definition_dir,
        "indicators.yaml",
        "Jeunes distincts ayant participé",
        "Jeunes ayant participé",
    )
    _edit(
        definition_dir,
        "indicators.yaml",
        "  - code: jeunes-touches\n    version: 1",
        "  - code: jeunes-touches\n    version: 2",
    )
    summary = store.save_definition(load_definition(definition_dir))
    assert summary.new_versions == ["jeunes-touches v2"]
    history = store.query("indicator_history", code="jeunes-touches")
    assert list(history["version"]) == [1, 2]
    assert history["valid_to"].iloc[0] is not None and str(history["valid_to"].iloc[1]) == "NaT"
    sheet = next(
        i for i in store.export_definition()["indicators"] if i["code"] == "jeunes-touches"
    )
    assert sheet["version"] == 2 and sheet["definition_fr"].startswith("Jeunes ayant")
    assert [v["version"] for v in sheet["versions"]] == [1, 2]


def test_version_cannot_go_back(store: Store, definition_dir: Path) -> None:
    _edit(
        definition_dir,
        "indicators.yaml",
        "  - code: jeunes-touches\n    version: 1",
        "  - code: jeunes-touches\n    version: 3",
    )
    _edit(definition_dir, "indicators.yaml", "Jeunes distincts", "Jeunes uniques")
    store.save_definition(load_definition(definition_dir))
    _edit(definition_dir, "indicators.yaml", "version: 3", "version: 2")
    with pytest.raises(DefinitionError, match="inférieure à la version 3"):
        store.save_definition(load_definition(definition_dir))


def test_label_and_alias_edits_stay_on_the_current_version(
    store: Store, definition_dir: Path
) -> None:
    _edit(
        definition_dir,
        "indicators.yaml",
        "label_fr: Jeunes touchés",
        "label_fr: Jeunes accompagnés",
    )
    _edit(
        definition_dir,
        "indicators.yaml",
        "[Nb jeunes touchés,",
        "[Nb jeunes accompagnés, Nb jeunes touchés,",
    )
    summary = store.save_definition(load_definition(definition_dir))
    assert summary.new_versions == []
    history = store.query("indicator_history", code="jeunes-touches")
    assert list(history["version"]) == [1]
    assert history["label_fr"].iloc[0] == "Jeunes accompagnés"


def test_indicator_removed_from_the_catalogue_is_retired_not_deleted(
    store: Store, definition_dir: Path
) -> None:
    path = definition_dir / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - code: reunions-parents")
    path.write_text(text[:start], encoding="utf-8")
    theory = definition_dir / "theory_of_change.yaml"  # keep the node measured: drop it too
    theory.write_text(
        "\n".join(
            line
            for line in theory.read_text(encoding="utf-8").splitlines()
            if "ACT-PARENTS" not in line
        ),
        encoding="utf-8",
    )
    summary = store.save_definition(load_definition(definition_dir))
    assert summary.retired == ["reunions-parents"]
    assert "reunions-parents" not in {i["code"] for i in store.export_definition()["indicators"]}
    assert len(store.query("indicator_history", code="reunions-parents")) == 1


def test_each_load_is_audited(store: Store) -> None:
    with store._connect() as con:
        rows = con.execute("select actor, action, target, details from audit_log").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [("test", "definition.load", "petite-initiative")]
    assert json.loads(rows[0][3])["counts"]["places"] == 3


def test_failed_creation_leaves_no_half_made_store(tmp_path: Path, definition_dir: Path) -> None:
    _edit(definition_dir, "targets.csv", "target,82,", "target,140,")
    db = tmp_path / "new.duckdb"
    with pytest.raises(DefinitionError):
        init_store(db, definition_dir)
    assert list(tmp_path.glob("*.duckdb*")) == [] and list(tmp_path.glob(".*")) == []


def test_ensure_store_creates_once_then_reuses(tmp_path: Path, definition_dir: Path) -> None:
    db = tmp_path / "app.duckdb"
    first = ensure_store(db, definition_dir)
    _edit(definition_dir, "initiative.yaml", "Petite initiative de test", "Autre nom")
    second = ensure_store(db, definition_dir)  # existing store: not reloaded behind the user's back
    assert first.path == second.path
    assert second.initiative()["name_fr"] == "Petite initiative de test"  # type: ignore[index]


def test_store_locked_by_another_process_gives_a_sentence(store: Store) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys, time
                con = duckdb.connect({str(store.path)!r})
                print("ready", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="ouverte par un autre processus"):
            store.initiative()
    finally:
        holder.communicate("")


def test_every_query_file_states_its_grain() -> None:
    for path in sorted(QUERIES_DIR.glob("*.sql")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("-- one row per"), path.name


def test_a_query_can_build_on_another() -> None:
    from indicators.store.database import QUERIES_DIR, query_sql

    for path in sorted(QUERIES_DIR.glob("*.sql")):
        assert "{{" not in query_sql(path.stem), path.name
    assert "from report_counts" in query_sql("sync_rates")  # report_counted, inlined
    assert "commitment_indicators" in query_sql("report_arrivals_live")


def test_a_query_reads_what_it_builds_on_as_it_would_in_place(store: Store) -> None:
    """Each included query is a CTE of the statement's WITH, once, before what reads it; every
    query that includes another gives the rows it gave with its includes as subqueries."""
    import re

    from indicators.store.database import _query_text, query_sql
    from tests.stored import reported

    def in_place(name: str) -> str:
        return re.sub(
            r"\{\{(\w+)\}\}", lambda m: f"(\n{in_place(m.group(1))}\n)", _query_text(name)
        )

    gaps = query_sql("coverage_gaps")
    assert gaps.count("__record_places as (") == 1
    assert gaps.index("__record_places as (") < gaps.index("__coordination_records as (")
    reported(store)
    defaults = {"today": "2025-06-01", "since": "2000-01-01", "until": "2100-01-01"}
    lists = {"orgs", "indicators", "years", "periods"}
    compared = 0
    with store._connect() as con:
        for path in sorted(QUERIES_DIR.glob("*.sql")):
            if "{{" not in path.read_text(encoding="utf-8"):
                continue
            sql = query_sql(path.stem)
            names = set(re.findall(r"\$(\w+)", sql))
            params: dict[str, object] = {
                n: [] if n in lists else False if n == "accepted_only" else defaults.get(n, "")
                for n in names
            }
            rows = sorted(map(repr, con.execute(sql, params).fetchall()))
            assert rows == sorted(map(repr, con.execute(in_place(path.stem), params).fetchall()))
            compared += bool(rows)
    assert compared >= 10  # most of them on rows, not on empty answers


def test_without_settings_the_store_and_definition_are_the_projects_data_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What `streamlit run serve.py` opens on a fresh clone: data/ beside pyproject.toml."""
    monkeypatch.delenv("MESURE_DATA", raising=False)
    monkeypatch.delenv("MESURE_DB", raising=False)
    assert data_dir() == PROJECT / "data"
    assert (data_dir() / "indicators.yaml").is_file()
    assert default_db_path() == PROJECT / "data" / "mesure.duckdb"


def test_a_store_of_another_duckdb_format_says_so_not_that_it_is_locked(tmp_path: Path) -> None:
    """A store written by DuckDB 2.0 (a file kept gzipped in the fixtures), which the project's
    DuckDB 1.4 cannot read: refused at once with a sentence naming the cause, not after waiting
    as if another process held it."""
    import gzip

    from indicators.store.database import Store, StoreError

    path = tmp_path / "future.duckdb"
    kept = Path(__file__).parent / "fixtures" / "written-by-duckdb-2.0.duckdb.gz"
    path.write_bytes(gzip.decompress(kept.read_bytes()))
    with pytest.raises(StoreError, match="autre version de DuckDB"):
        Store(path, patience=30).query("observation_count")


@pytest.mark.parametrize("setting", ["1", "2"])
def test_duckdb_threads_are_the_setting_or_one_per_core(
    store: Store, monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    from indicators.store import connection

    monkeypatch.setenv("MESURE_DUCKDB_THREADS", setting)
    connection.release(store.path)
    with connection.cursor(store.path) as con:
        assert con.execute("select current_setting('threads')").fetchone() == (int(setting),)
    connection.release(store.path)
    monkeypatch.delenv("MESURE_DUCKDB_THREADS")
    with connection.cursor(store.path) as con:
        default = con.execute("select current_setting('threads')").fetchone()
    assert default is not None and default[0] == duckdb_default_threads()


def duckdb_default_threads() -> int:
    import duckdb

    with duckdb.connect() as con:
        found = con.execute("select current_setting('threads')").fetchone()
    assert found is not None
    return int(found[0])
