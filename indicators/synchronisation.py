"""Synchronisation between actors: who reports what, on time, on the common definitions.

Every figure starts from the expected reports (`sql/queries/expected_reports.sql`): each
organisation x indicator x place x period that a commitment makes due. A report is received
when a value for it arrived (a value for a school counts for its territory), on time when its
first value arrived by the period's due date. Completeness and timeliness count the reports of
periods that are over; `today` decides which those are.

Who sees what: an evaluator everything; a partner its own rows and the initiative's figures;
a funder the figures of groups (initiative, partner type, territory, indicator), never one
organisation's. Anyone else is refused.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from indicators.access import AccessDeniedError, Viewer, own_organisation, require_role
from indicators.store import Store

STATUSES = ("not_yet_due", "due", "overdue", "submitted", "returned", "accepted")
DIMENSIONS = ("initiative", "organisation", "organisation_type", "territory", "indicator")


def _own_rows(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """All rows for an evaluator, a partner's own organisation's only."""
    require_role(viewer, "evaluator", "partner")
    if viewer.role == "partner":
        frame = frame[frame["organisation"] == own_organisation(viewer)]
    return frame.reset_index(drop=True)


def expected_reports(store: Store, viewer: Viewer, today: dt.date) -> pd.DataFrame:
    """One row per expected report with its arrival and status on `today`."""
    return _own_rows(store.query("expected_reports", today=today), viewer)


def missing_reports(
    store: Store, viewer: Viewer, today: dt.date, organisation: str = ""
) -> pd.DataFrame:
    """The reports of periods that are over and that nothing arrived for, oldest first: what a
    reminder to the organisation (all when empty, for an evaluator) lists."""
    reports = expected_reports(store, viewer, today)
    if organisation:
        if viewer.role == "partner" and organisation != viewer.organisation:
            raise AccessDeniedError(f"missing:{organisation}")
        reports = reports[reports["organisation"] == organisation]
    missing = reports[reports["is_due"] & ~reports["received"]]
    return missing.sort_values(["organisation", "due_date", "indicator", "place"]).reset_index(
        drop=True
    )


def rates(store: Store, viewer: Viewer, today: dt.date) -> pd.DataFrame:
    """Completeness and timeliness per dimension member and period (see `sync_rates.sql`).

    A partner gets its own organisation's rows and the initiative's; a funder every group
    but no organisation."""
    require_role(viewer, "evaluator", "partner", "funder")
    table = store.query("sync_rates", today=today)
    if viewer.role == "partner":
        own = own_organisation(viewer)
        keep = (table["dimension"] == "initiative") | (
            (table["dimension"] == "organisation") & (table["member"] == own)
        )
        table = table[keep]
    elif viewer.role == "funder":
        table = table[table["dimension"] != "organisation"]
    return table.reset_index(drop=True)


def statuses(store: Store, viewer: Viewer, today: dt.date) -> pd.DataFrame:
    """The reporting status of each organisation for each period it has reports expected in."""
    return _own_rows(store.query("reporting_status", today=today), viewer)


def consistency(store: Store, viewer: Viewer, today: dt.date, periods: list[str]) -> pd.DataFrame:
    """Of the partners that reported in any period of `periods`, the share that reported in
    every one, for the initiative, each partner type and each territory."""
    require_role(viewer, "evaluator", "partner", "funder")
    if not periods:
        return pd.DataFrame(
            columns=["dimension", "member", "reporting_any", "reporting_every", "consistency"]
        )
    return store.query("sync_consistency", today=today, periods=list(periods))


def freshness(store: Store, viewer: Viewer, today: dt.date) -> pd.DataFrame:
    """The date of each committed organisation's latest upload and its age in days."""
    return _own_rows(store.query("freshness", today=today), viewer)
