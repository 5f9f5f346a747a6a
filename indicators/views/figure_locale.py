"""A Plotly figure's numbers and dates written the way its reader's language writes them.

Plotly formats every number it prints itself (axis ticks, hover values, `:.1f` in a
template) with `layout.separators`, English by default ("1,234.5"); French wants "1 234,5".
Its percent format writes "90%", French "90 %": an axis of shares gets its ticks as text.
Its date axes print English month names ("Dec 6, 2026") unless a format is given; French
gets day/month/year. Every chart of the app goes through `localise` before it is drawn.
A hover template's own numbers are the page's to write (as text, in customdata).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go

SEPARATORS = {"fr": ", ", "en": ".,"}  # the decimal mark, then the thousands separator
FRENCH_DATE = "%d/%m/%Y"


def localise(
    figure: go.Figure, lang: str = "fr", periods: Mapping[str, str] | None = None
) -> go.Figure:
    """`figure` with its separators, and the format of its date axes, in `lang` (changed in
    place and returned). `periods`: the initiative's period labels in `lang` by code; an axis
    whose categories are period codes is ticked with their labels ("1er trimestre 2024-2025",
    not "2024-2025-T1"), the traces keeping their codes."""
    figure.update_layout(separators=SEPARATORS.get(lang, SEPARATORS["en"]))
    if periods:
        _period_ticks(figure, periods)
    if lang != "fr":
        return figure
    for name in ("xaxis", "yaxis"):
        _percent_ticks(figure, name)
    for trace in figure.data:
        for letter in ("x", "y"):
            if _dated(getattr(trace, letter, None)):
                anchor = getattr(trace, f"{letter}axis", None) or letter
                name = f"{letter}axis{anchor[1:]}"
                figure.layout[name].update(tickformat=FRENCH_DATE, hoverformat=FRENCH_DATE)
    return figure


def _period_ticks(figure: go.Figure, periods: Mapping[str, str]) -> None:
    """Tick with their labels the category axes whose coordinates are all period codes, when
    one label at least says more than its code; an axis already ticked is left as it is."""
    codes: dict[str, list[str]] = {}
    for trace in figure.data:
        for letter in ("x", "y"):
            values = getattr(trace, letter, None)
            if values is None or _dated(values) or isinstance(values, str):
                continue
            try:
                shown = [str(v) for v in values]
            except TypeError:
                continue
            anchor = getattr(trace, f"{letter}axis", None) or letter
            codes.setdefault(f"{letter}axis{anchor[1:]}", []).extend(shown)
    for name, found in codes.items():
        ordered = list(dict.fromkeys(found))
        if not ordered or any(code not in periods for code in ordered):
            continue
        if all(periods[code] == code for code in ordered):
            continue
        axis = figure.layout[name]
        if axis.tickvals is not None or axis.ticktext is not None:
            continue
        axis.update(
            tickmode="array", tickvals=ordered, ticktext=[periods[code] for code in ordered]
        )


def _percent_ticks(figure: go.Figure, name: str) -> None:
    """An axis of shares whose ticks d3 would write "90%" gets its ticks written "90 %"
    (d3 has no space before the sign): every fifth from its range, 0 to 1 by default."""
    axis = figure.layout[name]
    form = re.fullmatch(r"\.(\d)%", str(axis.tickformat or ""))
    if form is None:
        return
    low, high = axis.range or (0, 1)
    step = 0.2 if high - low > 0.5 else 0.1
    ticks = [v for v in np.arange(0, high + 1e-9, step) if v >= low - 1e-9]
    digits = int(form.group(1))
    words = [f"{100 * v:.{digits}f} %".replace(".", ",") for v in ticks]
    axis.update(tickmode="array", tickvals=ticks, ticktext=words)


def _dated(values: Any) -> bool:
    """True when a trace's coordinates are dates or times."""
    if values is None:
        return False
    if isinstance(values, np.ndarray):
        return values.dtype.kind == "M" or (values.size > 0 and _is_date(values.flat[0]))
    try:
        first = next(iter(values))
    except (TypeError, StopIteration):
        return False
    return _is_date(first)


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date | np.datetime64)
