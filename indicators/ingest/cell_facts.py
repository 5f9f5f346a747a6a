"""What a value reader cannot say about a cell: error values, uncalculated formulas, percentages.

python-calamine returns an error cell (`#DIV/0!`, `#N/A`) as "" and a formula that was never
calculated as nothing, so both pass for blanks; and it does not expose number formats, so a
cell shown "100 %" arrives as the bare number 1.0. `cell_facts` reads the file itself and
says, per sheet name and absolute 0-based (row, col), which cells need such care:

- "error:<text>": the cell holds an error value (its text as the file gives it, "#DIV/0!",
  "#N/A", or LibreOffice's "Err:502" and localised names such as "#NV");
- "formula-without-value": a formula whose result was never calculated;
- "percent": a numeric cell displayed with a percentage number format.

One fact per cell, in that order of precedence. Sheets are keyed by name, hidden ones
included; a sheet without facts is left out. Formats: xlsx and xlsm (sheet parts and
styles.xml), ods (content.xml), xls (errors and percentages: a BIFF formula always keeps its
last result), csv (nothing to say).

Best effort on untrusted files already checked by `intake`: a file or part it cannot
understand gives no facts, never an exception other than MemoryError. No document tree is
built: sheet XML and content.xml are scanned in pieces of `_CHUNK` bytes by patterns, in
time linear in their size; the small parts (relationships, workbook, styles) go through
`iterparse` with each element dropped once read. A sheet part without a formula, an error or
a percent style costs three byte searches per piece.

Standard library only, plus xlrd (imported only then) for the legacy binary .xls format.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from xlrd.sheet import Sheet as XlsSheet

Facts = dict[tuple[int, int], str]

ERROR = "error:"
FORMULA_WITHOUT_VALUE = "formula-without-value"
PERCENT = "percent"

_CHUNK = 4 * 1024 * 1024  # bytes of sheet XML scanned at a time
_MAX_REPEATED_FACTS = 200_000  # ODS: positions added by repeated cells or rows, per file
_ERROR_TEXT = 50  # characters kept of an error's text
_WS = frozenset(b" \t\r\n")
_AFTER_TAG_NAME = frozenset(b" \t\r\n>/")
_TAG_REACH = 4096  # bytes between a cell's start and its attribute or formula, at most
_MANY_STYLES = 64  # past this many percent styles, cells are found by their style attribute
_BUILTIN_PERCENT = frozenset({9, 10})  # "0%" and "0.00%"


def cell_facts(path: Path, fmt: str) -> dict[str, Facts]:
    """Per sheet name, the cells whose raw value cannot be trusted or needs its format."""
    try:
        if fmt in ("xlsx", "xlsm"):
            return _xlsx_facts(path)
        if fmt == "ods":
            return _ods_facts(path)
        if fmt == "xls":
            return _xls_facts(path)
    except MemoryError:
        raise
    except Exception:  # best effort on an untrusted file: no facts rather than a failure
        return {}
    return {}


def is_percent_format(code: str) -> bool:
    """Whether an Excel number format code shows a percentage: an unquoted, unescaped "%".

    Quoted literals ("%"), escaped characters (\\%), the character after "_" or "*" and
    bracketed sections ([Red], [$-40C]) are skipped.
    """
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            if end < 0:
                return False
            i = end + 1
        elif ch == "[":
            end = code.find("]", i + 1)
            if end < 0:
                return False
            i = end + 1
        elif ch in "\\_*":
            i += 2
        elif ch == "%":
            return True
        else:
            i += 1
    return False


# --- shared helpers ---------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _names(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Entries by lower-case name with forward slashes (some producers write backslashes)."""
    return {info.filename.replace("\\", "/").lower(): info for info in archive.infolist()}


