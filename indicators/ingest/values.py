"""Read one spreadsheet cell as an indicator value or as a reporting period, never raising.

`parse_value` turns what a workbook reader hands over (None, text, number, boolean, date…) into
a number in the indicator's canonical unit, or says why it cannot. `parse_period` maps a period
label, a date or an Excel serial date onto a period of the definition, looked up by its dates.
What was interpreted is a tuple of stable kebab-case notes and a refusal is one stable kebab-case
problem, so that messages can explain both in French and English.

Only the standard library is imported: the read worker may call this module.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from indicators.definition.model import Period

ValueKind = Literal["number", "blank", "not_available", "invalid"]
PeriodKind = Literal["school_year", "term", "month", "date", "unknown"]

VALUE_NOTES = (
    "thousands-separator", "decimal-comma", "ambiguous-separator-resolved", "scientific-notation",
    "accounting-negative", "percent-sign", "fraction-read-as-percent", "currency", "kilo-euros",
    "mega-euros", "unit-word", "minutes-to-hours", "duration-cell",
)  # fmt: skip
VALUE_PROBLEMS = (
    "not-a-number", "ambiguous-number", "approximate-number", "unit-mismatch",
    "boolean-not-a-number", "date-not-a-number", "non-finite-number", "error-cell",
)  # fmt: skip
PERIOD_NOTES = ("calendar-quarter", "excel-serial-date", "year-from-today")
PERIOD_PROBLEMS = ("missing-period", "unknown-period", "period-outside-initiative", "ambiguous-period")  # fmt: skip

# Markers of a value that exists but was not given, compared after `_fold`.
NOT_AVAILABLE = frozenset(
    {
        "n a", "na", "nc", "n c", "nd", "n d", "nr", "n r", "so", "s o", "sans objet",
        "non communique", "non communiquee", "non disponible", "non renseigne",
        "non renseignee", "non applicable", "non concerne", "non concernee", "inconnu",
        "not available", "not applicable", "unknown",
    }
)  # fmt: skip
NON_FINITE_WORDS = frozenset({"nan", "inf", "infinity", "infini"})
EXCEL_ERRORS = re.compile(
    r"#(?:DIV/0!?|N/A|N/D|VALUE!|VALEUR!|REF!|NAME\?|NOM\?|NUM!|NOMBRE!|NULL!|NUL!|SPILL!"
    r"|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|GETTING_DATA)|ERR:[0-9]{3}",
    re.IGNORECASE,
)

# A trailing word and what it means: (the unit or type it belongs to, the note it gives).
_SUFFIXES: dict[str, tuple[str, str]] = {
    "%": ("percent", "percent-sign"),
    **dict.fromkeys(("€", "eur", "euro", "euros"), ("eur", "currency")),
    **dict.fromkeys(("k€", "keur", "keuros"), ("eur", "kilo-euros")),
    **dict.fromkeys(("m€", "meur"), ("eur", "mega-euros")),
    **dict.fromkeys(("h", "hr", "hrs", "heure", "heures", "hour", "hours"), ("hour", "unit-word")),
    **dict.fromkeys(("min", "mn", "minute", "minutes"), ("hour", "minutes-to-hours")),
    **dict.fromkeys(("j", "jour", "jours", "journee", "journees", "day", "days"), ("day", "unit-word")),
    **dict.fromkeys(("pt", "pts", "point", "points"), ("point", "unit-word")),
    # Any count word fits any count: « 12 stages » counts pupils in `stages-3e-trouves`.
    **dict.fromkeys(
        (
            "eleve", "eleves", "jeune", "jeunes", "personne", "personnes", "pers", "participant",
            "participants", "participante", "participantes", "enseignant", "enseignants",
            "parent", "parents", "salarie", "salaries", "benevole", "benevoles", "beneficiaire",
            "beneficiaires", "famille", "familles", "visite", "visites", "atelier", "ateliers",
            "seance", "seances", "reunion", "reunions", "rencontre", "rencontres", "action",
            "actions", "evenement", "evenements", "intervention", "interventions", "session",
            "sessions", "offre", "offres", "stage", "stages", "pupils", "students", "people",
        ),
        ("count", "unit-word"),
    ),
}  # fmt: skip
_SCALE = {"kilo-euros": 3, "mega-euros": 6, "fraction-read-as-percent": 2}

MONTHS: dict[str, int] = {
    **dict.fromkeys(("janvier", "janv", "jan", "january"), 1),
    **dict.fromkeys(("fevrier", "fevr", "fev", "february", "feb"), 2),
    **dict.fromkeys(("mars", "mar", "march"), 3),
    **dict.fromkeys(("avril", "avr", "april", "apr"), 4),
    **dict.fromkeys(("mai", "may"), 5),
    **dict.fromkeys(("juin", "june", "jun"), 6),
    **dict.fromkeys(("juillet", "juil", "july", "jul"), 7),
    **dict.fromkeys(("aout", "august", "aug"), 8),
    **dict.fromkeys(("septembre", "sept", "sep", "september"), 9),
    **dict.fromkeys(("octobre", "oct", "october"), 10),
    **dict.fromkeys(("novembre", "nov", "november"), 11),
    **dict.fromkeys(("decembre", "dec", "december"), 12),
}
ORDINALS: dict[str, int] = {
    **dict.fromkeys(("1", "1er", "1re", "1ere", "premier", "premiere", "first", "1st"), 1),
    **dict.fromkeys(("2", "2e", "2eme", "2nd", "deuxieme", "second", "seconde"), 2),
    **dict.fromkeys(("3", "3e", "3eme", "3rd", "troisieme", "third"), 3),
    **dict.fromkeys(("4", "4e", "4eme", "4th", "quatrieme", "fourth"), 4),
}
TERM_WORDS = frozenset({"trimestre", "trim", "term", "quarter"})
PERIOD_FILLER = frozenset(
    {"annee", "scolaire", "as", "sy", "school", "academic", "year", "de", "du", "l"}
)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # 1900 date system, past Excel's fictitious 29 Feb 1900
SERIAL_RANGE = (20000, 80000)  # 1954-10-03 .. 2119-01-10

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_LOOKALIKES = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-", "\u2019": "'", "\u02bc": "'"})  # fmt: skip
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^a-z0-9%€]+")
_ONLY_DASHES = re.compile(r"[-—―?]+")
_APPROXIMATE = re.compile(  # matched at the start: `< 5`, `env. 12`, `100+`
    r"(?:~|≈|<|>|≤|≥|env\.?|environ|approx\.?|ca\.|plus de|moins de|au moins|pr[eè]s de|about"
    r"|around|more than|less than|over|under) ?[-+]?[.,]?[0-9]|.*[0-9] ?\+$",
    re.IGNORECASE,
)
_NUMBER_TEXT = re.compile(  # possessive digits (`*+`): no quadratic backtracking on long text
    r"(?P<open>\()? ?(?P<sign>[+-])? ?(?P<prefix>€|eur\b)? ?(?P<sign2>[+-])? ?"
    r"(?P<core>[0-9][0-9 '.,]*+|[.,][0-9][0-9 '.,]*+)(?:(?<=[0-9])e(?P<exp>[+-]?[0-9]{1,4}))?"
    r" ?(?P<suffix>[^()]*?) ?(?P<close>\))?",
    re.IGNORECASE | re.ASCII,
)
_HOURS_MINUTES = re.compile(
    r"([0-9]{1,5}) ?h ?([0-9]{1,2}) ?(?:min|mn|m)?", re.IGNORECASE | re.ASCII
)
_ONE_SEPARATOR = re.compile(r"([0-9]*)([.,])([0-9]*)", re.ASCII)
_GROUPED = re.compile(r"[0-9]{1,3}(?P<sep>[ '.,])[0-9]{3}(?:(?P=sep)[0-9]{3})*", re.ASCII)
_GROUPED_DECIMAL = re.compile(
    r"[0-9]{1,3}(?P<sep>[ '.,])[0-9]{3}(?:(?P=sep)[0-9]{3})*(?P<dec>[.,])[0-9]*", re.ASCII
)
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4}|[0-9]{2})(?:[ T][0-9:.]+)?", re.ASCII)  # fmt: skip
_YEAR_FIRST = re.compile(r"([0-9]{4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,2})(?:[ T][0-9:.]+)?", re.ASCII)  # fmt: skip
_MONTH_YEAR = re.compile(r"([0-9]{1,2})[/.-]([0-9]{4})", re.ASCII)
_YEAR_MONTH = re.compile(r"([0-9]{4})[/.-]([0-9]{1,2})", re.ASCII)
_SERIAL = re.compile(r"[0-9]{5}(?:[.,][0-9]+)?", re.ASCII)
_TERM_TOKEN = re.compile(r"[tq]([1-4])|([1-4])[tq]", re.ASCII)


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """One cell read as a value: a number in the indicator's canonical unit, or why not."""

    kind: ValueKind
    value: float | None
    raw: str
    notes: tuple[str, ...] = ()
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class PeriodMatch:
    """One cell read as a period: the code of the definition's period it names, or why not.

    `kind` says what the cell was recognised as; `code` is the narrowest period of the
    definition holding it (a term before its school year) and `school_year` the school year
    holding it.
    """

    code: str | None
    kind: PeriodKind
    problem: str | None
    raw: str
    school_year: str | None = None
    notes: tuple[str, ...] = ()


