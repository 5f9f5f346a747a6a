"""Nothing leaks: every page and every export, as partner A, as a funder, and as nobody.

Three organisations report the same indicator with values found nowhere else (11873 for
partner A, 14729 for partner B, 12953 for the school); B also has a file name, an uploader and a
confirmed mapping of its own. Partner A may see its own value but nothing of B or of the school
alone; the funder never a row of one organisation; a viewer of an unknown role is refused by
every scoped function. The indicator is de-duplicated (the largest per school): all three in
one school, the initiative's figure is B's 14729 alone, hidden, and the gross sum shown beside
a de-duplicated figure, Données' collective figure (39555), is hidden with it: both read
« masqué » (indicators/disclosure.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from indicators import reports
from indicators.access import accounts, journal
from indicators.access.publications import frozen
from indicators.access.viewer import PAGE_ROLES, AccessDeniedError, Viewer
from indicators.admin import editing as admin_editing
from indicators.admin import workbook as admin_workbook
from indicators.analytics import (
    attack,
    catalogue,
    coordination,
    figures,
    learning,
    progress,
    saved_views,
    synchronisation,
    synthesis,
    theory,
)
from indicators.analytics.explorer import ExplorerView
from indicators.definition.loading import load_definition
from indicators.definition.model import Definition
from indicators.ingest import changes, uploads
from indicators.ingest.pipeline import ingest
from indicators.ingest.template import template_bytes, write_template
from indicators.store.database import Store
from tests.conftest import (
    BASE_DEFINITION,
    EVALUATOR,
    FUNDER,
    PARTNER_A,
    PARTNER_B,
    PROJECT,
    copied_store,
)
from tests.test_app import open_traces, started
from tests.workbooks import write_workbook

PAGES = ui.PAGE_FILES
SCHOOL = "clg-0950001k"
SENT = {  # organisation: (file name, uploader, value)
    "ent-valmont": ("valmont-bilan-a.xlsx", "valmont", 11873),
    "asso-elan": ("elan-secret-bilan.xlsx", "elan-secret-uploader", 14729),
    SCHOOL: ("tilleuls-secret-bilan.xlsx", "tilleuls-secret-uploader", 12953),
}
B_MAPPING = "Libellé secret d'Élan"
OF_B = ["elan-secret", "14729", "14 729", "Libellé secret", "Libelle secret"]
OF_SCHOOL = ["tilleuls-secret", "12953", "12 953"]
OF_A = ["valmont-bilan-a", "11873"]
COLLECTIVE = "39555"
WITHHELD = "masqué : moins de 3 organisations"  # Données' note on the collective figure
TODAY = dt.date(2025, 10, 1)
GUEST = Viewer("guest", "visitor", "Visiteur", "ent-valmont")


@pytest.fixture(scope="session")
def shared_template(tmp_path_factory: pytest.TempPathFactory, app_store_template: Path) -> Path:
    """What `shared` holds, made once per test process."""
    folder = tmp_path_factory.mktemp("shared")
    store = copied_store(app_store_template, folder / "app.duckdb")
    send_and_accept(store, folder)
    store.close()
    return store.path


@pytest.fixture
def shared(app_env: Path, shared_template: Path) -> Store:
    """The app's store with what A, B and the school sent, accepted by an evaluator."""
    return copied_store(shared_template, app_env)


def send_and_accept(app_store: Store, tmp_path: Path) -> None:
    definition = load_definition(BASE_DEFINITION)
    for organisation, (name, uploader, value) in SENT.items():
        path = write_workbook(
            tmp_path / name,
            {
                "Bilan": [
                    ["Indicateur", "Collège", "Période", "Valeur"],
                    ["Nb jeunes touchés", "0950002L", "T1 2024-2025", value],
                ]
            },
        )
        outcome = ingest(app_store, path, definition, organisation, uploader)
        assert outcome.status == "received", outcome.preparation.problems
    uploads.confirm_mappings(
        app_store,
        PARTNER_B,
        definition,
        "asso-elan",
        [("indicator", B_MAPPING, "visites-entreprise")],
    )
    for submission in app_store.query("all_submissions")["id"]:
        assert uploads.review_submission(app_store, EVALUATOR, int(submission), "accepted")
    synthesis.publish(app_store, EVALUATOR, "2024-2025", TODAY)  # what funders read


