"""Publishing a year for funders: what it contains is shown first, it needs a confirmation,
and a year without accepted data is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from indicators.access.viewer import AccessDeniedError
from indicators.analytics import synthesis
from indicators.common.problems import RefusedInputError
from indicators.store.database import Store
from tests.conftest import EVALUATOR, FUNDER, PARTNER_A
from tests.stored import Sender, reported
from tests.test_app import started, texts

TODAY = dt.date(2025, 10, 1)


def test_contents_count_accepted_and_waiting_values_by_organisation(store: Store) -> None:
    send = Sender(store)
    send("ent-valmont", [("visites-entreprise", "0950001K", "2024-2025-T1", 3)], "accepted")
    send(
        "ent-valmont",
        [
            ("jeunes-touches", "0950001K", "2024-2025", 40),
            ("jeunes-touches", "0950002L", "2024-2025", 9),
        ],
        "accepted",
    )
    send("asso-elan", [("visites-entreprise", "0950002L", "2024-2025-T1", 2)], "received")
    found = synthesis.contents(store, EVALUATOR, "2024-2025")
    rows = found.organisations.set_index("organisation")
    assert rows.loc["ent-valmont", "accepted_values"] == 3
    assert rows.loc["ent-valmont", "accepted_submissions"] == 2
    assert rows.loc["ent-valmont", "accepted_indicators"] == 2
    assert rows.loc["asso-elan", "accepted_values"] == 0
    assert rows.loc["asso-elan", "waiting_values"] == 1
    assert (found.accepted_values, found.accepted_organisations, found.waiting_values) == (3, 1, 1)
    assert found.publishable and found.last_published is None


@pytest.mark.parametrize("status", [None, "received"])
def test_a_year_without_accepted_data_is_not_published(store: Store, status: str | None) -> None:
    if status:
        reported(store, status=status)  # values, but none accepted yet
    with pytest.raises(RefusedInputError) as refused:
        synthesis.publish(store, EVALUATOR, "2024-2025", TODAY)
    assert refused.value.code == "nothing-accepted"
    assert "aucune valeur acceptée" in refused.value.message("fr")
    assert "no accepted value" in refused.value.message("en")
    assert store.query("publications").empty
    assert synthesis.published_years(store, FUNDER) == []


def test_publishing_records_what_it_published(store: Store) -> None:
    reported(store, status="accepted")
    Sender(store)("asso-elan", [("score-confiance", "0950002L", "2024-2025", 6)], "received")
    synthesis.publish(store, EVALUATOR, "2024-2025", TODAY)
    found = synthesis.contents(store, EVALUATOR, "2024-2025")
    assert found.last_published is not None and found.last_published_by == "eva"
    log = store.query("audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1))
    entry = log[log["action"] == "summary.publish"].iloc[0]
    assert json.loads(entry["details"]) == {"organisations": 4, "values": 5, "left_waiting": 1}


def test_only_evaluators_read_the_contents_of_a_publication(store: Store) -> None:
    for viewer in (PARTNER_A, FUNDER):
        with pytest.raises(AccessDeniedError):
            synthesis.contents(store, viewer, "2024-2025")


def test_the_page_shows_an_empty_year_as_nothing_to_publish(app_store: Store) -> None:
    reported(app_store, status="received")
    at = started(app_store, "eva", page="pages/synthese.py")
    assert not at.exception, at.exception
    assert any("aucune valeur acceptée" in str(w.value) for w in at.warning)
    assert not [b for b in at.button if b.key == "synthesis_publish"]


def test_the_page_shows_what_the_publication_contains_and_asks_to_confirm(
    app_store: Store,
) -> None:
    reported(app_store, status="accepted")
    Sender(app_store)("asso-elan", [("score-confiance", "0950002L", "2024-2025", 6)], "received")
    at = started(app_store, "eva", page="pages/synthese.py")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Organisations publiées"] == "4"
    assert shown["Valeurs acceptées publiées"] == "5"
    assert shown["Valeurs en attente, non publiées"] == "1"
    assert "1 valeurs de cette année attendent encore" in texts(at)
    headline = at.dataframe[0].value
    assert list(headline.columns) == ["Chiffre", "Valeur"] and len(headline) > 0
    assert at.button(key="synthesis_publish").disabled  # a browser cannot click it yet
    assert app_store.query("publications").empty
    at.checkbox(key="synthesis_publish_sure").check().run()
    at.button(key="synthesis_publish").click().run()
    assert not at.exception, at.exception
    assert "Année 2024-2025 publiée." in [s.value for s in at.success]
    assert len(app_store.query("publications")) == 1
    at.run()
    assert "Dernière publication de cette année" in texts(at)


def test_tables_packed_together_come_back_each_as_it_was() -> None:
    """`packed_each` converts several tables to Arrow at once; `unpacked_each` gives each back
    with its rows, columns and values, also tables packed apart, one of them empty and one
    whose text column is empty in every row (Arrow's null type, then)."""
    import pandas as pd

    from indicators.access.publications import packed, packed_each, unpacked, unpacked_each

    first = pd.DataFrame({"scope": ["a", "b", "c"], "value": [1.5, float("nan"), 3.0]})
    second = pd.DataFrame({"scope": ["d"], "value": [4.0]})
    blank = pd.DataFrame({"scope": [None, None], "value": [5.0, 6.0]})
    tables = [first, first.iloc[0:0], second]
    texts = [*packed_each(tables), *packed_each([blank])]
    assert len(texts) == 4 and unpacked(texts[2])[0] == ()
    back = unpacked_each(texts)
    for table, found in zip([*tables, blank], back, strict=True):
        assert len(found) == len(table) and list(found.columns) == ["scope", "value"]
        assert found.astype(object).where(found.notna(), None).values.tolist() == (
            table.astype(object).where(table.notna(), None).values.tolist()
        )
    pd.testing.assert_frame_equal(unpacked(packed(first, ("x",)))[1], back[0])
    assert unpacked_each([]) == [] and packed_each([]) == []
