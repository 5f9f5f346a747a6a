"""AppTest of every page for every role, through the router and run directly; the sign-in."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from indicators.access.viewer import PAGE_ROLES
from indicators.admin.shown import header
from indicators.analytics import synthesis
from indicators.store.database import Store
from tests.conftest import EVALUATOR, PASSWORD, PROJECT, session_token
from tests.stored import reported

PAGES = ui.PAGE_FILES
TIMEOUT = 60
ROLE_ACCOUNTS = {"evaluator": "eva", "partner": "valmont", "funder": "horizon"}


def texts(at: AppTest) -> str:
    parts = [
        e.value for e in (*at.title, *at.markdown, *at.caption, *at.subheader, *at.error, *at.info)
    ]
    return "\n".join(str(p) for p in parts)


def started(
    store: Store | None = None,
    username: str | None = None,
    lang: str | None = None,
    page: str | None = None,
    params: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> AppTest:
    """The app run once, signed in as `username` when given (its session in this tab); with
    `page`, then switched to that page, as a person who signs in then opens it: the first run
    is the sign-in page's, which reads nothing, rather than the home page's (a fifth of an
    AppTest file's CPU went to home pages nobody looked at); `params`: the address's
    parameters the page is opened with."""
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=timeout)
    if lang:
        at.query_params["lang"] = lang
    token = session_token(store, username) if store is not None and username is not None else ""
    if token and page is None:
        at.session_state[ui.TOKEN] = token
    at.run()
    assert not at.exception, at.exception
    if page is not None:
        if token:
            at.session_state[ui.TOKEN] = token
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.switch_page(page).run()
    return at


def audit_actions(store: Store) -> list[str]:
    log = store.query("audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1))
    return list(log["action"])[::-1]


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _not_demo() -> None:
    data = Path(os.environ["MESURE_DATA"]) / "initiative.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("demo: true", "demo: false"))


# -- nobody signed in ---------------------------------------------------------------------


def test_the_app_starts_on_the_sign_in_form_and_creates_the_store(app_env: Path) -> None:
    assert not app_env.exists()
    at = started()
    assert app_env.is_file()
    assert at.title[0].value == "Connexion"
    assert [e.label for e in at.text_input] == ["Identifiant", "Mot de passe"]
    assert not at.dataframe or "Identifiant" in at.dataframe[0].value.columns  # demo accounts
    assert "indicateurs partagés" not in texts(at)


@pytest.mark.parametrize("page", PAGES.values())
def test_every_page_run_directly_asks_to_sign_in_and_shows_no_data(
    app_env: Path, page: str
) -> None:
    _not_demo()  # a demo lists its demo accounts on the sign-in form
    at = AppTest.from_file(str(PROJECT / page), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Connexion"
    assert not at.get("plotly_chart") and not at.get("download_button")
    shown = texts(at) + "".join(d.value.to_csv() for d in at.dataframe)
    for secret in ("Visites entreprises", "Transports Valmont", "jeunes-touches"):
        assert secret not in shown


def test_a_demo_initiative_lists_its_demo_accounts_on_the_sign_in_form(app_env: Path) -> None:
    at = started()
    accounts = at.dataframe[0].value
    assert list(accounts["Identifiant"]) == [
        "evaluation",
        "college",
        "entreprise",
        "association",
        "financeur",
    ]
    assert "`demo-mesure`" in texts(at)
    _not_demo()
    Store(app_env).path.unlink()
    ui._store.clear()
    closed = started()
    assert not closed.dataframe and "demo-mesure" not in texts(closed)


# -- signing in and out -----------------------------------------------------------------


def test_signing_in_opens_the_catalogue_and_is_audited(app_store: Store) -> None:
    at = sign_in(started(), "Valmont", PASSWORD)
    assert at.title[0].value == "Catalogue des indicateurs communs"
    assert "Connecté·e : **Transports Valmont**" in [m.value for m in at.sidebar.markdown]
    assert at.session_state[ui.TOKEN].startswith("v1.")
    assert audit_actions(app_store)[-1] == "login.success"


def html_of(at: AppTest) -> str:
    """The HTML (and scripts) the run put on the page."""
    return "\n".join(str(element.proto.body) for element in at.get("html"))


def test_without_the_launcher_a_sign_in_holds_for_the_tab_only_and_says_so(
    app_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="mesure"):
        at = sign_in(started(), "valmont", PASSWORD)
    assert at.title[0].value == "Catalogue des indicateurs communs"
    assert "document.cookie" not in html_of(at)  # no script writes a cookie, ever
    assert ui.TICKET not in at.session_state and audit_actions(app_store)[-1] == "login.success"
    assert "for this browser tab only" in caplog.text


def test_under_the_launcher_the_page_redeems_a_ticket_and_never_sees_the_session(
    app_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui, "behind_launcher", lambda: True)
    at = sign_in(started(), "valmont", PASSWORD)
    script = html_of(at)
    assert 'fetch("/mesure/session"' in script and "X-Mesure-Request" in script
    assert at.info[0].value == "Ouverture de la session…" and not at.text_input  # no form
    assert ui.TOKEN not in at.session_state and "v1." not in script
    # the ticket is issued, the session opens only when the route redeems it
    assert audit_actions(app_store)[-1] == "login.ticket"
    assert "login.success" not in audit_actions(app_store)


def test_under_the_launcher_logout_ends_the_session_then_clears_the_cookie(
    app_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui, "behind_launcher", lambda: True)
    at = started(app_store, "eva")
    token = at.session_state[ui.TOKEN]
    at.sidebar.button(key="logout").click().run()
    from indicators.access import sessions

    assert sessions.resolve(app_store, token).reason == "ended"
    assert 'fetch("/mesure/logout"' in html_of(at) and token not in html_of(at)
    # the form only on the page loaded again once the cookie is cleared, not beside the request
    assert "window.location.reload();" in html_of(at) and not at.title
    assert started().title[0].value == "Connexion"


def test_a_refused_ticket_is_said_on_the_sign_in_form(app_store: Store) -> None:
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=TIMEOUT)
    at.query_params[ui.FAILED] = "echec"
    at.run()
    assert at.error[0].value == "La connexion n'a pas pu aboutir : reconnectez-vous."
    assert ui.FAILED not in at.query_params


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    app_store: Store,
) -> None:
    at = sign_in(started(), "valmont", "not the password")
    assert at.error[0].value == "Identifiant ou mot de passe incorrect, ou compte désactivé."
    at = sign_in(started(), "nobody", "not the password")
    assert at.error[0].value == "Identifiant ou mot de passe incorrect, ou compte désactivé."
    assert audit_actions(app_store)[-2:] == ["login.failure", "login.failure"]


def test_repeated_failures_are_throttled_even_with_the_right_password(
    app_store: Store,
) -> None:
    at = started()
    for _ in range(5):
        sign_in(at, "valmont", "wrong password")
    sign_in(at, "valmont", PASSWORD)
    assert at.error[0].value.startswith("Trop de tentatives échouées : réessayez dans 15 min")
    assert at.title[0].value == "Connexion"
    assert audit_actions(app_store)[-1] == "login.throttled"


def test_unknown_usernames_from_an_unknown_address_are_throttled(app_store: Store) -> None:
    at = started()  # AppTest has no address, like Streamlit for a browser on loopback
    for n in range(20):
        sign_in(at, f"nobody{n}", "not the password")
        assert at.error[0].value.startswith("Identifiant ou mot de passe incorrect")
    for username in ("nobody20", "valmont"):  # the shared bucket is locked, for everyone
        sign_in(at, username, "not the password" if username != "valmont" else PASSWORD)
        assert at.error[0].value.startswith("Trop de tentatives échouées"), username
    assert audit_actions(app_store)[-2:] == ["login.throttled", "login.throttled"]


def test_a_disabled_account_cannot_sign_in(app_store: Store) -> None:
    from indicators.access.accounts import set_disabled
    from indicators.access.viewer import command_line

    set_disabled(app_store, command_line(), "valmont")
    at = sign_in(started(), "valmont", PASSWORD)
    assert at.error and at.title[0].value == "Connexion"
    log = app_store.query("audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1))
    assert json.loads(log["details"].iloc[0])["reason"] == "disabled"


def test_signing_out_ends_the_session(app_store: Store) -> None:
    at = started(app_store, "eva")
    token = at.session_state[ui.TOKEN]
    at.sidebar.button(key="logout").click().run()
    assert at.title[0].value == "Connexion"
    from indicators.access import sessions

    assert sessions.resolve(app_store, token).reason == "ended"
    assert audit_actions(app_store)[-1] == "logout"


def test_an_idle_session_asks_to_sign_in_again(app_store: Store) -> None:
    app_store.clock = lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=1)
    at = started(app_store, "eva")
    assert at.title[0].value == "Connexion"
    assert at.info[0].value.startswith("Votre session a expiré après une période d'inactivité")


def test_single_sign_on_maps_the_email_to_an_account(
    app_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indicators.access.accounts import add_account
    from indicators.access.viewer import command_line
    from tests.conftest import FAST

    add_account(
        app_store,
        command_line(),
        "sso-user",
        "Sam",
        "evaluator",
        PASSWORD,
        email="sam@x.org",
        security=FAST,
    )
    monkeypatch.setattr(ui, "sso_configured", lambda: True)
    monkeypatch.setattr(ui, "sso_email", lambda: "Sam@X.org")
    at = started()
    assert at.title[0].value == "Catalogue des indicateurs communs"
    assert "Connecté·e : **Sam**" in [m.value for m in at.sidebar.markdown]
    monkeypatch.setattr(ui, "sso_email", lambda: "stranger@x.org")
    refused = started()
    assert refused.error[0].value.startswith("Aucun compte actif ne correspond à l'adresse")
    assert not refused.get("plotly_chart")


# -- every page, every role -------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_ACCOUNTS)
@pytest.mark.parametrize("page", PAGES)
def test_each_role_opens_its_pages_and_only_those(app_store: Store, role: str, page: str) -> None:
    at = started(app_store, ROLE_ACCOUNTS[role], page=PAGES[page])
    if role in PAGE_ROLES[page]:
        assert not at.exception, at.exception
        assert at.title and not at.error
    else:  # asked for by its address: the viewer's home page, saying to whom it is reserved
        assert not at.exception, at.exception
        assert at.title[0].value == "Catalogue des indicateurs communs"
        assert at.warning[0].value.startswith("La page « ")
        assert "est réservée" in at.warning[0].value


@pytest.mark.parametrize("role", ROLE_ACCOUNTS)
@pytest.mark.parametrize("page", PAGES)
def test_each_page_run_directly_checks_the_role_itself(
    app_store: Store, role: str, page: str
) -> None:
    at = AppTest.from_file(str(PROJECT / PAGES[page]), default_timeout=TIMEOUT)
    at.session_state[ui.TOKEN] = session_token(app_store, ROLE_ACCOUNTS[role])
    at.run()
    assert not at.exception, at.exception
    if role in PAGE_ROLES[page]:
        assert at.title and not at.error
    else:
        assert [e.value for e in at.error] == [
            "Connexion requise : cette page n'est accessible qu'aux comptes autorisés."
        ]
        assert not at.dataframe and not at.get("plotly_chart")


def test_catalogue_search_and_reference_sheet(app_store: Store) -> None:
    at = started(app_store, "eva")
    at.text_input[0].input("brevet").run()
    assert "2 indicateur(s) trouvé(s)" in texts(at)
    assert sorted(at.selectbox[0].options) == [
        "ecart-dnb-national — Écart au taux national de réussite au brevet",
        "taux-reussite-dnb — Taux de réussite au brevet",
    ]
    at.selectbox[0].set_value("taux-reussite-dnb").run()
    sheet = texts(at)
    assert "**Numérateur** : Candidats admis" in sheet
    assert "Ratio (somme des numérateurs / somme des dénominateurs)" in sheet
    at.text_input[0].input("introuvable xyz").run()
    assert "Aucun indicateur ne correspond" in texts(at)
    assert not at.selectbox


def test_catalogue_in_english(app_store: Store) -> None:
    at = started(app_store, "eva", lang="en")
    assert at.title[0].value == "Common indicator catalogue"
    assert "7 indicators shared by every partner" in texts(at)


def open_theory(
    store: Store, username: str, node: str = "ACT-VISITES", traces: tuple[str, ...] = ()
) -> AppTest:
    """Théorie du changement on `node`, with the "where does this figure come from?" box of
    each indicator of `traces` opened (read only then)."""
    at = started(store, username, page="pages/theorie_du_changement.py")
    assert not at.exception, at.exception
    open_traces(at, traces)
    at.selectbox(key="toc_node").set_value(node).run()
    assert not at.exception, at.exception
    return at


def open_traces(at: AppTest, indicators: Iterable[object]) -> None:
    """Open the "where does this figure come from?" box of each of `indicators` for the next
    run (set before each run: a box not drawn in a run is forgotten)."""
    for indicator in indicators:
        at.session_state[f"{ui.TRACE}{indicator}"] = True


def trace_table(at: AppTest) -> pd.DataFrame | None:
    """The table of the values behind a figure, when one is shown."""
    return next((d.value for d in at.dataframe if "Cellule" in d.value), None)


def chart_traces(at: AppTest) -> list[str]:
    names = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        names += [str(trace.get("name", "")) for trace in spec["data"]]
    return names


def test_theory_page_for_an_evaluator_traces_figures_to_cells_and_keeps_a_log(
    app_store: Store,
) -> None:
    reported(app_store)
    closed = open_theory(app_store, "eva")
    assert trace_table(closed) is None  # not read until its box is opened
    at = open_theory(app_store, "eva", traces=("visites-entreprise",))
    assert at.title[0].value == "Théorie du changement"
    assert at.metric[0].value == "15"  # 3 + 2 + 10 visits in 2024-2025
    assert {"Valeur", "Référence"} <= set(chart_traces(at))
    shown = texts(at)
    assert "Agrégation : dans le temps, somme ; entre partenaires et lieux, somme" in shown
    assert "3 organisation(s), 3 valeur(s) retenue(s)." in shown
    cells = trace_table(at)
    assert cells is not None
    assert set(cells["Organisation"]) == {
        "Transports Valmont",
        "Association Élan",
        "Alliance d'appui",
    }
    assert set(cells["Prise en compte"]) == {"comptée"}
    contributors = next(d.value for d in at.dataframe if "Comment" in d.value)
    assert "Transports Valmont" in set(contributors["Organisation"])
    at.text_area[0].set_value("Les visites du T1 ont démarré tard.")
    at.checkbox[0].check()  # about the chosen year
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Les visites du T1 ont démarré tard." in [e.value for e in at.text]
    notes = app_store.query("notes", team=True)
    assert (notes["author"].iloc[0], notes["period"].iloc[0]) == ("eva", "2024-2025")


def test_theory_page_empty_note_is_refused_with_a_message(app_store: Store) -> None:
    at = open_theory(app_store, "eva")
    at.button[0].click().run()
    assert "La note est vide" in " ".join(e.value for e in at.error)
    assert app_store.query("notes", team=True).empty


def test_theory_page_for_a_partner_shows_its_own_curve_and_cells_only(app_store: Store) -> None:
    reported(app_store)
    at = open_theory(app_store, "valmont", traces=("visites-entreprise",))
    assert "Mon organisation" in chart_traces(at)
    cells = trace_table(at)
    assert cells is not None
    assert set(cells["Organisation"]) == {"Transports Valmont"}
    assert "Et 2 valeur(s) d'autres partenaires" in texts(at)
    at.selectbox(key="toc_node").set_value("OUT-JEUNES").run()
    # jeunes-touches: two organisations behind the figure, hidden from a partner
    assert "Chiffre masqué : moins de 3 organisations y contribuent." in texts(at)
    assert at.metric[0].value == "masqué"  # said, not a dash as for a year without data
    assert "masqué" in chart_traces(at)  # and marked on its curve


def test_theory_page_for_a_funder_reads_accepted_figures_without_names_or_cells(
    app_store: Store,
) -> None:
    reported(app_store, status="accepted")
    synthesis.publish(app_store, EVALUATOR, "2024-2025", dt.date(2025, 10, 1))
    at = open_theory(app_store, "horizon", traces=("visites-entreprise",))
    assert at.metric[0].value == "15"
    assert trace_table(at) is None  # no trace, even asked for
    assert "Journal d'apprentissage" not in texts(at) and not at.text_area
    contributors = next(d.value for d in at.dataframe if "Type" in d.value)
    assert "Organisation" not in contributors
    assert not at.exception


def test_theory_page_table_view(app_store: Store) -> None:
    reported(app_store)
    at = open_theory(app_store, "eva")
    at.segmented_control(key="toc_view").set_value("table").run()
    assert not at.exception, at.exception
    activities = at.dataframe[0].value
    visits = activities[activities["Indicateurs"] == "Visites d'entreprise organisées"].iloc[0]
    assert (visits["Valeur"], visits["Statut"]) == ("15", "Non évalué")  # its own baseline


def test_first_start_of_a_demo_builds_the_demo_store_and_its_accounts(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MESURE_DEMO_BUILD", "1")
    at = started()
    assert at.title[0].value == "Connexion"
    store = Store(app_env)
    sent = store.query("submissions", org="ent-valmont")
    assert len(sent) >= 2 and set(sent["uploaded_by"]) == {"demo:ent-valmont"}
    assert sent["uploaded_at"].max() < pd.Timestamp("2026-11-23")  # the demo's own dates
    signed = sign_in(at, "entreprise", "demo-mesure")
    assert "Connecté·e : **Transports Valmont**" in [m.value for m in signed.sidebar.markdown]
    again = started()  # the next visit opens the built store, without building again
    assert not again.exception
    assert len(Store(app_env).query("submissions", org="ent-valmont")) == len(sent)


def test_broken_definition_on_first_start_is_explained(app_env: Path) -> None:
    data = Path(os.environ["MESURE_DATA"])
    targets = data / "targets.csv"
    targets.write_text(
        targets.read_text(encoding="utf-8").replace("target,82,", "target,140,"), encoding="utf-8"
    )
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("La définition de l'initiative est incohérente")
    assert "targets.csv:3" in at.code[0].value and "140" in at.code[0].value
    assert not app_env.exists()


def _upload(store: Store, tmp_path: Path, organisation: str, name: str) -> None:
    from indicators.definition.loading import load_definition
    from indicators.ingest.pipeline import ingest
    from tests.workbooks import write_workbook

    upload = write_workbook(
        tmp_path / name,
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Visites entreprises", "0950002L", "T1 2024-2025", 3],
            ]
        },
    )
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    assert ingest(store, upload, definition, organisation, "test").status == "received"


def test_upload_page_of_an_evaluator_chooses_the_organisation(
    app_store: Store, tmp_path: Path
) -> None:
    at = started(app_store, "eva", page="pages/deposer.py")
    assert at.title[0].value == "Déposer des classeurs"
    assert at.get("download_button")  # the pre-filled template
    assert "Aucun dépôt pour l'instant." in texts(at)
    at.selectbox[0].set_value("ent-valmont").run()
    _upload(app_store, tmp_path, "ent-valmont", "bilan-valmont.xlsx")
    at.run()
    history = at.dataframe[-1].value
    assert list(history["Fichier"]) == ["bilan-valmont.xlsx"]
    assert list(history["Valeurs en vigueur"]) == [1]


def test_upload_page_of_a_partner_is_its_own_organisation_only(
    app_store: Store, tmp_path: Path
) -> None:
    _upload(app_store, tmp_path, "asso-elan", "bilan-elan.xlsx")
    at = started(app_store, "valmont")
    at.query_params["org"] = "asso-elan"  # a URL parameter changes nothing
    at.switch_page("pages/deposer.py").run()
    assert not at.selectbox  # nothing to choose
    assert "**Organisation qui dépose** : Transports Valmont" in texts(at)
    assert "Aucun dépôt pour l'instant." in texts(at)


def test_audit_page_reads_and_filters_the_log(app_store: Store) -> None:
    sign_in(started(), "valmont", "wrong password")
    at = started(app_store, "eva", page="pages/journal.py")
    log = at.dataframe[0].value
    assert {"connexion refusée", "connexion", "compte créé"} <= set(log["Action"])
    at.multiselect[0].select("login.failure").run()
    log = at.dataframe[0].value
    assert set(log["Action"]) == {"connexion refusée"} and list(log["Qui"]) == ["valmont"]
    assert "motif : mot de passe erroné" in log["Détails"].iloc[0]  # in words, a French colon
    assert "adresse : inconnue" in log["Détails"].iloc[0]
    assert at.get("plotly_chart")
    at.text_input[0].input("nobody-at-all").run()
    assert at.info[0].value == "Aucune entrée ne correspond."


def test_the_sign_in_form_speaks_english_too(app_store: Store) -> None:
    at = started(lang="en")
    assert at.title[0].value == "Sign in"
    assert [e.label for e in at.text_input] == ["Username", "Password"]
    at.text_input[0].input("valmont")
    at.text_input[1].input("wrong password")
    at.button[0].click().run()
    assert at.error[0].value == "Wrong username or password, or the account is disabled."


def _reported(store: Store, tmp_path: Path) -> None:
    """Valmont sends one of its four T1 reports; nothing else arrives."""
    clock = store.clock
    store.clock = lambda: dt.datetime(2025, 1, 10, 9)
    _upload(store, tmp_path, "ent-valmont", "bilan-valmont.xlsx")
    store.clock = clock


def test_synchronisation_page_for_an_evaluator_reviews_and_the_partner_sees_it(
    app_store: Store, tmp_path: Path
) -> None:
    _reported(app_store, tmp_path)
    at = started(app_store, "eva", page=PAGES["sync"])
    assert at.title[0].value == "Synchronisation des acteurs"
    charts = at.get("plotly_chart")
    heatmap = json.loads(charts[0].proto.spec)["data"][0]
    assert heatmap["type"] == "heatmap"
    assert any("Transports Valmont" in y for y in heatmap["y"])
    assert "déposé" in {cell for row in heatmap["text"] for cell in row}  # Valmont's T1
    assert "en retard" in {cell for row in heatmap["text"] for cell in row}  # Élan's year
    assert at.get("latex")  # the index formula
    reminder = at.code[0].value  # the first organisation that owes reports: Appui
    assert "1 rapport(s) de Alliance d'appui" in reminder and "15/01/2025" in reminder
    at.selectbox(key="review_org").set_value("ent-valmont").run()
    at.text_input[0].input("Il manque les jeunes du Moulin")
    at.button(key="review_return").click().run()
    assert not at.exception, at.exception
    assert at.success[-1].value == "Dépôt renvoyé."
    partner = started(app_store, "valmont", page=PAGES["upload"])
    history = partner.dataframe[-1].value
    assert list(history["Statut"]) == ["renvoyé"]
    assert list(history["Commentaire"]) == ["Il manque les jeunes du Moulin"]
    partner.switch_page(PAGES["sync"]).run()
    grid = json.loads(partner.get("plotly_chart")[0].proto.spec)["data"][0]
    assert len(grid["y"]) == 1 and "Transports Valmont" in grid["y"][0]  # its own row only
    assert "renvoyé" in grid["text"][0]
    assert "Association Élan" not in texts(partner)


def test_synchronisation_page_for_a_funder_shows_collective_figures_only(
    app_store: Store, tmp_path: Path
) -> None:
    _reported(app_store, tmp_path)
    at = started(app_store, "horizon", page=PAGES["sync"])
    assert not at.exception, at.exception
    kinds = [json.loads(c.proto.spec)["data"][0]["type"] for c in at.get("plotly_chart")]
    assert "heatmap" not in kinds and "bar" in kinds
    shown = texts(at) + "".join(str(c.proto) for c in at.get("plotly_chart"))
    assert "Transports Valmont" not in shown and "Association Élan" not in shown
    assert not at.get("download_button")


def test_data_quality_page_lists_each_partner(app_store: Store, tmp_path: Path) -> None:
    _reported(app_store, tmp_path)
    at = started(app_store, "eva", page=PAGES["quality"])
    assert at.title[0].value == "Qualité des données"
    table = at.dataframe[0].value.set_index("Organisation")
    assert table.loc["Transports Valmont", "Dépôts"] == 1
    assert table.loc["Transports Valmont", "Conformité"] == "100,0 %"
    assert (table["Âge des dernières données (jours)"] > 600).all()
    # one partner's conformity, nothing refused nor warned: the charts would say nothing more
    assert not at.get("plotly_chart")
    assert [i.value for i in at.info] == [
        "Les conformités les plus basses : une seule valeur, 100 % ; un graphique d'un seul"
        " point n'apprendrait rien de plus.",
        "Dépôts refusés et alertes par dépôt : toutes les valeurs valent 0 ; le graphique"
        " n'apprendrait rien de plus.",
    ]


def test_synchronisation_rates_compare_groups_of_partners(app_store: Store, tmp_path: Path) -> None:
    _reported(app_store, tmp_path)
    at = started(app_store, "horizon", page=PAGES["sync"])

    def traces() -> set[str]:
        specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        return {d.get("name", "") for s in specs for d in s["data"] if d["type"] == "scatter"}

    assert traces() == {"Complétude (initiative)", "Ponctualité (initiative)"}
    at.segmented_control(key="compare_by").set_value("territory").run()
    assert traces() == {"Complétude · Territoire Nord", "Ponctualité · Territoire Nord"}
    at.segmented_control(key="compare_by").set_value("organisation_type").run()
    assert "Complétude · Entreprise" in traces()
    steady = at.dataframe[0].value
    initiative = steady[steady["Comparer par"] == "Initiative"]
    # one partner reported: its figure, withheld from a funder, is marked so in table and chart
    assert list(initiative["Ont rendu compte"]) == ["masqué"]
    assert list(initiative["Régularité (%)"]) == ["masqué"]
    bars = [
        d
        for c in at.get("plotly_chart")
        for d in json.loads(c.proto.spec)["data"]
        if d["type"] == "bar" and d.get("name") == "masqué"
    ]
    assert bars and all(text == "masqué" for d in bars for text in d["text"])


def test_coordination_page_for_each_role(app_store: Store) -> None:
    reported(app_store)
    for username, names_shown in (("eva", True), ("valmont", True), ("horizon", False)):
        at = started(app_store, username, page="pages/coordination.py")
        assert not at.exception, at.exception
        assert at.title[0].value == "Coordination des actions"
        assert at.get("plotly_chart")  # the matrix
        at.selectbox(key="coord_territory").set_value("T-NORD").run()
        assert not at.exception, at.exception
        shown = texts(at)
        assert "Présence des partenaires" in shown
        frames = "".join(d.value.to_csv() for d in at.dataframe)
        assert ("Transports Valmont" in frames) is names_shown  # overlaps name partners
        assert ("Réseau des partenaires" in shown) is names_shown


def test_coordination_matrix_follows_the_territory_and_the_dimension(app_store: Store) -> None:
    at = started(app_store, "eva", page="pages/coordination.py")
    first = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert first["y"] == ["Territoire Nord"]
    at.selectbox(key="coord_territory").set_value("T-NORD").run()
    schools = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert schools["y"] == ["Collège des Tilleuls", "Collège du Moulin"]
    at.segmented_control(key="coord_dimension").set_value("action_type").run()
    actions = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert actions["x"] == ["Rencontres avec les parents", "Visites d'entreprise"]
    # the fixture's commitments: Valmont's visits at both schools, Élan's at the Moulin; no
    # parent meeting anywhere
    assert actions["z"] == [[0, 1], [0, 2]]
    assert at.metric[0].value == "2"  # two cells without any partner


def test_synthesis_page_funder_waits_for_a_publication_then_reads_it(app_store: Store) -> None:
    reported(app_store, status="accepted")
    funder = started(app_store, "horizon", page="pages/synthese.py")
    assert not funder.exception, funder.exception
    assert "Aucune année publiée" in texts(funder)
    evaluator = started(app_store, "eva", page="pages/synthese.py")
    assert not evaluator.exception, evaluator.exception
    evaluator.selectbox(key="synthesis_publish_year").set_value("2024-2025").run()
    assert evaluator.button(key="synthesis_publish").disabled  # not before confirming
    evaluator.checkbox(key="synthesis_publish_sure").check().run()
    evaluator.button(key="synthesis_publish").click().run()
    assert not evaluator.exception, evaluator.exception
    assert "Année 2024-2025 publiée." in [s.value for s in evaluator.success]
    funder = started(app_store, "horizon", page="pages/synthese.py")
    assert not funder.exception, funder.exception
    shown = {m.label: m.value for m in funder.metric}
    assert shown["Collèges avec au moins une action"] == "2"
    assert "Protection des petits effectifs" in texts(funder)
    assert len(funder.get("download_button")) == 2
    assert not funder.toggle  # no live preview for funders
    funder.selectbox(key="synthesis_scope").set_value("T-NORD").run()  # a fixed table
    assert not funder.exception, funder.exception
    assert "T-NORD" in texts(funder)


def test_synthesis_page_is_not_in_a_partners_navigation(app_store: Store) -> None:
    at = started(app_store, "valmont")
    links = [link.proto.label for link in at.sidebar.get("page_link")]
    assert "Catalogue" in links and "Synthèse" not in links
    at.switch_page("pages/synthese.py").run()  # asked for by its address: home, told why
    assert at.title[0].value == "Catalogue des indicateurs communs"
    assert "réservée à l'équipe d'appui (évaluation) et aux financeurs" in at.warning[0].value


def test_administration_shows_the_tables_and_checks_an_edit_before_saving(
    app_store: Store,
) -> None:
    at = started(app_store, "eva", page=PAGES["admin"])
    assert not at.exception, at.exception
    assert at.title[0].value == "Administration de l'initiative"
    assert [tab.label for tab in at.tabs] == [
        "Lieux et collèges",
        "Organisations",
        "Engagements (5W)",
        "Périodes",
        "Cibles et références",
        "Théorie du changement",
        "Indicateurs",
        "Par Excel",
        "Comptes",
    ]
    assert [i.value for i in at.info].count("Aucune modification.") == 6
    assert all(b.disabled for b in at.button if b.label == "Enregistrer") or not at.button
    assert at.get("download_button")


def test_administration_is_for_evaluators_only(app_store: Store) -> None:
    """Partners and funders do not have it in their menu; asked for by its address, it sends
    them to their home page, saying to whom it is reserved, and shows nothing of its own (the
    functions behind it refuse them too: tests/test_admin.py)."""
    for username in ("valmont", "horizon"):
        at = started(app_store, username)
        assert "Administration" not in [link.proto.label for link in at.sidebar.get("page_link")]
        at.switch_page(PAGES["admin"]).run()
        assert at.title[0].value == "Catalogue des indicateurs communs"
        assert at.warning[0].value.startswith("La page « Administration » est réservée")
        assert not at.get("data_editor") and "Administration de l'initiative" not in texts(at)


def test_administration_creates_an_account_and_shows_its_temporary_password_once(
    app_store: Store,
) -> None:
    at = started(app_store, "eva", page=PAGES["admin"])
    at.text_input(key="admin_new_username").input("nouvelle.personne")
    at.text_input(key="admin_new_name").input("Nouvelle Personne")
    at.selectbox(key="admin_new_role").select("partner")
    at.selectbox(key="admin_new_organisation").select("asso-elan")
    next(b for b in at.button if b.label == "Créer le compte").click().run()
    assert not at.exception, at.exception
    shown = [s.value for s in at.success]
    assert not at.error, [e.value for e in at.error]
    assert any("Compte « nouvelle.personne » créé" in s for s in shown), shown
    password = shown[0].rsplit(" : ", 1)[1]
    from indicators.access import accounts

    account = accounts.get_account(app_store, "nouvelle.personne")
    assert account.role == "partner" and account.organisation == "asso-elan"
    assert len(password) >= accounts.MIN_PASSWORD
    at.run()
    assert not any("nouvelle.personne" in s.value for s in at.success)  # shown once only


def test_administration_makes_a_new_version_of_an_indicator_from_a_date(app_store: Store) -> None:
    at = started(app_store, "eva", page=PAGES["admin"])
    at.selectbox(key="admin_indicator").select("visites-entreprise").run()
    unit = next(s for s in at.selectbox if s.label == "Unité")
    unit.select("hour")
    next(b for b in at.button if b.label == "Vérifier la modification").click().run()
    assert not at.exception, at.exception
    assert any(i.value.startswith("Nouvelle version 2, en vigueur à partir du") for i in at.info)
    at.text_input(key="admin_indicator_reason").input("compté en heures désormais")
    save = next(b for b in at.button if b.key == "admin_indicator_save")
    assert not save.disabled
    save.click().run()
    assert not at.exception, at.exception
    assert any(
        "Définition enregistrée : 0 ajout(s), 1 modification(s)" in s.value for s in at.success
    )
    from indicators.analytics.catalogue import indicator_history
    from tests.conftest import EVALUATOR

    assert list(indicator_history(app_store, EVALUATOR, "visites-entreprise")["version"]) == [1, 2]


def _edited(added: list[dict[str, str]]) -> dict[str, object]:
    """A data editor's edit state with rows added at its bottom (as a person types them)."""
    return {"edited_rows": {}, "added_rows": added, "deleted_rows": []}


def test_administration_edits_the_theory_of_change(app_store: Store) -> None:
    at = started(app_store, "eva")
    at.switch_page(PAGES["admin"])
    at.session_state["admin_theory_links"] = _edited([{"from": "IMP-EGALITE", "to": "ACT-VISITES"}])
    at.run()
    assert not at.exception, at.exception
    shown = "\n".join(m.value for m in at.markdown)
    assert "descend" in shown  # link-goes-down, the files' own message
    assert at.button(key="admin_theory_save").disabled
    at = started(app_store, "eva")
    at.switch_page(PAGES["admin"])
    at.session_state["admin_theory_nodes"] = _edited(
        [
            {
                "code": "INT-OSER",
                "level": "intermediate_outcome",
                "label_fr": "Oser",
                "label_en": "Dare",
            }
        ]
    )
    at.session_state["admin_theory_links"] = _edited([{"from": "INT-OSER", "to": "IMP-EGALITE"}])
    at.run()
    assert not at.button(key="admin_theory_save").disabled, [m.value for m in at.markdown]
    at.text_input(key="admin_theory_reason").input("un effet à suivre")
    at.button(key="admin_theory_save").click().run()
    assert not at.exception, at.exception
    assert any("2 ajout(s)" in s.value for s in at.success), [s.value for s in at.success]
    from indicators.store.stored import stored_definition

    assert "INT-OSER" in {n.code for n in stored_definition(app_store).nodes}
    assert audit_actions(app_store)[-1] == "definition.edit"


def test_administration_adds_an_indicator(app_store: Store) -> None:
    at = started(app_store, "eva", page=PAGES["admin"])
    at.selectbox(key="admin_indicator").select("").run()
    fields = {
        "code": "familles-accueillies",
        "label_fr": "Familles accueillies",
        "label_en": "Families welcomed",
        "definition_fr": "Familles venues à un atelier.",
        "definition_en": "Families who came to a workshop.",
        "source_fr": "Registre",
        "source_en": "Register",
    }
    for name, value in fields.items():  # each field headed in words (admin.shown)
        words = header("indicators", name)
        next(w for w in (*at.text_input, *at.text_area) if w.label == words).input(value)
    next(s for s in at.selectbox if s.label == "Nœud de la théorie du changement").select(
        "INT-PROJET"
    )
    next(b for b in at.button if b.label == "Vérifier la modification").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error] + [m.value for m in at.markdown]
    at.text_input(key="admin_indicator_reason").input("suivi des familles")
    at.button(key="admin_indicator_save").click().run()
    assert not at.exception, at.exception
    assert any("1 ajout(s)" in s.value for s in at.success)
    from indicators.store.stored import stored_definition

    added = [i for i in stored_definition(app_store).indicators if i.code == fields["code"]]
    assert [(i.version, i.node) for i in added] == [(1, "INT-PROJET")]