# --- values ---------------------------------------------------------------------------------


def parse_value(raw: object, indicator_type: str, unit: str) -> ParsedValue:
    """The cell `raw` as a value of an indicator of `indicator_type` in `unit`; never raises.

    - Blank (None, empty or spaces) is `blank`; a marker such as `n/a`, `NC`, `-`, `?` or
      `sans objet` is `not_available`, distinct from blank and from 0.
    - Percentages are in percent (0-100): a number strictly between 0 and 1 without a `%`
      sign, typed or from a cell formatted as percent, is a fraction and is multiplied by
      100 (`fraction-read-as-percent`); 0 and 1 stay as they are.
    - `1,234` or `1.234` (one separator, three digits after, one to three before, not
      starting with 0) is thousands (1234) where a decimal is impossible or implausible:
      counts, and amounts in plain euros (cents have two digits); elsewhere it is a decimal
      (1.234). Both get `ambiguous-separator-resolved`. Space and apostrophe only group.
    - A trailing unit is accepted only when it is the indicator's: `%` for percentages,
      `€`/`EUR`/`k€`/`M€` for amounts, `h`/`min`/`1h30` for hours, `j`/`jours` for days,
      `pts` for points, a count word (`élèves`, `visites`…) for counts; another known unit
      is `unit-mismatch`, any other word `not-a-number`.
    - Booleans, dates and (outside hour or day durations) times are invalid; a time or
      timedelta cell in an hour or day duration is converted (`duration-cell`).
    """
    text = _raw_text(raw)
    if raw is None:
        return ParsedValue("blank", None, text)
    if isinstance(raw, str):
        return _parse_text(raw, indicator_type, unit)
    if isinstance(raw, bool):
        return _invalid(text, "boolean-not-a-number")
    if isinstance(raw, int | float | Decimal):
        return _parse_number(raw, indicator_type, unit, text)
    if isinstance(raw, dt.timedelta | dt.time) and not isinstance(raw, dt.datetime):
        return _parse_duration_cell(raw, unit, text)
    if isinstance(raw, dt.date):
        return _invalid(text, "date-not-a-number")
    return _invalid(text, "not-a-number")


