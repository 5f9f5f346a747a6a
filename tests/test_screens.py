"""The screens a backbone team hands to anyone (issue 19, Polish): late reports said late, the
sentence on missing reports agreeing with the figures, the year a page opens on, long lists
ranked and cut, forbidden pages explained, charts that carry no information left out."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from indicators.analytics import synchronisation as sync
from indicators.store.database import Store
from tests.stored import Sender
from tests.test_app import started

TIMEOUT = 60


def status_rows(*rows: tuple[str, str, int, int, int, str | None]) -> pd.DataFrame:
    """reporting_status rows: (organisation, status, expected, received, on_time, last
    arrival), all for the period 2024-2025-T1, due on 15/01/2025."""
    return pd.DataFrame(
        [
            {
                "organisation": organisation,
                "organisation_name": organisation.title(),
                "organisation_type": "company",
                "period": "2024-2025-T1",
                "start_date": dt.date(2024, 9, 1),
                "due_date": dt.date(2025, 1, 15),
                "expected": expected,
                "received": received,
                "on_time": on_time,
                "last_received_at": pd.Timestamp(at) if at else pd.NaT,
                "status": status,
            }
            for organisation, status, expected, received, on_time, at in rows
        ]
    )


# -- 1. the status grid and the missing reports ---------------------------------------------


def test_a_late_report_is_shown_late_with_its_delay_and_its_own_colour() -> None:
    rows = status_rows(
        ("a", "submitted", 2, 2, 2, "2025-01-10 09:00"),  # on time
        ("b", "submitted", 2, 2, 1, "2025-02-14 17:30"),  # one of two late: 30 days
        ("c", "accepted", 1, 1, 0, "2025-01-16 08:00"),
        ("d", "overdue", 1, 0, 0, None),
        ("e", "returned", 1, 1, 0, "2025-03-01 08:00"),  # owed again: returned says it
    )
    assert list(sync.grid_states(rows)) == [
        "submitted",
        "submitted_late",
        "accepted_late",
        "overdue",
        "returned",
    ]
    states, words = sync.status_grid(rows)
    assert words.loc["a", "2024-2025-T1"] == "déposé"
    assert words.loc["b", "2024-2025-T1"] == "déposé en retard (+30 j)"
    assert words.loc["c", "2024-2025-T1"] == "accepté, en retard (+1 j)"
    assert words.loc["d", "2024-2025-T1"] == "en retard"
    assert states.loc["b", "2024-2025-T1"] == "submitted_late"
    _, english = sync.status_grid(rows, "en")
    assert english.loc["b", "2024-2025-T1"] == "submitted late (+30 d)"
    colours = [c for _, c in sync.status_colorscale()]
    assert len(set(colours)) == len(sync.GRID_STATES)  # each state its own colour
    assert sync.STATUS_COLOURS["submitted_late"] != sync.STATUS_COLOURS["submitted"]


def reports(*rows: tuple[bool, bool, bool]) -> pd.DataFrame:
    """expected_reports rows: (is_due, received, on_time)."""
    return pd.DataFrame(rows, columns=["is_due", "received", "on_time"])


def test_the_missing_sentence_agrees_with_the_timeliness() -> None:
    all_late = sync.report_summary(reports((True, True, False), (True, True, False)))
    assert all_late == {"due": 2, "received": 2, "on_time": 0, "late": 2, "missing": 0}
    kind, sentence = sync.missing_sentence(all_late)
    assert kind == "warning"
    assert sentence == (
        "Aucun rapport manquant, mais 2 rapport(s) sur 2 arrivé(s) après la date limite"
        " (ponctualité : 0 %)."
    )
    kind, sentence = sync.missing_sentence(sync.report_summary(reports((True, True, True))))
    assert kind == "success" and "arrivés à temps" in sentence
    kind, sentence = sync.missing_sentence(
        sync.report_summary(
            reports((True, False, False), (True, True, True), (False, False, False))
        )
    )
    assert (kind, sentence) == ("warning", "Rapports manquants : 1 sur 2 dus.")
    kind, _ = sync.missing_sentence(sync.report_summary(reports((False, False, False))))
    assert kind == "info"


# -- 2. the year a page opens on -------------------------------------------------------------

YEARS = ["2023-2024", "2024-2025", "2025-2026", "2026-2027"]


def test_the_default_year_is_the_latest_with_enough_accepted_reports() -> None:
    shares = {
        "2023-2024": (90, 100),
        "2024-2025": (60, 100),  # more than half accepted
        "2025-2026": (10, 100),  # received, waiting for review
        "2026-2027": (1, 1),  # a single early value: not enough reports due to count
    }
    assert sync.default_year(shares, YEARS[:3]) == "2024-2025"
    assert sync.default_year({**shares, "2024-2025": (40, 100)}, YEARS[:3]) == "2023-2024"
    # nothing accepted anywhere: the latest year with reports due, not one a value opened
    assert sync.default_year({"2024-2025": (0, 10)}, YEARS) == "2024-2025"
    assert sync.default_year({}, YEARS) == "2026-2027"
    assert sync.default_year({}, []) == ""


def test_year_shares_count_accepted_reports_of_periods_over() -> None:
    rows = pd.concat(
        [
            status_rows(("a", "accepted", 2, 2, 2, "2025-01-10")),
            status_rows(("b", "submitted", 2, 1, 1, "2025-01-10")),
            status_rows(("c", "not_yet_due", 5, 0, 0, None)),
        ]
    )
    shares = sync.year_shares(rows, {"2024-2025-T1": "2024-2025"})
    assert shares == {"2024-2025": (2, 4)}


def opened(store: Store, username: str, page: str) -> AppTest:
    """`page` opened through the router by `username`, signed in in this tab."""
    at = started(store, username, page=page, timeout=TIMEOUT)
    assert not at.exception, at.exception
    return at


def test_the_synchronisation_page_says_a_late_report_late_and_what_is_missing(
    app_store: Store,
) -> None:
    # Valmont's four T1 reports (two indicators at two schools) arrive on 1 September 2025,
    # long after their due date (15 January 2025): nothing is missing, nothing came on time.
    rows = [
        (indicator, school, "2024-2025-T1", 4)
        for indicator in ("visites-entreprise", "jeunes-touches")
        for school in ("0950001K", "0950002L")
    ]
    Sender(app_store)("ent-valmont", rows)
    at = opened(app_store, "valmont", "pages/synchronisation.py")
    grid = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    cells = {cell for row in grid["text"] for cell in row}
    assert "déposé en retard<br>(+229 j)" in cells and "déposé" not in cells
    said = [e.value for e in (*at.success, *at.warning, *at.info)]
    assert not any(s.startswith("Aucun rapport manquant.") for s in said)
    assert (
        "Aucun rapport manquant, mais 4 rapport(s) sur 4 arrivé(s) après la date limite"
        " (ponctualité : 0 %)."
    ) in [w.value for w in at.warning]


# -- 4. a page the viewer may not open, asked for by its address --------------------------------


def test_the_reserved_sentence_names_who_may_open_the_page() -> None:
    from indicators.access.viewer import reserved_sentence

    assert reserved_sentence("audit", "Journal d'audit") == (
        "La page « Journal d'audit » est réservée à l'équipe d'appui (évaluation) : vous voici"
        " sur votre page d'accueil."
    )
    assert reserved_sentence("synthesis", "Synthèse") == (
        "La page « Synthèse » est réservée à l'équipe d'appui (évaluation) et aux financeurs :"
        " vous voici sur votre page d'accueil."
    )
    assert "reserved to the backbone team (evaluation) and partners" in reserved_sentence(
        "explorer", "Explorer", "en"
    )


def test_a_partner_opening_an_evaluator_page_lands_home_and_is_told_why(
    app_store: Store,
) -> None:
    at = opened(app_store, "valmont", "pages/journal.py")
    assert at.title[0].value == "Catalogue des indicateurs communs"
    assert [w.value for w in at.warning] == [
        "La page « Journal d'audit » est réservée à l'équipe d'appui (évaluation) : vous voici"
        " sur votre page d'accueil."
    ]
    at.switch_page("pages/catalogue.py").run()  # said once, not on every page after
    assert not at.warning


# -- 3. long lists, most important first --------------------------------------------------------

SCHOOLS = pd.DataFrame(
    [
        ("S-REPPLUS", "REP+", "QN0001"),
        ("S-REP", "REP", "QN0002"),
        ("S-RURAL", "none", ""),
        ("S-BIG", "none", ""),
    ],
    columns=["school", "education_priority", "qpv"],
)
PUPILS = pd.DataFrame(
    [
        (s, g, n)
        for s, n in (("S-REPPLUS", 50), ("S-REP", 80), ("S-RURAL", 20), ("S-BIG", 200))
        for g in ("6e", "5e", "4e", "3e")
    ],
    columns=["school", "grade", "pupils"],
)


def test_coverage_gaps_come_targets_then_priority_schools_then_pupils_first() -> None:
    from indicators.analytics import coordination as co
    from indicators.views import coordination as view

    coverage = pd.DataFrame(
        [
            ("OUT-A", 1, "T", "S-BIG", "Big", ("6e", "5e", "4e", "3e")),
            ("OUT-A", 1, "T", "S-RURAL", "Rural", ("3e",)),
            ("OUT-A", 1, "T", "S-REP", "Rep", ("3e",)),
            ("OUT-A", 1, "T", "S-REPPLUS", "Repplus", ("3e",)),
            ("LT-TARGET", 3, "T", "S-RURAL", "Rural", ("6e",)),
        ],
        columns=["node", "level_rank", "territory", "school", "school_name", "grades"],
    )
    ranked = co.rank_gaps(coverage, {"LT-TARGET"}, SCHOOLS, PUPILS)
    assert list(zip(ranked["node"], ranked["school"], strict=True)) == [
        ("LT-TARGET", "S-RURAL"),  # an outcome with a target first
        ("OUT-A", "S-REPPLUS"),
        ("OUT-A", "S-REP"),
        ("OUT-A", "S-BIG"),  # 800 pupils in its uncovered grades
        ("OUT-A", "S-RURAL"),  # 20
    ]
    assert list(ranked["rank"]) == [1, 2, 3, 4, 5]
    reasons = [view.gap_reason(row, "fr") for row in ranked.to_dict("records")]
    assert reasons[0] == "effet avec une cible · 20 élèves inscrits"
    assert reasons[1] == "REP+ · QPV · 50 élèves inscrits"
    assert reasons[3] == "800 élèves inscrits"
    assert co.first_rows(ranked, every=False, limit=2)["rank"].tolist() == [1, 2]
    assert len(co.first_rows(ranked, every=True, limit=2)) == 5
    assert co.rank_gaps(coverage.iloc[0:0], set(), SCHOOLS, PUPILS).empty


def test_overlaps_come_by_actors_then_pupils_concerned() -> None:
    from indicators.analytics import coordination as co
    from indicators.views import coordination as view

    crossing = pd.DataFrame(
        [
            ("ACT", "S-RURAL", "Rural", "3e", 2),
            ("ACT", "S-BIG", "Big", "3e", 2),
            ("ACT", "S-REP", "Rep", "6e", 4),
        ],
        columns=["action_type", "place", "place_name", "grade", "partners"],
    )
    ranked = co.rank_overlaps(crossing, SCHOOLS, PUPILS)
    assert list(ranked["place"]) == ["S-REP", "S-BIG", "S-RURAL"]
    assert view.overlap_reason(ranked.iloc[0].to_dict(), "fr") == (
        "4 partenaires · 80 élèves inscrits · REP · QPV"
    )


def test_the_coordination_page_ranks_its_lists_and_says_why(app_store: Store) -> None:
    at = opened(app_store, "eva", "pages/coordination.py")
    ranked = [d.value for d in at.dataframe if "Rang" in d.value.columns]
    assert ["Rang", "Actions"] in [list(r.columns)[:2] for r in ranked]  # the overlaps
    for table in ranked:
        assert list(table["Rang"]) == list(range(1, len(table) + 1))
        assert all(table["Pourquoi ce rang"].str.len() > 0)


# -- 6. charts that carry no information ---------------------------------------------------------


def test_a_chart_of_no_single_or_equal_values_says_nothing() -> None:
    from indicators.views import charts

    assert charts.says_nothing([]) == "empty"
    assert charts.says_nothing([None, float("nan")]) == "empty"
    assert charts.says_nothing([0.42, None]) == "single"
    assert charts.says_nothing([1.0, 1.0, 1.0]) == "constant"  # every bar at 100 %
    assert charts.says_nothing(pd.Series([3, 3], dtype="Int64")) == "constant"
    assert charts.says_nothing([1.0, 0.98]) == ""
    assert charts.says_nothing([0, 0, 2]) == ""
    assert charts.nothing_sentence("constant", "Conformité", [1.0, 1.0], "share") == (
        "Conformité : toutes les valeurs valent 100 % ; le graphique n'apprendrait rien de plus."
    )
    assert charts.nothing_sentence("single", "Jeunes", [None, 1204.0], "person") == (
        "Jeunes : une seule valeur, 1 204 ; un graphique d'un seul point n'apprendrait rien de"
        " plus."
    )
    assert charts.nothing_sentence("constant", "Rates", [1, 1], "share", "en") == (
        "Rates: every value is 100%; a chart would tell nothing more."
    )


def test_the_quality_page_says_in_a_sentence_what_a_flat_chart_would_show(
    app_store: Store,
) -> None:
    # Two partners sent values, nothing was refused nor warned about: every bar would be 0.
    send = Sender(app_store)
    send("ent-valmont", [("visites-entreprise", "0950001K", "2024-2025-T1", 3)])
    send("asso-elan", [("visites-entreprise", "0950002L", "2024-2025-T1", 2)])
    at = opened(app_store, "eva", "pages/qualite.py")
    assert (
        "Dépôts refusés et alertes par dépôt : toutes les valeurs valent 0 ; le graphique"
        " n'apprendrait rien de plus."
    ) in [i.value for i in at.info]
    assert not at.get("plotly_chart")


# -- 2. on the pages -----------------------------------------------------------------------------

LATER_YEAR = (
    "2025-2026,Année scolaire 2025-2026,School year 2025-2026,school_year,,2025-09-01,"
    "2026-08-31,2026-09-30\n"
    "2025-2026-T1,T1 2025-2026,Term 1 2025-2026,term,2025-2026,2025-09-01,2025-12-31,"
    "2026-01-15\n"
)


def test_pages_open_on_the_year_with_accepted_reports_not_one_a_single_value_opened(
    app_env: Path, definition_dir: Path
) -> None:
    from indicators.store.setup import init_store
    from tests.conftest import open_accounts

    periods = definition_dir / "periods.csv"
    periods.write_text(periods.read_text(encoding="utf-8").rstrip("\n") + "\n" + LATER_YEAR)
    store, _ = init_store(app_env, definition_dir, actor="test")
    open_accounts(store)
    send = Sender(store)
    rows = [
        (indicator, school, "2024-2025-T1", 4)
        for indicator in ("visites-entreprise", "jeunes-touches")
        for school in ("0950001K", "0950002L")
    ]
    send("ent-valmont", rows, status="accepted")  # 2024-2025: Valmont's term reports accepted
    send("ent-valmont", [("visites-entreprise", "0950001K", "2025-2026-T1", 5)])  # one value
    for page, key in (
        ("pages/theorie_du_changement.py", "toc_year"),
        ("pages/synchronisation.py", "sync_year"),
        ("pages/coordination.py", "coord_year"),
    ):
        at = opened(store, "eva", page)
        assert at.selectbox(key=key).value == "2024-2025", page
