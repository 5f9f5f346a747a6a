"""The audit log: every action of the app writes its entry; evaluators read and filter it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from indicators import reports
from indicators.access import accounts, journal, sessions, tickets
from indicators.access.viewer import AccessDeniedError, command_line
from indicators.admin import editing
from indicators.analytics import learning, saved_views, synthesis
from indicators.analytics.explorer import ExplorerView
from indicators.definition.loading import load_definition
from indicators.ingest import uploads
from indicators.ingest.layout import ColumnChoice
from indicators.ingest.shapes import SheetLayout
from indicators.mail import notices
from indicators.mail.transport import MailConfig
from indicators.store.database import Store
from indicators.store.setup import init_store
from tests.conftest import EVALUATOR, FAST, FUNDER, PARTNER_A, open_accounts
from tests.mailserver import local_smtp
from tests.servers import free_port
from tests.workbooks import write_workbook

DAY = dt.date.today()


def test_every_action_writes_who_when_what(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    definition = load_definition(definition_dir)
    first = store.backup(tmp_path / "premiere.duckdb", actor="eva").path  # store.backup
    store.restore(store.backup(tmp_path / "seconde.duckdb").path, actor="eva")  # store.restore
    assert first.exists()
    open_accounts(store)  # account.add
    admin = command_line()
    login = accounts.authenticate(store, "valmont", "correct horse battery", "c", FAST)
    assert login.account is not None
    token = sessions.open_session(store, login.account, client="c", security=FAST)
    ticket = tickets.issue(store, login.account, "password", "c")  # login.ticket
    tickets.redeem(store, ticket, "c", security=FAST)  # device.add
    tickets.redeem(store, ticket, "c", security=FAST)  # login.ticket_refused (used)
    accounts.authenticate(store, "valmont", "wrong", "c", FAST)  # login.failure
    for _ in range(FAST.max_failures):
        accounts.authenticate(store, "elan", "wrong", "c", FAST)
    accounts.authenticate(store, "elan", "wrong", "c", FAST)  # login.throttled
    sessions.resolve(store, "v1.forged.1.sig", FAST)  # session.rejected
    path = write_workbook(
        tmp_path / "bilan.xlsx",
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Nb visites", "0950002L", "T1 2024-2025", 3],
            ]
        },
    )
    uploads.confirm_upload(store, PARTNER_A, definition, "ent-valmont", path, "bilan.xlsx")
    faulty = write_workbook(
        tmp_path / "faux.xlsx",
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Nb visites", "0950002L", "T1 2024-2025", "beaucoup"],
            ]
        },
    )
    uploads.confirm_upload(store, PARTNER_A, definition, "ent-valmont", faulty, "faux.xlsx")
    uploads.confirm_mappings(
        store,
        PARTNER_A,
        definition,
        "ent-valmont",
        [("indicator", "Nb sorties", "visites-entreprise")],
    )
    uploads.remember_layout(  # layout.confirm
        store,
        PARTNER_A,
        definition,
        "ent-valmont",
        SheetLayout("B", 0, "indicateur|college|periode|valeur", (ColumnChoice(3, "value"),)),
    )
    submission = int(store.query("submissions", org="ent-valmont")["id"].iloc[0])
    uploads.review_submission(store, EVALUATOR, submission, "returned", "Le T1 manque")
    with local_smtp() as (_, port):
        mail = MailConfig("127.0.0.1", port, "appui@example.org", timeout=5)
        notices.review(store, EVALUATOR, submission, "returned", "x", mail)  # mail.skipped
        accounts.set_contact(store, admin, "valmont", "v@valmont.fr")  # account.contact
        notices.review(store, EVALUATOR, submission, "returned", "x", mail)  # mail.sent
    down = MailConfig("127.0.0.1", free_port(), "appui@example.org", timeout=5)
    notices.review(store, EVALUATOR, submission, "returned", "x", down)  # mail.failed
    uploads.review_submission(store, EVALUATOR, submission, "accepted")
    reports.values_export(store, PARTNER_A, "xlsx")
    learning.add_note(store, PARTNER_A, "Visites reportées", learning.Subject(node="ACT-VISITES"))
    view = saved_views.save_view(store, EVALUATOR, "Vue", ExplorerView(("visites-entreprise",)))
    saved_views.rename_view(store, EVALUATOR, view, "Visites")  # view.rename
    saved_views.share_view(store, EVALUATOR, view)  # view.share
    saved_views.delete_view(store, EVALUATOR, view)  # view.delete
    synthesis.publish(store, EVALUATOR, "2024-2025", DAY)  # summary.publish
    accounts.set_password(store, admin, "valmont", "another long password", FAST)
    accounts.set_disabled(store, admin, "valmont")
    accounts.set_disabled(store, admin, "valmont", disabled=False)
    accounts.authenticate(  # account.rehash: stronger parameters than the hash's
        store,
        "valmont",
        "another long password",
        security=accounts.Security(time_cost=2, memory_kib=1024, parallelism=1),
    )
    token = sessions.open_session(store, accounts.get_account(store, "valmont"), security=FAST)
    sessions.close_session(store, token)  # logout
    token = sessions.open_session(store, accounts.get_account(store, "valmont"), security=FAST)
    store.clock = lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)
    sessions.resolve(store, token, FAST)  # session.expired
    accounts.set_role(store, admin, "elan", "partner", "ent-valmont")  # account.role
    organisations = editing.tables(store, EVALUATOR)["organisations"].copy()
    organisations.loc[organisations["code"] == "asso-elan", "name"] = "Élan & Cie"
    proposal = editing.propose(store, EVALUATOR, {"organisations": organisations})
    editing.save(store, EVALUATOR, proposal, "nom officiel")  # definition.edit
    init_store(store.path, definition_dir, actor="eva")  # definition.load
    log = journal.read_log(store, EVALUATOR, DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1))
    assert set(log["action"]) == set(journal.ACTIONS)  # every action, and no unnamed one
    upload = log[log["action"] == "submission.upload"].iloc[0]
    assert (upload["actor"], upload["target"]) == ("valmont", "bilan.xlsx")
    # a French colon, the organisation by its name
    assert "organisation : Transports Valmont" in upload["details"]
    refused = log[log["action"] == "submission.refused"].iloc[0]
    assert refused["target"] == "faux.xlsx" and "problèmes : 1 erreur(s)" in refused["details"]
    edited = log[log["action"] == "definition.edit"].iloc[0]["details"]
    assert "motif : nom officiel" in edited
    # the codes by the names of the definition now in force (data/ loaded again since)
    assert "modifications : modifié organisations « Association Élan »" in edited
    moved = log[log["action"] == "account.role"].iloc[0]["details"]
    assert moved == (
        "rôle : partenaire · organisation : Transports Valmont"
        " · avant : rôle partenaire, organisation Association Élan"
    )
    sent = log[log["action"] == "mail.sent"].iloc[0]["details"]
    assert "type : renvoi d'un fichier · résultat : envoyé" in sent
    around = (DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1))
    english = journal.read_log(store, EVALUATOR, *around, ["account.role"], lang="en")
    assert english["details"].iloc[0].startswith("role: partner · organisation: Transports")
    returned = log[log["action"] == "submission.return"].iloc[-1]  # the first return
    assert returned["actor"] == "eva" and "commentaire : Le T1 manque" in returned["details"]
    assert log["logged_at"].is_monotonic_decreasing  # newest first


def test_the_log_is_filtered_by_action_person_and_day(store: Store) -> None:
    open_accounts(store)
    accounts.authenticate(store, "valmont", "wrong", "c", FAST)
    accounts.authenticate(store, "elan", "wrong", "c", FAST)
    around = (DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1))
    failures = journal.read_log(store, EVALUATOR, *around, actions=["login.failure"])
    assert sorted(failures["actor"]) == ["elan", "valmont"]
    assert list(journal.read_log(store, EVALUATOR, *around, actor="VALM")["action"]) == [
        "login.failure"
    ]
    assert journal.read_log(
        store, EVALUATOR, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)
    ).empty
    counts = journal.per_day(failures, "en")
    assert list(counts["action"]) == ["failed login"] and list(counts["entries"]) == [2]
    with pytest.raises(AccessDeniedError):
        journal.read_log(store, FUNDER, *around)