def _raw_text(raw: object) -> str:
    """The cell as text for messages: as typed for text, as Excel shows it for numbers."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return str(int(raw))
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    try:
        return str(raw)
    except Exception:  # an int past Python's digit limit, or any object with a broken __str__
        return f"<{type(raw).__name__}>"


def _invalid(raw: str, problem: str) -> ParsedValue:
    return ParsedValue("invalid", None, raw, problem=problem)


def _is_percent(indicator_type: str, unit: str) -> bool:
    return indicator_type == "percentage" or unit == "percent"


def _finish(
    number: Decimal,
    raw: str,
    notes: list[str],
    indicator_type: str,
    unit: str,
    *,
    percent_sign: bool,
) -> ParsedValue:
    """A `number` value, read as a percent fraction where that rule applies."""
    if _is_percent(indicator_type, unit) and not percent_sign and 0 < number < 1:
        number = number.scaleb(_SCALE["fraction-read-as-percent"])
        notes.append("fraction-read-as-percent")
    value = float(number)
    if not math.isfinite(value):
        return _invalid(raw, "non-finite-number")
    return ParsedValue("number", value + 0.0, raw, tuple(notes))  # + 0.0 turns -0.0 into 0.0


def _parse_number(raw: float | Decimal, indicator_type: str, unit: str, text: str) -> ParsedValue:
    """A numeric cell: finite numbers are taken as they are, except percent fractions."""
    try:
        # float.__repr__: the shortest text that reads back as the float, even for numpy floats
        number = Decimal(float.__repr__(raw)) if isinstance(raw, float) else Decimal(raw)
    except (ValueError, ArithmeticError):
        return _invalid(text, "non-finite-number")
    if not number.is_finite():
        return _invalid(text, "non-finite-number")
    return _finish(number, text, [], indicator_type, unit, percent_sign=False)


def _parse_duration_cell(raw: dt.timedelta | dt.time, unit: str, text: str) -> ParsedValue:
    """A time or timedelta cell: hours or days in a duration of that unit, else invalid."""
    if isinstance(raw, dt.time):
        seconds = raw.hour * 3600 + raw.minute * 60 + raw.second + raw.microsecond / 1e6
    else:
        seconds = raw.total_seconds()
    per_unit = {"hour": 3600, "day": 86400}.get(unit)
    if per_unit is None or (isinstance(raw, dt.time) and unit != "hour"):
        return _invalid(text, "date-not-a-number")
    return ParsedValue("number", seconds / per_unit + 0.0, text, ("duration-cell",))


def _clean(text: str) -> str:
    """`text` with invisible characters dropped, look-alike minus and apostrophes made ASCII
    and every run of Unicode spaces (U+00A0, U+202F…) made one space, stripped."""
    text = text.translate(_INVISIBLE).translate(_LOOKALIKES)
    return _SPACES.sub(" ", text).strip()


def _fold(text: str) -> str:
    """Lower-case, accent-free words, `%` and `€`, single-spaced (like `text.normalise`, keeping `€`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare).strip()


