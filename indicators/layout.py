"""Find the table in a sheet and turn each value cell into a keyed raw value.

A sheet may hold title rows, notes and logos above its table, headers merged over several
columns or spread over two rows, totals rows, and either layout: long (one row per value,
with columns naming the indicator, the school, the period) or wide (indicators, periods,
schools or categories such as grades as columns). Keys found outside the table (the sheet's
name, a title such as "Année scolaire 2024-2025") apply to every value below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from indicators.matching import ASK, Match, Vocabulary, words
from indicators.workbook import CellValue, Sheet

HEADER_SEARCH_ROWS = 40
EMPTY_ROWS_END_TABLE = 5

# Words that say what a column holds (after `matching.words`: normalised, singular).
ROLE_WORDS: dict[str, frozenset[str]] = {
    "indicator": frozenset({"indicateur", "indicator", "libelle", "mesure", "item", "intitule"}),
    "place": frozenset(
        {
            "college",
            "etablissement",
            "ecole",
            "uai",
            "rne",
            "site",
            "lieu",
            "school",
            "territoire",
            "structure",
        }
    ),
    "period": frozenset(
        {
            "periode",
            "annee",
            "trimestre",
            "mois",
            "date",
            "period",
            "year",
            "quarter",
            "term",
            "month",
            "session",
            "exercice",
        }
    ),
    "numerator": frozenset({"numerateur", "numerator"}),
    "denominator": frozenset({"denominateur", "denominator"}),
    "value": frozenset({"valeur", "value", "resultat", "realise", "realisation", "donnee"}),
    "comment": frozenset(
        {
            "commentaire",
            "remarque",
            "observation",
            "comment",
            "note",
            "precision",
            "aide",
            "definition",
        }
    ),
}
TOTAL_WORDS = frozenset({"total", "totaux", "sous", "ensemble", "somme", "cumul", "tous", "sum"})
VALUE_ROLES = ("value", "numerator", "denominator")
PeriodOf = Callable[[object], str | None]


@dataclass(frozen=True)
class Column:
    """One column of a table: what it holds, and the keys its header gives to its values."""

    col: int
    header: str
    role: str  # indicator, place, period, dimension, value, numerator, denominator, comment, ignore
    dimension: str = ""  # for role "dimension": which one (sex, grade, ...)
    keys: tuple[tuple[str, str], ...] = ()  # (key, target) given by the header to its values
    matches: tuple[Match, ...] = ()


@dataclass(frozen=True)
class RawValue:
    """One value cell with everything that says what it measures."""

    sheet: str
    row: int
    col: int
    raw: CellValue
    role: str  # value, numerator or denominator
    indicator: Match | None
    place: Match | None
    period: str | None  # a period code of the definition
    period_label: str
    disaggregation: tuple[tuple[str, str], ...]  # sorted (dimension, category)
    column: str  # the header, for messages
    sources: tuple[tuple[str, int, int], ...] = ()  # (key, row, col) of the cell naming each key

    def source(self, key: str) -> tuple[int, int]:
        """The cell that gave `key` (indicator, place, period), else the value's own cell."""
        for name, row, col in self.sources:
            if name == key:
                return row, col
        return self.row, self.col


@dataclass
class TableReading:
    """What was understood of one sheet."""

    sheet: str
    header_rows: tuple[int, ...] = ()
    columns: tuple[Column, ...] = ()
    layout: str = ""  # long, wide
    values: list[RawValue] = field(default_factory=list)
    skipped_rows: list[tuple[int, str]] = field(
        default_factory=list
    )  # (row, "total"|"note"|"empty")
    unmapped_headers: list[tuple[int, str]] = field(default_factory=list)  # (col, header)
    found: bool = False