def _ends(stream: IO[bytes]) -> Iterator[tuple[ET.Element, str]]:
    """Each element when it ends, with its parent's local name; then dropped from the tree.

    Only attributes are meant to be read: children have already been dropped.
    """
    stack: list[ET.Element] = []
    for event, element in ET.iterparse(stream, events=("start", "end")):
        if event == "start":
            stack.append(element)
            continue
        stack.pop()
        parent = stack[-1] if stack else None
        yield element, _local(parent.tag) if parent is not None else ""
        if parent is not None:
            parent.remove(element)


# --- xlsx / xlsm --------------------------------------------------------------------------------

_ROOT = re.compile(rb"<(\w+:)?(?:worksheet|dialogsheet|macrosheet|chartsheet)\b")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ROW_OR_CELL_TAG = re.compile(rb"<(?:\w+:)?(row|c)[\s>/]")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ATTR_R = re.compile(rb"""\br=["']([A-Za-z$]+[0-9$]+)["']""")
_ATTR_ROW = re.compile(rb"""\br=["']([0-9]+)["']""")
_ATTR_T = re.compile(rb"""\bt=["'](\w+)["']""")
_ATTR_S = re.compile(rb"""\bs=["']([0-9]+)["']""")
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s*/>|\s*>([^<]*)</(?:\w+:)?v>)")
_ERROR_NEEDLES = (b't="e"', b"t='e'")
_REL_OFFICE = "/officeDocument"
_REL_STYLES = "/styles"


class _PositionsNeededError(Exception):
    """A cell with a fact has no `r` attribute: its position needs every cell counted."""


def _xlsx_facts(path: Path) -> dict[str, Facts]:
    with zipfile.ZipFile(path) as archive:
        names = _names(archive)
        parts, styles = _xlsx_parts(archive, names)
        percent = _percent_styles(archive, styles) if styles is not None else frozenset()
        facts: dict[str, Facts] = {}
        for name, info in parts.items():
            try:
                found = _xlsx_sheet(archive, info, percent)
            except MemoryError:
                raise
            except Exception:  # one part not understood: the others still count
                continue
            if found:
                facts[name] = found
        return facts


def _xlsx_parts(
    archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]
) -> tuple[dict[str, zipfile.ZipInfo], zipfile.ZipInfo | None]:
    """The sheet parts by sheet name, and the styles part, found through the relationships."""

    def relationships(part: str) -> list[tuple[str, str, str]]:
        info = names.get(part.lower())
        if info is None:
            return []
        with archive.open(info) as stream:
            return [
                (e.get("Id", ""), e.get("Type", ""), e.get("Target", "").replace("\\", "/"))
                for e, _ in _ends(stream)
                if _local(e.tag) == "Relationship"
            ]

    def resolve(folder: str, target: str) -> zipfile.ZipInfo | None:
        full = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        return names.get(full.lower())

    main = next(
        (t for _, kind, t in relationships("_rels/.rels") if kind.endswith(_REL_OFFICE)), ""
    ).lstrip("/")
    workbook = names.get(main.lower())
    if not main or workbook is None:
        return {}, None
    folder, file = posixpath.split(main)
    rels = relationships(posixpath.join(folder, "_rels", file + ".rels"))
    targets = {rid: target for rid, _, target in rels}
    styles = next((resolve(folder, t) for _, kind, t in rels if kind.endswith(_REL_STYLES)), None)
    parts: dict[str, zipfile.ZipInfo] = {}
    with archive.open(workbook) as stream:
        for element, _ in _ends(stream):
            if _local(element.tag) != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            info = resolve(folder, targets.get(rid or "", ""))
            if info is not None:
                parts[element.get("name", "")] = info
    return parts, styles