def _parse_text(raw: str, indicator_type: str, unit: str) -> ParsedValue:
    """A text cell: blank, a not-available marker, an error, a date, or a number with its unit."""
    text = _clean(raw)
    if not text:
        return ParsedValue("blank", None, raw)
    if EXCEL_ERRORS.fullmatch(text):
        return _invalid(raw, "error-cell")
    folded = _fold(text)
    if _ONLY_DASHES.fullmatch(text) or folded in NOT_AVAILABLE:
        return ParsedValue("not_available", None, raw)
    if folded in NON_FINITE_WORDS:
        return _invalid(raw, "non-finite-number")
    if _APPROXIMATE.match(text):
        return _invalid(raw, "approximate-number")
    if _DAY_FIRST.fullmatch(text) or _YEAR_FIRST.fullmatch(text):
        return _invalid(raw, "date-not-a-number")
    if match := _HOURS_MINUTES.fullmatch(text):
        hours, minutes = int(match[1]), int(match[2])
        if unit != "hour":
            return _invalid(raw, "unit-mismatch")
        if minutes >= 60:
            return _invalid(raw, "not-a-number")
        return ParsedValue("number", hours + minutes / 60, raw, ("minutes-to-hours",))
    match = _NUMBER_TEXT.fullmatch(text)
    if match is None or bool(match["open"]) != bool(match["close"]):
        return _invalid(raw, "not-a-number")
    return _parse_number_text(match, raw, indicator_type, unit)


