"""The stored values as each viewer may see them. Every read of values by a page goes here.

- An evaluator sees every value with its provenance, and the collective figures as they are.
- A partner sees its own organisation's values with their provenance, and of the others only
  the collective figures, hidden where fewer than `MIN_ORGANISATIONS` organisations stand
  behind them (a partner could subtract its own figure from a two-partner total) or where one
  organisation weighs more than `DOMINANCE` of a sum, except figures of its own values only
  and the backbone's own; and hidden where the theory of change hides the same figure.
- A funder sees only the collective figures, hidden by the same rules (without exception, and
  small counts of young people too), from accepted submissions only; never a row of one
  organisation. The rules and complementary suppression live in disclosure.py.
Anyone else is refused (AccessDeniedError).
"""

from __future__ import annotations

import pandas as pd

from indicators.access.publications import frozen
from indicators.access.viewer import AccessDeniedError, Viewer, own_organisation, require_role
from indicators.analytics.kept import keep
from indicators.store.database import Store

VALUE_COLUMNS = [
    "organisation",
    "indicator",
    "indicator_version",
    "place",
    "period",
    "disaggregation",
    "value",
    "numerator",
    "denominator",
    "unit",
    "raw_value",
    "is_current",
    "submission_id",
    "filename",
    "sheet",
    "cell",
    "uploaded_by",
    "uploaded_at",
]
COLLECTIVE_COLUMNS = [
    "indicator",
    "label_fr",
    "label_en",
    "unit",
    "rule",
    "period",
    "organisations",
    "value",
    "hidden",
    "own",
]


def values(
    store: Store, viewer: Viewer, organisation: str = "", *, history: bool = False
) -> pd.DataFrame:
    """Stored values with their provenance: an evaluator's choice of organisation (all when
    empty), a partner's own only; current values unless `history`."""
    organisation = _values_of(viewer, organisation)
    frame = store.query("observations", org=organisation)
    if not history:
        frame = frame[frame["is_current"]]
    return frame[VALUE_COLUMNS].reset_index(drop=True)


def _values_of(viewer: Viewer, organisation: str) -> str:
    """Whose values `viewer` asks for: an evaluator's choice ('' for all), a partner's own
    only (AccessDeniedError for another's)."""
    require_role(viewer, "evaluator", "partner")
    if viewer.role != "partner":
        return organisation
    own = own_organisation(viewer)
    if organisation not in ("", own):
        raise AccessDeniedError(f"values:{organisation}")
    return own


def first_values(
    store: Store, viewer: Viewer, organisation: str = "", limit: int = 5_000
) -> tuple[pd.DataFrame, int]:
    """The first `limit` current values of `values` (same scope, same order) and how many there
    are in all: what a page shows without reading millions of values (the download has all)."""
    organisation = _values_of(viewer, organisation)
    frame = store.query("current_values_shown", org=organisation, limit=limit)
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    return frame[VALUE_COLUMNS].reset_index(drop=True), total


def threshold(store: Store) -> int:
    """The initiative's suppression threshold: counts of 1 to threshold - 1 young people are
    hidden from funders ("< threshold")."""
    initiative = store.initiative() or {}
    return int(initiative.get("suppression_threshold") or 11)


def _protected(store: Store, viewer: Viewer, frame: pd.DataFrame) -> list[str]:
    """Why each collective figure is hidden from a partner or a funder, by the one set of rules
    of disclosure.py: its primary rules (a partner sees a figure of its own values only, and
    the backbone's own; a funder neither, nor a small count of young people), and whatever
    hides the figure of the same indicator and period on the theory of change (progress.figures
    at the initiative, with its complementary suppression): the same sum for an indicator
    without de-duplication, the gross sum shown beside the de-duplicated figure for one with,
    so that no view shows what another hides."""
    from indicators.access.disclosure import primary
    from indicators.analytics import progress  # progress reads figures' rules: imported when needed

    partner = viewer.role == "partner"
    own = pd.to_numeric(frame["own"], errors="coerce") if partner else None
    own_only = list((frame["organisations"] == 1) & own.notna()) if own is not None else None
    if "backbone_only" not in frame:  # frozen by a publication made before the column
        frame = frame.assign(backbone_only=False)
    reasons = primary(
        frame.assign(backbone_only=frame["backbone_only"].fillna(False).astype(bool)),
        viewer.role,
        own_only=own_only,
        person=list(frame["unit"] == "person"),
        threshold=threshold(store),
    )
    # the same figure as the theory of change's at the initiative: its value for an indicator
    # without de-duplication; for one with, the gross sum (every value, before de-duplication)
    # shown beside it, hidden with it (disclosure: the same choice protects value and gross)
    seen = progress.year_figures(store, viewer)
    seen = seen[(seen["scope"] == progress.SCOPE_ALL) & (seen["disaggregation"] == "")]
    elsewhere = dict(
        zip(zip(seen["indicator"], seen["period"], strict=True), seen["hidden"], strict=True)
    )
    return [
        why or str(elsewhere.get((indicator, period), "") or "")
        for why, indicator, period in zip(reasons, frame["indicator"], frame["period"], strict=True)
    ]


@keep
def collective(store: Store, viewer: Viewer) -> pd.DataFrame:
    """One row per indicator x period: the figure of all organisations together.

    `hidden` says why a figure is withheld from this viewer ('' when shown; its `value` is
    then empty); `own` is a partner's own figure by the same rule (empty for other roles).
    """
    require_role(viewer, "evaluator", "partner", "funder")
    own = own_organisation(viewer) if viewer.role == "partner" else ""
    funder = viewer.role == "funder"
    if funder:  # what the latest publication of each year froze
        frame = frozen(
            store, "collective", lambda: store.query("collective", org="", accepted_only=True)
        )
    else:
        frame = store.query("collective", org=own, accepted_only=False)
    if viewer.role == "evaluator":
        frame["hidden"] = ""
    else:
        frame["hidden"] = _protected(store, viewer, frame)
        frame.loc[frame["hidden"] != "", "value"] = None
    frame["own"] = pd.to_numeric(frame["own"], errors="coerce") if own else float("nan")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame[COLLECTIVE_COLUMNS]