def _percent_styles(archive: zipfile.ZipFile, styles: zipfile.ZipInfo) -> frozenset[int]:
    """Indexes of the cell formats (cellXfs) whose number format shows a percentage."""
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    try:
        with archive.open(styles) as stream:
            for element, parent in _ends(stream):
                name = _local(element.tag)
                if name == "numFmt" and parent == "numFmts":
                    custom[_int(element.get("numFmtId"), -1)] = element.get("formatCode", "")
                elif name == "xf" and parent == "cellXfs":
                    xf_formats.append(_int(element.get("numFmtId"), 0))
    except MemoryError:
        raise
    except Exception:  # styles not understood: no percentages rather than no facts at all
        return frozenset()

    def percent(format_id: int) -> bool:
        code = custom.get(format_id)
        return is_percent_format(code) if code is not None else format_id in _BUILTIN_PERCENT

    return frozenset(i for i, format_id in enumerate(xf_formats) if percent(format_id))


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _xlsx_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, percent: frozenset[int]) -> Facts:
    if 0 in percent:  # cells without a style attribute are percentages: count every cell
        return _xlsx_sheet_scan(archive, info, percent, positional=True)
    try:
        return _xlsx_sheet_scan(archive, info, percent, positional=False)
    except _PositionsNeededError:
        return _xlsx_sheet_scan(archive, info, percent, positional=True)


def _xlsx_sheet_scan(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, percent: frozenset[int], positional: bool
) -> Facts:
    with archive.open(info) as stream:
        head = stream.read(_CHUNK)
        root = _ROOT.search(head, 0, 65536)
        prefix = (root.group(1) or b"") if root else b""
        scanner = _SheetScanner(prefix, percent)
        scan = scanner.scan_all if positional else scanner.scan_targets
        _chunked(stream, head, scan, b"<" + prefix + b"row", scanner.cell_open)
        return scanner.facts


def _chunked(
    stream: IO[bytes],
    head: bytes,
    scan: Callable[[bytearray, int], None],
    row_open: bytes,
    cell_open: bytes,
) -> None:
    """Hand `scan` the part in pieces that end where a row or a cell starts, never inside one."""
    buffer = bytearray(head)
    searched = 0  # where to look for the next boundary: the bytes before hold none
    while True:
        data = stream.read(_CHUNK)
        if not data:
            if buffer:
                scan(buffer, len(buffer))
            return
        buffer += data
        cut = max(
            buffer.rfind(row_open, searched),
            _last_cell_start(buffer, cell_open, searched, len(buffer)),
        )
        searched = max(0, len(buffer) - len(row_open) - 1)
        if cut > 0:
            scan(buffer, cut)
            del buffer[:cut]
            searched = max(0, searched - cut)


def _last_cell_start(buffer: bytearray | bytes, cell_open: bytes, lo: int, hi: int) -> int:
    """Where the last `<c ` tag in buffer[lo:hi] starts (not `<col`, `<cfRule`...), or -1."""
    while True:
        at = buffer.rfind(cell_open, lo, hi)
        if at < 0:
            return -1
        after = at + len(cell_open)
        if after < len(buffer) and buffer[after] in _AFTER_TAG_NAME:
            return at
        hi = at + len(cell_open) - 1