def test_administration_moves_an_account_to_another_organisation(app_store: Store) -> None:
    from indicators.access import accounts

    at = started(app_store, "eva", page=PAGES["admin"])
    at.selectbox(key="admin_pick").select("valmont").run()
    at.selectbox(key="admin_move_role").select("funder")
    at.selectbox(key="admin_move_organisation").select("asso-elan")
    next(b for b in at.button if b.label == "Changer le rôle ou l'organisation").click().run()
    assert not at.exception, at.exception
    assert any("ne peut pas appartenir à « asso-elan »" in e.value for e in at.error)
    assert accounts.get_account(app_store, "valmont").organisation == "ent-valmont"
    at.selectbox(key="admin_move_role").select("partner")
    next(b for b in at.button if b.label == "Changer le rôle ou l'organisation").click().run()
    assert not at.exception, at.exception
    assert any("Rôle et organisation de « valmont » changés" in s.value for s in at.success)
    assert accounts.get_account(app_store, "valmont").organisation == "asso-elan"
    assert audit_actions(app_store)[-1] == "account.role"


def test_administration_of_an_empty_initiative(app_env: Path) -> None:
    """`mesure init --empty`: the page opens on nothing, and offers to add the first indicator."""
    from indicators.access.accounts import add_account
    from indicators.definition.model import empty_definition
    from indicators.store.setup import create_store
    from tests.conftest import FAST

    store, _ = create_store(app_env, empty_definition("luzy", "Luzy", "Luzy", "cs", "Centre"))
    add_account(store, EVALUATOR, "eva", "Éva", "evaluator", PASSWORD, None, security=FAST)
    at = started(store, "eva", page=PAGES["admin"])
    assert not at.exception, at.exception
    assert at.selectbox(key="admin_indicator").value == ""
    assert "Théorie du changement" in [tab.label for tab in at.tabs]


