"""Values written straight into a store, each with its submission, sheet and cell: small,
exact cases for the analytics and the pages, without building workbooks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from indicators.store.database import Store


class Sender:
    """Writes submissions and their values straight into the store, one cell per value."""

    def __init__(self, store: Store):
        self.store = store
        self.day = dt.datetime(2025, 9, 1, 9)

    def __call__(
        self,
        organisation: str,
        rows: list[tuple[Any, ...]],
        status: str = "received",
    ) -> int:
        """rows: (indicator, place, period, value[, numerator, denominator[, disaggregation]])"""
        self.day += dt.timedelta(hours=1)
        with duckdb.connect(str(self.store.path)) as con:
            inserted = con.execute(
                "insert into submissions (organisation, filename, sha256, size_bytes,"
                " uploaded_by, uploaded_at, status, reviewed_at)"
                " values (?, ?, 'x', 1, ?, ?, ?, ?) returning id",
                [
                    organisation,
                    f"{organisation}-{self.day:%H}.xlsx",
                    organisation,
                    self.day,
                    status,
                    self.day if status == "accepted" else None,
                ],
            ).fetchall()
            submission = inserted[0][0]
            for n, row in enumerate(rows, start=2):
                indicator, place, period, value, *rest = row
                numerator, denominator = [*rest, None, None][:2]
                breakdown = rest[2] if len(rest) > 2 else ""
                unit = con.execute(
                    "select unit from indicator_versions where code = ? and valid_to is null",
                    [indicator],
                ).fetchall()[0][0]
                con.execute(
                    "insert into observations (submission_id, indicator, indicator_version,"
                    " organisation, place, period, disaggregation, value, numerator,"
                    " denominator, unit, raw_value, sheet, cell) values"
                    " (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Bilan', ?)",
                    [
                        submission,
                        indicator,
                        organisation,
                        place,
                        period,
                        breakdown,
                        value,
                        numerator,
                        denominator,
                        unit,
                        str(value),
                        f"D{n}",
                    ],
                )
        return int(submission)


def reported(store: Store, status: str = "received") -> None:
    """Visits reported by three organisations, jeunes-touches by two (see test_progress)."""
    send = Sender(store)
    send("ent-valmont", [("visites-entreprise", "0950001K", "2024-2025-T1", 3)], status)
    send("asso-elan", [("visites-entreprise", "0950002L", "2024-2025-T1", 2)], status)
    send("appui", [("visites-entreprise", "T-NORD", "2024-2025-T1", 10)], status)
    send("clg-0950001k", [("jeunes-touches", "0950001K", "2024-2025-T1", 70)], status)
    send("ent-valmont", [("jeunes-touches", "0950001K", "2024-2025-T1", 40)], status)