def _parse_number_text(
    match: re.Match[str], raw: str, indicator_type: str, unit: str
) -> ParsedValue:
    """The value of a text matched by `_NUMBER_TEXT`, in the indicator's canonical unit."""
    signs = [s for s in (match["sign"], match["sign2"], match["open"] and "-") if s]
    suffix = _fold(match["suffix"]).replace(" ", "")
    if len(signs) > 1 or (match["prefix"] and match["suffix"]) or (match["suffix"] and not suffix):
        return _invalid(raw, "not-a-number")
    notes: list[str] = []
    if match["prefix"]:
        suffix = "€"
    if suffix:
        if suffix not in _SUFFIXES:
            return _invalid(raw, "not-a-number")
        belongs_to, note = _SUFFIXES[suffix]
        if not _unit_fits(belongs_to, indicator_type, unit):
            return _invalid(raw, "unit-mismatch")
    else:
        note = ""
    euros = (unit == "eur" or indicator_type == "amount") and note in ("", "currency")
    whole = indicator_type == "count" or unit in ("person", "event") or euros
    digits = _plain_digits(match["core"].strip(), whole=whole)
    if isinstance(digits, str):
        return _invalid(raw, digits)
    plain, digit_notes = digits
    notes += digit_notes
    exponent = int(match["exp"] or 0) + _SCALE.get(note, 0)
    if match["exp"]:
        notes.append("scientific-notation")
    if match["open"]:
        notes.append("accounting-negative")
    if note:
        notes.append(note)
    number = Decimal(f"{'-' if signs == ['-'] else ''}{plain}E{exponent}")
    if note == "minutes-to-hours":
        number /= 60
    return _finish(number, raw, notes, indicator_type, unit, percent_sign=note == "percent-sign")


def _unit_fits(belongs_to: str, indicator_type: str, unit: str) -> bool:
    """Whether a trailing unit that `belongs_to` a unit or type suits the indicator."""
    if belongs_to == "count":
        return indicator_type == "count"
    if belongs_to == "percent":
        return _is_percent(indicator_type, unit)
    if belongs_to == "eur":
        return unit == "eur" or indicator_type == "amount"
    return unit == belongs_to


def _plain_digits(core: str, *, whole: bool) -> tuple[str, list[str]] | str:
    """`core` as plain `1234.5` text with the notes on its separators, or the problem code.

    `whole` says a decimal with three digits is not plausible, so `1,234` is thousands.
    """
    if core.isdigit():
        return core, []
    if match := _ONE_SEPARATOR.fullmatch(core):
        before, separator, after = match.groups()
        comma = ["decimal-comma"] if separator == "," else []
        if len(after) == 3 and 1 <= len(before) <= 3 and not before.startswith("0"):
            if whole:
                return before + after, ["thousands-separator", "ambiguous-separator-resolved"]
            return f"{before}.{after}", [*comma, "ambiguous-separator-resolved"]
        return f"{before or 0}.{after or 0}", comma
    if match := _GROUPED.fullmatch(core):
        return core.replace(match["sep"], ""), ["thousands-separator"]
    if (match := _GROUPED_DECIMAL.fullmatch(core)) and match["sep"] != match["dec"]:
        before, _, after = core.rpartition(match["dec"])
        comma = ["decimal-comma"] if match["dec"] == "," else []
        return f"{before.replace(match['sep'], '')}.{after or 0}", ["thousands-separator", *comma]
    return "ambiguous-number"


# --- periods --------------------------------------------------------------------------------


def parse_period(
    raw: object, periods: Sequence[Period], today: dt.date | None = None
) -> PeriodMatch:
    """The period of `periods` that the cell `raw` names, looked up by dates; never raises.

    - A period's own code or label names it (`2024-2025-T2`, `2e trimestre 2024-2025`).
    - `2024-2025`, `2024/2025`, `2024-25`, `24-25`, `année scolaire 2024-2025`: the school
      year period starting in 2024 and ending in 2025.
    - A term written with a school year (`T1 2024-2025`, `1er trimestre 2024-2025`) is the
      n-th term, by start date, inside that school year.
    - A term written with a calendar year (`T1 2025`, `2025-Q1`, `trimestre 2 2025`) is a
      calendar quarter (`calendar-quarter`): the term holding the quarter's first day, or
      if none, the narrowest period holding the whole quarter. `T1 2025` is thus January to
      March 2025, the second term of 2024-2025 in the demo, not the first term of 2025-2026.
    - A month (`janv. 2025`, `Sept 2024`, `01/2025`, `janvier 2024-2025`), a date
      (`15/01/2025`, `2025-01-15`, a date cell, an Excel serial date such as 45658) is the
      narrowest period holding it: a term, or a school year between terms (July).
    - A term or month without a year (`T2`, `janvier`) is the latest one started by `today`
      (`year-from-today`); without `today`, and for a bare year (`2025`), `ambiguous-period`.

    A recognised period that the definition lacks is `period-outside-initiative`; one that two
    periods fit equally, or that straddles periods, is `ambiguous-period`.
    """
    text = _raw_text(raw)
    if raw is None or (isinstance(raw, str) and not _clean(raw)):
        return PeriodMatch(None, "unknown", "missing-period", text)
    if isinstance(raw, bool):
        return _unknown(text)
    if isinstance(raw, dt.datetime):
        return _match_span(periods, raw.date(), raw.date(), "date", text)
    if isinstance(raw, dt.date):
        return _match_span(periods, raw, raw, "date", text)
    if isinstance(raw, int | float):
        return _parse_period_number(raw, periods, text)
    if isinstance(raw, str):
        return _parse_period_text(raw, periods, today)
    return _unknown(text)


