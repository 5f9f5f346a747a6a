"""Text a spreadsheet would run as a formula, made harmless (CSV and formula injection)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: T) -> T | str:
    """`value`, with text that a spreadsheet would run as a formula turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
