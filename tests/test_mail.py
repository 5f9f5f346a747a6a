"""E-mail notifications through a local SMTP server the tests start (aiosmtpd): a returned
file, reminders of missing reports, a server that is down, no configuration at all."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from streamlit.testing.v1 import AppTest

import ui
from indicators import cli
from indicators.access import accounts
from indicators.access.viewer import AccessDeniedError, command_line
from indicators.admin import editing
from indicators.mail import notices
from indicators.mail.transport import Delivery, MailConfig, Message, failure_text, send
from indicators.store.database import Store
from indicators.store.stored import stored_definition
from tests.conftest import EVALUATOR, FAST, LIGHT_ARGON2, PARTNER_A
from tests.mailserver import Capture, local_smtp
from tests.servers import free_port
from tests.stored import Sender, reported
from tests.test_app import started

AFTER_ALL = dt.date(2025, 10, 1)  # every period of the fixture is over
SECRET = "s3cret-du-serveur"


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"appui",
        SECRET.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535


@pytest.fixture
def smtp() -> Iterator[tuple[Capture, int]]:
    """A local SMTP server capturing what it receives: (its handler, its port)."""
    with local_smtp() as server:
        yield server


@pytest.fixture
def smtp_auth() -> Iterator[tuple[Capture, int]]:
    """A local SMTP server that asks for a user name and password (user appui, SECRET)."""
    with local_smtp(_authenticate) as server:
        yield server


def config_for(port: int, **more: Any) -> MailConfig:
    return MailConfig(
        host="127.0.0.1",
        port=port,
        sender="appui@example.org",
        timeout=5,
        public_url="https://mesure.example.org",
        **more,
    )


@pytest.fixture
def people(store: Store) -> Store:
    """The store with accounts of Valmont (French, English, one without address, one
    disabled), of Élan, and of the funder."""
    admin = command_line()
    made = [
        ("valmont", "Vanessa Valmont", "partner", "ent-valmont", "v@valmont.fr", "fr"),
        ("valmont-en", "Victor Valmont", "partner", "ent-valmont", "victor@valmont.com", "en"),
        ("valmont-sans", "Sans Adresse", "partner", "ent-valmont", None, "fr"),
        ("valmont-parti", "Parti Ailleurs", "partner", "ent-valmont", "parti@valmont.fr", "fr"),
        ("elan", "Élodie Élan", "partner", "asso-elan", "elodie@elan.org", "fr"),
        ("horizon", "Fondation Horizon", "funder", "fin-fondation", "h@horizon.org", "fr"),
    ]
    for username, name, role, organisation, address, lang in made:
        accounts.add_account(
            store,
            admin,
            username,
            name,
            role,
            "correct horse battery",
            organisation,
            address,
            security=FAST,
            language=lang,
        )
    accounts.set_disabled(store, admin, "valmont-parti")
    return store


def audit(store: Store, prefix: str = "mail.") -> list[dict[str, Any]]:
    log = store.query("audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1))
    log = log[log["action"].str.startswith(prefix)].iloc[::-1]
    return [
        {"action": a, "target": t, **json.loads(str(d))}
        for a, t, d in zip(log["action"], log["target"], log["details"], strict=True)
    ]


def plain(message: EmailMessage) -> str:
    """The plain text part of a message."""
    part = message.get_body(("plain",))
    assert part is not None, message
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    """The HTML part of a message."""
    part = message.get_body(("html",))
    assert part is not None, message
    return str(part.get_content())


def status_of(store: Store, submission: int) -> str:
    return str(store.query("submission", id=submission)["status"].iloc[0])


def a_submission(store: Store) -> int:
    return Sender(store)("ent-valmont", [("visites-entreprise", "0950001K", "2024-2025-T1", 3)])


# -- configuration ----------------------------------------------------------------------------


def test_configuration_comes_from_the_environment_and_hides_the_password() -> None:
    assert MailConfig.from_env({}) is None
    assert MailConfig.from_env({"MESURE_SMTP_HOST": "  "}) is None
    plain = MailConfig.from_env({"MESURE_SMTP_HOST": "smtp.example.org"})
    assert plain is not None
    assert (plain.port, plain.security, plain.sender) == (
        25,
        "none",
        "mesure-commune@smtp.example.org",
    )
    assert plain.timeout == 10 and plain.link("deposer") == ""
    full = MailConfig.from_env(
        {
            "MESURE_SMTP_HOST": "smtp.example.org",
            "MESURE_SMTP_STARTTLS": "oui",
            "MESURE_SMTP_USER": "appui@example.org",
            "MESURE_SMTP_PASSWORD": SECRET,
            "MESURE_SMTP_TIMEOUT": "3",
            "MESURE_PUBLIC_URL": "https://mesure.example.org/",
        }
    )
    assert full is not None
    assert (full.port, full.security, full.sender, full.timeout) == (
        587,
        "starttls",
        "appui@example.org",
        3,
    )
    assert full.link("deposer") == "https://mesure.example.org/deposer"
    assert SECRET not in repr(full)
    ssl_ = MailConfig.from_env(
        {"MESURE_SMTP_HOST": "h", "MESURE_SMTP_SSL": "1", "MESURE_SMTP_FROM": "x@h.org"}
    )
    assert ssl_ is not None and (ssl_.port, ssl_.security, ssl_.sender) == (465, "ssl", "x@h.org")
    odd = MailConfig.from_env({"MESURE_SMTP_HOST": "h", "MESURE_SMTP_PORT": "abc"})
    assert odd is not None and odd.port == 25


def test_an_account_keeps_its_address_and_language_edited_by_an_evaluator(people: Store) -> None:
    changed = accounts.set_contact(people, EVALUATOR, "valmont", " V.Nouvelle@Valmont.fr ", "en")
    assert (changed.email, changed.language) == ("v.nouvelle@valmont.fr", "en")
    entry = audit(people, "account.contact")[-1]
    assert entry["before"] == {"email": "v@valmont.fr", "language": "fr"}
    with pytest.raises(accounts.AccountError) as taken:
        accounts.set_contact(people, EVALUATOR, "valmont", "elodie@elan.org")
    assert taken.value.code == "duplicate-email"
    with pytest.raises(accounts.AccountError) as bad:
        accounts.set_contact(people, EVALUATOR, "valmont", "v@valmont.fr", "de")
    assert bad.value.code == "bad-language"
    with pytest.raises(AccessDeniedError):
        accounts.set_contact(people, PARTNER_A, "elan", "x@y.fr")
    assert accounts.set_contact(people, EVALUATOR, "valmont", None).email is None


# -- a returned file --------------------------------------------------------------------------


def test_a_return_writes_to_each_partner_account_in_its_language(
    people: Store, smtp: tuple[Capture, int]
) -> None:
    captured, port = smtp
    submission = a_submission(people)
    done = notices.review(
        people,
        EVALUATOR,
        submission,
        "returned",
        "Il manque les jeunes du Moulin",
        config_for(port),
    )
    assert done.done and not done.failures and status_of(people, submission) == "returned"
    # Valmont's enabled accounts with an address: not the one without, not the disabled one
    assert sorted(str(m["To"]) for m in captured.messages) == [
        "Vanessa Valmont <v@valmont.fr>",
        "Victor Valmont <victor@valmont.com>",
    ]
    french = captured.to("v@valmont.fr")[0]
    body = plain(french)
    assert french["Subject"] == (
        "Mesure commune : votre fichier « ent-valmont-10.xlsx » vous est renvoyé"
    )
    assert french["Content-Language"] == "fr"
    assert str(french["From"]) == "Mesure commune <appui@example.org>"
    assert "Bonjour Vanessa Valmont" in body
    assert "« ent-valmont-10.xlsx » déposé le 01/09/2025 pour Transports Valmont" in body
    assert "Raison : Il manque les jeunes du Moulin" in body
    assert "déposez-le à nouveau sur la page « Déposer »" in body
    assert "https://mesure.example.org/deposer" in body
    assert "Éva Luation, pour l'équipe d'appui de Petite initiative de test" in body
    english = plain(captured.to("victor@valmont.com")[0])
    assert "Hello Victor Valmont" in english and "Reason: Il manque les jeunes du Moulin" in english
    assert "'Upload' page: https://mesure.example.org/deposer" in english
    assert "Small test initiative" in english and "Raison" not in english
    entries = audit(people)
    assert [(e["action"], e["to"], e["kind"], e["result"]) for e in entries] == [
        ("mail.sent", "v@valmont.fr", "return", "sent"),
        ("mail.sent", "victor@valmont.com", "return", "sent"),
    ]
    assert entries[0]["subject"] == french["Subject"] and entries[0]["target"] == str(submission)


def test_an_accepted_file_sends_nothing(people: Store, smtp: tuple[Capture, int]) -> None:
    captured, port = smtp
    done = notices.review(people, EVALUATOR, a_submission(people), "accepted", "", config_for(port))
    assert done.done and not done.deliveries and not captured.messages and not audit(people)


def test_a_server_down_leaves_the_return_done_says_why_in_french_and_audits_it(
    people: Store, caplog: pytest.LogCaptureFixture
) -> None:
    submission = a_submission(people)
    down = config_for(free_port())  # nothing listens there
    done = notices.review(people, EVALUATOR, submission, "returned", "Trimestre manquant", down)
    assert done.done and status_of(people, submission) == "returned"
    assert len(done.failures) == 2 and {d.error for d in done.failures} == {"connection"}
    sentence = failure_text(done.failures[0], down)
    assert sentence.startswith("E-mail à v@valmont.fr non envoyé : le serveur SMTP 127.0.0.1:")
    assert "est injoignable" in sentence
    entries = audit(people)
    assert [(e["action"], e["result"], e["error"]) for e in entries] == [
        ("mail.failed", "failed", "connection")
    ] * 2
    assert "not sent" in caplog.text


def test_a_refused_address_fails_alone(people: Store, smtp: tuple[Capture, int]) -> None:
    captured, port = smtp
    captured.refused.add("v@valmont.fr")
    done = notices.review(
        people, EVALUATOR, a_submission(people), "returned", "À revoir", config_for(port)
    )
    assert [d.error for d in done.deliveries] == ["recipient", ""]
    assert [str(m["To"]) for m in captured.messages] == ["Victor Valmont <victor@valmont.com>"]
    assert "refusé cette adresse" in failure_text(done.failures[0], config_for(port))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_the_password_logs_in_and_never_reaches_the_audit_log(
    people: Store, smtp_auth: tuple[Capture, int]
) -> None:
    captured, port = smtp_auth
    right = config_for(port, user="appui", password=SECRET)
    wrong = config_for(port, user="appui", password=SECRET + "-faux")
    sent = notices.review(people, EVALUATOR, a_submission(people), "returned", "x", right)
    assert not sent.failures and len(captured.messages) == 2
    refused = notices.review(people, EVALUATOR, a_submission(people), "returned", "y", wrong)
    assert {d.error for d in refused.failures} == {"auth"}, refused.failures[0].detail
    assert "identifiant ou le mot de passe" in failure_text(refused.failures[0], wrong)
    log = people.query("audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1))
    assert not log["details"].astype(str).str.contains(SECRET).any()


def test_no_address_or_no_server_leaves_the_return_done_and_says_so(people: Store) -> None:
    elan = Sender(people)("asso-elan", [("score-confiance", "0950002L", "2024-2025", 7)])
    accounts.set_contact(people, EVALUATOR, "elan", None)
    nobody = notices.review(people, EVALUATOR, elan, "returned", "x", config_for(free_port()))
    assert nobody.done and nobody.no_address and not nobody.deliveries
    assert audit(people)[-1]["action"] == "mail.skipped"
    off = notices.review(people, EVALUATOR, a_submission(people), "returned", "x", None)
    assert off.done and off.mail_off and not off.deliveries
    with pytest.raises(AccessDeniedError):
        notices.review(people, PARTNER_A, elan, "returned", "x", None)


# -- reminders --------------------------------------------------------------------------------


def test_reminders_list_each_organisations_missing_reports_in_each_language(
    people: Store, smtp: tuple[Capture, int]
) -> None:
    captured, port = smtp
    reported(people)
    plan = notices.reminder_plan(people, EVALUATOR, AFTER_ALL, config=config_for(port))
    assert plan.reports == {"asso-elan": 1, "ent-valmont": 2}
    assert plan.unreachable == []
    preview = plan.preview(stored_definition(people))
    assert preview.values.tolist() == [
        ["Association Élan", "Élodie Élan", "elodie@elan.org", "français", 1],
        ["Transports Valmont", "Vanessa Valmont", "v@valmont.fr", "français", 2],
        ["Transports Valmont", "Victor Valmont", "victor@valmont.com", "anglais", 2],
    ]
    deliveries = notices.send_reminders(people, EVALUATOR, plan, config_for(port))
    assert all(d.sent for d in deliveries) and len(captured.messages) == 3
    valmont = captured.to("v@valmont.fr")[0]
    assert valmont["Subject"] == "Mesure commune : 2 rapport(s) manquant(s) de Transports Valmont"
    body = plain(valmont)
    assert "Il nous manque 2 rapport(s) de Transports Valmont" in body
    assert "attendu le 15/01/2025" in body and "https://mesure.example.org/deposer" in body
    assert "2024-2025-T1" not in body  # the period's label, not its code
    english = captured.to("victor@valmont.com")[0]
    assert english["Subject"] == "Mesure commune: 2 missing report(s) from Transports Valmont"
    assert "We are missing 2 report(s)" in plain(english)
    assert "due 15/01/2025" in plain(english)
    assert [(e["kind"], e["target"], e["result"]) for e in audit(people)] == [
        ("reminder", "asso-elan", "sent"),
        ("reminder", "ent-valmont", "sent"),
        ("reminder", "ent-valmont", "sent"),
    ]


def test_a_reminder_plan_names_who_cannot_be_reached_and_is_for_evaluators(
    people: Store,
) -> None:
    reported(people)
    accounts.set_contact(people, EVALUATOR, "elan", None)
    plan = notices.reminder_plan(people, EVALUATOR, AFTER_ALL, ["asso-elan"])
    assert plan.messages == [] and plan.unreachable == ["asso-elan"]
    assert "Page" not in notices.reminder_plan(people, EVALUATOR, AFTER_ALL).messages[0].body
    with pytest.raises(AccessDeniedError):
        notices.reminder_plan(people, PARTNER_A, AFTER_ALL)


def test_reminders_sent_from_several_threads_at_once_all_arrive_and_are_audited(
    people: Store, smtp: tuple[Capture, int]
) -> None:
    captured, port = smtp
    reported(people)
    plan = notices.reminder_plan(people, EVALUATOR, AFTER_ALL, config=config_for(port))
    results: list[list[Delivery]] = []
    errors: list[BaseException] = []

    def remind() -> None:
        try:
            results.append(notices.send_reminders(people, EVALUATOR, plan, config_for(port)))
        except BaseException as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=remind) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors and len(results) == 4
    assert all(d.sent for batch in results for d in batch)
    assert len(captured.messages) == 4 * len(plan.messages) == 12
    assert len(audit(people)) == 12


def test_a_broken_connection_fails_the_rest_of_the_batch(people: Store) -> None:
    message = Message("reminder", "asso-elan", "a@b.org", "A", "a", "fr", "Sujet", "Corps")
    deliveries = send(people, "eva", [message, message], config_for(free_port()))
    assert [d.error for d in deliveries] == ["connection", "connection"]
    assert send(people, "eva", [], config_for(free_port())) == []


# -- the HTML part -----------------------------------------------------------------------------


class _Page(HTMLParser):
    """The tags, the text and the links of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []
        self.lang = ""
        self.items: list[str] = []
        self._in_item = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag == "a":
            self.links.append(found.get("href") or "")
        if tag == "li":
            self._in_item = True
            self.items.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._in_item = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_item:
            self.items[-1] += data