class _SheetScanner:
    """The facts of one sheet part, gathered over its pieces.

    Every search is linear in the piece: a cell is read up to the next candidate cell at most,
    and the start tag of a marker is looked for within `_TAG_REACH` bytes before it.
    """

    def __init__(self, prefix: bytes, percent: frozenset[int]):
        self.cell_open = b"<" + prefix + b"c"
        self.formula_open = b"<" + prefix + b"f"
        self.percent = percent
        self.facts: Facts = {}
        self.row = -1  # positional scan: the current row and column
        self.col = -1
        self.columns: dict[bytes, int] = {}  # column letters already converted
        self.many = len(percent) > _MANY_STYLES
        styles = (
            rb"([0-9]+)"
            if self.many
            else rb"(" + b"|".join(str(i).encode() for i in sorted(percent, reverse=True)) + rb")"
        )
        self.percent_attribute = re.compile(rb"""\ss=["']""" + styles + rb"""["']""")
        self.percent_needles = tuple(b's="%d"' % i for i in sorted(percent))
        self.usual_percent_cell = re.compile(
            b"<"
            + prefix
            + rb'c r="([A-Z]{1,3})([1-9][0-9]{0,6})" s="'
            + styles
            + rb'"(?: t="n")?><'
            + prefix
            + rb"v>[^<\s][^<]*</"
            + prefix
            + rb"v></"
            + prefix
            + rb"c>"
        )

    def scan_targets(self, buffer: bytearray, end: int) -> None:
        """Find the few cells that may carry a fact by their markers, not by reading each cell."""
        starts: set[int] = set()
        single_quotes = buffer.find(b"='", 0, end) >= 0  # some producers quote attributes so
        if self.percent:
            self._scan_percent(buffer, end, starts, single_quotes)
        for needle in _ERROR_NEEDLES if single_quotes else _ERROR_NEEDLES[:1]:
            at, previous = buffer.find(needle, 0, end), 0
            while at >= 0:
                if at > 0 and buffer[at - 1] in _WS:
                    self._add_tag_start(buffer, at, previous, starts)
                at, previous = buffer.find(needle, at + 1, end), at
        # A formula's cell starts after the previous formula (two in one cell: not a cell).
        size = len(self.formula_open)
        at, previous = buffer.find(self.formula_open, 0, end), 0
        while at >= 0:
            if at + size < end and buffer[at + size] in _AFTER_TAG_NAME:
                lo = max(previous, at - _TAG_REACH)
                cell = _last_cell_start(buffer, self.cell_open, lo, at)
                if cell >= 0:
                    starts.add(cell)
            at, previous = buffer.find(self.formula_open, at + size, end), at
        for start, stop in pairwise([*sorted(starts), end]):
            found = _CELL.match(buffer, start, stop)  # a cell ends before the next one starts
            if found is None:
                continue
            attributes, inner = found.group(1), found.group(2)
            fact = self._fact(attributes, inner)
            if fact is None:
                continue
            ref = _ATTR_R.search(attributes)
            if ref is None:
                raise _PositionsNeededError
            where = _parse_ref(ref.group(1))
            if where is not None:
                self.facts[where] = fact  # errors and formulas take precedence over percentages

    def _scan_percent(
        self, buffer: bytearray, end: int, starts: set[int], single_quotes: bool
    ) -> None:
        """The numeric cells with a percent style, found without looking at every cell in Python.

        One pattern takes the usual layout (`<c r="D2" s="3" t="n"><v>0.5</v></c>`) and gives
        the position directly. If fewer cells matched it than the piece holds percent style
        attributes (other layouts, empty or text cells, a row style), or if there are too many
        percent styles to count them, the tags holding those attributes are added to `starts`,
        to be read one by one.
        """
        if not self.many:
            facts, columns = self.facts, self.columns
            usual = self.usual_percent_cell.findall(buffer, 0, end)
            for letters, digits, _ in usual:
                col = columns.get(letters)
                if col is None:
                    col = columns[letters] = _parse_column(letters)
                facts[(int(digits) - 1, col)] = PERCENT
            # `s="N"` without the space before also counts tabs and newlines before it
            attributes = sum(buffer.count(needle, 0, end) for needle in self.percent_needles)
            if attributes == len(usual) and not single_quotes:
                return
        previous = 0
        for match in self.percent_attribute.finditer(buffer, 0, end):
            at = match.start() + 1
            if not self.many or int(match.group(1)) in self.percent:
                self._add_tag_start(buffer, at, previous, starts)
            previous = at

    def _add_tag_start(self, buffer: bytearray, at: int, previous: int, starts: set[int]) -> None:
        """Add the start of the tag holding the attribute at `at`, if that tag is a cell.

        The tag starts after the previous marker of the same kind (or that was not in a tag).
        """
        start = buffer.rfind(b"<", max(previous, at - _TAG_REACH), at)
        after = start + len(self.cell_open)
        if (
            start >= 0
            and buffer.startswith(self.cell_open, start)
            and after < len(buffer)
            and buffer[after] in _AFTER_TAG_NAME
        ):
            starts.add(start)

    def scan_all(self, buffer: bytearray, end: int) -> None:
        """Count every row and cell: for cells without an `r` attribute, or style 0 a percent."""
        tags = _ROW_OR_CELL_TAG.finditer(buffer, 0, end)
        current = next(tags, None)
        while current is not None:
            following = next(tags, None)
            stop = following.start() if following is not None else end
            if current.group(1) == b"row":
                row = _ROW_TAG.match(buffer, current.start(), stop)
                number = _ATTR_ROW.search(row.group(1)) if row else None
                self.row = int(number.group(1)) - 1 if number else self.row + 1
                self.col = -1
            else:
                self._count_cell(_CELL.match(buffer, current.start(), stop))
            current = following

    def _count_cell(self, found: re.Match[bytes] | None) -> None:
        attributes, inner = (found.group(1), found.group(2)) if found else (b"", None)
        ref = _ATTR_R.search(attributes)
        where = _parse_ref(ref.group(1)) if ref else None
        if where is None:
            where = (max(self.row, 0), self.col + 1)
        self.row, self.col = where
        fact = self._fact(attributes, inner) if found else None
        if fact is not None:
            self.facts[where] = fact

    def _fact(self, attributes: bytes, inner: bytes | None) -> str | None:
        kind_match = _ATTR_T.search(attributes)
        kind = kind_match.group(1) if kind_match else b"n"
        value = _VALUE.search(inner) if inner else None
        text = value.group(1) if value is not None else None
        if kind == b"e":
            shown = text.decode("utf-8", "replace").strip() if text else ""
            return ERROR + (shown[:_ERROR_TEXT] or "?")
        if inner and self._has_formula(inner):
            has_value = bool(text) or (kind == b"str" and value is not None)
            if not has_value:
                return FORMULA_WITHOUT_VALUE
        if self.percent and kind == b"n" and text and text.strip():
            style = _ATTR_S.search(attributes)
            if (int(style.group(1)) if style else 0) in self.percent:
                return PERCENT
        return None

    def _has_formula(self, inner: bytes) -> bool:
        size = len(self.formula_open)
        at = inner.find(self.formula_open)
        while at >= 0:
            if at + size < len(inner) and inner[at + size] in _AFTER_TAG_NAME:
                return True
            at = inner.find(self.formula_open, at + size)
        return False