def test_a_new_version_is_marked_on_the_curve_and_listed_in_the_catalogue(
    app_store: Store,
) -> None:
    import duckdb

    from indicators.admin import editing

    with duckdb.connect(str(app_store.path)) as con:  # as if v1 had been in force since 2020
        con.execute("update indicator_versions set valid_from = '2020-01-01'")
    proposal = editing.propose_indicator(
        app_store, EVALUATOR, "visites-entreprise", {"unit": "hour"}, dt.date(2025, 1, 10)
    )
    editing.save(app_store, EVALUATOR, proposal, "comptées en heures")
    reported(app_store)
    at = open_theory(app_store, "valmont")
    layout = json.loads(at.get("plotly_chart")[1].proto.spec)["layout"]
    assert [s["type"] for s in layout["shapes"]] == ["line"]
    assert layout["annotations"][0]["text"] == "v2 : comptées en heures"
    assert "Version 2 en vigueur depuis le 10/01/2025 (comptées en heures)" in texts(at)
    at.switch_page(PAGES["catalogue"]).run()
    at.selectbox[0].set_value("visites-entreprise").run()
    history = next(d.value for d in at.dataframe if "Pourquoi" in d.value)
    assert list(history["Pourquoi"]) == ["", "comptées en heures"]


def test_coordination_narrowed_to_priority_education_and_qpv(app_store: Store) -> None:
    at = started(app_store, "eva", page="pages/coordination.py")
    at.multiselect(key="coord_priority").select("REP+").run()
    assert not at.exception, at.exception
    matrix = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert matrix["y"] == ["Collège des Tilleuls"]  # the REP+ school, not the territory
    assert "Vue restreinte aux collèges choisis" in texts(at)
    at.multiselect(key="coord_priority").unselect("REP+")
    at.segmented_control(key="coord_qpv").set_value("out").run()
    assert not at.exception, at.exception
    matrix = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert matrix["y"] == ["Collège du Moulin"]