def rendered(at: AppTest) -> str:
    """Everything an AppTest run put on the page: texts, tables, charts, widgets' options."""
    parts: list[str] = []

    def walk(node: Any) -> Iterator[Any]:
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    for node in walk(at._tree):
        if node.type in ("arrow_data_frame", "dataframe"):
            parts.append(node.value.to_csv())
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
            if node.type == "plotly_chart":
                parts.append(json.dumps(_decoded(json.loads(proto.spec))))
    return "\n".join(parts)


def _decoded(spec: Any) -> Any:
    """A plotly spec with its typed arrays (`{"dtype", "bdata"}`, base64) as plain numbers,
    so that a number a chart draws can be searched for as text."""
    if isinstance(spec, dict):
        if "bdata" in spec and "dtype" in spec:
            raw = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.dtype(spec["dtype"]))
            return [float(x) if raw.dtype.kind == "f" else int(x) for x in raw]
        return {k: _decoded(v) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_decoded(v) for v in spec]
    return spec


def visit(store: Store, viewer: Viewer, page: str) -> Iterator[str]:
    """What `viewer` sees on `page`: first as it opens, then with each choice of its first
    selectbox (an indicator, a place), and on the theory of change with each node, every
    indicator's "where does this figure come from?" box open."""
    at = started(store, viewer.username, page=page)
    assert not at.exception, at.exception
    yield rendered(at)
    codes = list(store.query("indicators")["code"])
    if at.selectbox:
        for option in list(at.selectbox[0].options)[:12]:
            open_traces(at, codes)
            at.selectbox[0].select_index(list(at.selectbox[0].options).index(option)).run()
            assert not at.exception, at.exception
            yield rendered(at)
    nodes = [s for s in at.selectbox if s.key == "toc_node"]
    if nodes:  # the theory of change: every node, with its curves, trace and contributors
        traced = False
        for option in list(nodes[0].options):
            open_traces(at, codes)
            at.selectbox(key="toc_node").set_value(option.rsplit("(", 1)[1].rstrip(")")).run()
            assert not at.exception, at.exception
            traced |= any("Cellule" in d.value for d in at.dataframe)
            yield rendered(at)
        assert traced == (viewer.role != "funder")  # the values behind figures were walked too


def spreadsheet_text(data: bytes | str) -> str:
    """The text of a CSV, or of every cell of every sheet of an xlsx."""
    if isinstance(data, str):
        return data
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return data.decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )


def exports_of(
    store: Store, viewer: Viewer, definition: Definition
) -> dict[str, Callable[[], Any]]:
    """Every export the app offers, as `viewer` would get it."""
    made: dict[str, Callable[[], Any]] = {
        "values.xlsx": lambda: reports.values_export(store, viewer, "xlsx"),
        "values.csv": lambda: reports.values_export(store, viewer, "csv"),
        "values.xlsx.en": lambda: reports.values_export(store, viewer, "xlsx", "en"),
        "collective": lambda: reports.collective_table(store, viewer).to_csv(),
    }
    if viewer.role in ("evaluator", "partner"):
        made["observations.csv"] = lambda: reports.observations_csv(store, viewer)
    if viewer.role in ("evaluator", "funder"):  # the funder pack of every published summary
        for year in synthesis.published_years(store, viewer):
            for scope in synthesis.scopes(store):
                summary = synthesis.summary(store, viewer, year, scope, TODAY)
                if summary is not None:
                    made[f"pack.xlsx:{year}:{scope}"] = partial(
                        reports.pack_workbook, store, viewer, summary, "fr"
                    )
    if viewer.role == "partner":
        own = viewer.organisation or ""
        made["history"] = lambda: uploads.history(store, viewer, definition, own).to_csv()
        made["template"] = lambda: template_bytes(definition, own)
        made["reminder"] = lambda: reports.reminder_export(store, viewer, TODAY, own)
    return made


