"""Checks on an uploaded file before any parser touches it.

Everything here reads at most a few kilobytes per part and trusts nothing the file declares
without bounding it: the zip directory is read, no entry is inflated beyond its first bytes.
A refused file raises `UnreadableFileError` carrying one `FileProblem`.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from indicators.common.problems import FileProblem, UnreadableFileError

ACCEPTED = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
CFB_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
BIFF8_BOF = b"\x09\x08\x10\x00\x00\x06"
FILEPASS = b"\x2f\x00"
PEEK_BYTES = 4096
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_EXTERNAL = re.compile(rb"schemaLocation\s*=\s*[\"'](https?|ftp|file):", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """Bounds on what an upload may cost; every number is configurable."""

    max_bytes: int = 50 * 1024 * 1024
    max_entries: int = 10_000
    max_uncompressed: int = 1024 * 1024 * 1024
    max_ratio: float = 250.0  # uncompressed / compressed, for parts bigger than `ratio_floor`
    ratio_floor: int = 8 * 1024 * 1024
    worker_memory: int = 1536 * 1024 * 1024
    worker_seconds: float = 60.0


@dataclass(frozen=True)
class Intake:
    """What a file really is, once checked: its format and what was noticed."""

    format: str  # xlsx, xlsm, xls, ods, csv
    notes: tuple[str, ...] = ()


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} Mo" if n >= 1024 * 1024 else f"{n / 1024:.0f} Ko"


def inspect_file(path: Path, name: str | None = None, limits: Limits | None = None) -> Intake:
    """The checked format of the file at `path`, uploaded as `name`; UnreadableFileError if not."""
    limits = limits or Limits()
    name = name or path.name
    extension = PurePosixPath(name.replace("\\", "/")).suffix.lower()

    if PurePosixPath(name.replace("\\", "/")).name.startswith("~$"):
        raise _refusal(name, "lock-file")
    if extension not in ACCEPTED:
        raise _refusal(
            name, "unsupported-format", extension=extension or "?", accepted=", ".join(ACCEPTED)
        )
    size = path.stat().st_size
    if size == 0:
        raise _refusal(name, "empty-file")
    if size > limits.max_bytes:
        raise _refusal(name, "file-too-large", size=_size(size), limit=_size(limits.max_bytes))
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)

    if head.startswith(CFB_MAGIC):
        return _inspect_cfb(path, extension, name)
    if head.startswith(ZIP_MAGICS):
        return _inspect_zip(path, extension, limits, name)
    if extension == ".csv":
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _refusal(name, "content-mismatch", found="binaire / binary", extension=extension)
        return Intake("csv")
    found = "texte / text" if _looks_like_text(head) else "inconnu / unknown"
    raise _refusal(name, "content-mismatch", found=found, extension=extension)


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return b"\x00" not in head
    return True


def _refusal(name: str, code: str, **details: object) -> UnreadableFileError:
    return UnreadableFileError(FileProblem(code, name, details))


def _inspect_cfb(path: Path, extension: str, name: str) -> Intake:
    """An OLE2 container: a legacy .xls, or an encrypted OOXML package."""
    with path.open("rb") as handle:
        data = handle.read(2 * 1024 * 1024)  # the directory and the first records are early
    if (
        "EncryptionInfo".encode("utf-16-le") in data
        or "EncryptedPackage".encode("utf-16-le") in data
    ):
        raise _refusal(name, "encrypted")
    if extension != ".xls":
        raise _refusal(name, "content-mismatch", found="Excel 97-2003 (.xls)", extension=extension)
    # BIFF8: a FILEPASS record right after the workbook's BOF means the sheet data is encrypted.
    start = data.find(BIFF8_BOF)
    if start >= 0:
        length = int.from_bytes(data[start + 2 : start + 4], "little")
        following = data[start + 4 + length : start + 6 + length]
        if following == FILEPASS:
            raise _refusal(name, "encrypted")
    return Intake("xls")


def _inspect_zip(path: Path, extension: str, limits: Limits, name: str) -> Intake:
    """An OOXML or OpenDocument package: check its directory and the head of each XML part."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refusal(name, "corrupt-file", reason=str(exc) or "zip") from None
    with archive:
        entries = archive.infolist()
        if not entries:
            raise _refusal(name, "corrupt-file", reason="archive vide / empty archive")
        if len(entries) > limits.max_entries:
            raise _refusal(name, "zip-bomb", reason=f"{len(entries)} entrées / entries")
        total = sum(e.file_size for e in entries)
        if total > limits.max_uncompressed:
            raise _refusal(
                name, "zip-bomb", reason=f"{_size(total)} une fois décompressé / uncompressed"
            )
        for entry in entries:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > limits.ratio_floor and ratio > limits.max_ratio:
                raise _refusal(name, "zip-bomb", reason=f"{entry.filename} : ×{ratio:.0f}")
        names = {e.filename.replace("\\", "/").lower(): e for e in entries}
        kind = _package_kind(archive, names, name)
        if kind is None:
            raise _refusal(name, "content-mismatch", found="archive zip", extension=extension)
        expected = {"xlsx": (".xlsx", ".xlsm"), "ods": (".ods",)}[kind]
        if extension not in expected:
            found = "OpenDocument (.ods)" if kind == "ods" else "Excel (.xlsx)"
            raise _refusal(name, "content-mismatch", found=found, extension=extension)
        for lowered, entry in names.items():
            if not lowered.endswith((".xml", ".rels")):
                continue
            head = _peek(archive, entry, name)
            if _DTD.search(head):
                raise _refusal(name, "xml-entities", part=entry.filename)
            if _EXTERNAL.search(head) or (
                lowered.endswith("xmlmaps.xml") and b"schemaLocation" in head
            ):
                raise _refusal(name, "external-reference", reason=entry.filename)
        if kind == "ods":
            manifest = names.get("meta-inf/manifest.xml")
            if manifest is not None and b"encryption-data" in _peek(
                archive, manifest, name, 256 * 1024
            ):
                raise _refusal(name, "encrypted")
            return Intake("ods")
        notes = ("macros-ignored",) if "xl/vbaproject.bin" in names else ()
        return Intake("xlsm" if extension == ".xlsm" else "xlsx", notes)


def _package_kind(
    archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], name: str
) -> str | None:
    """ "xlsx" for a spreadsheet OPC package (wherever its parts lie), "ods", or None."""
    types = names.get("[content_types].xml")
    if types is not None:
        declared = _peek(archive, types, name, 256 * 1024)
        return "xlsx" if b"spreadsheetml" in declared or b"ms-excel" in declared else None
    mimetype = names.get("mimetype")
    if mimetype is not None and mimetype.file_size < 200:
        try:
            if archive.read(mimetype).strip() == ODS_MIMETYPE:
                return "ods"
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            return None
    return None


def _peek(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str, size: int = PEEK_BYTES
) -> bytes:
    """The first `size` bytes of one entry, inflating no more than that."""
    try:
        with archive.open(entry) as stream:
            return stream.read(size)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise _refusal(name, "corrupt-file", reason=f"{entry.filename} : {exc}") from None
    except RuntimeError as exc:  # zipfile's own word for an encrypted entry
        raise _refusal(name, "encrypted") from exc
