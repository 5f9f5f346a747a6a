"""The `mesure` command: output, exit codes, and the console script itself."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from indicators.cli import EXIT_OK, EXIT_REFUSED, EXIT_STORE, EXIT_USAGE, main
from indicators.store.database import Store
from tests.conftest import copy_definition
from tests.stored import reported


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_then_updates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, definition_dir: Path
) -> None:
    db = tmp_path / "m.duckdb"
    code, out, _ = run(capsys, "init", "--db", str(db), "--data", str(definition_dir))
    assert code == EXIT_OK
    assert "Base créée" in out and "7 nouveaux indicateurs" in out and "3 engagements" in out
    code, out, _ = run(
        capsys, "--db", str(db), "--data", str(definition_dir), "init", "--lang", "en"
    )
    assert code == EXIT_OK and "Store updated" in out and "0 new indicators" in out


def test_catalogue_json_prints_the_whole_definition(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, definition_dir: Path
) -> None:
    db = tmp_path / "m.duckdb"
    code, out, _ = run(
        capsys, "catalogue", "--json", "--db", str(db), "--data", str(definition_dir)
    )
    assert code == EXIT_OK and db.is_file()  # created on first use
    data = json.loads(out)
    assert set(data) == {
        "initiative",
        "indicators",
        "theory_of_change",
        "disaggregations",
        "places",
        "organisations",
        "periods",
        "targets",
    }
    rate = next(i for i in data["indicators"] if i["code"] == "taux-projet-avenir")
    for field in (
        "label_fr",
        "label_en",
        "definition_fr",
        "definition_en",
        "type",
        "unit",
        "polarity",
        "numerator_fr",
        "denominator_fr",
        "aggregation_time",
        "aggregation_space",
        "deduplication",
        "frequency",
        "range_min",
        "range_max",
        "source_fr",
        "aliases",
        "disaggregations",
        "version",
        "versions",
        "node",
    ):
        assert field in rate, field
    assert rate["aggregation_space"] == "ratio"
    assert {"nodes", "links"} == set(data["theory_of_change"])
    assert any(o["commitments"] for o in data["organisations"])
    assert {t["kind"] for t in data["targets"]} == {"baseline", "target"}


def test_catalogue_without_json_lists_indicators(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, definition_dir: Path
) -> None:
    code, out, _ = run(
        capsys, "catalogue", "--db", str(tmp_path / "m.duckdb"), "--data", str(definition_dir)
    )
    assert code == EXIT_OK
    assert len(out.splitlines()) == 7 and "jeunes-touches" in out


def test_check_reports_every_problem_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = copy_definition(tmp_path / "d", overlay="toc-cycle")
    code, _, err = run(capsys, "check", "--data", str(folder))
    assert code == EXIT_REFUSED
    assert "ERREUR [toc-cycle] theory_of_change.yaml" in err
    assert "→ Supprimez ou inversez" in err
    assert "Définition refusée : 1 erreur(s)." in err


def test_check_valid_definition(capsys: pytest.CaptureFixture[str], definition_dir: Path) -> None:
    code, out, err = run(capsys, "check", "--data", str(definition_dir))
    assert (code, err) == (EXIT_OK, "")
    assert out.strip() == "Définition valide : 7 indicateurs, 7 nœuds."


def test_refused_init_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = copy_definition(tmp_path / "d", overlay="invalid-uai")
    db = tmp_path / "m.duckdb"
    code, _, err = run(capsys, "init", "--db", str(db), "--data", str(folder))
    assert code == EXIT_REFUSED and not db.exists()
    assert "rien n'a été écrit" in err and "0950002A" in err


def test_unreadable_store_exits_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, definition_dir: Path
) -> None:
    db = tmp_path / "m.duckdb"
    run(capsys, "init", "--db", str(db), "--data", str(definition_dir))
    from indicators.store.database import Store

    with Store(db)._connect() as con:
        con.execute("insert into schema_migrations values (999, 'future', now())")
    code, _, err = run(capsys, "init", "--db", str(db), "--data", str(definition_dir))
    assert code == EXIT_STORE and "mettez Mesure commune à jour" in err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["bogus"])
    assert exited.value.code == EXIT_USAGE


def test_console_script_help() -> None:
    script = shutil.which("mesure")
    assert script, "the `mesure` console script is installed with the project"
    done = subprocess.run([script, "--help"], capture_output=True, text=True, check=True)
    for word in ("init", "check", "catalogue", "codes de sortie", "--db"):
        assert word in done.stdout


def test_environment_variables_choose_store_and_data(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    definition_dir: Path,
) -> None:
    db = tmp_path / "env.duckdb"
    monkeypatch.setenv("MESURE_DB", str(db))
    monkeypatch.setenv("MESURE_DATA", str(definition_dir))
    code, _, _ = run(capsys, "init")
    assert code == EXIT_OK and db.is_file()


def test_users_add_list_disable_enable_set_role_and_set_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import io

    from tests.conftest import LIGHT_ARGON2

    for name, value in LIGHT_ARGON2.items():
        monkeypatch.setenv(name, value)
    data = copy_definition(tmp_path / "definition")
    where = ["--db", str(tmp_path / "m.duckdb"), "--data", str(data)]
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    code, out, _ = run(
        capsys,
        "users",
        "add",
        "Lea",
        "--role",
        "partner",
        "--organisation",
        "ent-valmont",
        "--name",
        "Léa Martin",
        "--email",
        "lea@valmont.fr",
        "--password-stdin",
        *where,
    )
    assert (code, out.strip()) == (EXIT_OK, "lea (partner, ent-valmont)")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run(
        capsys,
        "users",
        "add",
        "leo",
        "--role",
        "funder",
        "--organisation",
        "fin-fondation",
        "--password-stdin",
        *where,
    )
    assert code == EXIT_REFUSED and "au moins 10 caractères" in err
    code, out, _ = run(capsys, "users", "list", "--json", *where)
    listed = json.loads(out)
    assert [(u["username"], u["role"], u["disabled"]) for u in listed] == [
        ("lea", "partner", False)
    ]
    assert "hash" not in out and "argon2" not in out
    assert run(capsys, "users", "disable", "lea", *where)[:2] == (EXIT_OK, "lea : désactivé\n")
    assert json.loads(run(capsys, "users", "list", "--json", *where)[1])[0]["disabled"] is True
    assert run(capsys, "users", "enable", "lea", *where)[0] == EXIT_OK
    moved = run(capsys, "users", "set-role", "lea", "--role", "funder", "--organisation", "fin-fondation", *where)  # fmt: skip
    assert moved[:2] == (EXIT_OK, "lea (funder, fin-fondation)\n")
    code, _, err = run(capsys, "users", "set-role", "lea", "--role", "partner", *where)
    assert code == EXIT_REFUSED and err.strip()  # a partner needs an organisation: a sentence
    assert json.loads(run(capsys, "users", "list", "--json", *where)[1])[0]["role"] == "funder"
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    assert run(capsys, "users", "set-password", "lea", "--password-stdin", *where)[0] == EXIT_OK
    code, _, err = run(capsys, "users", "disable", "nobody", *where)
    assert code == EXIT_REFUSED and "Aucun compte « nobody »" in err
    with pytest.raises(SystemExit) as usage:
        main(["users", "add", "x", "--role", "admin", *where])
    assert usage.value.code == EXIT_USAGE

    from indicators.access import accounts
    from indicators.store.database import Store

    store = Store(tmp_path / "m.duckdb")
    assert accounts.authenticate(store, "lea", "another long password").account is not None
    log = store.query("audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1))
    assert {
        "account.add",
        "account.disable",
        "account.enable",
        "account.password",
        "account.role",
    } <= set(log["action"])
    actors = set(log.loc[log["action"].str.startswith("account."), "actor"])
    assert len(actors) == 1 and actors.pop().startswith("cli:")  # who ran the command


def test_progress_prints_each_indicator_and_node_status(
    capsys: pytest.CaptureFixture[str], store: Store, definition_dir: Path
) -> None:
    reported(store)
    where = ("--db", str(store.path), "--data", str(definition_dir))
    code, out, _ = run(capsys, "progress", *where)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2024-2025 · *"
    visits = next(line for line in lines if line.startswith("visites-entreprise "))
    assert visits.split()[1] == "15" and visits.endswith("Non évalué")  # its own baseline
    assert any(line.startswith("IMP-EGALITE ") for line in lines)
    code, _, err = run(capsys, "progress", "--year", "2031-2032", *where)
    assert code == 2 and "Année scolaire inconnue" in err
    code, _, err = run(capsys, "progress", "--scope", "X", "--lang", "en", *where)
    assert code == 2 and "Unknown place 'X'" in err


def test_maintenance_checkpoints_a_store_file(
    capsys: pytest.CaptureFixture[str], store: Store, tmp_path: Path
) -> None:
    """On a file, `mesure maintenance` is CHECKPOINT: what the write-ahead log held is in the
    file alone; the run is audited. A negative number of days is refused."""
    store.audit("test", "x", "in the write-ahead log")
    code, out, _ = run(capsys, "maintenance", "--db", str(store.path))
    assert code == EXIT_OK and out.startswith("Base écrite (CHECKPOINT) : ")
    alone = tmp_path / "alone.duckdb"  # the file without its write-ahead log
    shutil.copy(store.path, alone)
    since, until = dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)
    assert "in the write-ahead log" in set(
        Store(alone).query("audit_log", since=since, until=until)["target"]
    )
    logged = store.query("audit_log", since=since, until=until)
    assert "store.maintenance" in set(logged["action"])
    code, _, err = run(capsys, "maintenance", "--db", str(store.path), "--keep-days", "-1")
    assert code == EXIT_USAGE and "--keep-days" in err
    code, _, err = run(capsys, "maintenance", "--db", str(tmp_path / "none.duckdb"))
    assert code == EXIT_STORE and "Pas de base" in err