def read_page(message: EmailMessage) -> _Page:
    """The HTML part of `message`, parsed."""
    page = _Page()
    page.feed(html_of(message))
    return page


# What the HTML part may be made of: a person's text never adds an element.
TAGS = {"html", "head", "meta", "title", "body", "h1", "h2", "p", "br", "ul", "li", "a", "div"}
ODD_NAME = "Bois & Fils <Transports> SARL"


def _renamed(store: Store, code: str, name: str) -> None:
    """The organisation `code` renamed to `name`, through the administration."""
    tables = editing.tables(store, EVALUATOR)
    organisations = tables["organisations"].copy()
    organisations.loc[organisations["code"] == code, "name"] = name
    proposal = editing.propose(store, EVALUATOR, {"organisations": organisations})
    editing.save(store, EVALUATOR, proposal, "nom officiel")


def test_a_return_has_a_plain_and_an_escaped_html_part_in_each_language(
    people: Store, smtp: tuple[Capture, int]
) -> None:
    captured, port = smtp
    _renamed(people, "ent-valmont", ODD_NAME)
    reason = "Il manque les 3e & les 4e <Moulin>\nLe trimestre « T1 » est vide"
    done = notices.review(
        people, EVALUATOR, a_submission(people), "returned", reason, config_for(port)
    )
    assert not done.failures and len(captured.messages) == 2
    french = captured.to("v@valmont.fr")[0]
    assert french.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in french.iter_parts()] == ["text/plain", "text/html"]
    assert french["Content-Language"] == "fr"
    assert f"pour {ODD_NAME}" in plain(french)  # the plain text as written
    source = html_of(french)
    assert "Bois &amp; Fils &lt;Transports&gt; SARL" in source
    assert "&lt;Moulin&gt;" in source and "<Moulin>" not in source
    page = read_page(french)
    assert set(page.tags) <= TAGS, set(page.tags) - TAGS
    assert page.lang == "fr" and page.tags.count("h1") == 1
    shown = "".join(page.text)
    assert "Votre fichier « ent-valmont-10.xlsx » vous est renvoyé" in shown
    assert f"déposé le 01/09/2025 pour {ODD_NAME}" in shown  # read back as written
    assert "Raison du renvoi" in shown and "Bonjour Vanessa Valmont" in shown
    assert page.items == ["Il manque les 3e & les 4e <Moulin>", "Le trimestre « T1 » est vide"]
    assert page.links == ["https://mesure.example.org/deposer"]
    assert "Ouvrir la page « Déposer » de Mesure commune" in shown
    assert "Message envoyé par Mesure commune." in shown
    english = read_page(captured.to("victor@valmont.com")[0])
    assert english.lang == "en" and set(english.tags) <= TAGS
    words = "".join(english.text)
    assert "Your file 'ent-valmont-10.xlsx' is returned to you" in words
    assert f"uploaded on 2025-09-01 for {ODD_NAME}" in words and "Why it is returned" in words
    assert "Open the 'Upload' page of Mesure commune" in words
    assert "Raison" not in words and "Bonjour" not in words