def _parse_period_number(raw: float, periods: Sequence[Period], text: str) -> PeriodMatch:
    """A numeric cell: an Excel serial date, or a bare year (which school year is unclear)."""
    if isinstance(raw, float) and not math.isfinite(raw):
        return _unknown(text)
    if SERIAL_RANGE[0] <= raw < SERIAL_RANGE[1]:
        day = EXCEL_EPOCH + dt.timedelta(days=int(raw))
        return _match_span(periods, day, day, "date", text, ("excel-serial-date",))
    if raw == int(raw) and 1900 <= raw <= 2100:
        return PeriodMatch(None, "school_year", "ambiguous-period", text)
    return _unknown(text)


def _parse_period_text(raw: str, periods: Sequence[Period], today: dt.date | None) -> PeriodMatch:
    """A text cell: a period code or label, a numeric date or month, or words (`T1 2025`)."""
    text = _clean(raw)
    folded = _fold(text)
    named = _period_names(tuple(periods)).get(folded, []) if folded else []
    if len(named) == 1:
        kind: PeriodKind = "term" if named[0].kind == "term" else "school_year"
        return PeriodMatch(named[0].code, kind, None, raw, _school_year_code(periods, named[0]))
    if _SERIAL.fullmatch(text):
        return _parse_period_number(float(text.replace(",", ".")), periods, raw)
    if numeric := _numeric_date(text):
        start, end = numeric
        kind = "date" if start == end else "month"
        return _match_span(periods, start, end, kind, raw)
    parts = _read_label([w for w in folded.split() if w not in PERIOD_FILLER])
    return _unknown(raw) if parts is None else _match_label(parts, periods, today, raw)


