"""Analytics answers kept until the store's data change (indicators/analytics/kept.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from indicators.access.viewer import Viewer
from indicators.analytics import synchronisation as sync
from indicators.analytics.kept import data_stamp, keep
from indicators.store.database import Store
from tests.conftest import EVALUATOR, PARTNER_A
from tests.stored import Sender, reported


def test_an_answer_is_kept_until_the_data_change_and_handed_out_as_a_copy(store: Store) -> None:
    calls: list[int] = []

    @keep
    def counted(store: Store, viewer: Viewer, n: int, *, periods: list[str]) -> pd.DataFrame:
        calls.append(n)
        return pd.DataFrame({"n": [n], "periods": [len(periods)]})

    first = counted(store, EVALUATOR, 1, periods=["a"])
    first["n"] = 99  # a caller changing its copy changes nothing kept
    assert counted(store, EVALUATOR, 1, periods=["a"])["n"].tolist() == [1]
    assert calls == [1]
    counted(store, PARTNER_A, 1, periods=["a"])  # another viewer, other arguments: computed
    counted(store, EVALUATOR, 1, periods=["a", "b"])
    assert calls == [1, 1, 1]
    Sender(store)("ent-valmont", [("visites-entreprise", "0950001K", "2024-2025-T1", 3)])
    counted(store, EVALUATOR, 1, periods=["a"])  # a value came: computed again
    store.audit("test", "test.action")  # any audited action too
    counted(store, EVALUATOR, 1, periods=["a"])
    assert calls == [1, 1, 1, 1, 1]


def test_the_stamp_moves_with_every_change_that_may_change_a_figure(store: Store) -> None:
    before = data_stamp(store)
    assert set(before) >= {"observations", "last_review", "last_publication", "last_audit"}
    reported(store)
    after = data_stamp(store)
    assert after["observations"] != before["observations"]
    assert data_stamp(store) == after


def test_signing_in_and_out_and_exports_keep_the_answers_other_audited_actions_do_not(
    store: Store,
) -> None:
    """A sign-in (each one audited) used to let go of every answer kept for everyone; what
    changes nothing that is read leaves the stamp, every other audited action moves it."""
    from indicators.access.accounts import authenticate
    from indicators.access.sessions import close_session
    from tests.conftest import PASSWORD, open_accounts, session_token

    open_accounts(store)
    before = data_stamp(store)
    assert authenticate(store, PARTNER_A.username, PASSWORD).account is not None
    assert authenticate(store, PARTNER_A.username, "wrong").account is None
    assert close_session(store, session_token(store, EVALUATOR.username))
    store.audit(EVALUATOR.username, "export", "values.csv", role="evaluator", rows=3)
    store.audit("?", "session.rejected", "", reason="tampered")
    log = store.query("audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1))
    actions = set(log["action"])
    assert {"login.success", "login.failure", "logout", "export"} <= actions
    assert data_stamp(store) == before
    for action in ("submission.refused", "mapping.confirm", "account.role", "mail.sent"):
        store.audit(EVALUATOR.username, action, "")
        assert data_stamp(store) != before, action
        before = data_stamp(store)


def test_kept_synchronisation_figures_are_the_live_ones_after_an_upload(store: Store) -> None:
    today = dt.date(2025, 10, 1)
    reported(store)
    kept = sync.rates(store, EVALUATOR, today)
    pd.testing.assert_frame_equal(kept, sync.rates.__wrapped__(store, EVALUATOR, today))  # type: ignore[attr-defined]
    Sender(store)("asso-elan", [("visites-entreprise", "0950002L", "2024-2025-T2", 4)])
    pd.testing.assert_frame_equal(
        sync.rates(store, EVALUATOR, today),
        sync.rates.__wrapped__(store, EVALUATOR, today),  # type: ignore[attr-defined]
    )
