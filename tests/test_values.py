"""Cell values and period labels as partners type them: read, or refused with a reason code."""

from __future__ import annotations

import ast
import datetime as dt
import math
import sys
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.definition.loading import load_definition
from indicators.definition.model import INDICATOR_TYPES, UNITS, Period
from indicators.ingest.values import (
    PERIOD_NOTES,
    PERIOD_PROBLEMS,
    VALUE_NOTES,
    VALUE_PROBLEMS,
    parse_period,
    parse_value,
)
from tests.conftest import PROJECT

NBSP, NNBSP = "\u00a0", "\u202f"
COUNT = ("count", "person")
EVENTS = ("count", "event")
PERCENT = ("percentage", "percent")
AMOUNT = ("amount", "eur")
HOURS = ("duration", "hour")
DAYS = ("duration", "day")
SCORE = ("score", "point")
RATIO = ("ratio", "ratio")


def case_id(value: object) -> str:
    """A short, stable test id, even for ints past Python's digit limit or plain objects."""
    try:
        text = repr(value)
    except ValueError:
        return type(value).__name__
    return type(value).__name__ if " at 0x" in text else text[:40]


# (raw, (type, unit), value, notes)
NUMBERS = [
    ("0", COUNT, 0.0, ()),
    ("12", COUNT, 12.0, ()),
    ("  12  ", COUNT, 12.0, ()),
    ("1234.5", SCORE, 1234.5, ()),
    ("1234,5", SCORE, 1234.5, ("decimal-comma",)),
    ("1 234,5", SCORE, 1234.5, ("thousands-separator", "decimal-comma")),
    ("1.234,5", SCORE, 1234.5, ("thousands-separator", "decimal-comma")),
    ("1,234.5", SCORE, 1234.5, ("thousands-separator",)),
    ("1 234", COUNT, 1234.0, ("thousands-separator",)),
    (f"1{NBSP}234", COUNT, 1234.0, ("thousands-separator",)),
    (f"1{NNBSP}234", COUNT, 1234.0, ("thousands-separator",)),
    (f"1{NNBSP}234{NNBSP}567,25", AMOUNT, 1234567.25, ("thousands-separator", "decimal-comma")),
    ("1'234", COUNT, 1234.0, ("thousands-separator",)),
    ("1’234", COUNT, 1234.0, ("thousands-separator",)),
    ("1.234.567", COUNT, 1234567.0, ("thousands-separator",)),
    ("1,234,567", COUNT, 1234567.0, ("thousands-separator",)),
    ("-12", SCORE, -12.0, ()),
    ("−12", SCORE, -12.0, ()),  # U+2212
    ("+5 pts", SCORE, 5.0, ("unit-word",)),
    ("-3,5 points", SCORE, -3.5, ("decimal-comma", "unit-word")),
    ("(12)", AMOUNT, -12.0, ("accounting-negative",)),
    ("(1 200 €)", AMOUNT, -1200.0, ("thousands-separator", "accounting-negative", "currency")),
    ("-0", COUNT, 0.0, ()),
    (".5", RATIO, 0.5, ()),
    (",5", RATIO, 0.5, ("decimal-comma",)),
    ("12.", COUNT, 12.0, ()),
    ("0,450", COUNT, 0.45, ("decimal-comma",)),  # a leading 0 is never a thousands group
    ("1e3", COUNT, 1000.0, ("scientific-notation",)),
    ("1,5E+03", SCORE, 1500.0, ("decimal-comma", "scientific-notation")),
    ("\ufeff12", COUNT, 12.0, ()),  # a byte-order mark left by a CSV export
    # percentages: percent, with fractions strictly between 0 and 1 read as fractions
    ("45 %", PERCENT, 45.0, ("percent-sign",)),
    ("45%", PERCENT, 45.0, ("percent-sign",)),
    (f"45,5{NNBSP}%", PERCENT, 45.5, ("decimal-comma", "percent-sign")),
    ("0,5 %", PERCENT, 0.5, ("decimal-comma", "percent-sign")),
    ("0,45", PERCENT, 45.0, ("decimal-comma", "fraction-read-as-percent")),
    ("0.45", PERCENT, 45.0, ("fraction-read-as-percent",)),
    (0.45, PERCENT, 45.0, ("fraction-read-as-percent",)),
    (0.29, PERCENT, 29.0, ("fraction-read-as-percent",)),  # 0.29 * 100 is 28.999999999999996
    (np.float64(0.45), PERCENT, 45.0, ("fraction-read-as-percent",)),
    ("1", PERCENT, 1.0, ()),
    (1, PERCENT, 1.0, ()),
    (0, PERCENT, 0.0, ()),
    ("45", PERCENT, 45.0, ()),
    ("-0,45", PERCENT, -0.45, ("decimal-comma",)),
    ("0,45", RATIO, 0.45, ("decimal-comma",)),  # only percentages take the fraction rule
    # amounts in euros
    ("12 000 €", AMOUNT, 12000.0, ("thousands-separator", "currency")),
    ("12 000,50 €", AMOUNT, 12000.5, ("thousands-separator", "decimal-comma", "currency")),
    (
        "€12,000",
        AMOUNT,
        12000.0,
        ("thousands-separator", "ambiguous-separator-resolved", "currency"),
    ),
    ("12 000 EUR", AMOUNT, 12000.0, ("thousands-separator", "currency")),
    ("EUR 12 000", AMOUNT, 12000.0, ("thousands-separator", "currency")),
    ("12 euros", AMOUNT, 12.0, ("currency",)),
    ("12 k€", AMOUNT, 12000.0, ("kilo-euros",)),
    ("12 K€", AMOUNT, 12000.0, ("kilo-euros",)),
    ("12k€", AMOUNT, 12000.0, ("kilo-euros",)),
    ("1,5 k€", AMOUNT, 1500.0, ("decimal-comma", "kilo-euros")),
    ("1,250 k€", AMOUNT, 1250.0, ("decimal-comma", "ambiguous-separator-resolved", "kilo-euros")),
    ("2 M€", AMOUNT, 2_000_000.0, ("mega-euros",)),
    ("12,50", AMOUNT, 12.5, ("decimal-comma",)),
    # one separator and three digits: thousands where a decimal is impossible or implausible
    ("1,234", COUNT, 1234.0, ("thousands-separator", "ambiguous-separator-resolved")),
    ("1.234", COUNT, 1234.0, ("thousands-separator", "ambiguous-separator-resolved")),
    ("12.000", AMOUNT, 12000.0, ("thousands-separator", "ambiguous-separator-resolved")),
    ("1,234", SCORE, 1.234, ("decimal-comma", "ambiguous-separator-resolved")),
    ("1.234", RATIO, 1.234, ("ambiguous-separator-resolved",)),
    ("1,234", PERCENT, 1.234, ("decimal-comma", "ambiguous-separator-resolved")),
    ("1,2345", COUNT, 1.2345, ("decimal-comma",)),
    ("1234,567", COUNT, 1234.567, ("decimal-comma",)),
    # unit words, only the indicator's own
    ("12 élèves", COUNT, 12.0, ("unit-word",)),
    ("12 Élèves", COUNT, 12.0, ("unit-word",)),
    ("3 visites", EVENTS, 3.0, ("unit-word",)),
    ("12 stages", COUNT, 12.0, ("unit-word",)),
    ("5 h", HOURS, 5.0, ("unit-word",)),
    ("5 heures", HOURS, 5.0, ("unit-word",)),
    ("5h", HOURS, 5.0, ("unit-word",)),
    ("90 min", HOURS, 1.5, ("minutes-to-hours",)),
    ("1h30", HOURS, 1.5, ("minutes-to-hours",)),
    ("1 h 45 min", HOURS, 1.75, ("minutes-to-hours",)),
    ("3 jours", DAYS, 3.0, ("unit-word",)),
    ("2,5 j", DAYS, 2.5, ("decimal-comma", "unit-word")),
    # numeric cells as readers hand them over
    (12, COUNT, 12.0, ()),
    (1234.5, AMOUNT, 1234.5, ()),
    (Decimal("12.5"), AMOUNT, 12.5, ()),
    (dt.time(1, 30), HOURS, 1.5, ("duration-cell",)),
    (dt.timedelta(hours=30), HOURS, 30.0, ("duration-cell",)),
    (dt.timedelta(days=2), DAYS, 2.0, ("duration-cell",)),
]


