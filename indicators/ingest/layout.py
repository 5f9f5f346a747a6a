"""Find the table in a sheet and turn each value cell into a keyed raw value.

A sheet may hold title rows, notes and logos above its table, headers merged over several
columns or spread over two rows, totals rows, and either layout: long (one row per value,
with columns naming the indicator, the school, the period) or wide (indicators, periods,
schools or categories such as grades as columns). Keys found outside the table (the sheet's
name, a title such as "Taux d'absentéisme – année scolaire 2024-2025", each part of a title
on its own) apply to every value below that its row and column leave without one; the
partner's only place, when it has one, to every value left without a place.

A column headed only by how it measures ("Taux", "Nombre", "%", "Effectif") is the value
column when the table has no other. A "Total" column beside category columns (Filles,
Garçons, Total) holds the total of those categories; beside period or indicator columns it
is skipped like a totals row. A column naming a commune ("Commune", "Ville") tells apart two
schools of the same name.

The table ends at five blank rows, or at a blank row followed by a row that does not look
like the table's rows (no number in a value column, or fewer label cells than every data row
above it): a comments block under a table is not read as data (`below` says where it is).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from indicators.common.text import normalise
from indicators.ingest.matching import ASK, Match, Vocabulary, words
from indicators.ingest.values import NOT_AVAILABLE
from indicators.ingest.workbook import CellValue, Sheet

HEADER_SEARCH_ROWS = 40
EMPTY_ROWS_END_TABLE = 5
NOTE_LENGTH = 40  # a longer text alone in a row without values is a note, not data

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
    "commune": frozenset({"commune", "ville", "localite", "city", "town", "municipality"}),
}
TOTAL_WORDS = frozenset({"total", "totaux", "sous", "ensemble", "somme", "cumul", "tous", "sum"})
TOTAL_HINT = re.compile("|".join(sorted(TOTAL_WORDS)), re.IGNORECASE)  # before the word split
# A header made of these words alone says how its column measures, not what (after `words`).
MEASURE_WORDS = frozenset(
    {"nombre", "taux", "effectif", "montant", "quantite", "chiffre", "amount"}
)
TOTAL_HEADER_WORDS = TOTAL_WORDS | MEASURE_WORDS | {"general", "sou", "ligne", "colonne"}
VALUE_ROLES = ("value", "numerator", "denominator")
ALL_ROLES = (*ROLE_WORDS, "dimension", "measure", "ignore")
LABEL_ROLES = ("indicator", "place", "period", "dimension", "commune")
# What a person may say a column holds (`Override`).
CHOSEN_ROLES = (*LABEL_ROLES, *VALUE_ROLES, "comment", "ignore")
# Title parts: "Taux d'absentéisme – année 2024-2025", "Indicateur : Nb visites (collèges)".
TITLE_PARTS = re.compile(r"\s*(?:[:;|()\[\]]|,\s|\s[-–—/]\s|[–—])\s*")
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
    total: bool = False  # the total of the categories its sibling columns hold


@dataclass(frozen=True)
class ColumnChoice:
    """What a person said a column holds: a role of CHOSEN_ROLES; for a value column, the
    indicator it measures (`target`, "" to keep what its header says); for a breakdown, which
    dimension."""

    col: int
    role: str
    target: str = ""


@dataclass(frozen=True)
class Override:
    """A person's reading of one sheet: the row heading its table and what some columns hold
    (the others keep what the reader made of them)."""

    header_row: int  # absolute, 0-based
    columns: tuple[ColumnChoice, ...] = ()


@dataclass
class TableReading:
    """What was understood of one sheet.

    `cells` holds one row per value cell, in reading order (row by row), as integers:
    `row`, `col` (absolute), `code` (into the sheet's uniques), `column` (into `columns`),
    `role` (into VALUE_ROLES), and for each key the id of what names it with the cell that
    does: `indicator` and `place` (into `matches`, -1 when nothing names it), `period` (into
    `periods`, -1), each with `<key>_row` and `<key>_col`; `breakdown` (into `breakdowns`).
    A key given by the sheet's name or a title above the table has its source at the
    value's own cell.
    """

    sheet: str
    header_rows: tuple[int, ...] = ()
    columns: tuple[Column, ...] = ()
    layout: str = ""  # long, wide
    cells: Cells = field(default_factory=lambda: Cells.empty())
    matches: list[Match] = field(default_factory=list)
    periods: list[tuple[str | None, str]] = field(default_factory=list)  # (code, label)
    breakdowns: list[tuple[tuple[str, str], ...]] = field(default_factory=list)  # sorted pairs
    # A breakdown's category written in a row that was only guessed (a Match to confirm): the
    # category is kept as written, so its values wait until a person confirms the guess.
    category_guesses: dict[str, Match] = field(default_factory=dict)
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, "total"|"note")
    unmapped_headers: list[tuple[int, str]] = field(default_factory=list)  # (col, header)
    skipped_totals: list[tuple[int, str]] = field(default_factory=list)  # (col, header)
    # Rows under the table's end not read: (first row, its first filled column, how many
    # rows, whether a value column holds a number among them).
    below: tuple[int, int, int, bool] | None = None
    found: bool = False
    shown: bool = False  # read as a person showed it (an Override)


CELL_COLUMNS = (
    "row",
    "col",
    "code",
    "column",
    "role",
    "indicator",
    "indicator_row",
    "indicator_col",
    "place",
    "place_row",
    "place_col",
    "period",
    "period_row",
    "period_col",
    "breakdown",
)


@dataclass(frozen=True)
class Cells:
    """Parallel arrays of integers, one entry per value cell (see TableReading)."""

    arrays: dict[str, np.ndarray]

    @classmethod
    def empty(cls) -> Cells:
        """No cell."""
        return cls({name: np.empty(0, dtype=np.int64) for name in CELL_COLUMNS})

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    @property
    def size(self) -> int:
        """How many cells."""
        return len(self.arrays["row"])

    def take(self, which: np.ndarray) -> Cells:
        """The cells selected by a mask or an array of positions."""
        return Cells({name: array[which] for name, array in self.arrays.items()})

    def frame(self, names: list[str], which: np.ndarray) -> pd.DataFrame:
        """Some columns of some cells, as a table."""
        return pd.DataFrame({name: self.arrays[name][which] for name in names})


def text_of(value: CellValue) -> str:
    """A cell as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def texts_of(values: Iterable[CellValue]) -> list[str]:
    """`text_of` of each value (texts, the most frequent, without a call each)."""
    return [v.strip() if type(v) is str else text_of(v) for v in values]


def totals_among(texts: Sequence[str]) -> np.ndarray:
    """For each text, whether it names a total ("Total", "Sous-total", "Ensemble"): one
    search through all the texts joined finds the few that may, then each of those is read
    word by word. The texts of a sheet's label columns: tens of thousands of school names."""
    found = np.zeros(len(texts), dtype=bool)
    if not texts:
        return found
    joined = "\n".join(texts)  # no word of TOTAL_HINT spans a line break
    starts = np.cumsum([0, *(len(t) + 1 for t in texts[:-1])])
    hits = np.searchsorted(starts, [m.start() for m in TOTAL_HINT.finditer(joined)], "right") - 1
    for n in np.unique(hits).tolist():
        found[n] = bool(set(words(texts[n])) & TOTAL_WORDS)
    return found


@dataclass
class _Context:
    vocabulary: Vocabulary
    period_of: PeriodOf
    dimension_labels: list[tuple[str, frozenset[str]]]  # dimension code, words of one label
    partner_place: Match | None = None  # the uploading partner's only place


def grid_of(sheet: Sheet) -> np.ndarray:
    """The sheet's codes as a (rows, columns) array, without copying."""
    codes = np.frombuffer(sheet.codes, dtype=np.dtype(f"i{sheet.codes.itemsize}"))
    return codes.reshape(sheet.height, sheet.width)


def per_code(
    grid: np.ndarray, uniques: list[CellValue], fn: Callable[[CellValue], object], dtype: object
) -> np.ndarray:
    """`fn` of each cell of `grid`, computed once per distinct value present."""
    table = np.zeros(len(uniques), dtype=dtype)  # type: ignore[call-overload]
    if grid.size:
        present = np.flatnonzero(np.bincount(grid.ravel(), minlength=len(uniques)))
        table[present] = [fn(uniques[code]) for code in present]
    return table[grid]  # type: ignore[no-any-return]


def blank_codes(uniques: list[CellValue]) -> np.ndarray:
    """For each distinct value, whether a person would see an empty cell."""
    blank = np.zeros(len(uniques), dtype=bool)
    blank[:2] = True
    blank[[i for i, u in enumerate(uniques) if type(u) is str and not u.strip()]] = True
    return blank


def _present(codes: np.ndarray, size: int) -> np.ndarray:
    """The distinct codes (below `size`) found in `codes`, in increasing order."""
    return np.flatnonzero(np.bincount(codes.ravel(), minlength=size))


def read_table(
    sheet: Sheet,
    vocabulary: Vocabulary,
    period_of: PeriodOf,
    dimensions: dict[str, list[str]],
    partner_place: Match | None = None,
    override: Override | None = None,
) -> TableReading:
    """The table of `sheet`: its header, its columns and every keyed value cell.

    `dimensions` maps a dimension code to the labels of the dimension itself ("Sexe", "Sex");
    `partner_place` is the place of a partner that has only one, for values without a place;
    `override`, a person's reading of the sheet, replaces the header found and the columns
    it names.
    """
    context = _Context(
        vocabulary,
        period_of,
        [
            (code, frozenset(words(label)))
            for code, labels in dimensions.items()
            for label in labels
        ],
        partner_place,
    )
    reading = TableReading(sheet.name)
    if not sheet.height:
        return reading
    if override is not None:
        header_rows: tuple[int, ...] = (override.header_row,)
        columns = _chosen(
            _measures(_columns(sheet, header_rows, context), reading), override, context
        )
        chosen = {c.col for c in override.columns}
        reading.skipped_totals = [t for t in reading.skipped_totals if t[0] not in chosen]
        reading.shown = True
    else:
        header = _find_header(sheet, context)
        if header is None:
            return reading
        header_rows = _header_rows(sheet, header, context)
        columns = _measures(_columns(sheet, header_rows, context), reading)
    reading.header_rows = header_rows
    reading.columns = tuple(columns)
    skipped = {col for col, _ in reading.skipped_totals}
    if override is not None:  # a column a person said to ignore is not left unmapped
        skipped |= {c.col for c in override.columns}
    reading.unmapped_headers = [
        (c.col, c.header)
        for c in columns
        if c.role == "ignore" and c.header and c.col not in skipped
    ]
    if not any(c.role in VALUE_ROLES for c in columns):
        return reading
    reading.found = True
    reading.layout = "wide" if any(c.keys for c in columns if c.role in VALUE_ROLES) else "long"
    _Body(sheet, reading, context, header_rows).read()
    return reading


class _Body:
    """The rows under the header of one table, read column by column."""

    def __init__(
        self, sheet: Sheet, reading: TableReading, context: _Context, header_rows: tuple[int, ...]
    ):
        self.sheet = sheet
        self.reading = reading
        self.context = context
        self.header_row = header_rows[-1]
        self.first = header_rows[-1] + 1 - sheet.origin[0]  # grid offset of the first body row
        self.body = grid_of(sheet)[self.first :]
        self.rows = np.arange(len(self.body)) + self.first + sheet.origin[0]  # absolute rows
        self.blank = blank_codes(sheet.uniques)[self.body]
        self.filled = ~self.blank | self._trouble()  # blank but flagged (#N/A) is not empty
        self.columns = reading.columns
        self.match_ids: dict[int, int] = {}  # id(Match) -> index in reading.matches
        self.totals: np.ndarray | None = None  # per distinct value: names a total

    def read(self) -> None:
        live = self._live_rows()
        row_keys = self._row_keys(live)
        self.reading.cells = self._value_cells(live, row_keys)

    def _by_kind(self, *roles: str) -> list[int]:
        return [j for j, c in enumerate(self.columns) if c.role in roles]

    def _trouble(self) -> np.ndarray:
        """Cells flagged as errors or uncalculated formulas: never blank, whatever they hold."""
        height, width = self.body.shape
        trouble = np.zeros((height, width), dtype=bool)
        top, left = self.sheet.origin[0] + self.first, self.sheet.origin[1]
        for (row, col), flag in self.sheet.flags.items():
            r, c = row - top, col - left
            if flag != "percent" and 0 <= r < height and 0 <= c < width:
                trouble[r, c] = True
        return trouble

    def _live_rows(self) -> np.ndarray:
        """Data rows: not empty, not past the table's end, not a totals row nor a note."""
        values = self._by_kind(*VALUE_ROLES)
        empty = ~self.filled[:, values].any(axis=1) & self.blank.all(axis=1)
        live = ~empty
        end = self._end(empty, values)
        if end < len(live):
            live[end:] = False
            rest = np.flatnonzero(~empty[end:])
            if len(rest):
                top = end + int(rest[0])
                numbers = self._number_like(rest + end, values)
                col = int(np.flatnonzero(~self.blank[top])[0]) if (~self.blank[top]).any() else 0
                self.reading.below = (
                    int(self.rows[top]),
                    self.sheet.origin[1] + col,
                    len(rest),
                    bool(numbers.any()),
                )
        # Totals are named in label columns; a comment such as "somme du trimestre" is not one.
        labels = self._by_kind(*(r for r in ALL_ROLES if r not in (*VALUE_ROLES, "comment")))
        if labels:
            total_rows = live & self._total_codes()[self.body[:, labels]].any(axis=1)
            for offset in np.flatnonzero(total_rows):
                self.reading.skipped_rows.append((int(self.rows[offset]), "total"))
            live &= ~total_rows
            no_value = live & ~self.filled[:, values].any(axis=1)
            for offset in np.flatnonzero(no_value):
                texts = [text_of(self.sheet.uniques[self.body[offset, j]]) for j in labels]
                first = next((t for t in texts if t), "")
                if len(first) > NOTE_LENGTH:
                    self.reading.skipped_rows.append((int(self.rows[offset]), "note"))
                    live[offset] = False
        self.reading.skipped_rows.sort()
        return live  # type: ignore[no-any-return]

    def _end(self, empty: np.ndarray, values: list[int]) -> int:
        """The offset of the first row past the table: at five blank rows, or at a blank
        band followed by a row that does not look like the rows above it."""
        end = len(empty)
        if end >= EMPTY_ROWS_END_TABLE:
            runs = np.flatnonzero(sliding_window_view(empty, EMPTY_ROWS_END_TABLE).all(axis=1))
            if len(runs):
                end = int(runs[0])
        data = ~empty & self.filled[:, values].any(axis=1)
        # The first row after each blank band with data above it.
        after = np.flatnonzero(empty[: end - 1] & ~empty[1:end]) + 1
        after = after[np.cumsum(data)[after - 1] > 0]
        if not len(after):
            return end
        labels = self._by_kind(*LABEL_ROLES)
        like = self._number_like(after, values)
        if labels:
            counts = (~self.blank[:, labels]).sum(axis=1)
            fewest = np.minimum.accumulate(np.where(data, counts, len(labels)))
            like &= counts[after] >= fewest[after - 1]
            # A totals row after a blank row is still the table's (and skipped as a total).
            like |= self._total_codes()[
                self.body[np.ix_(after, np.asarray(labels, dtype=np.int64))]
            ].any(axis=1)
        unlike = after[~like]
        if not len(unlike):
            return end
        band = np.flatnonzero(~empty[: unlike[0]])
        return int(band[-1]) + 1 if len(band) else 0

    def _number_like(self, offsets: np.ndarray, values: list[int]) -> np.ndarray:
        """For each body row in `offsets`: whether a value column holds a number (or "NC")."""
        if not len(offsets) or not values:
            return np.zeros(len(offsets), dtype=bool)
        cells = self.body[np.ix_(offsets, np.asarray(values, dtype=np.int64))]
        return np.asarray(per_code(cells, self.sheet.uniques, _number_like, bool).any(axis=1))

    def _total_codes(self) -> np.ndarray:
        """For each distinct value of the sheet, whether it names a total (`_is_total`), for
        the values of the label columns (the others: False); worked out once."""
        if self.totals is None:
            uniques = self.sheet.uniques
            labels = self._by_kind(*(r for r in ALL_ROLES if r not in (*VALUE_ROLES, "comment")))
            self.totals = np.zeros(len(uniques), dtype=bool)
            if labels:
                present = _present(self.body[:, labels], len(uniques))
                self.totals[present] = totals_among(texts_of(uniques[c] for c in present))
        return self.totals

    def _match_id(self, match: Match) -> int:
        return self._match_ids([match])[0]

    def _match_ids(self, matches: list[Match]) -> list[int]:
        """The index of each match in `reading.matches`, added there when new (in order)."""
        known, found = self.match_ids, self.reading.matches
        keys = list(map(id, matches))
        fresh = dict.fromkeys(k for k in keys if k not in known)  # first seen first
        if fresh:
            by_key = dict(zip(keys, matches, strict=True))
            known.update(zip(fresh, range(len(found), len(found) + len(fresh)), strict=True))
            found.extend(by_key[k] for k in fresh)
        return list(map(known.__getitem__, keys))

    def _period_id(self, code: str | None, label: str) -> int:
        self.reading.periods.append((code, label))
        return len(self.reading.periods) - 1

    def _column_ids(
        self, j: int, live: np.ndarray, make: Callable[[list[CellValue]], list[int]]
    ) -> np.ndarray:
        """Per body row, the id `make` gives its cell in column `j` (`make` is given the
        distinct values of the live rows, in the order of their codes), -1 where the cell is
        blank."""
        uniques = self.sheet.uniques
        codes = self.body[:, j]
        ids = np.full(len(uniques), -1, dtype=np.int64)
        present = _present(codes[live & ~self.blank[:, j]], len(uniques))
        ids[present] = make([uniques[code] for code in present])
        return np.where(self.blank[:, j], -1, ids[codes])

    def _with_commune(self, j: int, live: np.ndarray) -> np.ndarray:
        """Per body row, the id of the place its cell in column `j` names, its commune (the
        row's commune column) breaking a tie between schools of the same name."""
        uniques, vocabulary = self.sheet.uniques, self.context.vocabulary
        commune = self.body[:, self._by_kind("commune")[0]]
        pairs = self.body[:, j].astype(np.int64) * len(uniques) + commune
        ids = np.full(len(self.body), -1, dtype=np.int64)
        wanted = live & ~self.blank[:, j]
        distinct, inverse = np.unique(pairs[wanted], return_inverse=True)
        made = [
            self._match_id(
                vocabulary.match(
                    "place",
                    text_of(uniques[int(pair) // len(uniques)]),
                    text_of(uniques[int(pair) % len(uniques)]),
                )
            )
            for pair in distinct
        ]
        ids[wanted] = np.array(made, dtype=np.int64)[inverse.reshape(-1)]
        return ids

    def _row_keys(self, live: np.ndarray) -> dict[str, np.ndarray]:
        """Per body row: the id of each key its own cells give, and the column giving it."""
        n = len(self.body)
        keys: dict[str, np.ndarray] = {}
        for kind in ("indicator", "place"):
            found = np.full(n, -1, dtype=np.int64)
            source = np.full(n, -1, dtype=np.int64)
            best = np.full(n, -1.0)
            for j in self._by_kind(kind):

                def match_ids(raws: list[CellValue], kind: str = kind) -> list[int]:
                    return self._match_ids(self.context.vocabulary.match_all(kind, texts_of(raws)))

                if kind == "place" and self._by_kind("commune"):
                    ids = self._with_commune(j, live)
                else:
                    ids = self._column_ids(j, live, match_ids)
                sure = np.array([m.confidence for m in self.reading.matches] + [-1.0])
                confidence = sure[ids]  # -1 (the last) for a blank cell
                # Two columns may name the same thing (a code and a label): the surer one wins.
                better = confidence > best
                found = np.where(better, ids, found)
                source = np.where(better, self.columns[j].col, source)
                best = np.maximum(best, confidence)
            keys[kind], keys[f"{kind}_col"] = found, source
        period = np.full(n, -1, dtype=np.int64)
        period_source = np.full(n, -1, dtype=np.int64)
        for j in self._by_kind("period"):

            def period_ids(raws: list[CellValue]) -> list[int]:
                return [self._period_id(self.context.period_of(r), text_of(r)) for r in raws]

            ids = self._column_ids(j, live, period_ids)
            named = ids >= 0  # the last period column that says something wins
            period = np.where(named, ids, period)
            period_source = np.where(named, self.columns[j].col, period_source)
        keys["period"], keys["period_col"] = period, period_source
        keys["dimensions"] = self._row_dimensions(live)
        return keys

    def _row_dimensions(self, live: np.ndarray) -> np.ndarray:
        """Per body row: an id into `self.row_breakdowns`, the (dimension, category) it names."""
        self.row_breakdowns: list[dict[str, str]] = [{}]
        dims = self._by_kind("dimension")
        if not dims:
            return np.zeros(len(self.body), dtype=np.int64)
        categories: list[str] = []

        def category_id(raw: CellValue) -> int:
            text = text_of(raw)
            match = self.context.vocabulary.match("dimension", text)
            if match.needs_confirmation:  # a guess is not used before a person confirms it
                self.reading.category_guesses[text] = match
            sure = match.target if not match.needs_confirmation else None
            categories.append(sure.split("=", 1)[1] if sure else text)
            return len(categories) - 1

        def category_ids(raws: list[CellValue]) -> list[int]:
            return [category_id(raw) for raw in raws]

        per_column = [self._column_ids(j, live, category_ids) for j in dims]
        combos, inverse = np.unique(np.stack(per_column, axis=1), axis=0, return_inverse=True)
        self.row_breakdowns = []
        for combo in combos:
            pairs: dict[str, str] = {}
            for j, category in zip(dims, combo, strict=True):
                if category >= 0:
                    pairs[self.columns[j].dimension] = categories[category]
            self.row_breakdowns.append(pairs)
        return inverse.reshape(-1).astype(np.int64)

    def _value_cells(self, live: np.ndarray, row_keys: dict[str, np.ndarray]) -> Cells:
        defaults = _context_keys(self.sheet, self.reading.header_rows[0], self.context)
        place, period = defaults.get("place", self.context.partner_place), defaults.get("period")
        indicator = defaults.get("indicator")
        default_place = self._match_id(place) if isinstance(place, Match) else -1
        default_indicator = self._match_id(indicator) if isinstance(indicator, Match) else -1
        default_period = (
            self._period_id(period, str(defaults["period_label"]))
            if isinstance(period, str)
            else -1
        )
        # Every value cell at once, in reading order: row by row, then column by column.
        values = self._by_kind(*VALUE_ROLES)
        count = len(values)
        offsets, which = np.nonzero(live[:, None] & self.filled[:, values])
        combos = len(self.row_breakdowns)
        row_dims = row_keys["dimensions"][offsets]
        combos_of = np.bincount(which * combos + row_dims, minlength=count * combos)
        # What each value column's header gives (an id, or -1 where its rows say), its
        # breakdown per combination of row categories; for the columns that hold a value.
        given = {
            kind: np.full(count, -1, dtype=np.int64) for kind in ("indicator", "place", "period")
        }
        breakdown_of = np.zeros((count, combos), dtype=np.int64)
        breakdown_ids: dict[tuple[tuple[str, str], ...], int] = {}
        for n, found in enumerate(combos_of.reshape(count, combos)):
            if not found.any():
                continue
            column = self.columns[values[n]]
            keys = dict(column.keys)
            for kind in ("indicator", "place"):
                if kind in keys:
                    match = next(m for m in column.matches if m.kind == kind)
                    given[kind][n] = self._match_id(match)
            if "period" in keys:
                given["period"][n] = self._period_id(keys["period"], column.header)
            column_dims = dict(t.split("=", 1) for k, t in column.keys if k == "dimension")
            for combo in np.flatnonzero(found):
                pairs = tuple(sorted({**self.row_breakdowns[combo], **column_dims}.items()))
                breakdown_of[n, combo] = breakdown_ids.setdefault(pairs, len(breakdown_ids))
        self.reading.breakdowns = list(breakdown_ids)
        if not len(offsets):
            return Cells.empty()
        index = np.asarray(values, dtype=np.int64)
        rows = self.rows[offsets]
        value_cols = np.array([self.columns[j].col for j in values], dtype=np.int64)
        own_col = value_cols[which]
        roles = [VALUE_ROLES.index(self.columns[j].role) for j in values]
        arrays: dict[str, np.ndarray] = {
            "row": rows,
            "col": own_col,
            "code": self.body[offsets, index[which]].astype(np.int64),
            "column": index[which],
            "role": np.array(roles, dtype=np.int64)[which],
            "breakdown": breakdown_of[which, row_dims],
        }
        default_of = {
            "indicator": default_indicator,
            "place": default_place,
            "period": default_period,
        }
        for kind, default in default_of.items():
            from_header = given[kind][which]
            by_header = from_header >= 0
            named = row_keys[kind][offsets]
            from_row = named >= 0
            arrays[kind] = np.where(by_header, from_header, np.where(from_row, named, default))
            arrays[f"{kind}_row"] = np.where(by_header, self.header_row, rows)
            arrays[f"{kind}_col"] = np.where(
                by_header | ~from_row, own_col, row_keys[f"{kind}_col"][offsets]
            )
        cells = Cells({name: arrays[name] for name in CELL_COLUMNS})
        if (np.diff(value_cols) <= 0).any():  # columns not left to right: reading order made
            return cells.take(np.lexsort((cells["col"], cells["row"])))
        return cells


def _is_total(raw: CellValue) -> bool:
    text = text_of(raw)
    return bool(TOTAL_HINT.search(text)) and bool(set(words(text)) & TOTAL_WORDS)


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
    for offset in range(min(sheet.height, HEADER_SEARCH_ROWS)):
        texts = [text_of(v) for v in sheet.row(offset)]
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
    if merged_in(header) and below < sheet.origin[0] + sheet.height and header_like(below):
        return (header, below)
    return (header,)


def _row(sheet: Sheet, row: int) -> list[CellValue]:
    return sheet.row(row - sheet.origin[0])


def _forward_filled(sheet: Sheet, row: int, col: int) -> str:
    """The text shown at (row, col), taking merged cells into account."""
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= row <= r1 and c0 <= col <= c1:
            return text_of(sheet.value(r0, c0))
    return text_of(sheet.value(row, col))


def _columns(sheet: Sheet, header_rows: tuple[int, ...], context: _Context) -> list[Column]:
    left = sheet.origin[1]
    width = sheet.width
    columns = []
    for col in range(left, left + width):
        parts = [_forward_filled(sheet, row, col) for row in header_rows]
        header = " · ".join(p for p in dict.fromkeys(parts) if p)
        last = next((p for p in reversed(parts) if p), "")
        role, dimension = _role_of(last, context) if last else ("ignore", "")
        keys: list[tuple[str, str]] = []
        matches: list[Match] = []
        for part in dict.fromkeys(p for p in parts if p and not _measure_kind(p)):
            part_keys, part_matches = _header_keys(part, context)
            keys += part_keys
            matches += part_matches
        if role in ("ignore", "measure") and keys:
            role = "value"
        elif role in VALUE_ROLES and len(parts) > 1:
            pass  # "Numérateur" under a group header naming the indicator: keys kept
        elif role not in VALUE_ROLES:
            keys, matches = [], []
        columns.append(Column(col, header, role, dimension, tuple(keys), tuple(matches)))
    return columns


def _chosen(columns: list[Column], override: Override, context: _Context) -> list[Column]:
    """`columns` with the roles a person gave some of them."""
    choices = {c.col: c for c in override.columns}
    out = []
    for column in columns:
        choice = choices.get(column.col)
        if choice is None or choice.role not in CHOSEN_ROLES:
            out.append(column)
        elif choice.role in VALUE_ROLES:
            keys, matches = _header_keys(column.header, context) if column.header else ([], [])
            if choice.target:  # the indicator the person named, whatever the header says
                keys = [k for k in keys if k[0] != "indicator"] + [("indicator", choice.target)]
                matches = [m for m in matches if m.kind != "indicator"]
                matches.append(Match("indicator", column.header, choice.target, 1.0, "partner"))
            out.append(
                Column(column.col, column.header, choice.role, "", tuple(keys), tuple(matches))
            )
        elif choice.role == "dimension":
            out.append(Column(column.col, column.header, "dimension", choice.target))
        else:
            out.append(Column(column.col, column.header, choice.role))
    return out


def _role_of(text: str, context: _Context) -> tuple[str, str]:
    found = set(words(text))
    # "Sexe", "Niveau": a breakdown's own name, and nothing else ("Type de partenaire", not
    # "Part des stages trouvés grâce aux partenaires").
    for code, label in context.dimension_labels:
        if found and found <= label:
            return "dimension", code
    for role, vocabulary in sorted(ROLE_WORDS.items(), key=lambda item: item[0] != "comment"):
        if found & vocabulary:
            if role in ("value", "period") and context.period_of(text):
                break  # "Valeur 2024-2025", "1er trimestre 2024-2025": values for that period
            return role, ""
    if _measure_kind(text):
        return "measure", ""  # "Taux", "Nombre", "Total": decided with the other columns
    return "ignore", ""


def _measure_kind(text: str) -> str:
    """ "total" for a header such as "Total" or "Total général", "measure" for one that only
    says how its column measures ("Taux", "Nombre", "%"), "" for any other."""
    found = set(words(text))
    if found and found & TOTAL_WORDS and found <= TOTAL_HEADER_WORDS and TOTAL_HINT.search(text):
        return "total"
    if found and found <= MEASURE_WORDS:
        return "measure"
    return ""


def _measures(columns: list[Column], reading: TableReading) -> list[Column]:
    """Decide the columns headed by a measure word or a total.

    A "Total" beside columns of categories (Filles, Garçons) that share its other keys is the
    total of those categories; beside periods or indicators it is skipped, as totals rows are.
    A lone measure header ("Taux", "Nombre", or "Total" alone) is the value column of a table
    that has no other.
    """
    values = [c for c in columns if c.role in VALUE_ROLES]
    out = []
    for column in columns:
        kind = _measure_kind(column.header.split(" · ")[-1]) if column.header else ""
        if not kind or (
            column.role != "measure" and (column.role not in VALUE_ROLES or kind != "total")
        ):
            out.append(column)
            continue
        own = {k: t for k, t in column.keys if k not in ("dimension", "period")}
        siblings = [
            c
            for c in values
            if c is not column
            and {k: t for k, t in c.keys if k not in ("dimension", "period")} == own
        ]
        by_category = bool(siblings) and all(
            any(k == "dimension" for k, _ in c.keys) and not any(k == "period" for k, _ in c.keys)
            for c in siblings
        )
        if kind == "total" and by_category:
            out.append(replace(column, role="value", total=True))
        elif not values or (column.role in VALUE_ROLES and not siblings):
            out.append(replace(column, role="value"))
        else:
            if kind == "total":
                reading.skipped_totals.append((column.col, column.header))
            out.append(replace(column, role="ignore", keys=(), matches=()))
    return out


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
    """Keys given by the sheet's name and the title rows above the table, each text whole
    then part by part ("Taux d'absentéisme – année scolaire 2024-2025"): the first period,
    and the surest place and indicator (the first of equally sure ones)."""
    keys: dict[str, object] = {}
    texts = [sheet.name]
    for row in range(sheet.origin[0], header_row):
        texts += [text_of(v) for v in sheet.row(row - sheet.origin[0]) if text_of(v)]
    pieces = list(
        dict.fromkeys(
            piece
            for text in texts
            for piece in (text, *TITLE_PARTS.split(text))
            if piece and not _is_number(piece)
        )
    )
    for piece in pieces:
        if period := context.period_of(piece):
            if "period" not in keys:
                keys["period"] = period
                keys["period_label"] = piece
            continue
        for kind in ("place", "indicator"):
            match = context.vocabulary.match(kind, piece)
            best = keys.get(kind)
            if (
                match.target is not None
                and match.confidence >= ASK
                and (not isinstance(best, Match) or match.confidence > best.confidence)
            ):
                keys[kind] = match
    return keys


def _number_like(raw: CellValue) -> bool:
    """A cell that reads as a number or as a not-available marker ("NC", "-")."""
    if isinstance(raw, bool) or raw is None:
        return False
    if isinstance(raw, int | float):
        return True
    text = text_of(raw)
    return bool(text) and (_is_number(text) or normalise(text) in NOT_AVAILABLE or text == "-")
