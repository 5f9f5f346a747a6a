"""Collective figures on hand-computed cases, what each role gets of them, and safe exports."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indicators import reports
from indicators.analytics import figures, synthesis
from indicators.definition.loading import load_definition
from indicators.ingest.pipeline import ingest
from indicators.ingest.uploads import review_submission
from indicators.store.database import Store
from indicators.views import exports
from tests.conftest import EVALUATOR, FUNDER, PARTNER_A
from tests.workbooks import write_workbook

HEADER = ["Indicateur", "Collège", "Période", "Valeur", "Numérateur", "Dénominateur"]
PERIOD = "2024-2025-T1"


def send(
    store: Store,
    definition_dir: Path,
    tmp: Path,
    organisation: str,
    rows: list[list[object]],
    name: str | None = None,
    accept: bool = True,
) -> None:
    path = write_workbook(tmp / (name or f"{organisation}.xlsx"), {"Bilan": [HEADER, *rows]})
    outcome = ingest(store, path, load_definition(definition_dir), organisation, organisation)
    assert outcome.status == "received", outcome.preparation.problems
    if accept:
        submission = int(store.query("submissions", org=organisation)["id"].iloc[0])
        assert review_submission(store, EVALUATOR, submission, "accepted")


def reached(place: str, value: float) -> list[object]:
    """One row of young people reached at `place` in T1."""
    return ["Nb jeunes touchés", place, "T1 2024-2025", value, None, None]


def visits(place: str, value: float) -> list[object]:
    """One row of company visits at `place` in T1 (a plain sum, no de-duplication)."""
    return ["Visites entreprises", place, "T1 2024-2025", value, None, None]


def figure(store: Store, viewer: object, indicator: str) -> pd.Series:
    if viewer == FUNDER:  # funders read what was published: publish what was accepted so far
        synthesis.publish(store, EVALUATOR, "2024-2025", dt.date(2025, 10, 1))
    table = figures.collective(store, viewer)  # type: ignore[arg-type]
    return table[(table["indicator"] == indicator) & (table["period"] == PERIOD)].iloc[0]


def test_sums_by_rule_and_hides_a_figure_of_fewer_than_three_organisations(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    send(
        store,
        definition_dir,
        tmp_path,
        "ent-valmont",
        [
            reached("0950001K", 40),
            reached("0950002L", 20),
        ],
    )
    send(
        store,
        definition_dir,
        tmp_path,
        "asso-elan",
        [reached("0950002L", 30)],
    )
    shown = figure(store, EVALUATOR, "jeunes-touches")
    assert (shown["value"], shown["organisations"], shown["hidden"]) == (90, 2, "")
    for viewer in (PARTNER_A, FUNDER):
        hidden = figure(store, viewer, "jeunes-touches")
        assert hidden["hidden"] == "few-organisations" and pd.isna(hidden["value"])
    assert figure(store, PARTNER_A, "jeunes-touches")["own"] == 60  # A's two schools
    assert pd.isna(figure(store, FUNDER, "jeunes-touches")["own"])
    send(
        store,
        definition_dir,
        tmp_path,
        "clg-0950001k",
        [reached("0950001K", 10)],
    )
    assert figure(store, EVALUATOR, "jeunes-touches")["value"] == 100
    # Three organisations now, but A knows its own 60: 100 − 60 would give the combined 40 of
    # the two others (Élan and the college), fewer than three organisations. The theory of
    # change hides it from A (disclosure.py removes the viewer's own share), so Données does.
    third = figure(store, PARTNER_A, "jeunes-touches")
    assert third["hidden"] and pd.isna(third["value"]) and third["own"] == 60


def test_a_sum_dominated_by_one_organisation_is_hidden(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    for organisation, value in (("ent-valmont", 900), ("asso-elan", 50), ("clg-0950001k", 50)):
        send(
            store,
            definition_dir,
            tmp_path,
            organisation,
            [["Nb jeunes touchés", "0950002L", "T1 2024-2025", value, None, None]],
        )
    hidden = figure(store, FUNDER, "jeunes-touches")
    assert hidden["hidden"] == "dominant" and pd.isna(hidden["value"])  # 900 / 1000 > 85 %
    assert figure(store, EVALUATOR, "jeunes-touches")["value"] == 1000


def test_rates_are_numerators_over_denominators_and_scores_a_mean_of_rows(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    rate = "Part des élèves ayant un projet d'avenir"
    score = "Score de confiance en soi"
    send(
        store,
        definition_dir,
        tmp_path,
        "ent-valmont",
        [
            [rate, "0950001K", "T1 2024-2025", 50, 10, 20],
            [score, "0950001K", "T1 2024-2025", 6, None, None],
            [score, "0950002L", "T1 2024-2025", 8, None, None],
        ],
    )
    send(
        store,
        definition_dir,
        tmp_path,
        "asso-elan",
        [
            [rate, "0950002L", "T1 2024-2025", 90, 90, 100],
            [score, "0950002L", "T1 2024-2025", 4, None, None],
        ],
    )
    send(
        store,
        definition_dir,
        tmp_path,
        "clg-0950001k",
        [[rate, "0950001K", "T1 2024-2025", 0, 0, 80]],
    )
    # (10 + 90 + 0) / (20 + 100 + 80) = 50 %, not the mean of 50, 90 and 0 (46.7)
    assert figure(store, FUNDER, "taux-projet-avenir")["value"] == pytest.approx(50)
    assert figure(store, PARTNER_A, "taux-projet-avenir")["own"] == pytest.approx(50)
    # the mean of the three rows (6, 8, 4), not of the two organisations' means (7 and 4)
    assert figure(store, EVALUATOR, "score-confiance")["value"] == pytest.approx(6)


def test_funders_see_only_accepted_submissions(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    for organisation in ("ent-valmont", "asso-elan"):
        send(
            store,
            definition_dir,
            tmp_path,
            organisation,
            [reached("0950002L", 10)],
        )
    send(
        store,
        definition_dir,
        tmp_path,
        "clg-0950001k",
        [reached("0950002L", 10)],
        accept=False,
    )
    assert figure(store, FUNDER, "jeunes-touches")["organisations"] == 2  # hidden, too few
    assert figure(store, EVALUATOR, "jeunes-touches")["value"] == 30  # the college's included
    # A partner reads the received file too, but not this figure: A knows its own 10, and
    # 30 − 10 is the combined figure of the two others (disclosure.py, as on the theory of change)
    partner = figure(store, PARTNER_A, "jeunes-touches")
    assert partner["hidden"] and pd.isna(partner["value"]) and partner["own"] == 10


def test_exports_write_user_text_as_text_never_as_a_formula(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    send(
        store,
        definition_dir,
        tmp_path,
        "ent-valmont",
        [reached("0950002L", 10)],
        name="=HYPERLINK(1)+2.xlsx",
    )
    book_bytes = reports.values_export(store, EVALUATOR, "xlsx")
    with zipfile.ZipFile(io.BytesIO(book_bytes)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and all(b"<f>" not in archive.read(n) for n in sheets)
    book = openpyxl.load_workbook(io.BytesIO(book_bytes))
    cells = [c for row in book["Valeurs"].iter_rows() for c in row if c.value]
    file_cells = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert [(c.value, c.data_type) for c in file_cells] == [("'=HYPERLINK(1)+2.xlsx", "s")]
    text = reports.values_export(store, EVALUATOR, "csv").decode("utf-8-sig")
    assert ";'=HYPERLINK(1)+2.xlsx;" in text and ";=HYPERLINK" not in text  # French: ;
    for start in ("=", "+", "-", "@", "\t", "\r"):
        frame = exports.safe_frame(pd.DataFrame({"a": [f"{start}1", "ok", None], "n": [-1, 2, 3]}))
        assert list(frame["a"])[:2] == [f"'{start}1", "ok"] and list(frame["n"]) == [-1, 2, 3]


def test_every_export_is_audited(store: Store, definition_dir: Path, tmp_path: Path) -> None:
    import datetime as dt

    reports.values_export(store, PARTNER_A, "csv")
    reports.observations_csv(store, EVALUATOR, "asso-elan")
    log = store.query("audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1))
    log = log[log["action"] == "export"]
    assert list(zip(log["actor"], log["target"], strict=True)) == [
        ("eva", "observations.csv"),
        ("valmont", "values.csv"),
    ]


def test_funders_read_published_figures_with_small_counts_hidden(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    # Visits add up without de-duplication (a de-duplicated count such as jeunes-touches is
    # hidden from funders with its maximum, one organisation's figure: as on the theory of change)
    for organisation, value in (("ent-valmont", 40), ("asso-elan", 35), ("appui", 30)):
        send(store, definition_dir, tmp_path, organisation, [visits("T-NORD", value)])
    assert figures.collective(store, FUNDER).empty  # accepted, not yet published
    synthesis.publish(store, EVALUATOR, "2024-2025", dt.date(2025, 10, 1))
    row = figure(store, FUNDER, "visites-entreprise")
    assert (row["value"], row["hidden"]) == (105, "")
    # the school's 5 is accepted after the publication: funders still read 105 meanwhile
    send(store, definition_dir, tmp_path, "clg-0950001k", [visits("0950001K", 5)], "c.xlsx")
    # and Élan's new file supersedes its 35, not accepted yet: still 105 for funders
    send(store, definition_dir, tmp_path, "asso-elan", [visits("T-NORD", 50)], "e2.xlsx", False)
    frozen = figures.collective(store, FUNDER).set_index("indicator")
    assert frozen.at["visites-entreprise", "value"] == 105
    assert figure(store, EVALUATOR, "visites-entreprise")["value"] == 40 + 50 + 30 + 5
    synthesis.publish(store, EVALUATOR, "2024-2025", dt.date(2025, 10, 1))
    assert figure(store, FUNDER, "visites-entreprise")["value"] == 40 + 30 + 5  # Élan's waits


def test_a_count_under_the_threshold_is_hidden_from_funders_only(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    for organisation in ("ent-valmont", "asso-elan", "appui"):
        send(store, definition_dir, tmp_path, organisation, [reached("T-NORD", 3)])
    row = figure(store, FUNDER, "jeunes-touches")  # 9 young people: "< 11"
    assert row["hidden"] == "small-count" and pd.isna(row["value"])
    assert figure(store, PARTNER_A, "jeunes-touches")["value"] == 9


def test_a_page_lists_the_first_current_values_and_counts_them_all(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    """What Données lists of millions of values: the first ones in the order of `values`, the
    current ones only, with how many there are; a partner its own only."""
    send(store, definition_dir, tmp_path, "ent-valmont", [reached("0950001K", 40)])
    send(store, definition_dir, tmp_path, "ent-valmont", [reached("0950001K", 45)])  # supersedes
    send(
        store,
        definition_dir,
        tmp_path,
        "asso-elan",
        [reached("0950001K", 5), reached("0950002L", 30)],
    )
    every = figures.values(store, EVALUATOR)
    assert len(every) == 3 and 40 not in set(every["value"])
    first, total = figures.first_values(store, EVALUATOR, limit=2)
    assert total == 3
    pd.testing.assert_frame_equal(first, every.head(2))
    mine, total = figures.first_values(store, PARTNER_A)
    assert (
        total == 1 and list(mine["value"]) == [45] and set(mine["organisation"]) == {"ent-valmont"}
    )
    empty, none = figures.first_values(store, EVALUATOR, "clg-0950001k")
    assert empty.empty and none == 0 and list(empty.columns) == list(every.columns)