@pytest.mark.parametrize(("raw", "indicator", "value", "notes"), NUMBERS, ids=case_id)
def test_numbers_are_read_in_the_canonical_unit(
    raw: object, indicator: tuple[str, str], value: float, notes: tuple[str, ...]
) -> None:
    parsed = parse_value(raw, *indicator)
    assert (parsed.kind, parsed.value, parsed.notes, parsed.problem) == (
        "number",
        value,
        notes,
        None,
    )


@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n", NBSP, NNBSP])
def test_blank_cells_are_blank(raw: object) -> None:
    parsed = parse_value(raw, *COUNT)
    assert (parsed.kind, parsed.value, parsed.problem) == ("blank", None, None)


@pytest.mark.parametrize(
    "raw",
    ["n/a", "N/A", "NA", "NC", "nc", "N.C.", "nd", "ND", "N/D", "-", "–", "—", "?", "s.o.",
     "SO", "sans objet", "Sans Objet", "non communiqué", "NON COMMUNIQUE", "non disponible",
     "non renseigné", " n/a "],
)  # fmt: skip
def test_not_available_markers_are_neither_blank_nor_zero(raw: str) -> None:
    parsed = parse_value(raw, *PERCENT)
    assert (parsed.kind, parsed.value, parsed.problem) == ("not_available", None, None)


