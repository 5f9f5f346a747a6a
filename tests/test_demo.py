"""The demo store: generated partner files, deterministic, every one sent through ingest."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import openpyxl
import pytest

from indicators.cli import EXIT_OK, EXIT_USAGE, main
from indicators.definition.loading import load_definition
from indicators.definition.model import Definition
from indicators.demo import (
    BUILD_ENV,
    LAYOUTS,
    READ_AS,
    DemoFile,
    DemoSummary,
    build_demo,
    demo_wanted,
    ensure_demo_store,
    generate_demo,
)
from indicators.demo.writers import plan_demo, write_demo_files
from indicators.ingest.pipeline import ingest
from indicators.store.database import Store
from indicators.store.setup import init_store
from tests.conftest import PROJECT

DATA = PROJECT / "data"
FRENCH_NUMBER = re.compile(r"[0-9]{1,3}(\u00a0[0-9]{3})+( €)?|[0-9]+,[0-9]+( %)?")  # 1 204, 4,5 %


@pytest.fixture(scope="module")
def definition() -> Definition:
    return load_definition(DATA)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoSummary, Path]:
    """The demo of the embedded initiative at its smallest scale: the cast organisations only."""
    tmp = tmp_path_factory.mktemp("demo")
    calls: list[tuple[int, int, str]] = []
    summary = build_demo(
        tmp / "demo.duckdb",
        DATA,
        lambda done, total, label: calls.append((done, total, label)),
        scale=0.0,
        files_dir=tmp / "files",
    )
    assert calls[0][:2] == (0, summary.files) and calls[-1] == (summary.files, summary.files, "")
    return summary, tmp / "demo.duckdb"


def sent(summary: DemoSummary, story: str = "", layout: str = "") -> list[tuple[DemoFile, str]]:
    return [
        (f, status)
        for f, status in summary.sent
        if f.story.startswith(story) and (not layout or f.layout == layout)
    ]


def test_generation_is_deterministic(tmp_path: Path, definition: Definition) -> None:
    first = generate_demo(definition, tmp_path / "a", scale=0.0)
    second = generate_demo(definition, tmp_path / "b", scale=0.0)
    assert len(first) > 20
    assert [f.path.relative_to(tmp_path / "a") for f in first] == [
        f.path.relative_to(tmp_path / "b") for f in second
    ]
    for one, two in zip(first, second, strict=True):
        assert one.path.read_bytes() == two.path.read_bytes(), one.path.name
        assert (one.values, one.received_at, one.expected) == (
            two.values,
            two.received_at,
            two.expected,
        )


def test_a_larger_scale_keeps_the_files_of_the_smaller_one(
    tmp_path: Path, definition: Definition
) -> None:
    small = generate_demo(definition, tmp_path / "small", scale=0.0)
    larger = generate_demo(definition, tmp_path / "larger", scale=0.1)
    kept = {f.path.relative_to(tmp_path / "larger"): f for f in larger}
    assert len(larger) > len(small)
    for f in small:
        other = kept[f.path.relative_to(tmp_path / "small")]
        assert other.path.read_bytes() == f.path.read_bytes()


def test_a_template_filled_after_others_is_the_blank_template_filled_once(
    tmp_path: Path, definition: Definition
) -> None:
    """The writers keep each organisation's blank template loaded and fill it in for each of
    its uploads: a file must be the same as if the template had been loaded for it alone."""
    planned = plan_demo(definition, tmp_path / "all", scale=0.0)
    write_demo_files(definition, planned)
    by_org: dict[str, list[int]] = {}
    for n, (upload, demo_file) in enumerate(planned):
        if demo_file.layout == "template" and upload.copy_of is None:
            by_org.setdefault(demo_file.organisation, []).append(n)
    later = [n for found in by_org.values() for n in found[1:]]
    assert len(later) >= 2
    for n in later:
        upload, demo_file = planned[n]
        alone = tmp_path / "alone" / demo_file.path.name
        alone.parent.mkdir(exist_ok=True)
        write_demo_files(definition, [(upload, replace(demo_file, path=alone))])
        assert alone.read_bytes() == demo_file.path.read_bytes(), demo_file.path.name


def test_files_stop_at_the_demo_today_and_have_plausible_values(
    tmp_path: Path, definition: Definition
) -> None:
    files = generate_demo(definition, tmp_path, scale=0.0)
    indicators = {i.code: i for i in definition.indicators}
    periods = {p.code: p for p in definition.periods}
    years = {periods[v.period].parent or v.period for f in files for v in f.values}
    assert years == {"2023-2024", "2024-2025", "2025-2026"}  # 2026-2027 T1 ends after today
    assert all(f.received_at.date() < dt.date(2026, 11, 23) for f in files)
    assert [f.received_at for f in files] == sorted(f.received_at for f in files)
    # A value is sent once its period is over; a school year's results come with its last term.
    over = {
        p.code: max((t.end for t in definition.periods if t.parent == p.code), default=p.end)
        for p in definition.periods
    }
    for f in files:
        for v in f.values:
            ind = indicators[v.indicator]
            assert over[v.period] <= f.received_at.date(), (f.path.name, v)
            if v.value is not None and f.expected != "rejected":
                assert ind.range_min <= v.value <= ind.range_max, v
            if v.numerator is not None and v.denominator is not None:
                assert 0 <= v.numerator <= v.denominator, v


def test_every_file_goes_through_the_pipeline_as_planned(built: tuple[DemoSummary, Path]) -> None:
    summary, db = built
    assert summary.surprises == []
    assert len(summary.sent) == summary.files > 20
    assert all(status == f.expected for f, status in summary.sent)
    assert summary.received + summary.unchanged + summary.rejected == summary.files
    assert (summary.rejected, summary.corrected, summary.unchanged) == (3, 3, 1)
    store = Store(db)
    for f, status in summary.sent:
        history = store.query("submissions", org=f.organisation)
        row = history[history["filename"] == f.path.name]
        if status == "received":  # stored at the time the partner sent it
            assert list(row["uploaded_at"]) == [f.received_at]
            assert list(row["uploaded_by"]) == [f"demo:{f.organisation}"]
        else:
            assert row.empty  # refused or unchanged: nothing written
    values = store.query("observations", org="")
    assert summary.values == int(values["is_current"].sum()) > 200


def clock(at: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: at


def test_the_batched_build_stores_what_ingest_stores_file_by_file(
    built: tuple[DemoSummary, Path], definition: Definition, tmp_path: Path
) -> None:
    """The demo stores its files by batches (one transaction each): the store must hold what
    `ingest` makes of the same files sent one by one (observation ids aside: a join gives an
    upload's values in no set order)."""
    summary, db = built
    one_by_one, _ = init_store(tmp_path / "one-by-one.duckdb", DATA, actor="demo")
    for f, status in summary.sent:
        store = Store(one_by_one.path, clock=clock(f.received_at))
        outcome = ingest(store, f.path, definition, f.organisation, f"demo:{f.organisation}")
        assert outcome.status == status, f.path.name
    sql = {
        "observations": "select * exclude (id) from observations order by all",
        # the demo's evaluator then accepts the past years' submissions
        "submissions": "select id, organisation, filename, sha256, size_bytes, uploaded_by,"
        " uploaded_at, replace(status, 'accepted', 'received') as status, problems"
        " from submissions order by id",
        "uploads in the audit log": "select logged_at, actor, action, target, details"
        " from audit_log where action in ('submission.upload', 'submission.refused')"
        " order by id",
    }
    Store(db).close()
    one_by_one.close()
    for name, query in sql.items():
        with duckdb.connect(str(db), read_only=True) as con:
            batched = con.execute(query).fetchall()
        with duckdb.connect(str(one_by_one.path), read_only=True) as con:
            single = con.execute(query).fetchall()
        assert len(batched) > 20, name
        assert batched == single, name


@pytest.mark.parametrize(
    ("problem", "layout"),
    [
        ("unknown-place", "long"),
        ("percentage-over-100", "wide-indicators"),
        ("unknown-indicator", "csv"),
    ],
)
def test_refused_files_are_corrected_by_a_later_upload(
    built: tuple[DemoSummary, Path], problem: str, layout: str
) -> None:
    summary, db = built
    [(refused, status)] = sent(summary, f"refused: {problem}")
    assert (status, refused.problem, refused.layout) == ("rejected", problem, layout)
    [(corrected, status)] = [
        (f, s)
        for f, s in sent(summary, "corrects")
        if f.organisation == refused.organisation and f.received_at > refused.received_at
    ]
    assert status == "received"
    assert corrected.path.name == refused.path.name.replace(".", "-corrige.", 1)
    stored = Store(db).query("observations", org=refused.organisation)
    assert corrected.path.name in set(stored["filename"])
    assert refused.path.name not in set(stored["filename"])


def test_a_corrected_value_supersedes_and_the_history_keeps_it(
    built: tuple[DemoSummary, Path],
) -> None:
    summary, db = built
    [(fixed, status)] = sent(summary, "correction")
    [(again, again_status)] = sent(summary, "resent")
    assert (status, again_status) == ("received", "unchanged")
    assert again.path.read_bytes() == fixed.path.read_bytes() and fixed.layout == "template"
    history = Store(db).query("observations", org=fixed.organisation)
    replaced = history[~history["is_current"]]
    assert len(replaced) == 1
    key = replaced.iloc[0][["indicator", "place", "period", "disaggregation"]]
    same = history[(history[key.index] == key).all(axis=1)]
    assert list(same["is_current"]) == [False, True]
    assert list(same["value"].diff().dropna()) == [-2.0]  # the value sent first was 2 too many
    assert same.iloc[1]["filename"] == fixed.path.name


def test_late_uploads_are_dated_after_their_due_date(built: tuple[DemoSummary, Path]) -> None:
    summary, _db = built
    [(late, status)] = sent(summary, "late")
    assert status == "received" and late.late
    assert (late.received_at.date() - late.due).days == 40
    assert 0 < summary.late < summary.received


def test_the_layouts_are_read_as_they_were_written(
    built: tuple[DemoSummary, Path], definition: Definition
) -> None:
    summary, db = built
    store = Store(db)
    for layout in LAYOUTS:
        files = [f for f, status in sent(summary, layout=layout) if status == "received"]
        assert files, layout
        f = files[0]
        outcome = ingest(store, f.path, definition, f.organisation, "test", dry_run=True)
        read = {t.layout for t in outcome.preparation.tables if t.found}
        assert read == {READ_AS[layout]}, (layout, f.path.name, read)
        notes = {n["code"] for n in outcome.summary()["notes"]}  # type: ignore[attr-defined]
        if layout == "template":
            assert outcome.summary()["template"] is not None
        if layout in ("long", "wide-indicators"):
            assert "total-row-skipped" in notes, (layout, f.path.name)
    merged = next(f for f, _ in sent(summary, layout="merged"))
    sheet = openpyxl.load_workbook(merged.path).worksheets[0]
    assert any(r.min_row == r.max_row == 1 and r.max_col > r.min_col for r in sheet.merged_cells)
    long = next(f for f, _ in sent(summary, layout="long"))
    sheet = openpyxl.load_workbook(long.path).worksheets[0]
    assert str(sheet["B2"].value).endswith("bilan des actions")  # a title above the table
    assert sheet["B5"].value == "Indicateur"
    school_sheets = next(f for f, _ in sent(summary, layout="sheets"))
    assert len(openpyxl.load_workbook(school_sheets.path).sheetnames) >= 2
    exports = [f.path.read_bytes() for f, _ in sent(summary, layout="csv")]
    texts = [data.decode("cp1252") for data in exports]
    assert all(t.startswith("Indicateur;Établissement;Période;Valeur\r\n") for t in texts)
    with pytest.raises(UnicodeDecodeError):
        exports[0].decode("utf-8")
    typed: list[object] = [
        cell for t in texts for line in t.splitlines() for cell in line.split(";")
    ]
    for f, _ in sent(summary):
        if f.path.suffix == ".xlsx" and f.layout != "template":
            for sheet in openpyxl.load_workbook(f.path).worksheets:
                typed += [v for row in sheet.iter_rows(values_only=True) for v in row]
    french = [v for v in typed if isinstance(v, str) and FRENCH_NUMBER.fullmatch(v)]
    assert {"decimal", "percent"} <= {
        "thousands" if "\u00a0" in v else "percent" if "%" in v else "decimal" for v in french
    }


def test_an_interrupted_build_leaves_no_store(tmp_path: Path, definition_dir: Path) -> None:
    db = tmp_path / "m.duckdb"

    def stop(done: int, total: int, label: str) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_demo(db, definition_dir, stop)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["definition", "m.duckdb.lock"]


def test_concurrent_first_starts_build_once(tmp_path: Path, definition_dir: Path) -> None:
    db = tmp_path / "m.duckdb"
    builds: list[str] = []
    errors: list[BaseException] = []

    def start(name: str) -> None:
        def progress(done: int, total: int, label: str) -> None:
            if done == 0:
                builds.append(name)

        try:
            ensure_demo_store(db, definition_dir, progress)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(f"visit-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(builds) == 1
    assert not Store(db).query("submissions", org="ent-valmont").empty


def test_a_store_opened_early_is_marked_until_loaded_and_built_again_when_stopped(
    tmp_path: Path, definition_dir: Path
) -> None:
    from indicators.access import accounts
    from indicators.demo import DEMO_PASSWORD, demo_unfinished
    from indicators.demo.build import loading_mark

    db = tmp_path / "m.duckdb"
    seen: list[str] = []

    def opened() -> None:  # the sign-in works, the files are still to send
        assert db.exists() and loading_mark(db).exists()
        assert accounts.authenticate(Store(db), "evaluation", DEMO_PASSWORD).account is not None
        assert Store(db).query("all_submissions").empty
        seen.append("opened")

    def stop(done: int, total: int, label: str) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ensure_demo_store(db, definition_dir, stop, opened)
    assert seen == ["opened"] and demo_unfinished(db)  # a half store, known as such
    store = ensure_demo_store(db, definition_dir)  # thrown away and built again
    assert not loading_mark(db).exists() and not demo_unfinished(db)
    submissions = store.query("all_submissions")
    assert not submissions.empty and "accepted" in set(submissions["status"])
    seen.clear()
    db.unlink()
    ensure_demo_store(db, definition_dir, opened=opened)  # opened early, then loaded in place
    assert seen == ["opened"] and not loading_mark(db).exists()
    again = Store(db).query("all_submissions")
    assert len(again) == len(submissions)
    assert list(again["status"]) == list(submissions["status"])


def test_demo_wanted_only_for_a_demo_initiative(
    definition_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(BUILD_ENV, raising=False)
    assert demo_wanted(definition_dir)
    monkeypatch.setenv(BUILD_ENV, "0")
    assert not demo_wanted(definition_dir)
    monkeypatch.delenv(BUILD_ENV)
    path = definition_dir / "initiative.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("demo: true", "demo: false"))
    assert not demo_wanted(definition_dir)


def test_cli_demo(tmp_path: Path, definition_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "m.duckdb"
    args = ["demo", "--db", str(db), "--data", str(definition_dir)]
    assert main(args) == EXIT_OK
    out, err = capsys.readouterr()
    assert out.startswith(f"Base de démonstration créée : {db}\n")
    assert "refusés puis 1 corrigés" in out and "valeurs en vigueur" in out
    progress = [line for line in err.splitlines() if line.startswith("[")]
    total = int(progress[0].split("]")[0].split("/")[1])
    assert progress[0].startswith("[1/") and len(progress) == total > 3
    assert not Store(db).query("submissions", org="ent-valmont").empty
    assert main(args) == EXIT_USAGE
    assert "--force" in capsys.readouterr().err
    assert main([*args, "--force", "--lang", "en", "--files", str(tmp_path / "files")]) == EXIT_OK
    assert capsys.readouterr().out.startswith("Demo store built:")
    assert any((tmp_path / "files" / "ent-valmont").iterdir())
    with pytest.raises(SystemExit) as exited:
        main([*args, "--scale", "2"])
    assert exited.value.code == EXIT_USAGE
    path = definition_dir / "initiative.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("demo: true", "demo: false"))
    assert main([*args, "--force"]) == EXIT_USAGE
    assert "demo: false" in capsys.readouterr().err


def test_the_demo_opens_one_account_per_role_and_accepts_past_school_years(
    built: tuple[DemoSummary, Path],
) -> None:
    from indicators.access import accounts
    from indicators.access.viewer import Viewer, command_line
    from indicators.analytics import figures
    from indicators.demo import ACCEPTED_BEFORE, DEMO_PASSWORD

    summary, db = built
    store = Store(db)
    assert summary.accounts == ["evaluation", "college", "entreprise", "association", "financeur"]
    listed = accounts.list_accounts(store, command_line()).set_index("username")
    assert listed.loc["financeur", "role"] == "funder"
    assert listed.loc["entreprise", "organisation"] == "ent-transports-valmont"
    login = accounts.authenticate(store, "college", DEMO_PASSWORD)
    assert login.account is not None and login.account.organisation == "clg-0950243y"
    submissions = store.query("all_submissions")
    past = submissions[submissions["uploaded_at"] < ACCEPTED_BEFORE]
    assert set(past["status"]) <= {"accepted", "superseded"} and summary.reviewed > 0
    assert set(submissions.loc[submissions["uploaded_at"] >= ACCEPTED_BEFORE, "status"]) <= {
        "received",
        "superseded",
    }
    funder = Viewer("financeur", "funder", "F", "fin-fonds-egalite")
    periods = set(figures.collective(store, funder)["period"])
    assert periods and all(p.startswith(("2023-2024", "2024-2025")) for p in periods)