def text_of(value: CellValue) -> str:
    """A cell as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class _Context:
    vocabulary: Vocabulary
    period_of: PeriodOf
    dimension_words: dict[str, str]  # normalised dimension label word -> dimension code


def read_table(
    sheet: Sheet, vocabulary: Vocabulary, period_of: PeriodOf, dimensions: dict[str, list[str]]
) -> TableReading:
    """The table of `sheet`: its header, its columns and every keyed value cell.

    `dimensions` maps a dimension code to the labels of the dimension itself ("Sexe", "Sex").
    """
    context = _Context(
        vocabulary,
        period_of,
        {w: code for code, labels in dimensions.items() for label in labels for w in words(label)},
    )
    reading = TableReading(sheet.name)
    grid_rows = len(sheet.rows)
    if not grid_rows:
        return reading
    top = sheet.origin[0]
    header = _find_header(sheet, context)
    if header is None:
        return reading
    header_rows = _header_rows(sheet, header, context)
    columns = _columns(sheet, header_rows, context)
    reading.header_rows = header_rows
    reading.columns = tuple(columns)
    reading.unmapped_headers = [
        (c.col, c.header) for c in columns if c.role == "ignore" and c.header
    ]
    value_columns = [c for c in columns if c.role in VALUE_ROLES]
    if not value_columns:
        return reading
    reading.found = True
    reading.layout = "wide" if any(c.keys for c in value_columns) else "long"
    defaults = _context_keys(sheet, header_rows[0], context)
    empty_run = 0
    for row in range(header_rows[-1] + 1, top + grid_rows):
        cells = {c.col: sheet.value(row, c.col) for c in columns}
        if all(text_of(v) == "" for v in cells.values()) and not any(
            (row, c.col) in sheet.flags for c in value_columns
        ):
            empty_run += 1
            if empty_run >= EMPTY_ROWS_END_TABLE:
                break
            continue
        empty_run = 0
        kind = _row_kind(cells, columns)
        if kind:
            reading.skipped_rows.append((row, kind))
            continue
        row_keys = _row_keys(cells, columns, context, row)
        for column in value_columns:
            raw = cells[column.col]
            if text_of(raw) == "" and (row, column.col) not in sheet.flags:
                continue
            reading.values.append(
                _raw_value(sheet.name, row, column, raw, defaults, row_keys, header_rows[-1])
            )
    return reading


def _header_score(texts: list[str], context: _Context) -> float:
    score = 0.0
    for text in texts:
        if not text:
            continue
        if _is_number(text):
            score -= 0.5  # data rows are mostly numbers
            continue
        score += 0.25
        if _role_of(text, context)[0] != "ignore" or _header_keys(text, context):
            score += 1.0
    return score


def _find_header(sheet: Sheet, context: _Context) -> int | None:
    top = sheet.origin[0]
    best: tuple[float, int] | None = None
    for offset, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        texts = [text_of(v) for v in row]
        if sum(1 for t in texts if t) < 2:
            continue
        score = _header_score(texts, context)
        if score > 0 and (best is None or score > best[0]):
            best = (score, top + offset)
    return None if best is None else best[1]


def _header_rows(sheet: Sheet, header: int, context: _Context) -> tuple[int, ...]:
    """The header row, with the row above or below when the header spreads over two rows.

    Two rows make one header when one of them has cells merged over several columns (a group
    such as an indicator or a year) and the other names what each column of the group holds.
    """

    def merged_in(row: int) -> bool:
        return any(r0 <= row <= r1 and c1 > c0 for r0, c0, r1, c1 in sheet.merged)

    def header_like(row: int) -> bool:
        texts = [text_of(v) for v in _row(sheet, row)]
        filled = [t for t in texts if t]
        return (
            bool(filled)
            and not any(_is_number(t) for t in filled)
            and (_header_score(texts, context) > 0)
        )

    above, below = header - 1, header + 1
    if above >= sheet.origin[0] and merged_in(above):
        return (above, header)
    if merged_in(header) and below < sheet.origin[0] + len(sheet.rows) and header_like(below):
        return (header, below)
    return (header,)


def _row(sheet: Sheet, row: int) -> list[CellValue]:
    offset = row - sheet.origin[0]
    return sheet.rows[offset] if 0 <= offset < len(sheet.rows) else []


def _forward_filled(sheet: Sheet, row: int, col: int) -> str:
    """The text shown at (row, col), taking merged cells into account."""
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= row <= r1 and c0 <= col <= c1:
            return text_of(sheet.value(r0, c0))
    return text_of(sheet.value(row, col))


def _columns(sheet: Sheet, header_rows: tuple[int, ...], context: _Context) -> list[Column]:
    left = sheet.origin[1]
    width = max((len(r) for r in sheet.rows), default=0)
    columns = []
    for col in range(left, left + width):
        parts = [_forward_filled(sheet, row, col) for row in header_rows]
        header = " · ".join(p for p in dict.fromkeys(parts) if p)
        last = next((p for p in reversed(parts) if p), "")
        role, dimension = _role_of(last, context) if last else ("ignore", "")
        keys: list[tuple[str, str]] = []
        matches: list[Match] = []
        for part in dict.fromkeys(p for p in parts if p):
            part_keys, part_matches = _header_keys(part, context)
            keys += part_keys
            matches += part_matches
        if role == "ignore" and keys:
            role = "value"
        elif role in VALUE_ROLES and len(parts) > 1:
            pass  # "Numérateur" under a group header naming the indicator: keys kept
        elif role not in VALUE_ROLES:
            keys, matches = [], []
        columns.append(Column(col, header, role, dimension, tuple(keys), tuple(matches)))
    return columns


def _role_of(text: str, context: _Context) -> tuple[str, str]:
    found = set(words(text))
    for word in found:
        if word in context.dimension_words:
            return "dimension", context.dimension_words[word]
    for role, vocabulary in sorted(ROLE_WORDS.items(), key=lambda item: item[0] != "comment"):
        if found & vocabulary:
            if role == "value" and _header_keys(text, context)[0]:
                break  # "Valeur 2024-2025": a value column for that period
            return role, ""
    return "ignore", ""


def _header_keys(text: str, context: _Context) -> tuple[list[tuple[str, str]], list[Match]]:
    """The keys a column header gives its values: an indicator, a place, a period, a category."""
    period = context.period_of(text)
    if period:
        return [("period", period)], []
    for kind in ("indicator", "place", "dimension"):
        match = context.vocabulary.match(kind, text)
        if match.target is not None and match.confidence >= ASK:
            return [(kind, match.target)], [match]
    return [], []


def _is_number(text: str) -> bool:
    stripped = text.replace(" ", "").replace("\u00a0", "").replace(",", ".").rstrip("%")
    try:
        float(stripped)
    except ValueError:
        return False
    return True


def _context_keys(sheet: Sheet, header_row: int, context: _Context) -> dict[str, object]:
    """Keys given by the sheet's name and the title rows above the table."""
    keys: dict[str, object] = {}
    texts = [sheet.name]
    for row in range(sheet.origin[0], header_row):
        texts += [text_of(v) for v in sheet.rows[row - sheet.origin[0]] if text_of(v)]
    for text in texts:
        if "period" not in keys and (period := context.period_of(text)):
            keys["period"] = period
            keys["period_label"] = text
        if "place" not in keys:
            match = context.vocabulary.match("place", text)
            if match.target is not None and match.confidence >= ASK:
                keys["place"] = match
    return keys