# (raw, (type, unit), problem)
REFUSED = [
    ("abc", COUNT, "not-a-number"),
    ("12 élèves de 3e", COUNT, "not-a-number"),
    ("12 dont 5 filles", COUNT, "not-a-number"),
    ("12-", COUNT, "not-a-number"),
    ("(12", AMOUNT, "not-a-number"),
    ("-(12)", AMOUNT, "not-a-number"),
    ("1h75", HOURS, "not-a-number"),
    ("12 $", AMOUNT, "not-a-number"),
    ("1,23,456", COUNT, "ambiguous-number"),
    ("1,234,5", COUNT, "ambiguous-number"),
    ("12 34", COUNT, "ambiguous-number"),
    ("1.2.3", SCORE, "ambiguous-number"),
    ("< 5", COUNT, "approximate-number"),
    (">100", COUNT, "approximate-number"),
    ("~12", COUNT, "approximate-number"),
    ("env. 12", COUNT, "approximate-number"),
    ("environ 12", COUNT, "approximate-number"),
    ("plus de 100", COUNT, "approximate-number"),
    ("100+", COUNT, "approximate-number"),
    ("12 %", COUNT, "unit-mismatch"),
    ("12 €", COUNT, "unit-mismatch"),
    ("45 %", RATIO, "unit-mismatch"),
    ("12 élèves", PERCENT, "unit-mismatch"),
    ("12 élèves", HOURS, "unit-mismatch"),
    ("2 j", HOURS, "unit-mismatch"),
    ("5 h", DAYS, "unit-mismatch"),
    ("90 min", DAYS, "unit-mismatch"),
    ("1h30", DAYS, "unit-mismatch"),
    ("5 h", AMOUNT, "unit-mismatch"),
    (True, COUNT, "boolean-not-a-number"),
    (False, PERCENT, "boolean-not-a-number"),
    (dt.datetime(2025, 1, 1, 8, 30), COUNT, "date-not-a-number"),
    (dt.date(2025, 1, 1), COUNT, "date-not-a-number"),
    ("15/01/2025", COUNT, "date-not-a-number"),
    ("2025-01-15", AMOUNT, "date-not-a-number"),
    (dt.time(1, 30), COUNT, "date-not-a-number"),
    (dt.time(1, 30), DAYS, "date-not-a-number"),
    (dt.timedelta(hours=1), AMOUNT, "date-not-a-number"),
    (math.nan, COUNT, "non-finite-number"),
    (math.inf, AMOUNT, "non-finite-number"),
    (-math.inf, AMOUNT, "non-finite-number"),
    (Decimal("NaN"), AMOUNT, "non-finite-number"),
    ("nan", COUNT, "non-finite-number"),
    ("-Infinity", COUNT, "non-finite-number"),
    ("1e400", COUNT, "non-finite-number"),
    (10**400, COUNT, "non-finite-number"),
    (10**5000, COUNT, "non-finite-number"),  # past Python's int-to-text digit limit
    ("#DIV/0!", COUNT, "error-cell"),
    ("#N/A", COUNT, "error-cell"),
    ("#VALUE!", COUNT, "error-cell"),
    ("#REF!", COUNT, "error-cell"),
    ("#NAME?", COUNT, "error-cell"),
    ("#NUM!", COUNT, "error-cell"),
    ("#NULL!", COUNT, "error-cell"),
    ("#VALEUR!", COUNT, "error-cell"),  # a CSV saved by a French Excel
    ("#NOM?", COUNT, "error-cell"),
    ("Err:502", COUNT, "error-cell"),  # LibreOffice
    ([12], COUNT, "not-a-number"),
    (object(), COUNT, "not-a-number"),
]