def test_a_reminder_lists_the_missing_reports_in_html_in_each_language(
    people: Store, smtp: tuple[Capture, int]
) -> None:
    captured, port = smtp
    reported(people)
    _renamed(people, "ent-valmont", ODD_NAME)
    plan = notices.reminder_plan(people, EVALUATOR, AFTER_ALL, ["ent-valmont"], config_for(port))
    notices.send_reminders(people, EVALUATOR, plan, config_for(port))
    french = captured.to("v@valmont.fr")[0]
    assert [p.get_content_type() for p in french.iter_parts()] == ["text/plain", "text/html"]
    page = read_page(french)
    assert set(page.tags) <= TAGS and page.lang == "fr"
    shown = "".join(page.text)
    assert f"2 rapport(s) manquant(s) de {ODD_NAME}" in shown
    assert "Bois &amp; Fils &lt;Transports&gt; SARL" in html_of(french)
    # one item per missing report, as the plain text lists them
    lines = [line[2:] for line in plain(french).splitlines() if line.startswith("- ")]
    assert page.items == lines and len(lines) == 2
    assert all("attendu le" in item and "2024-2025-T1" not in item for item in page.items)
    assert page.links == ["https://mesure.example.org/deposer"]
    english = read_page(captured.to("victor@valmont.com")[0])
    assert english.lang == "en"
    words = "".join(english.text)
    assert "We are missing 2 report(s)" in words and "attendu" not in words
    assert all("(due " in item for item in english.items) and len(english.items) == 2
    # without the app's address, no link (and the plain text none either)
    bare = notices.reminder_plan(people, EVALUATOR, AFTER_ALL, ["ent-valmont"])
    assert "<a " not in bare.messages[0].html and "https://" not in bare.messages[0].body