def _row_kind(cells: dict[int, CellValue], columns: list[Column]) -> str:
    """ "total" for a totals row, "note" for a note under the table, "" for a data row."""
    labels = [text_of(cells[c.col]) for c in columns if c.role not in VALUE_ROLES]
    labels = [t for t in labels if t]
    first = labels[0] if labels else ""
    if labels and any(set(words(t)) & TOTAL_WORDS for t in labels):
        return "total"
    values = [cells[c.col] for c in columns if c.role in VALUE_ROLES]
    if first and all(text_of(v) == "" for v in values) and len(first) > 40:
        return "note"
    return ""


def _row_keys(
    cells: dict[int, CellValue], columns: list[Column], context: _Context, row: int
) -> dict[str, object]:
    keys: dict[str, object] = {}
    sources: list[tuple[str, int, int]] = []
    dims: list[tuple[str, str]] = []
    for column in columns:
        text = text_of(cells[column.col])
        if not text:
            continue
        if column.role in ("indicator", "place"):
            # Two columns may name the same thing (a code and a label): the surer one wins.
            match = context.vocabulary.match(column.role, text)
            known = keys.get(column.role)
            if not isinstance(known, Match) or match.confidence > known.confidence:
                keys[column.role] = match
                sources.append((column.role, row, column.col))
        elif column.role == "period":
            keys["period"] = context.period_of(cells[column.col])
            keys["period_label"] = text
            sources.append(("period", row, column.col))
        elif column.role == "dimension":
            match = context.vocabulary.match("dimension", text)
            category = match.target.split("=", 1)[1] if match.target else text
            dims.append((column.dimension, category))
    if dims:
        keys["dimensions"] = dims
    keys["sources"] = sources
    return keys


def _raw_value(
    sheet: str,
    row: int,
    column: Column,
    raw: CellValue,
    defaults: dict[str, object],
    row_keys: dict[str, object],
    header_row: int,
) -> RawValue:
    merged: dict[str, object] = {**defaults, **row_keys}
    dims: dict[str, str] = dict(merged.get("dimensions") or [])  # type: ignore[call-overload]
    sources: list[tuple[str, int, int]] = list(merged.get("sources") or [])  # type: ignore[call-overload]
    for key, target in column.keys:
        sources.append((key, header_row, column.col))
        if key == "period":
            merged["period"] = target
            merged["period_label"] = column.header
        elif key == "dimension":
            dimension, category = target.split("=", 1)
            dims[dimension] = category
        else:
            merged[key] = next(m for m in column.matches if m.target == target and m.kind == key)
    indicator = merged.get("indicator")
    place = merged.get("place")
    period = merged.get("period")
    return RawValue(
        sheet=sheet,
        row=row,
        col=column.col,
        raw=raw,
        role=column.role,
        indicator=indicator if isinstance(indicator, Match) else None,
        place=place if isinstance(place, Match) else None,
        period=period if isinstance(period, str) else None,
        period_label=str(merged.get("period_label") or ""),
        disaggregation=tuple(sorted(dims.items())),
        column=column.header,
        sources=tuple(sources),
    )