@pytest.mark.parametrize(("raw", "indicator", "problem"), REFUSED, ids=case_id)
def test_refused_cells_say_why(raw: object, indicator: tuple[str, str], problem: str) -> None:
    parsed = parse_value(raw, *indicator)
    assert (parsed.kind, parsed.value, parsed.problem) == ("invalid", None, problem)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (" 1 234,5 ", " 1 234,5 "),
        (None, ""),
        (45.0, "45"),
        (0.45, "0.45"),
        (12, "12"),
        (True, "True"),
        (dt.date(2025, 1, 1), "2025-01-01"),
        (10**5000, "<int>"),
    ],
    ids=case_id,
)
def test_raw_keeps_the_cell_as_read_for_messages(raw: object, text: str) -> None:
    assert parse_value(raw, *COUNT).raw == text


def test_values_imports_only_the_standard_library_and_the_model() -> None:
    """The read worker starts fast on the standard library: this module must stay usable there."""
    tree = ast.parse((PROJECT / "indicators" / "ingest" / "values.py").read_text(encoding="utf-8"))
    modules = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        )
    }
    assert modules - set(sys.stdlib_module_names) == {"indicators"}


# --- periods --------------------------------------------------------------------------------


def school_year(start: int) -> list[Period]:
    """A school year and its three terms, with codes that follow no convention on purpose:
    periods are found by their dates, never by their codes."""
    code = f"A{start % 100}"

    def period(suffix: str, kind: str, first: dt.date, last: dt.date) -> Period:
        label = f"Période {code}{suffix}"
        return Period(f"{code}{suffix}", label, label, kind, "", first, last, last)

    return [
        period("", "school_year", dt.date(start, 9, 1), dt.date(start + 1, 8, 31)),
        period("-un", "term", dt.date(start, 9, 1), dt.date(start, 12, 31)),
        period("-deux", "term", dt.date(start + 1, 1, 1), dt.date(start + 1, 3, 31)),
        period("-trois", "term", dt.date(start + 1, 4, 1), dt.date(start + 1, 6, 30)),
    ]


PERIODS = [p for start in range(2023, 2027) for p in school_year(start)]