def test_a_message_without_html_is_plain_text(people: Store, smtp: tuple[Capture, int]) -> None:
    captured, port = smtp
    message = Message("reminder", "asso-elan", "a@b.org", "A", "a", "fr", "Sujet", "Corps")
    assert send(people, "eva", [message], config_for(port))[0].sent
    assert captured.messages[0].get_content_type() == "text/plain"


# -- the command line -------------------------------------------------------------------------


def test_mesure_remind_previews_then_sends(
    people: Store,
    definition_dir: Path,
    smtp: tuple[Capture, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    captured, port = smtp
    reported(people)
    people.close()
    base = ["--db", str(people.path), "--data", str(definition_dir), "--today", "2025-10-01"]
    monkeypatch.delenv("MESURE_SMTP_HOST", raising=False)
    assert cli.main(["remind", *base]) == 0
    out = capsys.readouterr().out
    assert "Transports Valmont → Victor Valmont <victor@valmont.com> (en) : 2 rapport(s)" in out
    assert "Aperçu seulement : relancez avec --send pour envoyer." in out
    assert not captured.messages
    assert cli.main(["remind", *base, "--send"]) == 2
    assert "L'envoi d'e-mails est désactivé" in capsys.readouterr().err
    monkeypatch.setenv("MESURE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MESURE_SMTP_PORT", str(port))
    assert cli.main(["remind", *base, "--org", "asso-elan", "--send"]) == 0
    assert "1 relance(s) envoyée(s)." in capsys.readouterr().out
    assert [str(m["To"]) for m in captured.messages] == ["Élodie Élan <elodie@elan.org>"]
    assert cli.main(["remind", *base, "--org", "inconnue"]) == 2
    added = ["users", "add", "elan-en", "--role", "partner", "--organisation", "asso-elan"]
    added += ["--email", "e@elan.org", "--language", "en", "--password-stdin", *base[:4]]
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    for name, value in LIGHT_ARGON2.items():
        monkeypatch.setenv(name, value)
    assert cli.main(added) == 0
    assert accounts.get_account(people, "elan-en").language == "en"
    monkeypatch.setenv("MESURE_SMTP_PORT", str(free_port()))
    assert cli.main(["remind", *base, "--org", "asso-elan", "--send"]) == 1
    assert "injoignable" in capsys.readouterr().err


# -- the pages --------------------------------------------------------------------------------


def _evaluator_on(page: str, store: Store) -> AppTest:
    at = started(store, "eva", page=ui.PAGE_FILES[page])
    assert not at.exception, at.exception
    return at


def _partner_accounts(store: Store) -> None:
    accounts.set_contact(store, command_line(), "valmont", "v@valmont.fr", "fr")
    accounts.add_account(
        store,
        command_line(),
        "valmont-en",
        "Victor Valmont",
        "partner",
        "correct horse battery",
        "ent-valmont",
        "victor@valmont.com",
        security=FAST,
        language="en",
    )


def test_without_configuration_the_synchronisation_page_says_e_mail_is_off(
    app_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MESURE_SMTP_HOST", raising=False)
    reported(app_store)
    _partner_accounts(app_store)
    at = _evaluator_on("sync", app_store)
    assert "L'envoi d'e-mails est désactivé (aucun serveur SMTP configuré)." in [
        i.value for i in at.info
    ]
    assert at.button(key="remind_send").disabled
    at.selectbox(key="review_org").set_value("ent-valmont").run()
    at.button(key="review_return").click().run()
    assert not at.exception, at.exception
    assert at.success[-1].value == "Dépôt renvoyé."
    assert "L'envoi d'e-mails est désactivé" in at.warning[-1].value
    assert not audit(app_store)


def test_the_synchronisation_page_sends_a_return_and_reminders(
    app_store: Store, smtp: tuple[Capture, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    captured, port = smtp
    monkeypatch.setenv("MESURE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MESURE_SMTP_PORT", str(port))
    reported(app_store)
    _partner_accounts(app_store)
    at = _evaluator_on("sync", app_store)
    assert "L'envoi d'e-mails est désactivé" not in " ".join(i.value for i in at.info)
    at.radio(key="remind_scope").set_value("all").run()
    preview = next(d.value for d in at.dataframe if "Adresse" in d.value.columns)
    assert list(preview["Adresse"]) == ["v@valmont.fr", "victor@valmont.com"]
    # owes a report, nobody to write to
    assert any("Association Élan" in w.value for w in at.warning), at.warning
    at.button(key="remind_send").click().run()
    assert not at.exception, at.exception
    assert at.success[-1].value == "2 relance(s) envoyée(s)."
    assert len(captured.messages) == 2
    at.selectbox(key="review_org").set_value("ent-valmont").run()
    at.text_input[0].input("Il manque les jeunes du Moulin")
    at.button(key="review_return").click().run()
    assert not at.exception, at.exception
    assert "v@valmont.fr, victor@valmont.com" in at.info[-1].value
    returned = [m for m in captured.messages if "renvoyé" in str(m["Subject"])]
    assert len(returned) == 1 and "Il manque les jeunes du Moulin" in plain(returned[0])
    monkeypatch.setenv("MESURE_SMTP_PORT", str(free_port()))  # the server goes away
    at.text_input[0].input("Encore une fois")
    at.button(key="review_return").click().run()
    assert not at.exception, at.exception
    assert at.success[-1].value == "Dépôt renvoyé."
    assert at.error[-1].value.startswith(
        "Le dépôt est bien renvoyé, mais le partenaire n'a pas été prévenu par e-mail"
    )
    assert "injoignable" in at.error[-1].value
    assert [e["result"] for e in audit(app_store)][-2:] == ["failed", "failed"]


def test_administration_edits_an_accounts_address_and_language(app_store: Store) -> None:
    at = _evaluator_on("admin", app_store)
    at.selectbox(key="admin_pick").set_value("valmont").run()
    at.text_input(key="admin_contact_email").input("contact@valmont.fr")
    at.selectbox(key="admin_contact_language").set_value("en")
    at.button(key="admin_contact_save").click().run()
    assert not at.exception, at.exception
    account = accounts.get_account(app_store, "valmont")
    assert (account.email, account.language) == ("contact@valmont.fr", "en")
    assert "enregistrées" in at.success[-1].value