def test_catalogue_lists_the_schools_with_priority_education_and_qpv(app_store: Store) -> None:
    at = started(app_store, "horizon")
    schools = next(d.value for d in at.dataframe if "UAI" in d.value)
    rows = schools.set_index("UAI").to_dict("index")
    assert rows["0950001K"]["Éducation prioritaire"] == "REP+"
    assert rows["0950001K"]["QPV"] == "QN09501M" and rows["0950001K"]["Élèves"] == 445
    assert rows["0950002L"]["Éducation prioritaire"] == "REP" and rows["0950002L"]["QPV"] == ""


def test_every_page_opens_on_an_initiative_still_being_set_up(app_env: Path) -> None:
    """Right after `mesure init --empty`, and with a theory of change but no school year yet."""
    from indicators.access.accounts import add_account
    from indicators.admin import editing
    from indicators.definition.model import empty_definition
    from indicators.store.setup import create_store
    from tests.conftest import FAST

    store, _ = create_store(app_env, empty_definition("luzy", "Luzy", "Luzy", "cs", "Centre"))
    add_account(store, EVALUATOR, "eva", "Éva", "evaluator", PASSWORD, None, security=FAST)
    at = started(store, "eva")
    for step in ("empty", "theory"):
        if step == "theory":
            node = {"code": "INT-LIEN", "level": "intermediate_outcome", "label_fr": "Lien"}
            proposal = editing.propose_theory(
                store, EVALUATOR, {"nodes": [{**node, "label_en": "Bond"}]}
            )
            editing.save(store, EVALUATOR, proposal, "premier effet")
        for page in PAGES.values():
            at.switch_page(page).run()
            assert not at.exception, (step, page, at.exception)
    assert "pas encore mise en place" in texts(at.switch_page(PAGES["theory"]).run())