# (raw, code, kind, problem)
PERIOD_CASES = [
    # school years
    ("2024-2025", "A24", "school_year", None),
    ("2024/2025", "A24", "school_year", None),
    ("2024-25", "A24", "school_year", None),
    ("24-25", "A24", "school_year", None),
    ("année scolaire 2024-2025", "A24", "school_year", None),
    ("Année scolaire 2024/2025", "A24", "school_year", None),
    ("SY 2024-2025", "A24", "school_year", None),
    ("2019-2020", None, "school_year", "period-outside-initiative"),
    ("2024-2026", None, "unknown", "unknown-period"),
    # terms of a school year
    ("T1 2024-2025", "A24-un", "term", None),
    ("T2 2024-2025", "A24-deux", "term", None),
    ("2024-2025 T3", "A24-trois", "term", None),
    ("1er trimestre 2024-2025", "A24-un", "term", None),
    ("2e trimestre 2024-2025", "A24-deux", "term", None),
    ("troisième trimestre 2024-2025", "A24-trois", "term", None),
    ("trimestre 2 2024/25", "A24-deux", "term", None),
    ("Term 3 2025-2026", "A25-trois", "term", None),
    ("T4 2024-2025", None, "term", "period-outside-initiative"),
    ("T1 2030-2031", None, "term", "period-outside-initiative"),
    # terms with a calendar year: calendar quarters, then the term holding the first day
    ("T1 2025", "A24-deux", "term", None),
    ("2025-T1", "A24-deux", "term", None),
    ("2025-Q1", "A24-deux", "term", None),
    ("Q1 2025", "A24-deux", "term", None),
    ("T2 2025", "A24-trois", "term", None),
    ("trimestre 2 2025", "A24-trois", "term", None),
    ("T4 2024", "A24-un", "term", None),
    ("T3 2025", None, "term", "ambiguous-period"),  # July to September straddles two years
    ("T1 2040", None, "term", "period-outside-initiative"),
    # months: the term holding the whole month, or the school year between terms
    ("janvier 2025", "A24-deux", "month", None),
    ("Janvier 2025", "A24-deux", "month", None),
    ("janv. 2025", "A24-deux", "month", None),
    ("févr 2025", "A24-deux", "month", None),
    ("fevrier 2025", "A24-deux", "month", None),
    ("Sept 2024", "A24-un", "month", None),
    ("September 2024", "A24-un", "month", None),
    ("août 2025", "A24", "month", None),
    ("janv-25", "A24-deux", "month", None),
    ("01/2025", "A24-deux", "month", None),
    ("2025-04", "A24-trois", "month", None),
    ("janvier 2024-2025", "A24-deux", "month", None),
    ("octobre 2024-2025", "A24-un", "month", None),
    ("mars 2010", None, "month", "period-outside-initiative"),
    # dates
    ("15/01/2025", "A24-deux", "date", None),
    ("15-01-2025", "A24-deux", "date", None),
    ("15.01.2025", "A24-deux", "date", None),
    ("15/01/25", "A24-deux", "date", None),
    ("2025-01-15", "A24-deux", "date", None),
    ("2025-01-15 00:00:00", "A24-deux", "date", None),
    ("15 janvier 2025", "A24-deux", "date", None),
    ("1er avril 2025", "A24-trois", "date", None),
    ("14/07/2025", "A24", "date", None),
    ("31/02/2025", None, "unknown", "unknown-period"),
    (dt.date(2025, 1, 15), "A24-deux", "date", None),
    (dt.datetime(2024, 10, 3, 14, 0), "A24-un", "date", None),
    (dt.date(2030, 1, 1), None, "date", "period-outside-initiative"),
    (45658, "A24-deux", "date", None),  # Excel serial for 2025-01-01
    (45658.75, "A24-deux", "date", None),
    ("45658", "A24-deux", "date", None),
    # a period's own code or label
    ("A24-deux", "A24-deux", "term", None),
    ("période a24 deux", "A24-deux", "term", None),
    # not understood, or not one period
    ("2025", None, "school_year", "ambiguous-period"),
    (2025, None, "school_year", "ambiguous-period"),
    ("T2", None, "term", "ambiguous-period"),  # no `today` to place it
    ("janvier", None, "month", "ambiguous-period"),
    ("abc", None, "unknown", "unknown-period"),
    ("T1 T2 2025", None, "unknown", "unknown-period"),
    ("S1 2024-2025", None, "unknown", "unknown-period"),
    (None, None, "unknown", "missing-period"),
    ("  ", None, "unknown", "missing-period"),
    (True, None, "unknown", "unknown-period"),
    (math.nan, None, "unknown", "unknown-period"),
    (12, None, "unknown", "unknown-period"),
    (10**5000, None, "unknown", "unknown-period"),
    (dt.time(9, 0), None, "unknown", "unknown-period"),
]


