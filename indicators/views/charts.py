"""Whether a chart would tell anything: a chart of no value, of a single point, or whose values
are all equal (every bar at 100 %) carries no information; the page says it in a sentence."""

from __future__ import annotations

import math
from collections.abc import Iterable

from indicators.common.i18n import t
from indicators.views.curves import number

EMPTY, SINGLE, CONSTANT = "empty", "single", "constant"


def says_nothing(values: Iterable[object]) -> str:
    """Why a chart of `values` would carry no information: 'empty' (no value at all), 'single'
    (one value), 'constant' (every value the same); '' when it has something to show. Missing
    values (None, NaN) are not values."""
    shown = [float(v) for v in values if _is_number(v)]  # type: ignore[arg-type]
    if not shown:
        return EMPTY
    if len(shown) == 1:
        return SINGLE
    low, high = min(shown), max(shown)
    if high - low <= 1e-9 * max(1.0, abs(high)):
        return CONSTANT
    return ""


def _is_number(value: object) -> bool:
    if value is None or isinstance(value, bool | str):
        return False
    try:
        return not math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def value_text(value: float, unit: str, lang: str = "fr") -> str:
    """A value as the sentence says it: a share (0 to 1) as a whole percentage, a whole number
    with its thousands spaced, anything else as curves.number writes it; "—" for none."""
    if not _is_number(value):
        return "—"
    if unit == "share":
        whole = f"{100 * value:.0f}"
        return f"{whole} %" if lang == "fr" else f"{whole}%"
    if float(value).is_integer():
        whole = f"{value:,.0f}"
        return whole.replace(",", " ") if lang == "fr" else whole
    return number(value, unit, lang)


def nothing_sentence(
    reason: str, title: str, values: Iterable[object], unit: str, lang: str = "fr"
) -> str:
    """The sentence shown instead of a chart titled `title` that `says_nothing` (`reason`)."""
    if reason == EMPTY:
        return t("chart.nothing.empty", lang, title=title)
    value = next(float(v) for v in values if _is_number(v))  # type: ignore[arg-type]
    return t(f"chart.nothing.{reason}", lang, title=title, value=value_text(value, unit, lang))
