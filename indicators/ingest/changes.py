"""What changed between two submissions of a partner: a value-level diff, before a partner
sends a correction on and before an evaluator accepts it.

The store keeps every value a partner ever sent: an upload stores only the values that are new
or differ from the current ones, and a value it replaces stays in the history
(`Store.load_values`). So what stood after a submission is, for each indicator x place x
period x breakdown, the latest value stored by that submission or an earlier one of the same
organisation (in the order uploads were stored); between two submissions, a value is

- added: none stood before (or it was empty) and one stands after;
- removed: one stood before and the later one is empty;
- changed: both stand, with another value, numerator or denominator;

each with its file, sheet and cell on either side. An upload never deletes a value: a value a
new file leaves out still stands, and is not a change.

A submission is compared with an earlier one of the same organisation and period (one that
stored a value for a period the later one stores values for: an earlier version of the same
report), by default the one just before it; the diff holds the later one's periods only, so
that another period's upload stored between the two is not taken for a change.

Evaluators may compare any organisation's submissions; a partner only its own
(AccessDeniedError otherwise); funders none.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.access.viewer import AccessDeniedError, Viewer, own_organisation, require_role
from indicators.store.database import Store

KINDS = ("changed", "added", "removed")
COLUMNS = [
    "change",
    "indicator",
    "indicator_label_fr",
    "indicator_label_en",
    "place",
    "place_name",
    "period",
    "period_label_fr",
    "period_label_en",
    "disaggregation",
    "breakdown_fr",
    "breakdown_en",
    "unit",
    "old_value",
    "new_value",
    "old_numerator",
    "new_numerator",
    "old_denominator",
    "new_denominator",
    "old_submission",
    "old_file",
    "old_sheet",
    "old_cell",
    "new_submission",
    "new_file",
    "new_sheet",
    "new_cell",
]


class SubmissionsApartError(ValueError):
    """Two submissions of different organisations cannot be compared."""


@dataclass(frozen=True)
class Changes:
    """The values that differ between what stood after submission `old` (None: nothing was
    sent before) and after submission `new`, of `organisation`, one row per value (COLUMNS),
    changed ones first."""

    organisation: str
    new: int
    old: int | None
    rows: pd.DataFrame
    new_file: str = ""
    old_file: str = ""

    def counts(self) -> dict[str, int]:
        """How many values were changed, added and removed."""
        found = self.rows["change"].value_counts()
        return {kind: int(found.get(kind, 0)) for kind in KINDS}


def _heads(store: Store, viewer: Viewer, ids: list[int]) -> pd.DataFrame:
    """The submissions `ids` the viewer may compare (a partner only its own), by id;
    LookupError for an unknown one."""
    require_role(viewer, "evaluator", "partner")
    heads = store.query("submission_heads", ids=[int(i) for i in ids]).set_index("id")
    missing = sorted(set(ids) - set(heads.index))
    if missing:
        raise LookupError(f"submission {missing[0]}")
    if viewer.role == "partner":
        own = own_organisation(viewer)
        if (heads["organisation"] != own).any():
            raise AccessDeniedError("submission")
    return heads


def _periods_of(store: Store, organisation: str) -> dict[int, set[str]]:
    """Each submission of `organisation` -> the periods it stored values for."""
    found: dict[int, set[str]] = {}
    rows = store.query("submission_periods", org=organisation)
    for submission, period in zip(rows["id"], rows["period"], strict=True):
        found.setdefault(int(submission), set()).add(str(period))
    return found


def earlier_submissions(store: Store, viewer: Viewer, submission: int) -> pd.DataFrame:
    """The submissions of the same organisation and period stored before `submission` (those
    that stored a value for one of its periods), newest first (id, filename, uploaded_by,
    uploaded_at, status): what it can be compared with, the first one by default."""
    heads = _heads(store, viewer, [submission])
    organisation = str(heads.at[submission, "organisation"])
    periods = _periods_of(store, organisation)
    own = periods.get(submission, set())
    history = store.query("submissions", org=organisation)
    same = history["id"].map(lambda i: bool(periods.get(int(i), set()) & own))
    history = history[(history["id"] < submission) & same].sort_values("id", ascending=False)
    return history[["id", "filename", "uploaded_by", "uploaded_at", "status"]].reset_index(
        drop=True
    )


def what_changed(
    store: Store, viewer: Viewer, submission: int, since: int | None = None, period: str = ""
) -> Changes:
    """The values `submission` changed, in its periods, against what stood after `since` (by
    default the organisation's submission of the same period just before it: what the upload
    itself changed), narrowed to `period` when given. The two are taken in the order they were
    stored: the later one's periods are compared. AccessDeniedError for a submission the
    viewer may not see; SubmissionsApartError for two organisations."""
    ids = [submission] if since is None else [submission, since]
    heads = _heads(store, viewer, ids)
    organisation = str(heads.at[submission, "organisation"])
    if since is not None and str(heads.at[since, "organisation"]) != organisation:
        raise SubmissionsApartError(f"{since} / {submission}")
    if since is None:
        earlier = earlier_submissions(store, viewer, submission)
        old = int(earlier["id"].iloc[0]) if not earlier.empty else None
        new = submission
    else:
        old, new = min(submission, since), max(submission, since)
    rows = store.query("submission_changes", org=organisation, old=old or 0, new=new)
    rows = rows[rows["period"].isin(_periods_of(store, organisation).get(new, set()))]
    if period:
        rows = rows[rows["period"] == period]
    rows = _with_breakdowns(store, rows)
    files = store.query("submission_heads", ids=[new, old or 0]).set_index("id")["filename"]
    return Changes(
        organisation,
        new,
        old,
        rows[COLUMNS].reset_index(drop=True),
        str(files.get(new, "")),
        str(files.get(old, "")) if old else "",
    )


def _with_breakdowns(store: Store, rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` with their breakdown in words (`sex=F;grade=6e` -> `filles · 6e`), '' for none."""
    categories = store.query("dimension_categories")
    words = {
        lang: {
            (str(d), str(c)): str(w)
            for d, c, w in zip(
                categories["dimension"],
                categories["category"],
                categories[f"label_{lang}"],
                strict=True,
            )
        }
        for lang in ("fr", "en")
    }

    def said(text: str, lang: str) -> str:
        pairs = [p.split("=", 1) for p in str(text).split(";") if "=" in p]
        return " · ".join(words[lang].get((d, c), c) for d, c in pairs)

    return rows.assign(
        breakdown_fr=[said(d, "fr") for d in rows["disaggregation"]],
        breakdown_en=[said(d, "en") for d in rows["disaggregation"]],
    )