# -- partner A ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", [k for k, roles in PAGE_ROLES.items() if "partner" in roles])
def test_partner_a_sees_nothing_of_partner_b_on_any_page(shared: Store, page: str) -> None:
    seen_own = seen_collective = False
    for shown in visit(shared, PARTNER_A, PAGES[page]):
        for secret in [*OF_B, *OF_SCHOOL]:
            assert secret not in shown, (page, secret)
        assert COLLECTIVE not in shown, page
        seen_own |= "11873" in shown
        seen_collective |= WITHHELD in shown
    if page == "data":  # the test can fail: A's own value and the collective figure are there
        assert seen_own and seen_collective


def test_partner_a_sees_nothing_of_partner_b_in_any_export(shared: Store) -> None:
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    made = exports_of(shared, PARTNER_A, definition)
    assert set(made) >= {"values.xlsx", "values.csv", "observations.csv", "history", "template"}
    for name, export in made.items():
        text = spreadsheet_text(export())
        for secret in [*OF_B, *OF_SCHOOL]:
            assert secret not in text, (name, secret)
    values = spreadsheet_text(made["values.xlsx"]())
    assert "valmont-bilan-a.xlsx" in values and WITHHELD in values and "11873" in values
    assert COLLECTIVE not in values


def test_partner_a_cannot_ask_for_partner_b_by_name(shared: Store) -> None:
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    path = write_workbook(
        Path(os.environ["MESURE_DB"]).with_name("a.xlsx"),
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Nb visites", "0950002L", "T2 2024-2025", 1],
            ]
        },
    )
    attempts: list[Callable[[], object]] = [
        lambda: figures.values(shared, PARTNER_A, "asso-elan"),
        lambda: figures.first_values(shared, PARTNER_A, "asso-elan"),
        lambda: reports.observations_csv(shared, PARTNER_A, "asso-elan"),
        lambda: uploads.history(shared, PARTNER_A, definition, "asso-elan"),
        lambda: uploads.check_upload(shared, PARTNER_A, definition, "asso-elan", path, "a.xlsx"),
        lambda: uploads.confirm_upload(shared, PARTNER_A, definition, "asso-elan", path, "a.xlsx"),
        lambda: uploads.confirm_mappings(
            shared, PARTNER_A, definition, "asso-elan", [("indicator", "x", "jeunes-touches")]
        ),
        lambda: uploads.review_submission(shared, PARTNER_A, 1, "accepted"),
        lambda: journal.read_log(shared, PARTNER_A, dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
        lambda: accounts.list_accounts(shared, PARTNER_A),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDeniedError):
            attempt()
    assert set(figures.values(shared, PARTNER_B)["organisation"]) == {"asso-elan"}
    assert set(figures.first_values(shared, PARTNER_B)[0]["organisation"]) == {"asso-elan"}


def test_an_upload_is_always_the_signed_in_partners_own(shared: Store, tmp_path: Path) -> None:
    """Even a template made for B, or a file naming B, lands under the uploader's organisation."""
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    template_of_b = tmp_path / "modele-elan.xlsx"
    write_template(definition, "asso-elan", template_of_b)
    book = openpyxl.load_workbook(template_of_b)
    sheet = book["Saisie"]
    value_column = [c.value for c in sheet[1]].index("Valeur") + 1
    sheet.cell(row=2, column=value_column, value=5.5)  # B's first pre-filled row (a score)
    book.save(template_of_b)
    organisation = uploads.organisations_for(PARTNER_A, definition)
    assert organisation == ["ent-valmont"]
    done = uploads.confirm_upload(
        shared, PARTNER_A, definition, organisation[0], template_of_b, "modele-elan.xlsx"
    )
    assert done.created == 1
    assert "template-other-organisation" in {p.code for p in done.preparation.problems}
    stored = figures.values(shared, EVALUATOR)
    assert set(stored.loc[stored["filename"] == "modele-elan.xlsx", "organisation"]) == {
        "ent-valmont"
    }


# -- the funder ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", [k for k, roles in PAGE_ROLES.items() if "funder" in roles])
def test_a_funder_sees_no_row_of_one_organisation_on_any_page(shared: Store, page: str) -> None:
    seen_collective = False
    for shown in visit(shared, FUNDER, PAGES[page]):
        for secret in [*OF_A, *OF_B, *OF_SCHOOL, COLLECTIVE, "valmont-bilan", ".xlsx"]:
            assert secret not in shown, (page, secret)
        seen_collective |= WITHHELD in shown
    if page == "data":
        assert seen_collective


def test_a_funder_sees_no_row_of_one_organisation_in_any_export(shared: Store) -> None:
    """Every export, the funder pack of each published summary included: at the territory's
    scope its need sheet lists the school where the three reported, whose figure (the largest
    of them, max per school) is B's own 14729: « masqué », never the number."""
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    made = exports_of(shared, FUNDER, definition)
    assert {"pack.xlsx:2024-2025:*", "pack.xlsx:2024-2025:T-NORD"} <= set(made)
    for name, export in made.items():
        text = spreadsheet_text(export())
        for secret in [*OF_A, *OF_B, *OF_SCHOOL, ".xlsx", "uploaded_by", "Bilan"]:
            assert secret not in text, (name, secret)
    assert WITHHELD in spreadsheet_text(reports.values_export(shared, FUNDER, "xlsx"))
    for attempt in (
        lambda: figures.values(shared, FUNDER),
        lambda: figures.first_values(shared, FUNDER),
        lambda: reports.observations_csv(shared, FUNDER),
    ):
        with pytest.raises(AccessDeniedError):
            attempt()


def test_a_funder_sees_only_accepted_data(shared: Store, tmp_path: Path) -> None:
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    path = write_workbook(
        tmp_path / "late.xlsx",
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Nb jeunes touchés", "0950001K", "T1 2024-2025", 50],
            ]
        },
    )
    for organisation in ("ent-valmont", "asso-elan", SCHOOL):
        outcome = ingest(shared, path, definition, organisation, "x")  # received, not accepted
        assert outcome.status == "received", outcome.preparation.problems
    # what funders read is frozen by the publication: the new values wait for an evaluator
    read = frozen(shared, "collective", lambda: pd.DataFrame()).set_index("period")["value"]
    assert read["2024-2025-T1"] == 39555
    assert set(figures.collective(shared, FUNDER)["organisations"]) == {3}
    evaluator = figures.collective(shared, EVALUATOR).set_index("period")["value"]
    assert evaluator["2024-2025-T1"] == 39555 + 3 * 50