@functools.lru_cache(maxsize=16)
def _period_names(periods: tuple[Period, ...]) -> dict[str, list[Period]]:
    """Each period under its folded code and labels (built once per definition)."""
    names: dict[str, list[Period]] = {}
    for period in periods:
        for name in {_fold(period.code), _fold(period.label_fr), _fold(period.label_en)}:
            names.setdefault(name, []).append(period)
    return names


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a month, None if it is no month."""
    first = _date(year, month, 1)
    if first is None:
        return None
    following = _date(year + month // 12, month % 12 + 1, 1)
    return first, (following - dt.timedelta(days=1)) if following else dt.date.max


def _numeric_date(text: str) -> tuple[dt.date, dt.date] | None:
    """The span of a date (`15/01/2025`, `2025-01-15`) or month (`01/2025`, `2025-01`) in digits."""
    if match := _DAY_FIRST.fullmatch(text):
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        day = _date(year, int(match[2]), int(match[1]))
        return (day, day) if day else None
    if match := _YEAR_FIRST.fullmatch(text):
        day = _date(int(match[1]), int(match[2]), int(match[3]))
        return (day, day) if day else None
    if match := _MONTH_YEAR.fullmatch(text):
        return _month_span(int(match[2]), int(match[1]))
    if (match := _YEAR_MONTH.fullmatch(text)) and int(match[2]) != (int(match[1]) + 1) % 100:
        return _month_span(int(match[1]), int(match[2]))  # `2024-25` is a school year, below
    return None


def _school_year_start(first: str, second: str) -> int | None:
    """The starting year of `2024 2025`, `2024 25` or `24 25`, None if they do not follow."""
    if not (first.isdigit() and second.isdigit() and {len(first), len(second)} <= {2, 4}):
        return None
    start = int(first) + (2000 if len(first) == 2 else 0)
    end = start + 1 if len(second) == 4 else (start + 1) % 100
    return start if int(second) == end else None


def _read_label(words: list[str]) -> dict[str, int] | None:
    """The parts (`school_year`, `term`, `month`, `year`, `day`) that the folded words of a
    period label name, each at most once; None if a word is not understood."""
    parts: dict[str, int] = {}
    i = 0
    while i < len(words):
        word, following = words[i], words[i + 1] if i + 1 < len(words) else ""
        part, value, step = "", 0, 1
        if match := _TERM_TOKEN.fullmatch(word):
            part, value = "term", int(match[1] or match[2])
        elif word in ("t", "q") and following in ("1", "2", "3", "4"):
            part, value, step = "term", int(following), 2
        elif word in TERM_WORDS and following in ORDINALS:
            part, value, step = "term", ORDINALS[following], 2
        elif word in ORDINALS and following in TERM_WORDS:
            part, value, step = "term", ORDINALS[word], 2
        elif following in MONTHS and (
            word in ("1er", "1re") or (word.isdigit() and len(word) <= 2)
        ):
            part, value = "day", int(word) if word.isdigit() else 1
        elif word in MONTHS:
            part, value = "month", MONTHS[word]
        elif (start := _school_year_start(word, following)) is not None:
            part, value, step = "school_year", start, 2
        elif word.isdigit() and (len(word) == 4 or (len(word) == 2 and "month" in parts)):
            part, value = "year", int(word) + (2000 if len(word) == 2 else 0)
        if not part or part in parts:
            return None
        parts[part] = value
        i += step
    return parts or None


def _match_label(
    parts: dict[str, int], periods: Sequence[Period], today: dt.date | None, raw: str
) -> PeriodMatch:
    """The period that a label's parts name, by the rules of `parse_period`."""
    named = set(parts)
    year, month = parts.get("year", 0), parts.get("month", 0)
    if named == {"school_year"}:
        return _match_school_year(periods, parts["school_year"], raw)
    if named == {"school_year", "term"}:
        return _match_term(periods, parts["school_year"], parts["term"], raw)
    if named == {"school_year", "month"}:
        return _match_month_in_school_year(periods, parts["school_year"], month, raw)
    if named == {"term", "year"}:
        return _match_quarter(periods, year, parts["term"], raw)
    if named == {"month", "year"}:
        return _match_month(periods, year, month, raw)
    if named == {"day", "month", "year"}:
        day = _date(year, month, parts["day"])
        return _match_span(periods, day, day, "date", raw) if day else _unknown(raw)
    if named == {"term"}:
        return _match_term_from_today(periods, parts["term"], today, raw)
    if named == {"month"}:
        if today is None:
            return PeriodMatch(None, "month", "ambiguous-period", raw)
        year = today.year if month <= today.month else today.year - 1
        return _match_month(periods, year, month, raw, ("year-from-today",))
    if named == {"year"}:
        return PeriodMatch(None, "school_year", "ambiguous-period", raw)
    return _unknown(raw)


def _match_month(
    periods: Sequence[Period], year: int, month: int, raw: str, notes: tuple[str, ...] = ()
) -> PeriodMatch:
    span = _month_span(year, month)
    return _match_span(periods, span[0], span[1], "month", raw, notes) if span else _unknown(raw)


def _unknown(raw: str) -> PeriodMatch:
    return PeriodMatch(None, "unknown", "unknown-period", raw)


def _school_year(periods: Sequence[Period], start: int) -> Period | str:
    """The one school-year period from `start` to the year after, or the problem code."""
    found = [
        p
        for p in periods
        if p.kind == "school_year" and p.start.year == start and p.end.year == start + 1
    ]
    if len(found) == 1:
        return found[0]
    return "ambiguous-period" if found else "period-outside-initiative"


def _terms_of(periods: Sequence[Period], school_year: Period) -> list[Period]:
    """The terms inside `school_year`, by start date."""
    inside = [
        p
        for p in periods
        if p.kind == "term" and school_year.start <= p.start and p.end <= school_year.end
    ]
    return sorted(inside, key=lambda p: p.start)