@pytest.mark.parametrize(("raw", "code", "kind", "problem"), PERIOD_CASES, ids=case_id)
def test_periods_are_found_by_their_dates(
    raw: object, code: str | None, kind: str, problem: str | None
) -> None:
    match = parse_period(raw, PERIODS)
    assert (match.code, match.kind, match.problem) == (code, kind, problem)


def test_a_match_names_its_school_year_and_what_was_interpreted() -> None:
    quarter = parse_period("T1 2025", PERIODS)
    assert (quarter.school_year, quarter.notes) == ("A24", ("calendar-quarter",))
    serial = parse_period(45658, PERIODS)
    assert (serial.raw, serial.school_year, serial.notes) == (
        "45658",
        "A24",
        ("excel-serial-date",),
    )
    assert parse_period("T1 2024-2025", PERIODS).notes == ()


@pytest.mark.parametrize(
    ("raw", "today", "code"),
    [
        ("T2", dt.date(2025, 2, 10), "A24-deux"),  # the current term
        ("T3", dt.date(2025, 10, 1), "A24-trois"),  # a late report: the latest started T3
        ("T1", dt.date(2025, 10, 1), "A25-un"),
        ("janvier", dt.date(2025, 10, 1), "A24-deux"),
        ("décembre", dt.date(2025, 10, 1), "A24-un"),
        ("octobre", dt.date(2025, 10, 1), "A25-un"),
    ],
)
def test_a_label_without_year_is_the_latest_one_started_by_today(
    raw: str, today: dt.date, code: str
) -> None:
    match = parse_period(raw, PERIODS, today=today)
    assert (match.code, match.problem, match.notes) == (code, None, ("year-from-today",))


def test_a_term_without_year_before_the_initiative_is_outside_it() -> None:
    match = parse_period("T3", PERIODS, today=dt.date(2020, 1, 1))
    assert (match.code, match.problem) == (None, "period-outside-initiative")


def test_two_periods_that_fit_equally_are_ambiguous() -> None:
    overlapping = [*PERIODS, *school_year(2024)]  # the same dates twice, under the same codes
    twin = Period(
        "B", "B", "B", "term", "", dt.date(2025, 1, 1), dt.date(2025, 3, 31), dt.date(2025, 4, 15)
    )
    for periods in (overlapping, [*PERIODS, twin]):
        assert parse_period("15/01/2025", periods).problem == "ambiguous-period"
        assert parse_period("T1 2025", periods).problem == "ambiguous-period"
    assert parse_period("2024-2025", overlapping).problem == "ambiguous-period"


def test_without_periods_everything_recognised_is_outside_the_initiative() -> None:
    for raw in ("2024-2025", "T1 2024-2025", "T1 2025", "janvier 2025", "15/01/2025"):
        assert parse_period(raw, []).problem == "period-outside-initiative"