def _parse_column(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col - 1


def _parse_ref(ref: bytes) -> tuple[int, int] | None:
    """The 0-based (row, col) of an A1 reference, None if it is not one."""
    text = ref.replace(b"$", b"").upper()
    letters = text.rstrip(b"0123456789")
    digits = text[len(letters) :]
    if not letters or not digits or len(letters) > 3 or not letters.isalpha():
        return None
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    row = int(digits)
    return (row - 1, col - 1) if row >= 1 else None


# --- ods ----------------------------------------------------------------------------------------

_ODS_NAMESPACES = {
    "office": b"urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": b"urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": b"urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "calcext": b"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}
_XMLNS = re.compile(rb"""xmlns:([\w.-]+)\s*=\s*["']([^"']+)["']""")
_ATTRIBUTE = re.compile(rb"""([\w.-]+:[\w.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ODS_MARKERS = (b"formula", b"percentage", b"error")
_VALUE_OF_TYPE = {
    "float": "value",
    "percentage": "value",
    "currency": "value",
    "date": "date-value",
    "time": "time-value",
    "boolean": "boolean-value",
}
# Error texts of producers that write no calcext:value-type (ODF 1.2 without extensions).
_ERROR_LITERAL = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A)|Err:\d{3}")


def _ods_facts(path: Path) -> dict[str, Facts]:
    with zipfile.ZipFile(path) as archive:
        info = _names(archive).get("content.xml")
        if info is None:
            return {}
        with archive.open(info) as stream:
            if not _contains_any(stream, _ODS_MARKERS):
                return {}  # no formula, no percentage, no error: nothing to read
        with archive.open(info) as stream:
            head = stream.read(_CHUNK)
            scanner = _OdsScanner(head)
            table = scanner.prefix["table"]
            row_open, cell_open = b"<" + table + b":table-row", b"<" + table + b":table-cell"
            _chunked(stream, head, scanner.scan, row_open, cell_open)
            return {name: found for name, found in scanner.facts.items() if found}


def _repeat(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    """A repeat count of an ODS row or cell: 1 if absent, never huge."""
    found = pattern.search(attributes)
    return min(max(int(found.group(1)), 1), 1 << 31) if found else 1


def _contains_any(stream: IO[bytes], needles: tuple[bytes, ...]) -> bool:
    overlap = max(len(n) for n in needles) - 1
    tail = b""
    while data := stream.read(_CHUNK):
        window = tail + data
        if any(needle in window for needle in needles):
            return True
        tail = window[-overlap:]
    return False


class _OdsScanner:
    """The facts of content.xml, from its start tags read with one pattern: no tree is built.

    Positions count every cell and row, with their repeats; a run of repeated cells or rows that
    carries a fact adds at most `_MAX_REPEATED_FACTS` positions over the whole file. Best effort:
    a table nested in a cell (which spreadsheet applications do not write) is not told apart.
    """

    def __init__(self, head: bytes):
        declared = {uri: prefix for prefix, uri in _XMLNS.findall(head, 0, 65536)}
        self.prefix = {key: declared.get(uri, key.encode()) for key, uri in _ODS_NAMESPACES.items()}
        names = {key: prefix.decode("ascii", "replace") for key, prefix in self.prefix.items()}
        table, text, office = (re.escape(self.prefix[k]) for k in ("table", "text", "office"))
        # Start tags only (a row's end is known from its start), each cell's with the text of its
        # first paragraph, after its note if it has one (the note ends before the next table tag).
        self.tags = re.compile(
            b"<"
            + table
            + rb":(table-cell|covered-table-cell|table-row|table|dde-links)(?=[\s/>])([^>]*)>"
            + (b"(?:<" + office + rb":annotation\b(?:[^<]++|<(?!" + table + b":|/" + office)
            + rb":annotation>))*+</"
            + office
            + rb":annotation>)?(?:<"
            + text
            + rb":p\b[^>]*>([^<]*))?"
        )
        self.name_attribute = re.compile(table + rb""":name\s*=\s*(?:"([^"]*)"|'([^']*)')""")
        self.rows_repeated = re.compile(table + rb""":number-rows-repeated\s*=\s*["']([0-9]+)""")
        self.cols_repeated = re.compile(table + rb""":number-columns-repeated\s*=\s*["']([0-9]+)""")
        self.value_type = names["office"] + ":value-type"
        self.result_type = names["calcext"] + ":value-type"
        self.formula = names["table"] + ":formula"
        self.string_value = names["office"] + ":string-value"
        self.value_of_type = {t: names["office"] + ":" + a for t, a in _VALUE_OF_TYPE.items()}
        self.percentage = office + b':value-type="percentage"'
        self.with_value = office + b":value="
        self.facts: dict[str, Facts] = {}
        self.sheet: Facts | None = None
        self.row = self.col = 0
        self.next_row = 0
        self.in_links = False  # the cached tables of DDE links, after the sheets, are not sheets
        self.repeats_left = _MAX_REPEATED_FACTS

    def scan(self, buffer: bytearray, end: int) -> None:
        sheet, row, col, next_row = self.sheet, self.row, self.col, self.next_row
        cols_repeated, percentage, with_value = self.cols_repeated, self.percentage, self.with_value
        for name, attributes, text in self.tags.findall(buffer, 0, end):
            if name == b"table-cell" or name == b"covered-table-cell":
                if sheet is None:
                    continue
                cols = _repeat(cols_repeated, attributes) if b"repeated" in attributes else 1
                if (
                    b"percentage" in attributes
                    or b"error" in attributes
                    or b"formula" in attributes
                ):
                    if (
                        percentage in attributes
                        and with_value in attributes
                        and b"formula" not in attributes
                    ):
                        fact: str | None = (
                            PERCENT  # the usual case, without reading every attribute
                        )
                    else:
                        fact = self._fact(attributes, text)
                    if fact is not None:
                        self._record(sheet, row, col, next_row - row, cols, fact)
                col += cols
            elif name == b"table-row":
                row, col = next_row, 0
                next_row = row + _repeat(self.rows_repeated, attributes)
            elif name == b"table":
                if self.in_links:
                    continue
                sheet = self.facts.setdefault(self._sheet_name(attributes), {})
                row = col = next_row = 0
            else:
                sheet, self.in_links = None, True
        self.sheet, self.row, self.col, self.next_row = sheet, row, col, next_row

    def _sheet_name(self, attributes: bytes) -> str:
        found = self.name_attribute.search(attributes)
        quoted = (found.group(1) or found.group(2) or b"") if found else b""
        return html.unescape(quoted.decode("utf-8", "replace"))

    def _record(self, sheet: Facts, row: int, col: int, rows: int, cols: int, fact: str) -> None:
        """The fact at a cell, and at the cells its repeats cover (within the budget)."""
        sheet[(row, col)] = fact
        if rows == cols == 1:
            return
        for r in range(row, row + rows):
            for c in range(col, col + cols):
                if self.repeats_left <= 0:
                    return
                if (r, c) != (row, col):
                    sheet[(r, c)] = fact
                    self.repeats_left -= 1

    def _fact(self, raw: bytes, raw_text: bytes) -> str | None:
        attributes = {
            key.decode("utf-8", "replace"): html.unescape(
                (double if double or not single else single).decode("utf-8", "replace")
            )
            for key, double, single in _ATTRIBUTE.findall(raw)
        }
        text = html.unescape(raw_text.decode("utf-8", "replace")).strip()
        value_type = attributes.get(self.value_type)
        if attributes.get(self.result_type) == "error":
            shown = attributes.get(self.string_value) or text
            return ERROR + (shown[:_ERROR_TEXT] or "?")
        if self.formula in attributes:
            value_attribute = self.value_of_type.get(value_type or "")
            if value_type is None or (value_attribute and value_attribute not in attributes):
                return FORMULA_WITHOUT_VALUE
            if value_type == "string" and self.result_type not in attributes:
                shown = attributes.get(self.string_value) or text
                if _ERROR_LITERAL.fullmatch(shown):
                    return ERROR + shown
        if value_type == "percentage" and self.value_of_type["percentage"] in attributes:
            return PERCENT
        return None