def _school_year_code(periods: Sequence[Period], period: Period) -> str | None:
    """The code of the one school year holding `period`, None if there is not exactly one."""
    holding = [
        p
        for p in periods
        if p.kind == "school_year" and p.start <= period.start and period.end <= p.end
    ]
    return holding[0].code if len(holding) == 1 else None


def _match_school_year(periods: Sequence[Period], start: int, raw: str) -> PeriodMatch:
    year = _school_year(periods, start)
    if isinstance(year, str):
        return PeriodMatch(None, "school_year", year, raw)
    return PeriodMatch(year.code, "school_year", None, raw, year.code)


def _match_term(periods: Sequence[Period], start: int, number: int, raw: str) -> PeriodMatch:
    """`T2 2024-2025`: the second term, by start date, inside that school year."""
    year = _school_year(periods, start)
    if isinstance(year, str):
        return PeriodMatch(None, "term", year, raw)
    terms = _terms_of(periods, year)
    if number > len(terms):
        return PeriodMatch(None, "term", "period-outside-initiative", raw, year.code)
    return PeriodMatch(terms[number - 1].code, "term", None, raw, year.code)


def _match_month_in_school_year(
    periods: Sequence[Period], start: int, month: int, raw: str
) -> PeriodMatch:
    """`janvier 2024-2025`: that month inside that school year, January 2025."""
    year = _school_year(periods, start)
    if isinstance(year, str):
        return PeriodMatch(None, "month", year, raw)
    for calendar_year in (start, start + 1):
        span = _month_span(calendar_year, month)
        if span and year.start <= span[0] <= year.end:
            return _match_month(periods, calendar_year, month, raw)
    return PeriodMatch(None, "month", "period-outside-initiative", raw)


def _match_quarter(periods: Sequence[Period], year: int, number: int, raw: str) -> PeriodMatch:
    """A calendar quarter: the term holding its first day, else the period holding all of it."""
    first = _date(year, 3 * number - 2, 1)
    if first is None:
        return _unknown(raw)
    notes = ("calendar-quarter",)
    terms = [p for p in periods if p.kind == "term" and p.start <= first <= p.end]
    if len(terms) == 1:
        return PeriodMatch(
            terms[0].code, "term", None, raw, _school_year_code(periods, terms[0]), notes
        )
    if terms:
        return PeriodMatch(None, "term", "ambiguous-period", raw, notes=notes)
    last = _month_span(year, 3 * number)
    return _match_span(periods, first, last[1] if last else first, "term", raw, notes)


def _match_term_from_today(
    periods: Sequence[Period], number: int, today: dt.date | None, raw: str
) -> PeriodMatch:
    """`T2` alone: the latest n-th term of a school year that has started by `today`."""
    if today is None:
        return PeriodMatch(None, "term", "ambiguous-period", raw)
    candidates = [
        terms[number - 1]
        for year in periods
        if year.kind == "school_year" and len(terms := _terms_of(periods, year)) >= number
    ]
    started = [t for t in candidates if t.start <= today]
    if not started:
        return PeriodMatch(None, "term", "period-outside-initiative", raw)
    term = max(started, key=lambda t: t.start)
    return PeriodMatch(
        term.code, "term", None, raw, _school_year_code(periods, term), ("year-from-today",)
    )


def _match_span(
    periods: Sequence[Period],
    start: dt.date,
    end: dt.date,
    kind: PeriodKind,
    raw: str,
    notes: tuple[str, ...] = (),
) -> PeriodMatch:
    """The narrowest period holding `start`..`end`, or why there is no single one."""
    holding = [p for p in periods if p.start <= start and end <= p.end]
    narrowest = [p for p in holding if not any(_strictly_inside(q, p) for q in holding)]
    if len(narrowest) == 1:
        found = narrowest[0]
        return PeriodMatch(found.code, kind, None, raw, _school_year_code(periods, found), notes)
    overlapping = narrowest or [p for p in periods if p.start <= end and start <= p.end]
    problem = "ambiguous-period" if overlapping else "period-outside-initiative"
    return PeriodMatch(None, kind, problem, raw, notes=notes)


def _strictly_inside(inner: Period, outer: Period) -> bool:
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (inner.start, inner.end) != (outer.start, outer.end)
    )