# -- nobody and an unknown role --------------------------------------------------------------


def test_a_viewer_of_no_known_role_is_refused_by_every_scoped_function(shared: Store) -> None:
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    path = Path(os.environ["MESURE_DB"])
    calls: list[Callable[[], object]] = [
        lambda: catalogue.indicator_table(shared, GUEST),
        lambda: catalogue.indicator_history(shared, GUEST, "jeunes-touches"),
        lambda: theory.theory_graph(shared, GUEST),
        lambda: figures.values(shared, GUEST),
        lambda: figures.first_values(shared, GUEST),
        lambda: figures.collective(shared, GUEST),
        lambda: reports.values_export(shared, GUEST, "xlsx"),
        lambda: reports.collective_table(shared, GUEST),
        lambda: reports.observations_csv(shared, GUEST),
        lambda: uploads.organisations_for(GUEST, definition),
        lambda: uploads.history(shared, GUEST, definition, "ent-valmont"),
        lambda: uploads.check_upload(shared, GUEST, definition, "ent-valmont", path, "x"),
        lambda: uploads.check_file(shared, GUEST, definition, "ent-valmont", path, "x"),
        lambda: uploads.confirm_upload(shared, GUEST, definition, "ent-valmont", path, "x"),
        lambda: uploads.confirm_mappings(shared, GUEST, definition, "ent-valmont", []),
        lambda: uploads.review_submission(shared, GUEST, 1, "accepted"),
        lambda: uploads.review_submissions(shared, GUEST, [1, 2], "returned"),
        lambda: journal.read_log(shared, GUEST, dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
        lambda: synchronisation.expected_reports(shared, GUEST, TODAY),
        lambda: synchronisation.missing_reports(shared, GUEST, TODAY),
        lambda: synchronisation.rates(shared, GUEST, TODAY),
        lambda: synchronisation.statuses(shared, GUEST, TODAY),
        lambda: synchronisation.consistency(shared, GUEST, TODAY, ["2024-2025-T1"]),
        lambda: synchronisation.freshness(shared, GUEST, TODAY),
        lambda: synchronisation.conformity(shared, GUEST),
        lambda: synchronisation.data_quality(shared, GUEST, TODAY),
        lambda: synchronisation.sync_index(shared, GUEST, TODAY),
        lambda: synchronisation.status_counts(shared, GUEST, TODAY),
        lambda: reports.reminder_export(shared, GUEST, TODAY, "ent-valmont"),
        lambda: accounts.list_accounts(shared, GUEST),
        lambda: accounts.add_account(shared, GUEST, "x", "x", "partner", "long enough pw"),
        lambda: accounts.set_disabled(shared, GUEST, "valmont"),
        lambda: accounts.set_password(shared, GUEST, "valmont", "long enough pw"),
        lambda: coordination.records(shared, GUEST),
        lambda: coordination.presence(shared, GUEST, "2024-2025"),
        lambda: coordination.gaps(shared, GUEST, "2024-2025", TODAY),
        lambda: coordination.overlaps(shared, GUEST, "2024-2025"),
        lambda: coordination.need_and_reach(shared, GUEST, "2024-2025"),
        lambda: coordination.network(shared, GUEST, "2024-2025"),
        lambda: synthesis.publish(shared, GUEST, "2024-2025", TODAY),
        lambda: synthesis.published_years(shared, GUEST),
        lambda: synthesis.contents(shared, GUEST, "2024-2025"),
        lambda: synthesis.summary(shared, GUEST, "2024-2025", "*", TODAY),
        lambda: reports.pack_workbook(shared, GUEST, published(shared), "fr"),
        lambda: reports.pack_pdf(shared, GUEST, published(shared), "fr"),
        lambda: progress.figures(shared, GUEST),
        lambda: attack.truth(shared, GUEST),
        lambda: attack.published(shared, GUEST, TODAY),
        lambda: attack.attack(shared, GUEST, TODAY),
        lambda: attack.families(shared, GUEST, TODAY),
        lambda: progress.progress(shared, GUEST),
        lambda: progress.node_statuses(shared, GUEST, progress.progress(shared, EVALUATOR), "x"),
        lambda: progress.contributors(shared, GUEST),
        lambda: progress.trace(shared, GUEST, "jeunes-touches", "*", "2024-2025"),
        lambda: learning.add_note(shared, GUEST, "x", learning.Subject(node="ACT-VISITES")),
        lambda: learning.notes(shared, GUEST),
        lambda: admin_editing.tables(shared, GUEST),
        lambda: admin_editing.propose(shared, GUEST, {}),
        lambda: admin_workbook.workbook_bytes(shared, GUEST),
        lambda: admin_workbook.propose_workbook(shared, GUEST, path, "x.xlsx"),
        lambda: changes.what_changed(shared, GUEST, 1),
        lambda: changes.earlier_submissions(shared, GUEST, 1),
        lambda: saved_views.saved_views(shared, GUEST),
        lambda: saved_views.open_view(shared, GUEST, 1),
        lambda: saved_views.save_view(shared, GUEST, "x", ExplorerView(("jeunes-touches",))),
        lambda: saved_views.rename_view(shared, GUEST, 1, "x"),
        lambda: saved_views.delete_view(shared, GUEST, 1),
        lambda: saved_views.share_view(shared, GUEST, 1),
    ]
    for call in calls:
        with pytest.raises(AccessDeniedError):
            call()


def published(store: Store) -> synthesis.Summary:
    """An evaluator's preview of 2024-2025, for the refusal test of the pack."""
    return synthesis.Summary(
        "2024-2025", "*", synthesis.build(store, "2024-2025", "*", TODAY), None, 11
    )


def test_every_function_that_takes_a_viewer_is_in_the_refusal_test() -> None:
    """A new scoped function must be added to the test above (deny by default, proven)."""
    import ast
    import inspect

    tested = inspect.getsource(test_a_viewer_of_no_known_role_is_refused_by_every_scoped_function)
    for path in sorted((PROJECT / "indicators").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                kinds = [ast.unparse(a.annotation) for a in node.args.args if a.annotation]
                if "Viewer" in kinds and path.stem != "access":
                    assert f"{path.stem}.{node.name}(" in tested, f"{path.stem}.{node.name}"