# --- xls ----------------------------------------------------------------------------------------


class _Discard(io.StringIO):
    """xlrd writes its warnings to a log file, standard output by default: the worker's answer."""

    def write(self, text: str) -> int:
        return len(text)


def _xls_facts(path: Path) -> dict[str, Facts]:
    import xlrd

    book = xlrd.open_workbook(str(path), logfile=_Discard(), formatting_info=True, on_demand=True)
    try:
        percent = frozenset(
            index
            for index, xf in enumerate(book.xf_list)
            if (number_format := book.format_map.get(xf.format_key)) is not None
            and is_percent_format(number_format.format_str or "")
        )
        facts: dict[str, Facts] = {}
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
                found = _xls_sheet(sheet, percent)
                book.unload_sheet(index)
            except MemoryError:
                raise
            except Exception:  # one sheet not understood: the others still count
                continue
            if found:
                facts[sheet.name] = found
        return facts
    finally:
        book.release_resources()


def _xls_sheet(sheet: XlsSheet, percent: frozenset[int]) -> Facts:
    import xlrd

    error, number = xlrd.XL_CELL_ERROR, xlrd.XL_CELL_NUMBER
    facts: Facts = {}
    for row in range(sheet.nrows):
        types = sheet.row_types(row)
        if error not in types and (not percent or number not in types):
            continue
        for col, kind in enumerate(types):
            if kind == error:
                code = int(sheet.cell_value(row, col))  # an error cell's value is its code
                facts[(row, col)] = ERROR + xlrd.error_text_from_code.get(code, "?")
            elif kind == number and percent and sheet.cell_xf_index(row, col) in percent:
                facts[(row, col)] = PERCENT
    return facts