def test_a_script_changed_between_two_apptests_runs_as_changed(tmp_path: Path) -> None:
    """The test processes keep compiled scripts (conftest.scripts_compiled_once): a script
    whose text changes is compiled again, not served from what was kept."""
    script = tmp_path / "page.py"
    script.write_text("import streamlit as st\nst.markdown('avant')\n", encoding="utf-8")
    first = AppTest.from_file(str(script)).run()
    script.write_text("import streamlit as st\nst.markdown('après')\n", encoding="utf-8")
    second = AppTest.from_file(str(script)).run()
    assert [m.value for m in first.markdown] == ["avant"]
    assert [m.value for m in second.markdown] == ["après"]


def test_a_figure_page_after_an_upload_waits_for_its_figures_and_the_upload_page_does_not(
    app_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right after an upload the kept figures are behind: a page that shows them waits for
    them under a sentence (`ui.guard`), the upload page, which does not, goes on."""
    from tests.test_figures_kept import SCHOOL, T1, upload

    reported(app_store)
    app_store.query("progress", indicator="", accepted_only=False, years=[])  # caught up
    caught_up: list[bool] = []
    catch_up = Store.catch_up

    def recorded(self: Store) -> None:
        caught_up.append(self.behind())
        catch_up(self)

    monkeypatch.setattr(Store, "catch_up", recorded)
    upload(app_store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 70)])
    assert app_store.behind()
    started(app_store, "valmont", page="pages/deposer.py")
    assert caught_up == [] and app_store.behind()
    at = started(app_store, EVALUATOR.username, page="pages/theorie_du_changement.py")
    assert not at.exception, at.exception
    assert caught_up == [True] and not app_store.behind()