@pytest.fixture(scope="module")
def demo_periods() -> tuple[Period, ...]:
    return load_definition(PROJECT / "data").periods


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2024-2025", "2024-2025"),
        ("24-25", "2024-2025"),
        ("2023-2024", "2023-2024"),  # the baseline year has no terms
        ("T1 2024-2025", "2024-2025-T1"),
        ("1er trimestre 2025-2026", "2025-2026-T1"),
        ("2e trimestre 2024-2025", "2024-2025-T2"),  # its French label
        ("Term 3 2026-2027", "2026-2027-T3"),
        ("T1 2025", "2024-2025-T2"),
        ("2025-Q1", "2024-2025-T2"),
        ("Q4 2025", "2025-2026-T1"),
        ("janv. 2025", "2024-2025-T2"),
        ("Sept 2024", "2024-2025-T1"),
        ("juillet 2026", "2025-2026"),
        ("15/03/2026", "2025-2026-T2"),
        (dt.date(2027, 5, 2), "2026-2027-T3"),
        (45658, "2024-2025-T2"),
        ("2024-2025-T3", "2024-2025-T3"),
        ("mars 2024", "2023-2024"),
    ],
)
def test_the_demo_definition_periods(
    demo_periods: tuple[Period, ...], raw: object, code: str
) -> None:
    match = parse_period(raw, demo_periods)
    assert (match.code, match.problem) == (code, None)


def test_the_demo_definition_refuses_other_years(demo_periods: tuple[Period, ...]) -> None:
    assert parse_period("2022-2023", demo_periods).problem == "period-outside-initiative"
    assert parse_period("T1 2023-2024", demo_periods).problem == "period-outside-initiative"


# --- properties -----------------------------------------------------------------------------

NUMBER_ALPHABET = "0123456789 ,.'’-−+()%€kKmMeEhj#/:\u00a0\u202f"
PERIOD_WORDS = ["T1", "Q3", "2024", "2025", "-", "/", "25", "24", "janv.", "trimestre", "1er",
                "15", "01", " ", "année scolaire", "août", "45658", "S", "T"]  # fmt: skip
cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(),
    st.text(max_size=30),
    st.text(alphabet=NUMBER_ALPHABET, max_size=20),
    st.lists(st.sampled_from(PERIOD_WORDS), max_size=5).map("".join),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@settings(max_examples=400, deadline=None)
@given(
    raw=cells,
    indicator_type=st.sampled_from([*INDICATOR_TYPES, "", "autre"]),
    unit=st.sampled_from([*UNITS, ""]),
)
def test_parse_value_never_raises_and_answers_in_its_vocabulary(
    raw: object, indicator_type: str, unit: str
) -> None:
    parsed = parse_value(raw, indicator_type, unit)
    assert (parsed.value is not None) == (parsed.kind == "number")
    assert (parsed.problem is not None) == (parsed.kind == "invalid")
    assert parsed.problem is None or parsed.problem in VALUE_PROBLEMS
    assert set(parsed.notes) <= set(VALUE_NOTES)
    assert parsed.value is None or math.isfinite(parsed.value)
    assert isinstance(parsed.raw, str)


@settings(max_examples=400, deadline=None)
@given(raw=cells, today=st.none() | st.dates())
def test_parse_period_never_raises_and_answers_in_its_vocabulary(
    raw: object, today: dt.date | None
) -> None:
    match = parse_period(raw, PERIODS, today)
    assert (match.code is None) == (match.problem is not None)
    assert match.problem is None or match.problem in PERIOD_PROBLEMS
    assert set(match.notes) <= set(PERIOD_NOTES)
    assert match.code is None or match.code in {p.code for p in PERIODS}


def french(x: float) -> str:
    """`x` as a French spreadsheet shows it: 1 234,56 with narrow non-breaking spaces."""
    return f"{x:,.2f}".replace(",", NNBSP).replace(".", ",")


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False).map(lambda x: round(x, 2)))
def test_amounts_written_french_or_english_style_read_back(x: float) -> None:
    for text in (french(x), f"{x:,.2f}", f"{x:.2f}"):
        parsed = parse_value(text, *AMOUNT)
        assert parsed.value == x, text
