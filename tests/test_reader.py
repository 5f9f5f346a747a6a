"""Reading untrusted files: hostile cases refused early, crashes contained, the corpus handled."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.common.problems import FILE_TEMPLATES, UnreadableFileError
from indicators.ingest.intake import Limits, inspect_file
from indicators.ingest.parse import decode, read_csv
from indicators.ingest.reader import close_workers, idle_workers, read_ahead, read_workbook
from indicators.ingest.workbook import Sheet, cell_name, column_letters, parse_cell_name
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
# D files (hostile or broken) that are nevertheless read, and why.
READ_DESPITE_D = {
    "apache_poi/MalformedSSTCount.xlsx": "the absurd declared count is never used to allocate",
    "calamine/vba.xlsm": ".xlsm is accepted for its values; the macro is never run",
}
TIGHT = Limits(worker_memory=800 * 1024 * 1024, worker_seconds=20)


def refusal(path: Path, name: str | None = None, limits: Limits | None = None) -> str:
    with pytest.raises(UnreadableFileError) as refused:
        read_workbook(path, name, limits)
    problem = refused.value.problem
    assert problem.message("fr") and problem.message("en") and problem.hint("fr")
    return problem.code


def workbook(tmp_path: Path, name: str = "t.xlsx", **cells: float | str) -> Path:
    book = openpyxl.Workbook()
    for ref, value in cells.items():
        book.worksheets[0][ref] = value
    path = tmp_path / name
    book.save(path)
    return path


def rewrite_part(source: Path, target: Path, part: str, change: object) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = change(data)  # type: ignore[operator]
            zout.writestr(info, data)
    return target


# --- cell references ---------------------------------------------------------------------


def test_cell_names_round_trip() -> None:
    assert column_letters(0) == "A" and column_letters(25) == "Z" and column_letters(26) == "AA"
    assert column_letters(16383) == "XFD"
    for row, col in [(0, 0), (9, 27), (1048575, 16383)]:
        assert parse_cell_name(cell_name(row, col)) == (row, col)
    assert parse_cell_name("$C$5") == (4, 2)
    with pytest.raises(ValueError):
        parse_cell_name("5C")


# --- what is read ------------------------------------------------------------------------


def test_values_origin_merged_and_flags(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Collège"
    sheet["C5"] = "Indicateurs 2024-2025"
    sheet.merge_cells("C5:E5")
    sheet["D7"] = 12
    sheet["E8"] = "=1/0"  # never calculated: no cached value
    hidden = book.create_sheet("Élèves")
    hidden["A1"] = "Nom de l'élève"
    hidden.sheet_state = "hidden"
    path = tmp_path / "t.xlsx"
    book.save(path)
    read = read_workbook(path)
    assert [s.name for s in read.sheets] == ["Collège"]
    assert read.hidden_sheets == ("Élèves",)
    [only] = read.sheets
    assert only.origin == (4, 2)
    assert only.value(4, 2) == "Indicateurs 2024-2025" and only.value(6, 3) == 12
    assert only.value(5, 2) is None and only.value(100, 100) is None
    assert only.merged == ((4, 2, 4, 4),)
    assert only.flags == {(7, 4): "formula-without-value"}
    assert "Nom de l'élève" not in repr(read)  # a hidden sheet's content is never even read


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ";"), ("utf-8-sig", ","), ("cp1252", ";"), ("utf-16", "\t"), ("latin-1", "|")],
)
def test_csv_in_any_common_encoding_and_delimiter(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    rows = [
        ["Collège", "Indicateur", "Valeur"],
        ["Les Tilleuls", "Élèves touchés", "1 234,5"],
        ["", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path = tmp_path / "export.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    read = read_workbook(path)
    assert read.format == "csv"
    assert read.sheets[0].rows == [rows[0], rows[1], [None, None, None]]


def test_decode_never_fails() -> None:
    assert decode(b"\xe9l\xe8ve") == "élève"  # Windows-1252
    assert decode(b"\x81\x8d\x8f") == "\x81\x8d\x8f"  # undefined in cp1252: Latin-1
    assert read_csv(b"") == []


# --- refused before parsing --------------------------------------------------------------


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = workbook(tmp_path, A1=1)
    assert refusal(path, limits=Limits(max_bytes=1000)) == "file-too-large"


def test_zip_bomb_by_ratio_is_refused_from_the_directory(tmp_path: Path) -> None:
    path = workbook(tmp_path, A1=1)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/padding.bin", b"\0" * (20 * 1024 * 1024))  # ~20 KB once compressed
    assert refusal(bomb) == "zip-bomb"
    assert (
        refusal(bomb, limits=Limits(max_uncompressed=5 * 1024 * 1024, max_ratio=10**9))
        == "zip-bomb"
    )


def test_too_many_entries(tmp_path: Path) -> None:
    path = workbook(tmp_path, A1=1)
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(many, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        for i in range(60):
            zout.writestr(f"xl/media/{i}.txt", b"x")
    assert refusal(many, limits=Limits(max_entries=50)) == "zip-bomb"


def test_entity_declaration_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, A1="x")
    bomb = rewrite_part(
        path,
        tmp_path / "lol.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda d: (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>' + d.split(b"?>", 1)[-1]
        ),
    )
    assert refusal(bomb) == "xml-entities"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        (
            "notes.xlsx",
            "Collège;Valeur\nTilleuls;12\n".encode(),
            "content-mismatch",
        ),  # a CSV named .xlsx
        ("notes.xls", b"Coll\xe8ge;Valeur\n", "content-mismatch"),
        ("image.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "content-mismatch"),
        ("tronque.xlsx", b"PK\x03\x04" + b"\x14\x00" * 20, "corrupt-file"),
        ("vide.xlsx", b"", "empty-file"),
        ("rapport.pdf", b"%PDF-1.4", "unsupported-format"),
        ("~$classeur.xlsx", b"\x0bJ\x00e\x00a\x00n", "lock-file"),
        ("binaire.csv", b"\x00\x01\x02\x03" * 10, "content-mismatch"),
    ],
)
def test_mislabelled_and_broken_files(tmp_path: Path, name: str, content: bytes, code: str) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    assert refusal(path, name) == code


def test_word_document_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "lettre.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", b"<w:document/>")
    assert refusal(path) == "content-mismatch"


# --- contained in the worker -------------------------------------------------------------


def test_parser_crash_becomes_a_refusal(tmp_path: Path) -> None:
    # python-calamine aborts the process (Rust panic) on a grid spanning A1:XFD1048576.
    path = workbook(tmp_path, A1=1)
    crash = rewrite_part(
        path,
        tmp_path / "crash.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda d: d.replace(b"</c></row>", b'</c><c r="XFD1048576" t="n"><v>2</v></c></row>'),
    )
    assert refusal(crash) == "reader-crashed"


def test_time_limit_ends_the_worker(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a;b;c\n" + b"1;2;3\n" * 400_000)
    assert refusal(path, limits=Limits(worker_seconds=0.05)) == "reader-timeout"


def test_memory_limit_ends_the_worker(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a;b;c;d\n" + b"1;2;3;4\n" * 1_500_000)
    assert refusal(path, limits=Limits(worker_memory=120 * 1024 * 1024)) in {"reader-crashed"}


def test_a_worker_reads_one_file_after_another_and_a_crashed_one_is_replaced(
    tmp_path: Path,
) -> None:
    close_workers()
    good = workbook(tmp_path, A1=1, B1=2)
    assert read_workbook(good).sheets[0].value(0, 1) == 2
    (first,) = idle_workers()
    assert read_workbook(good).sheets[0].value(0, 0) == 1
    assert idle_workers() == [first]  # the same process read the second file
    crash = rewrite_part(
        good,
        tmp_path / "crash.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda d: d.replace(b"</c></row>", b'</c><c r="XFD1048576" t="n"><v>2</v></c></row>'),
    )
    assert refusal(crash) == "reader-crashed"  # the idle worker took it, and died of it
    assert idle_workers() == []
    assert read_workbook(good).sheets[0].value(0, 1) == 2  # a new worker
    assert idle_workers() != [first]


def test_after_a_timeout_the_next_file_is_read_by_a_new_worker(tmp_path: Path) -> None:
    close_workers()
    slow = tmp_path / "big.csv"
    slow.write_bytes(b"a;b;c\n" + b"1;2;3\n" * 400_000)
    assert refusal(slow, limits=Limits(worker_seconds=0.05)) == "reader-timeout"
    assert idle_workers() == []
    assert read_workbook(workbook(tmp_path, A1=7)).sheets[0].value(0, 0) == 7


def test_each_file_reports_its_own_peak_memory(tmp_path: Path) -> None:
    close_workers()
    big = tmp_path / "big.csv"
    big.write_bytes(b"a;b;c;d\n" + b"1;2;3;4\n" * 300_000)
    small = workbook(tmp_path, A1=1)
    large_peak = read_workbook(big).reader_peak_mb
    small_peak = read_workbook(small).reader_peak_mb
    assert len(idle_workers()) == 1  # one worker read both
    assert 0 < small_peak < large_peak


def test_read_ahead_keeps_the_order_and_gives_refusals_as_values(tmp_path: Path) -> None:
    files = [workbook(tmp_path, f"f{n}.xlsx", A1=n) for n in range(6)]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    items = [(path, path.name) for path in files[:3]] + [(empty, "empty.csv")]
    items += [(path, path.name) for path in files[3:]]
    read = list(read_ahead(items, workers=2))
    assert [r.sheets[0].value(0, 0) for r in read if not isinstance(r, Exception)] == list(range(6))
    refused = read[3]
    assert isinstance(refused, UnreadableFileError) and refused.problem.code == "empty-file"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=600), st.sampled_from([".xlsx", ".xls", ".ods", ".csv", ".xlsm"]))
def test_any_bytes_are_read_or_refused(tmp_path: Path, content: bytes, extension: str) -> None:
    path = tmp_path / f"fuzz{extension}"
    path.write_bytes(content)
    try:
        read_workbook(path)
    except UnreadableFileError as refused:
        assert refused.problem.code in FILE_TEMPLATES


def test_every_file_code_has_a_template_and_hint_in_both_languages() -> None:
    for code, (fr, en) in FILE_TEMPLATES.items():
        assert fr and en and fr != en, code


# --- the shared corpus -------------------------------------------------------------------


def _manifest() -> list[dict[str, str]]:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        return []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent (a clone alone)")
@pytest.mark.parametrize("entry", _manifest(), ids=lambda e: e["local_path"])
def test_corpus_file_is_read_or_refused_within_limits(entry: dict[str, str]) -> None:
    path = CORPUS / entry["local_path"]
    if entry["category"] == "D" and entry["local_path"] not in READ_DESPITE_D:
        refusal(path, limits=TIGHT)
        return
    read = read_workbook(path, limits=TIGHT)
    assert read.sheets
    if entry["local_path"] == "calamine/vba.xlsm":
        assert "macros-ignored" in read.notes


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent (a clone alone)")
def test_corpus_details() -> None:
    errors = read_workbook(CORPUS / "calamine/errors.xlsx").sheets[0]
    assert sorted(errors.flags.values()) == sorted(
        f"error:{e}" for e in ("#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A")
    )
    assert read_workbook(CORPUS / "calamine/any_sheets.xlsx").hidden_sheets == (
        "Hidden",
        "VeryHidden",
    )
    percent = read_workbook(CORPUS / "xlsx2csv/percentage.xlsx").sheets[0].rows
    expected = (CORPUS / "xlsx2csv/percentage.expected.csv").read_text(encoding="utf-8").split()
    # the reader gives the stored fraction; the oracle shows it rounded by the cell's format
    assert len(percent) == len(expected)
    for row, shown in zip(percent, expected, strict=True):
        assert isinstance(row[0], float)
        assert abs(row[0] * 100 - float(shown.rstrip("%"))) <= 0.5
    register = read_workbook(CORPUS / "xlsx2csv/skip_empty_lines.xlsx").sheets[0].rows
    oracle = list(
        csv.reader(
            io.StringIO(
                (CORPUS / "xlsx2csv/skip_empty_lines.expected.csv").read_text(encoding="utf-8")
            )
        )
    )

    def text(value: object) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return "" if value is None else str(value)

    assert [[text(v) for v in row] for row in register if any(row)] == oracle
    dates = read_workbook(CORPUS / "calamine/date_1904.xlsx").sheets[0].rows
    assert str(dates[0][0]) == "2021-01-01"  # the 1904 date system is honoured


def test_inspect_accepts_a_plain_workbook(tmp_path: Path) -> None:
    assert inspect_file(workbook(tmp_path, A1=1)).format == "xlsx"
    assert inspect_file(workbook(tmp_path, "m.xlsm", A1=1)).format == "xlsm"


def test_a_factorised_sheet_keeps_booleans_apart_from_numbers_and_pads_short_rows() -> None:
    rows: list[list[object]] = [["a", 1.0, True], [1, None, ""], ["a"]]
    sheet = Sheet.from_rows("s", rows)
    assert sheet.rows == [["a", 1.0, True], [1, None, None], ["a", None, None]]
    assert type(sheet.value(0, 2)) is bool and type(sheet.value(0, 1)) is float
    assert sheet.uniques.count("a") == 1 and sheet.cells == 9 and sheet.height == 3
    plain = Sheet.from_rows("s", [[2.5, "x"], [2.5, "x"]])
    assert list(plain.codes) == [2, 3, 2, 3] and plain.uniques == [None, None, 2.5, "x"]
