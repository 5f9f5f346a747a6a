"""Small-cell suppression for funder views and exports (statistical secrecy: the data concerns
minors), as DOMAIN.md defines it:

- **primary**: a count of 1 to threshold - 1 young people is shown as "< threshold" (0 is
  shown; the threshold is the initiative's `suppression_threshold`, 11 by default);
- **complementary**: where a published total would reveal a hidden cell (the only hidden one
  of its line), the smallest other non-zero cell of that line is hidden too, or the total
  itself when there is none; repeated over rows and columns until nothing more is revealed;
- **organisations**: an aggregate from fewer than 3 organisations, or one organisation
  weighing more than 85 %, is hidden (see disclosure.hidden_reason); a row (one place) whose
  cells are all hidden so has its total hidden too.

Each hidden cell carries its reason, so that a note can say why it is hidden.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

TOTAL = "__total__"
REASONS = ("small-count", "complementary", "few-organisations", "dominant")
ORGANISATIONS = ("few-organisations", "dominant")


@dataclass(frozen=True)
class Suppressed:
    """A table of counts with its row and column totals, as it may be published.

    `values` holds every cell and the totals (row TOTAL, column TOTAL); `reasons` says why a
    cell is hidden ('' when shown)."""

    values: pd.DataFrame
    reasons: pd.DataFrame
    threshold: int

    def shown(self) -> pd.DataFrame:
        """The values with hidden cells empty."""
        return self.values.mask(self.reasons != "")

    def text(self, lang: str = "fr") -> pd.DataFrame:
        """The table as it is printed: numbers, "< 11" for a small count, "·" for a cell hidden
        to protect another, "s" for one hidden for too few organisations."""
        marks = {
            "small-count": f"< {self.threshold}",
            "complementary": "·",
            "few-organisations": "s",
            "dominant": "s",
        }
        out = self.values.astype(object).copy()
        for row in out.index:
            for column in out.columns:
                reason = self.reasons.at[row, column]
                value = self.values.at[row, column]
                if reason:
                    out.at[row, column] = marks[str(reason)]
                elif value is None or (isinstance(value, float) and math.isnan(value)):
                    out.at[row, column] = "—"
                else:
                    out.at[row, column] = _number(float(str(value)), lang)
        return out

    def hidden_count(self) -> int:
        """How many cells are hidden."""
        return int((self.reasons != "").to_numpy().sum())


def _number(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", " ") if lang == "fr" else text


def small(value: float, threshold: int) -> bool:
    """True for a count that primary suppression hides: 1 to threshold - 1."""
    return not math.isnan(value) and 0 < value < threshold


def suppress(
    cells: pd.DataFrame,
    threshold: int,
    *,
    hidden: pd.DataFrame | None = None,
) -> Suppressed:
    """Protect a table of counts (`cells`: rows x columns, no totals) and its totals, which
    are added (row and column TOTAL). `hidden` marks cells already withheld for another
    reason (few organisations, dominance) with that reason."""
    values = cells.astype(float).copy()
    values[TOTAL] = values.sum(axis=1, min_count=1)
    values.loc[TOTAL] = values.sum(axis=0, min_count=1)
    reasons = pd.DataFrame("", index=values.index, columns=values.columns, dtype=object)
    if hidden is not None:
        for row in hidden.index:
            for column in hidden.columns:
                if hidden.at[row, column]:
                    reasons.at[row, column] = str(hidden.at[row, column])
    for row in values.index:
        for column in values.columns:
            cell = float(str(values.at[row, column]))
            if not reasons.at[row, column] and small(cell, threshold):
                reasons.at[row, column] = "small-count"
    # a row is one place: the total of cells all withheld for their organisations is those
    # same organisations' figure (a column total adds up other places and organisations)
    for row in values.index:
        _hide_total_of_withheld(values, reasons, (row, TOTAL), [(row, c) for c in cells.columns])
    changed = True
    while changed:
        changed = False
        lines = [(values.loc[r], reasons.loc[r], "row", r) for r in values.index]
        lines += [(values[c], reasons[c], "column", c) for c in values.columns]
        for line_values, line_reasons, kind, key in lines:
            members = [k for k in line_values.index if k != TOTAL]
            total_shown = not line_reasons[TOTAL]
            secret = [k for k in members if line_reasons[k]]
            if not total_shown or len(secret) != 1:
                continue
            # one hidden cell and a published total: the total minus the others reveals it
            others = [k for k in members if not line_reasons[k] and float(line_values[k] or 0) > 0]
            target = min(others, key=lambda k: float(line_values[k])) if others else TOTAL
            where = (key, target) if kind == "row" else (target, key)
            reasons.at[where] = "complementary"
            changed = True
            break
    return Suppressed(values, reasons, threshold)


def _hide_total_of_withheld(
    values: pd.DataFrame,
    reasons: pd.DataFrame,
    total: tuple[Any, Any],
    members: Sequence[tuple[Any, Any]],
) -> None:
    counted = [m for m in members if float(str(values.at[m])) > 0]
    withheld = [str(reasons.at[m]) for m in counted if reasons.at[m] in ORGANISATIONS]
    if counted and len(withheld) == len(counted) and not reasons.at[total]:
        reasons.at[total] = withheld[0]
