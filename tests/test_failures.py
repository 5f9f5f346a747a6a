"""A page that fails says so in a French sentence with a reference, never with a traceback or
a path of the server; the log line beside the reference holds the traceback."""

from __future__ import annotations

import logging
import re

import pytest

from indicators.analytics import catalogue
from indicators.store.database import Store, StoreError
from tests.test_app import started

SECRET_PATH = "/srv/mesure/secret/mesure.duckdb"


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (RuntimeError(f"boom in {SECRET_PATH}"), "Une erreur inattendue a interrompu cette page"),
        (StoreError(f"La base {SECRET_PATH} est ouverte"), "La base de l'initiative est occupée"),
    ],
)
def test_a_failing_page_shows_a_sentence_and_logs_the_traceback(
    app_store: Store,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    sentence: str,
) -> None:
    monkeypatch.delenv("MESURE_RAISE_ERRORS")

    def fail(*args: object, **kwargs: object) -> object:
        raise error

    monkeypatch.setattr(catalogue, "indicator_table", fail)
    with caplog.at_level(logging.ERROR, logger="mesure.ui"):
        at = started(app_store, "eva")  # the catalogue is the evaluator's first page
    assert not at.exception
    shown = [str(e.value) for e in at.error]
    assert len(shown) == 1 and shown[0].startswith(sentence)
    found = re.search(r"[Rr]éférence ([0-9a-f]{8})\b", shown[0])
    assert found is not None
    reference = found.group(1)
    assert SECRET_PATH not in "".join(shown)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None and logged[0].exc_info[1] is error


def test_in_the_tests_a_failing_page_fails_the_test(
    app_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other AppTests see the page's error itself (MESURE_RAISE_ERRORS=1)."""

    def fail(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(catalogue, "indicator_table", fail)
    with pytest.raises(AssertionError, match="boom"):
        started(app_store, "eva")
